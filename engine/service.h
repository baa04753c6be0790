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
 * the overall row) and the members table (by area, then member id),
 * which borrows its ids from x: free it before x. NULL tables when
 * memory runs out. */
int service_tables(const exchanges *x, const recip_result *r, restab **recip,
                   restab **members);

#endif
