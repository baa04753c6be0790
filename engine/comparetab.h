/*
 * comparetab.h — the tables funnel.csv and spatial.csv (SPEC §4), shared
 * by `ecometer funnel`, `ecometer moran` and the [compare] and [spatial]
 * stages of `run`.
 */
#ifndef ECOMETER_COMPARETAB_H
#define ECOMETER_COMPARETAB_H

#include "../io/restab.h"
#include "../models/funnel.h"
#include "../models/moran.h"

restab *comparetab_funnel_create(void);
/* One row per area: the indicator's name, the area's id (ids[i] for area
 * i of r) and the type's name. Returns 0 or -1 (memory). */
int comparetab_funnel_rows(restab *t, const char *indicator, const char *type,
                           const char *const *ids, const funnel_result *r);

restab *comparetab_spatial_create(void);
int comparetab_spatial_row(restab *t, const char *variable,
                           const moran_result *r);

/* "ratio", "proportion" or "score". */
const char *comparetab_type_name(funnel_type type);

#endif
