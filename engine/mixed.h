/*
 * mixed.h — mixed models from a formula over a loaded table, and their
 * three tables of SPEC §4 (coefficients, model_fit, groups). Shared by
 * `ecometer fit` and the model stage of `run`.
 */
#ifndef ECOMETER_MIXED_H
#define ECOMETER_MIXED_H

#include "../io/restab.h"
#include "../io/table.h"
#include "../models/design.h"
#include "../models/did.h"
#include "../models/formula.h"
#include "../models/lmm.h"
#include "../models/regress.h"

typedef struct {
    restab *coefficients, *fit, *groups;
} mixed_tables;

int mixed_tables_create(mixed_tables *m);

/* An empty coefficients table (SPEC §4's columns), and one row of it:
 * statistic = estimate/SE, with its p-value and 95% interval from the t
 * distribution with df degrees of freedom, or the normal when df is 0. */
restab *mixed_coefficients_create(void);
int mixed_coefficient_row(restab *t, const char *model, const char *term,
                          double estimate, double se, double df);
void mixed_tables_free(mixed_tables *m);

/* The columns a formula names, each once (response, terms, offsets,
 * grouping factors, slopes); *names is a new array of borrowed strings. */
size_t mixed_formula_columns(const formula *f, const char ***names);

/* A design_lookup over a table whose columns were requested in the order
 * of `names`. */
typedef struct {
    const table *t;
    const char *const *names;
    size_t ncols;
    const char **texts; /* code -> text, for the whole table */
} table_source;

int table_source_init(table_source *src, const table *t,
                      const char *const *names, size_t ncols);
void table_source_free(table_source *src);
int table_source_lookup(void *ctx, const char *name, design_column *out);

/* Dense cluster indices (0..*nclusters-1) of the design's rows from the
 * column `name` of the data (text: through its codes; numbers: through
 * their sorted distinct values); -1 marks a missing cluster. NULL when
 * the data have no such column or memory runs out. */
int32_t *mixed_cluster_index(const design *d, design_lookup lookup, void *ctx,
                             const char *name, size_t *nclusters);

/* Fits the mixed model of design d (one grouping factor, with an optional
 * random slope, or two nested random intercepts: the factor with more
 * groups is taken as the inner one). NULL with err set on failure;
 * *inner gets the index (into d->random) of factor 0. */
lmm_result *mixed_fit(const design *d, int reml, size_t *inner, error_buf *err);

/* Appends a fixed-effects regression's rows (coefficients and model_fit;
 * t-based p-values for OLS, normal ones for GLMs). */
int mixed_regression_add(mixed_tables *m, const char *model, const design *d,
                         const reg_result *r);

/* Appends a difference-in-differences' rows: the term D, and n_obs,
 * n_units, n_periods and df_residual. */
int mixed_did_add(restab *coefficients, restab *fit, const char *model,
                  const did_result *r);

/* Appends a fitted model's rows. */
int mixed_tables_add(mixed_tables *m, const char *model, const design *d,
                     const lmm_result *r, size_t inner, int reml);

#endif
