/*
 * service.h — the exchanges stage shared by `ecometer reciprocity` and
 * `run`: the load request from options or the [exchanges] section, and
 * the reciprocity and members tables of SPEC §4.
 */
#ifndef ECOMETER_SERVICE_H
#define ECOMETER_SERVICE_H

#include "../io/exchanges.h"
#include "../io/restab.h"
#include "../io/study.h"
#include "../models/reciprocity.h"

/* Fills the defaults of SPEC §3 for the names the caller left NULL. */
void service_defaults(exchanges_request *req);

/* A request from the [exchanges] section (paths already resolved by the
 * study for the file; the members file is resolved here against dir).
 * Strings point into the study. Returns ST_OK, or ST_EUSAGE (err set)
 * for a bad window. */
status service_request(const study *s, exchanges_request *req, error_buf *err);

/* The overall row's area_id. */
#define SERVICE_OVERALL "(overall)"

/* Builds the reciprocity table (areas in byte order of their ids, then
 * the overall row) and, unless members is NULL, the members table (by
 * area, then member id), which borrows its ids from x: free it before x.
 * Returns 0, or -1 with NULL tables when memory runs out. */
int service_tables(const exchanges *x, const recip_result *r, restab **recip,
                   restab **members);

/* The members table without holding it as cells (two million members
 * would take 14 million of them): the members in table order, written
 * as CSV rows on demand. */
typedef struct {
    const exchanges *x;
    const recip_result *r;
    size_t *order; /* r->members indices in table order */
} service_members;

/* Orders the members. Returns 0, or -1 when out of memory. */
int service_members_order(const exchanges *x, const recip_result *r,
                          service_members *m);
void service_members_free(service_members *m);

/* Writes rows [from, to) of the members table as CSV, after the header
 * when header is set; ST_EIO with err set naming `where` when a write
 * fails. */
status service_members_csv(const service_members *m, FILE *f, size_t from,
                           size_t to, int header, const char *where,
                           error_buf *err);

#endif
