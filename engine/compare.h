/*
 * compare.h — the comparison stages of `run` (SPEC §2, §4): rank
 * intervals of every scale's area scores (1,000 posterior draws), the
 * [compare] sections (funnel limits against counts or survey scores) and
 * [spatial] (Moran's I of area variables over the neighbour list), over
 * the area frame of the area stage. Writes funnel.csv and spatial.csv.
 */
#ifndef ECOMETER_COMPARE_H
#define ECOMETER_COMPARE_H

#include "../io/restab.h"
#include "../io/study.h"
#include "../io/table.h"
#include "../models/ecometric.h"
#include "../models/funnel.h"
#include "areastage.h"

typedef struct {
    const study *s;
    struct frame *frame;         /* or NULL: no area stage */
    const table *areas;          /* its areas columns (id in
                                    column 0), or NULL */
    const char *const *area_ids; /* nareas, in byte order */
    size_t nareas;
    const ecometric_result *const *ecometric; /* per scale */
    uint64_t seed;
} compare_input;

typedef struct {
    const study_section *sec; /* its [compare] section */
    funnel_result *r;         /* per area of the frame, in id order */
} comparison;

typedef struct {
    double **rank, **rank_low, **rank_high; /* per scale, per area */
    restab *funnel, *spatial;               /* NULL without such sections */
    comparison *comparisons; /* per [compare] section, in order */
    size_t ncomparisons;
    area_warning *warnings; /* areas left out of a comparison */
    size_t nwarnings;
} compare_output;

/* Rank intervals for every scale; then the [compare] sections. */
status compare_run(const compare_input *in, compare_output *out,
                   error_buf *err);
/* The [spatial] section, when the study has one. */
status compare_spatial(const compare_input *in, compare_output *out,
                       error_buf *err);
void compare_free(compare_output *out, size_t nscales);

#endif
