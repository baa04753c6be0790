/*
 * mixed.c — fitting formulas as mixed models and tabulating them
 * (see mixed.h).
 */
#include "mixed.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const coef_cols[] = {"model",     "term",      "estimate",
                                        "std_error", "statistic", "p_value",
                                        "conf_low",  "conf_high"};
static const char *const fit_cols[] = {"model", "statistic", "value"};
static const char *const group_cols[] = {
    "model", "factor", "term", "group", "n", "mode", "cond_sd", "reliability"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

restab *mixed_coefficients_create(void)
{
    return restab_create(coef_cols, COUNT(coef_cols));
}

int mixed_coefficient_row(restab *t, const char *model, const char *term,
                          double estimate, double se, double df)
{
    double stat = estimate / se;
    double q =
        df > 0 ? gsl_cdf_tdist_Pinv(0.975, df) : gsl_cdf_ugaussian_Pinv(0.975);
    double p = df > 0 ? 2 * gsl_cdf_tdist_Q(fabs(stat), df)
                      : 2 * gsl_cdf_ugaussian_Q(fabs(stat));
    int rc = restab_text(t, model);
    rc |= restab_text(t, term);
    rc |= restab_num(t, estimate);
    rc |= restab_num(t, se);
    rc |= restab_num(t, stat);
    rc |= restab_num(t, p);
    rc |= restab_num(t, estimate - q * se);
    rc |= restab_num(t, estimate + q * se);
    return rc ? -1 : 0;
}

int mixed_tables_create(mixed_tables *m)
{
    m->coefficients = mixed_coefficients_create();
    m->fit = restab_create(fit_cols, COUNT(fit_cols));
    m->groups = restab_create(group_cols, COUNT(group_cols));
    if (m->coefficients && m->fit && m->groups)
        return 0;
    mixed_tables_free(m);
    return -1;
}

int mixed_did_add(restab *coefficients, restab *fit, const char *model,
                  const did_result *r)
{
    int rc = mixed_coefficient_row(coefficients, model, "D", r->delta, r->se,
                                   r->df_residual);
    const struct {
        const char *stat;
        double v;
    } rows[] = {{"n_obs", (double)r->n},
                {"n_units", (double)r->units},
                {"n_periods", (double)r->times},
                {"df_residual", r->df_residual}};
    for (size_t i = 0; i < COUNT(rows); i++) {
        rc |= restab_text(fit, model);
        rc |= restab_text(fit, rows[i].stat);
        rc |= restab_num(fit, rows[i].v);
    }
    return rc;
}

void mixed_tables_free(mixed_tables *m)
{
    restab_free(m->coefficients);
    restab_free(m->fit);
    restab_free(m->groups);
    m->coefficients = m->fit = m->groups = NULL;
}

typedef struct {
    const char **names;
    size_t n, cap;
} name_list;

static void add_name(const char *name, void *ctx)
{
    name_list *l = ctx;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->names[i], name) == 0)
            return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        const char **n = realloc(l->names, cap * sizeof *n);
        if (n == NULL)
            return;
        l->names = n;
        l->cap = cap;
    }
    l->names[l->n++] = name;
}

size_t mixed_formula_columns(const formula *f, const char ***names)
{
    name_list l = {NULL, 0, 0};
    expr_names(f->response, add_name, &l);
    for (size_t v = 0; v < f->nvars; v++)
        expr_names(f->vars[v].e, add_name, &l);
    for (size_t k = 0; k < f->noffsets; k++)
        expr_names(f->offsets[k], add_name, &l);
    for (size_t k = 0; k < f->nrandom; k++) {
        add_name(f->random[k].group, &l);
        if (f->random[k].slope)
            add_name(f->random[k].slope, &l);
    }
    *names = l.names;
    return l.n;
}

static int by_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int32_t *mixed_cluster_index(const design *d, design_lookup lookup, void *ctx,
                             const char *name, size_t *nclusters)
{
    design_column col;
    if (!lookup(ctx, name, &col))
        return NULL;
    size_t n = d->n, k = 0;
    int32_t *idx = malloc((n ? n : 1) * sizeof *idx);
    size_t cap = col.num ? n : col.ncodes;
    double *values = malloc((cap ? cap : 1) * sizeof *values);
    int32_t *slot = malloc((cap ? cap : 1) * sizeof *slot);
    if (idx == NULL || values == NULL || slot == NULL) {
        free(idx);
        idx = NULL;
        goto done;
    }
    if (col.num != NULL) {
        for (size_t i = 0; i < n; i++)
            if (!isnan(col.num[d->rows[i]]))
                values[k++] = col.num[d->rows[i]];
        qsort(values, k, sizeof *values, by_double);
        size_t distinct = 0;
        for (size_t i = 0; i < k; i++)
            if (distinct == 0 || values[i] != values[distinct - 1])
                values[distinct++] = values[i];
        k = distinct;
        for (size_t i = 0; i < n; i++) {
            double v = col.num[d->rows[i]];
            const double *hit =
                isnan(v) ? NULL
                         : bsearch(&v, values, k, sizeof *values, by_double);
            idx[i] = hit ? (int32_t)(hit - values) : -1;
        }
    } else {
        for (size_t c = 0; c < col.ncodes; c++)
            slot[c] = -1;
        for (size_t i = 0; i < n; i++) {
            int32_t c = col.code[d->rows[i]];
            if (c >= 0 && slot[c] < 0)
                slot[c] = (int32_t)k++;
            idx[i] = c >= 0 ? slot[c] : -1;
        }
    }
    *nclusters = k;
done:
    free(values);
    free(slot);
    return idx;
}

int table_source_init(table_source *src, const table *t,
                      const char *const *names, size_t ncols)
{
    size_t nc = table_ncodes(t);
    src->t = t;
    src->names = names;
    src->ncols = ncols;
    src->texts = malloc((nc ? nc : 1) * sizeof *src->texts);
    if (src->texts == NULL)
        return -1;
    for (size_t c = 0; c < nc; c++)
        src->texts[c] = table_text(t, (int32_t)c);
    return 0;
}

void table_source_free(table_source *src)
{
    free(src->texts);
    src->texts = NULL;
}

int table_source_lookup(void *ctx, const char *name, design_column *out)
{
    const table_source *src = ctx;
    for (size_t c = 0; c < src->ncols; c++) {
        if (strcmp(src->names[c], name) != 0 || !table_present(src->t, c))
            continue;
        memset(out, 0, sizeof *out);
        if (table_kind(src->t, c) == COL_TEXT) {
            out->code = table_codes(src->t, c);
            out->text = src->texts;
            out->ncodes = table_ncodes(src->t);
        } else {
            out->num = table_numbers(src->t, c);
        }
        return 1;
    }
    return 0;
}

lmm_result *mixed_fit(const design *d, int reml, size_t *inner, error_buf *err)
{
    lmm_input in = {d->n,         d->p,   d->X, d->y, d->offset, 1,
                    {NULL, NULL}, {0, 0}, 1,    NULL, reml};
    *inner = 0;
    if (d->nrandom == 2) {
        const design_random *a = &d->random[0], *b = &d->random[1];
        if (!a->intercept || !b->intercept || a->slope || b->slope) {
            err_set(err, ST_EUSAGE, "formula", 0, 0,
                    "two grouping factors take random intercepts only, as "
                    "in (1 | g1) + (1 | g2)");
            return NULL;
        }
        *inner = a->ngroups >= b->ngroups ? 0 : 1;
        in.nfactors = 2;
        in.group[0] = d->random[*inner].group;
        in.ngroups[0] = d->random[*inner].ngroups;
        in.group[1] = d->random[1 - *inner].group;
        in.ngroups[1] = d->random[1 - *inner].ngroups;
    } else if (d->nrandom == 1) {
        in.group[0] = d->random[0].group;
        in.ngroups[0] = d->random[0].ngroups;
        in.intercept = d->random[0].intercept;
        in.slope = d->random[0].slope;
    } else {
        err_set(err, ST_EUSAGE, "formula", 0, 0,
                "one or two random terms are supported, as in (1 | g), "
                "(x | g) or (1 | g1) + (1 | g2)");
        return NULL;
    }
    return lmm_fit(&in, err);
}

static int fit_row(restab *t, const char *model, const char *stat, double v)
{
    int rc = restab_text(t, model);
    rc |= restab_text(t, stat);
    rc |= restab_num(t, v);
    return rc;
}

static int fit_bool(restab *t, const char *model, const char *stat, int v)
{
    int rc = restab_text(t, model);
    rc |= restab_text(t, stat);
    rc |= restab_bool(t, v);
    return rc;
}

int mixed_regression_add(mixed_tables *m, const char *model, const design *d,
                         const reg_result *r)
{
    int rc = 0;
    for (size_t j = 0; j < r->p; j++)
        rc |= mixed_coefficient_row(m->coefficients, model, d->names[j],
                                    r->beta[j], r->se[j],
                                    r->t_dist ? r->df_residual : 0);
    restab *f = m->fit;
    const struct {
        const char *name;
        double value;
    } rows[] = {{"n_obs", (double)d->n},
                {"df_residual", r->df_residual},
                {"r_squared", r->r_squared},
                {"adj_r_squared", r->adj_r_squared},
                {"f_statistic", r->f_statistic},
                {"sigma", r->sigma},
                {"log_lik", r->log_lik},
                {"aic", r->aic},
                {"bic", r->bic},
                {"deviance", r->deviance},
                {"null_deviance", r->null_deviance},
                {"theta", r->theta},
                {"theta_se", r->theta_se}};
    /* the statistics that apply: NaN marks the others */
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (!isnan(rows[i].value))
            rc |= fit_row(f, model, rows[i].name, rows[i].value);
    rc |= fit_bool(f, model, "converged", r->converged);
    rc |= fit_row(f, model, "iterations", (double)r->iterations);
    return rc ? -1 : 0;
}

static int group_rows(restab *t, const char *model, const design_random *g,
                      const lmm_result *r, size_t f, size_t term,
                      const char *term_name, double tau00)
{
    int rc = 0;
    for (size_t i = 0; i < r->ngroups[f]; i++) {
        double n = (double)r->count[f][i];
        rc |= restab_text(t, model);
        rc |= restab_text(t, g->factor);
        rc |= restab_text(t, term_name);
        rc |= restab_text(t, g->labels[i]);
        rc |= restab_int(t, (long long)r->count[f][i]);
        rc |= restab_num(t, r->mode[f][term][i]);
        rc |= restab_num(t, r->cond_sd[f][term][i]);
        /* METHODS §3: λ_g = τ00 / (τ00 + σ²/n_g), for intercepts */
        rc |=
            restab_num(t, term_name[0] == '(' ? tau00 / (tau00 + r->sigma2 / n)
                                              : (double)NAN);
    }
    return rc;
}

int mixed_tables_add(mixed_tables *m, const char *model, const design *d,
                     const lmm_result *r, size_t inner, int reml)
{
    int rc = 0;
    for (size_t j = 0; j < r->p; j++)
        rc |= mixed_coefficient_row(m->coefficients, model, d->names[j],
                                    r->beta[j], r->se[j], 0);
    restab *f = m->fit;
    const design_random *g0 = &d->random[inner];
    const design_random *g1 = r->nfactors == 2 ? &d->random[1 - inner] : NULL;
    char name[256];
    rc |= fit_row(f, model, "n_obs", (double)d->n);
    if (g1 == NULL) {
        rc |= fit_row(f, model, "n_groups", (double)r->ngroups[0]);
    } else { /* in formula order */
        for (size_t k = 0; k < 2; k++) {
            size_t fac = k == inner ? 0 : 1;
            snprintf(name, sizeof name, "n_groups_%s", d->random[k].factor);
            rc |= fit_row(f, model, name, (double)r->ngroups[fac]);
        }
    }
    rc |= fit_row(f, model, "log_lik", r->loglik);
    rc |= fit_row(f, model, "aic", r->aic);
    rc |= fit_row(f, model, "bic", r->bic);
    rc |= fit_row(f, model, reml ? "reml_criterion" : "deviance", r->criterion);
    rc |= fit_row(f, model, "sigma", sqrt(r->sigma2));
    rc |= fit_row(f, model, "sigma2", r->sigma2);
    if (g1 == NULL) {
        if (g0->intercept)
            rc |= fit_row(f, model, "tau00", r->tau00[0]);
        if (g0->slope) {
            rc |= fit_row(f, model, "tau11", r->tau11);
            if (g0->intercept)
                rc |= fit_row(f, model, "rho01", r->rho01);
        }
    } else {
        for (size_t k = 0; k < 2; k++) {
            snprintf(name, sizeof name, "tau00_%s", d->random[k].factor);
            rc |= fit_row(f, model, name, r->tau00[k == inner ? 0 : 1]);
        }
    }
    rc |= fit_bool(f, model, "singular", r->singular);
    rc |= fit_bool(f, model, "converged", r->converged);
    rc |= fit_row(f, model, "iterations", (double)r->iterations);
    /* groups, factors in formula order, intercept before slope */
    for (size_t k = 0; k < d->nrandom; k++) {
        size_t fac = k == inner ? 0 : 1;
        const design_random *g = &d->random[k];
        size_t term = 0;
        if (g->intercept)
            rc |= group_rows(m->groups, model, g, r, fac, term++, "(Intercept)",
                             r->tau00[fac]);
        if (g->slope)
            rc |= group_rows(m->groups, model, g, r, fac, term, g->slope_name,
                             (double)NAN);
    }
    return rc ? -1 : 0;
}
