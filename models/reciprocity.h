/*
 * reciprocity.h — the reciprocity and co-production indices of METHODS
 * §7, per area and overall, and the member table.
 *
 * Exchanges in an area form a directed graph: u → v when u gave v at
 * least once (self-exchanges dropped and counted). Professionals are the
 * ids that ever give with the professional role in the area; members are
 * all other ids seen in its exchanges. Edges are deduplicated by sorting
 * and components found by union-find, so the work is O(E log E).
 */
#ifndef ECOMETER_RECIPROCITY_H
#define ECOMETER_RECIPROCITY_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef struct {
    size_t n;                          /* exchanges */
    const int32_t *giver, *receiver;   /* id codes in [0, nids) */
    const int32_t *area;               /* area codes in [0, nareas) */
    const unsigned char *professional; /* the giver is paid staff */
    const double *hours;
    size_t nids, nareas;
} recip_input;

/* The indices of one area (or of all exchanges pooled). NaN where an index
 * is undefined (no members, no hours, no professional hours, no edges). */
typedef struct {
    size_t members, professionals, givers, receivers, reciprocators;
    size_t exchanges, mutual_dyads;
    double hours, member_hours, professional_hours, hours_per_member;
    double share_givers, share_reciprocators, dyadic_reciprocity;
    double gini_hours, peer_hours_share, catalyst_ratio;
    double largest_component_share;
    size_t edges, reciprocated_edges, largest_component; /* the counts
                                          behind the graph indices */
} recip_area;

/* One row of the member table: an id as seen in one area. */
typedef struct {
    int32_t id, area;
    int professional;
    double given_hours, received_hours;
    size_t given_count, received_count;
} recip_member;

typedef struct {
    size_t nareas;
    recip_area *areas;     /* nareas entries */
    recip_area overall;    /* all exchanges pooled */
    recip_member *members; /* by area code, then first appearance */
    size_t nmembers;
    size_t self_exchanges; /* dropped */
} recip_result;

/* Computes every index. NULL with err set when memory runs out. */
recip_result *recip_compute(const recip_input *in, error_buf *err);
void recip_result_free(recip_result *r);

/* The six characteristics of co-production (Boyle & Harris 2009) of
 * METHODS §7, in this order: assets (hours_per_member), capacity
 * (share_givers), mutuality (share_reciprocators), networks
 * (largest_component_share), shared roles (peer_hours_share), catalysts
 * (catalyst_ratio). */
enum { RECIP_PROFILE = 6 };
extern const char *const recip_profile_names[RECIP_PROFILE];

/* Each area's six characteristics as percentiles among the areas with a
 * value: 100 × the share of those areas whose value is at most the
 * area's (R's ecdf); NaN where the area has no value. out holds
 * nareas × RECIP_PROFILE values. Returns 0, or -1 when out of memory. */
int recip_profile(const recip_result *r, double *out);

#endif
