/*
 * comparetab.c — funnel.csv and spatial.csv (see comparetab.h).
 */
#include "comparetab.h"

static const char *const funnel_cols[] = {
    "indicator", "area_id",  "type",   "observed", "denominator", "expected",
    "value",     "target",   "ci_low", "ci_high",  "lower95",     "upper95",
    "lower998",  "upper998", "z",      "flag95",   "flag998"};
static const char *const spatial_cols[] = {
    "variable",        "moran_i",         "expected",
    "variance_normal", "variance_random", "z_random",
    "p_random",        "p_permutation",   "permutations"};
static const char *const flag_names[] = {"low", "within", "high"};
static const char *const type_names[] = {"ratio", "proportion", "score"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

restab *comparetab_funnel_create(void)
{
    return restab_create(funnel_cols, COUNT(funnel_cols));
}

restab *comparetab_spatial_create(void)
{
    return restab_create(spatial_cols, COUNT(spatial_cols));
}

const char *comparetab_type_name(funnel_type type)
{
    return type_names[type];
}

static int flag_cell(restab *t, signed char f)
{
    return f == FUNNEL_FLAG_NA ? restab_na(t)
                               : restab_text(t, flag_names[f + 1]);
}

int comparetab_funnel_rows(restab *t, const char *indicator, const char *type,
                           const char *const *ids, const funnel_result *r)
{
    int rc = 0;
    for (size_t i = 0; i < r->n; i++) {
        rc |= restab_text(t, indicator);
        rc |= restab_text(t, ids[i]);
        rc |= restab_text(t, type);
        const double v[] = {r->observed[i], r->denominator[i], r->expected[i],
                            r->value[i],    r->target,         r->ci_low[i],
                            r->ci_high[i],  r->lower95[i],     r->upper95[i],
                            r->lower998[i], r->upper998[i],    r->z[i]};
        for (size_t k = 0; k < COUNT(v); k++)
            rc |= restab_num(t, v[k]);
        rc |= flag_cell(t, r->flag95[i]);
        rc |= flag_cell(t, r->flag998[i]);
    }
    return rc ? -1 : 0;
}

int comparetab_spatial_row(restab *t, const char *variable,
                           const moran_result *r)
{
    int rc = restab_text(t, variable);
    const double x[] = {
        r->I,        r->expected, r->variance_normal, r->variance_random,
        r->z_random, r->p_random, r->p_permutation};
    for (size_t k = 0; k < COUNT(x); k++)
        rc |= restab_num(t, x[k]);
    rc |= restab_int(t, (long long)r->permutations);
    return rc ? -1 : 0;
}
