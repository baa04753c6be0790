/*
 * areastage.c — [derive], [index], [model] and [mediation] in `run`
 * (see areastage.h).
 */
#include "areastage.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../models/formula.h"
#include "../models/mediate.h"
#include "../models/pca.h"
#include "../models/regress.h"
#include "frame.h"
#include "mixed.h"
#include "respondents.h"

static const char *const recip_names[] = {"members",
                                          "professionals",
                                          "givers",
                                          "receivers",
                                          "reciprocators",
                                          "exchanges",
                                          "hours",
                                          "member_hours",
                                          "professional_hours",
                                          "hours_per_member",
                                          "share_givers",
                                          "share_reciprocators",
                                          "mutual_dyads",
                                          "dyadic_reciprocity",
                                          "gini_hours",
                                          "peer_hours_share",
                                          "catalyst_ratio",
                                          "largest_component_share"};
enum { NRECIP = sizeof recip_names / sizeof recip_names[0] };

static double recip_value(const recip_area *a, size_t i)
{
    const double v[NRECIP] = {(double)a->members,
                              (double)a->professionals,
                              (double)a->givers,
                              (double)a->receivers,
                              (double)a->reciprocators,
                              (double)a->exchanges,
                              a->hours,
                              a->member_hours,
                              a->professional_hours,
                              a->hours_per_member,
                              a->share_givers,
                              a->share_reciprocators,
                              (double)a->mutual_dyads,
                              a->dyadic_reciprocity,
                              a->gini_hours,
                              a->peer_hours_share,
                              a->catalyst_ratio,
                              a->largest_component_share};
    return v[i];
}

int area_stage_wanted(const study *s)
{
    return study_find(s, "derive", NULL) || study_find(s, "index", NULL) ||
           study_find(s, "model", NULL) || study_find(s, "mediation", NULL) ||
           study_find(s, "evaluate", NULL) || study_find(s, "compare", NULL) ||
           study_find(s, "spatial", NULL);
}

void area_stage_free(area_stage_tables *t)
{
    restab_free(t->indices);
    restab_free(t->loadings);
    restab_free(t->coefficients);
    restab_free(t->fit);
    restab_free(t->mediation);
    restab_free(t->groups);
    frame_free(t->frame);
    table_free(t->areas_table);
    for (size_t k = 0; k < t->nkeep; k++)
        free(t->keep[k]);
    free(t->keep);
    free(t->warnings);
    for (size_t i = 0; i < t->nscatters; i++) {
        free(t->scatters[i].x);
        free(t->scatters[i].y);
    }
    free(t->scatters);
    memset(t, 0, sizeof *t);
}

/* Names the stages read, each once. */
typedef struct {
    const char **v;
    size_t n, cap;
} names;

static void want(const char *name, void *ctx)
{
    names *l = ctx;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0)
            return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        const char **v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = name;
}

/* Whether a name is made by a stage rather than read from the areas. */
static int produced(const area_stage_input *in, const char *name)
{
    const study *s = in->s;
    for (size_t i = 0; i < s->nscales; i++) {
        size_t k = strlen(s->scales[i].name);
        if (strcmp(name, s->scales[i].name) == 0 ||
            (strncmp(name, s->scales[i].name, k) == 0 &&
             strcmp(name + k, "_raw") == 0))
            return 1;
    }
    for (size_t i = 0; in->recip && i < NRECIP; i++)
        if (strcmp(name, recip_names[i]) == 0)
            return 1;
    for (size_t i = 0; i < s->nsections; i++) {
        const study_section *sec = &s->sections[i];
        if (strcmp(sec->kind, "index") == 0 && strcmp(sec->name, name) == 0)
            return 1;
        if (strcmp(sec->kind, "derive") == 0)
            for (size_t j = 0; j < sec->nentries; j++)
                if (strcmp(sec->entries[j].key, name) == 0)
                    return 1;
    }
    return 0;
}

static void list_names(const char *value, names *l, char ***keep, size_t *nkeep)
{
    char **items;
    long n = study_split_list(value, &items);
    for (long i = 0; i < n; i++) {
        char **k = realloc(*keep, (*nkeep + 1) * sizeof *k);
        if (k == NULL)
            break;
        *keep = k;
        (*keep)[(*nkeep)++] = items[i];
        want(items[i], l);
    }
    free(items);
}

static status load_areas(const area_stage_input *in, frame *f, table **t,
                         char ***keep, size_t *nkeep, error_buf *err)
{
    const study *s = in->s;
    names l = {NULL, 0, 0};
    want(s->areas_area, &l);
    for (size_t i = 0; i < s->nsections; i++) {
        const study_section *sec = &s->sections[i];
        if (strcmp(sec->kind, "derive") == 0) {
            for (size_t j = 0; j < sec->nentries; j++) {
                expr *e = expr_parse(sec->entries[j].value, "[derive]", NULL);
                /* the parsed names live in e: keep copies of them */
                names tmp = {NULL, 0, 0};
                expr_names(e, want, &tmp);
                for (size_t k = 0; k < tmp.n; k++) {
                    char **kk = realloc(*keep, (*nkeep + 1) * sizeof *kk);
                    if (kk == NULL)
                        break;
                    *keep = kk;
                    (*keep)[(*nkeep)++] = strdup(tmp.v[k]);
                }
                free(tmp.v);
                expr_free(e);
            }
        } else if (strcmp(sec->kind, "evaluate") == 0) {
            want(study_get(sec, "treated"), &l);
        } else if (strcmp(sec->kind, "compare") == 0) {
            static const char *const keys[] = {"observed", "denominator",
                                               "expected", "score", "se"};
            for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
                if (study_get(sec, keys[k]))
                    want(study_get(sec, keys[k]), &l);
        } else if (strcmp(sec->kind, "spatial") == 0) {
            list_names(study_get(sec, "variables"), &l, keep, nkeep);
        } else if (strcmp(sec->kind, "index") == 0) {
            list_names(study_get(sec, "from"), &l, keep, nkeep);
        } else if (strcmp(sec->kind, "mediation") == 0) {
            want(study_get(sec, "x"), &l);
            want(study_get(sec, "m"), &l);
            want(study_get(sec, "y"), &l);
            if (study_get(sec, "covariates"))
                list_names(study_get(sec, "covariates"), &l, keep, nkeep);
        } else if (strcmp(sec->kind, "model") == 0) {
            formula *fm =
                formula_parse(study_get(sec, "formula"), "[model]", NULL);
            if (fm != NULL) {
                const char **cols;
                size_t nc = mixed_formula_columns(fm, &cols);
                for (size_t k = 0; k < nc; k++) {
                    char **kk = realloc(*keep, (*nkeep + 1) * sizeof *kk);
                    if (kk == NULL)
                        break;
                    *keep = kk;
                    (*keep)[(*nkeep)++] = strdup(cols[k]);
                }
                free(cols);
                formula_free(fm);
            }
        }
    }
    /* the names kept alive above, now all in `keep` */
    for (size_t k = 0; k < *nkeep; k++)
        want((*keep)[k], &l);
    col_spec *cols = calloc(l.n ? l.n : 1, sizeof *cols);
    const char **req = calloc(l.n ? l.n : 1, sizeof *req);
    size_t nreq = 0;
    status st = ST_OK;
    if (cols == NULL || req == NULL) {
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < l.n; i++)
        if (i == 0 || !produced(in, l.v[i])) {
            req[nreq] = l.v[i];
            cols[nreq] = (col_spec){
                l.v[i], i == 0 ? COL_TEXT : COL_AUTO, i > 0, 0, 0, 0};
            nreq++;
        }
    table_request tr = {s->areas_file,
                        study_get(study_find(s, "areas", NULL), "file"),
                        cols,
                        nreq,
                        NULL,
                        0,
                        0};
    *t = table_load(&tr, err);
    if (*t == NULL) {
        st = err->st;
        goto done;
    }
    if (frame_add_table(f, *t, req, nreq) != 0)
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
done:
    free(cols);
    free(req);
    free(l.v);
    return st;
}

static int add_scales_and_recip(const area_stage_input *in, frame *f)
{
    size_t K = in->nareas;
    double *v = malloc((K ? K : 1) * sizeof *v);
    char name[256];
    int rc = v ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < in->s->nscales; i++) {
        const ecometric_result *e = in->ecometric[i];
        rc |= frame_add(f, in->s->scales[i].name, e->score);
        for (size_t a = 0; a < K; a++)
            v[a] = in->scales[i]->groups ? in->scales[i]->groups[a].raw_mean
                                         : (double)NAN;
        snprintf(name, sizeof name, "%s_raw", in->s->scales[i].name);
        rc |= frame_add(f, name, v);
    }
    if (in->recip != NULL && rc == 0) {
        /* each exchange area's row in the frame */
        int32_t *row =
            malloc((in->recip->nareas ? in->recip->nareas : 1) * sizeof *row);
        rc = row ? 0 : -1;
        for (size_t k = 0; row && k < in->recip->nareas; k++) {
            row[k] = -1;
            const char *id = exchanges_area_id(in->x, (int32_t)k);
            for (size_t lo = 0, hi = K; lo < hi;) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(id, in->area_ids[mid]);
                if (c == 0) {
                    row[k] = (int32_t)mid;
                    break;
                }
                if (c < 0)
                    hi = mid;
                else
                    lo = mid + 1;
            }
        }
        for (size_t i = 0; rc == 0 && i < NRECIP; i++) {
            for (size_t a = 0; a < K; a++)
                v[a] = (double)NAN;
            for (size_t k = 0; k < in->recip->nareas; k++)
                if (row[k] >= 0 && in->recip->areas[k].exchanges > 0)
                    v[row[k]] = recip_value(&in->recip->areas[k], i);
            rc |= frame_add(f, recip_names[i], v);
        }
        free(row);
    }
    free(v);
    return rc;
}

static const char *const idx_cols[] = {"area_id", "index", "value"};
static const char *const load_cols[] = {"index", "component", "variable",
                                        "loading", "eigenvalue"};
static const char *const med_cols[] = {"x",
                                       "m",
                                       "y",
                                       "a",
                                       "b",
                                       "indirect",
                                       "sobel_se",
                                       "sobel_z",
                                       "ci_low",
                                       "ci_high",
                                       "direct",
                                       "total",
                                       "proportion_mediated",
                                       "bootstrap"};

static status derive_and_index(const area_stage_input *in, frame *f,
                               area_stage_tables *out, error_buf *err)
{
    const study *s = in->s;
    size_t K = in->nareas;
    double *v = malloc((K ? K : 1) * sizeof *v);
    char where[512];
    status st =
        v ? ST_OK : err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == ST_OK && i < s->nsections; i++) {
        const study_section *sec = &s->sections[i];
        if (strcmp(sec->kind, "derive") == 0) {
            for (size_t j = 0; st == ST_OK && j < sec->nentries; j++) {
                const study_entry *e = &sec->entries[j];
                snprintf(where, sizeof where, "%s:%zu: [derive] %s", s->path,
                         e->line, e->key);
                expr *x = expr_parse(e->value, where, err);
                if (x == NULL ||
                    design_eval(x, K, frame_lookup, f, where, v, err) != 0 ||
                    frame_add(f, e->key, v) != 0)
                    st = err->st != ST_OK ? err->st : ST_ENOMEM;
                expr_free(x);
            }
        } else if (strcmp(sec->kind, "index") == 0) {
            char **from;
            long k = study_split_list(study_get(sec, "from"), &from);
            const double **cols = calloc(k > 0 ? (size_t)k : 1, sizeof *cols);
            for (long c = 0; cols && c < k && st == ST_OK; c++)
                if ((cols[c] = frame_numbers(f, from[c])) == NULL)
                    st = err_set(err, ST_EDATA, s->path, sec->line, 0,
                                 "[index %s] from: '%s' is not a numeric "
                                 "area variable",
                                 sec->name, from[c]);
            pca_result *p = NULL;
            if (st == ST_OK && cols != NULL) {
                pca_input pi = {K, (size_t)k, cols};
                p = pca_compute(&pi, err);
                st = p ? ST_OK : err->st;
            }
            if (p != NULL) {
                if (!out->indices)
                    out->indices = restab_create(idx_cols, 3);
                if (!out->loadings)
                    out->loadings = restab_create(load_cols, 5);
                int rc = frame_add(f, sec->name, p->index) || !out->indices ||
                         !out->loadings;
                for (size_t a = 0; rc == 0 && a < K; a++) {
                    rc |= restab_text(out->indices, in->area_ids[a]);
                    rc |= restab_text(out->indices, sec->name);
                    rc |= restab_num(out->indices, p->index[a]);
                }
                char comp[32];
                for (size_t c = 0; rc == 0 && c < (size_t)k; c++)
                    for (size_t vv = 0; vv < (size_t)k; vv++) {
                        snprintf(comp, sizeof comp, "PC%zu", c + 1);
                        rc |= restab_text(out->loadings, sec->name);
                        rc |= restab_text(out->loadings, comp);
                        rc |= restab_text(out->loadings, from[vv]);
                        rc |= restab_num(out->loadings,
                                         p->loading[c * (size_t)k + vv]);
                        rc |= restab_num(out->loadings, p->eigenvalue[c]);
                    }
                if (rc)
                    st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
            }
            pca_result_free(p);
            free(cols);
            study_list_free(from, k > 0 ? (size_t)k : 0);
        }
    }
    free(v);
    return st;
}

static reg_family family_of(const char *name)
{
    if (name && strcmp(name, "poisson") == 0)
        return FAMILY_POISSON;
    if (name && strcmp(name, "negbin") == 0)
        return FAMILY_NEGBIN;
    return FAMILY_GAUSSIAN;
}

/* Adds a warning to the stage's list; memory failure loses the warning
 * but not the run. */
static void stage_warn(area_stage_tables *out, const char *code,
                       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void stage_warn(area_stage_tables *out, const char *code,
                       const char *fmt, ...)
{
    area_warning *w = realloc(out->warnings, (out->nwarnings + 1) * sizeof *w);
    if (w == NULL)
        return;
    out->warnings = w;
    w = &w[out->nwarnings++];
    w->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->message, sizeof w->message, fmt, ap);
    va_end(ap);
}

static reg_se se_of(const char *se, const char **cluster)
{
    *cluster = NULL;
    if (se && strncmp(se, "cluster:", 8) == 0) {
        *cluster = se + 8;
        return SE_CLUSTER;
    }
    if (se && strcmp(se, "hc0") == 0)
        return SE_HC0;
    if (se && strcmp(se, "hc1") == 0)
        return SE_HC1;
    if (se && strcmp(se, "hc3") == 0)
        return SE_HC3;
    return SE_CLASSICAL;
}

/* The scatter of a fitted fixed-effects model (see model_scatter); 0, or
 * -1 when out of memory. A model with no predictor gets none. */
static int add_scatter(const study_section *sec, const formula *fm,
                       const design *d, const reg_result *r, int counts,
                       area_stage_tables *out)
{
    size_t p = d->p, j = p > 0 && strcmp(d->names[0], "(Intercept)") == 0;
    if (j >= p || r->vcov == NULL)
        return 0;
    model_scatter *more =
        realloc(out->scatters, (out->nscatters + 1) * sizeof *more);
    if (more == NULL)
        return -1;
    out->scatters = more;
    model_scatter *m = &more[out->nscatters];
    memset(m, 0, sizeof *m);
    m->model = sec->name;
    m->n = d->n;
    m->x = malloc((d->n ? d->n : 1) * sizeof *m->x);
    m->y = malloc((d->n ? d->n : 1) * sizeof *m->y);
    double *g = calloc(p, sizeof *g);
    if (m->x == NULL || m->y == NULL || g == NULL) {
        free(m->x);
        free(m->y);
        free(g);
        return -1;
    }
    out->nscatters++;
    double per = counts && d->offset ? 1000 : 1, lo = (double)INFINITY,
           hi = -(double)INFINITY;
    for (size_t i = 0; i < d->n; i++) {
        m->x[i] = d->X[i * p + j];
        m->y[i] = d->y[i] * per / (d->offset && counts ? exp(d->offset[i]) : 1);
        lo = fmin(lo, m->x[i]);
        hi = fmax(hi, m->x[i]);
        for (size_t k = 0; k < p; k++) /* the predictors' means */
            g[k] += d->X[i * p + k] / (double)d->n;
    }
    snprintf(m->x_name, sizeof m->x_name, "%s", d->names[j]);
    snprintf(m->y_label, sizeof m->y_label,
             counts && d->offset ? "%s per 1,000 of exposure" : "%s",
             fm->response_label);
    double q = r->t_dist ? gsl_cdf_tdist_Pinv(0.975, r->df_residual)
                         : gsl_cdf_ugaussian_Pinv(0.975);
    for (size_t k = 0; k < SCATTER_LINE; k++) {
        g[j] = lo + (hi - lo) * (double)k / (SCATTER_LINE - 1);
        double eta = 0, var = 0;
        for (size_t a = 0; a < p; a++) {
            eta += g[a] * r->beta[a];
            for (size_t b = 0; b < p; b++)
                var += g[a] * r->vcov[a * p + b] * g[b];
        }
        double se = sqrt(fmax(var, 0));
        m->line_x[k] = g[j];
        m->fit[k] = counts ? exp(eta) * per : eta;
        m->low[k] = counts ? exp(eta - q * se) * per : eta - q * se;
        m->high[k] = counts ? exp(eta + q * se) * per : eta + q * se;
    }
    free(g);
    return 0;
}

/* A model without random terms: OLS or a GLM (METHODS §5–6). */
static status fit_fixed(const study *s, const study_section *sec,
                        const formula *fm, const design *d,
                        design_lookup lookup, void *ctx, mixed_tables *m,
                        area_stage_tables *out, error_buf *err)
{
    const char *cluster;
    reg_se kind = se_of(study_get(sec, "se"), &cluster);
    size_t ncl = 0;
    int32_t *cl = NULL;
    if (cluster != NULL) {
        cl = mixed_cluster_index(d, lookup, ctx, cluster, &ncl);
        for (size_t r = 0; cl && r < d->n; r++)
            if (cl[r] < 0) {
                free(cl);
                return err_set(err, ST_EDATA, s->path, sec->line, 0,
                               "[model %s] se: a row of the model has no "
                               "cluster '%s'",
                               sec->name, cluster);
            }
        if (cl == NULL)
            return err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                           "[model %s] se: no variable '%s' to cluster by",
                           sec->name, cluster);
    }
    int intercept = d->p > 0 && strcmp(d->names[0], "(Intercept)") == 0;
    reg_input ri = {d->n,
                    d->p,
                    d->X,
                    d->y,
                    d->offset,
                    intercept,
                    family_of(study_get(sec, "family")),
                    kind,
                    cl,
                    ncl};
    size_t dep;
    reg_result *r = reg_fit(&ri, err, &dep);
    free(cl);
    if (r == NULL) {
        if (dep < d->p) {
            err_clear(err); /* say which term, not just that one is */
            err_set(err, ST_EDATA, s->path, sec->line, 0,
                    "[model %s]: '%s' is a linear combination of the terms "
                    "before it; remove it or a term it depends on",
                    sec->name, d->names[dep]);
        }
        return err->st;
    }
    if (r->poisson_fallback)
        stage_warn(out, "model_poisson_fallback",
                   "[model %s]: theta runs off to infinity (no "
                   "overdispersion); the Poisson fit is reported",
                   sec->name);
    if (!r->converged)
        stage_warn(out, "model_not_converged",
                   "[model %s]: the fit did not converge", sec->name);
    int rc = mixed_regression_add(m, sec->name, d, r);
    rc |= add_scatter(sec, fm, d, r, ri.family != FAMILY_GAUSSIAN, out);
    reg_result_free(r);
    return rc ? err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory") : ST_OK;
}

/* A model with random terms: a Gaussian mixed model by REML (METHODS §3),
 * as lme4's default. */
static status fit_mixed(const study *s, const study_section *sec,
                        const design *d, mixed_tables *m,
                        area_stage_tables *out, error_buf *err)
{
    const char *family = study_get(sec, "family"), *cluster;
    if ((family && strcmp(family, "gaussian") != 0) ||
        se_of(study_get(sec, "se"), &cluster) != SE_CLASSICAL)
        return err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                       "[model %s]: a model with random terms takes family "
                       "gaussian and se classical",
                       sec->name);
    size_t inner;
    lmm_result *r = mixed_fit(d, 1, &inner, err);
    if (r == NULL)
        return err->st;
    if (!r->converged)
        stage_warn(out, "model_not_converged",
                   "[model %s]: the optimiser did not converge", sec->name);
    int rc = mixed_tables_add(m, sec->name, d, r, inner, 1);
    lmm_result_free(r);
    return rc ? err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory") : ST_OK;
}

/* One [model] section, on the areas or on the latest wave's respondents. */
static status fit_model(const area_stage_input *in, frame *f,
                        const study_section *sec, mixed_tables *m,
                        area_stage_tables *out, error_buf *err)
{
    const study *s = in->s;
    const char *data = study_get(sec, "data");
    int survey = data && strcmp(data, "survey") == 0;
    if (data && !survey && strcmp(data, "areas") != 0)
        return err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                       "[model %s] data: expected areas or survey, found "
                       "'%s'",
                       sec->name, data);
    char where[512];
    snprintf(where, sizeof where, "%s:%zu: [model %s] formula", s->path,
             sec->line, sec->name);
    formula *fm = formula_parse(study_get(sec, "formula"), where, err);
    if (fm == NULL)
        return err->st;
    const char **cols = NULL;
    size_t ncols = mixed_formula_columns(fm, &cols);
    const char *cluster;
    se_of(study_get(sec, "se"), &cluster);
    const char **more = cols ? realloc(cols, (ncols + 1) * sizeof *more) : NULL;
    status st = ST_OK;
    if (more == NULL) {
        free(cols);
        formula_free(fm);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    cols = more;
    if (cluster != NULL) /* the cluster column is read too */
        cols[ncols++] = cluster;
    respondents *resp = NULL;
    design_lookup lookup = frame_lookup;
    void *ctx = f;
    size_t nrows = in->nareas;
    if (survey) {
        resp = respondents_load(s, in->survey_area, in->nsurvey, f,
                                (const char *const *)cols, ncols, err);
        if (resp == NULL)
            st = err->st;
        lookup = respondents_lookup;
        ctx = resp;
        nrows = resp ? respondents_rows(resp) : 0;
    }
    design *d =
        st == ST_OK ? design_build(fm, nrows, lookup, ctx, where, err) : NULL;
    if (st == ST_OK && d == NULL)
        st = err->st;
    if (d != NULL && d->dropped > 0)
        stage_warn(out, "model_rows_dropped",
                   "[model %s]: %zu %s with a missing value in a variable "
                   "of the model were dropped",
                   sec->name, d->dropped, survey ? "respondent(s)" : "area(s)");
    if (d != NULL)
        st = fm->nrandom > 0
                 ? fit_mixed(s, sec, d, m, out, err)
                 : fit_fixed(s, sec, fm, d, lookup, ctx, m, out, err);
    design_free(d);
    respondents_free(resp);
    free(cols);
    formula_free(fm);
    return st;
}

/* One model's results, fitted as a task of its own. */
typedef struct {
    const study_section *sec;
    mixed_tables m;
    area_stage_tables warnings; /* only its warnings and scatter are used */
    error_buf *err;
    status st;
} model_task;

/* Fits the [model] sections in parallel, one task each (each fit then
 * runs on one thread), and gathers their rows and warnings in study
 * order, so the tables do not depend on the thread count. */
static status fit_models(const area_stage_input *in, frame *f,
                         area_stage_tables *out, error_buf *err)
{
    const study *s = in->s;
    size_t n = 0;
    for (size_t i = 0; i < s->nsections; i++)
        n += strcmp(s->sections[i].kind, "model") == 0;
    if (n == 0)
        return ST_OK;
    model_task *task = calloc(n, sizeof *task);
    mixed_tables all = {0};
    status st = task && mixed_tables_create(&all) == 0 ? ST_OK : ST_ENOMEM;
    for (size_t i = 0, k = 0; st == ST_OK && i < s->nsections; i++)
        if (strcmp(s->sections[i].kind, "model") == 0) {
            task[k].sec = &s->sections[i];
            task[k].err = calloc(1, sizeof *task[k].err);
            if (task[k++].err == NULL || mixed_tables_create(&task[k - 1].m))
                st = ST_ENOMEM;
        }
    if (st == ST_OK) {
#pragma omp parallel for schedule(dynamic, 1) default(none)                    \
    shared(task, n, in, f)
        for (size_t k = 0; k < n; k++)
            task[k].st = fit_model(in, f, task[k].sec, &task[k].m,
                                   &task[k].warnings, task[k].err);
    }
    for (size_t k = 0; st == ST_OK && k < n; k++) {
        if (task[k].st != ST_OK) {
            *err = *task[k].err;
            st = task[k].st;
            break;
        }
        if (restab_append(all.coefficients, task[k].m.coefficients) ||
            restab_append(all.fit, task[k].m.fit) ||
            restab_append(all.groups, task[k].m.groups))
            st = ST_ENOMEM;
        for (size_t w = 0; w < task[k].warnings.nwarnings; w++)
            stage_warn(out, task[k].warnings.warnings[w].code, "%s",
                       task[k].warnings.warnings[w].message);
        if (task[k].warnings.nscatters > 0) { /* at most one per model */
            model_scatter *more =
                realloc(out->scatters, (out->nscatters + 1) * sizeof *more);
            if (more == NULL) {
                st = ST_ENOMEM;
                break;
            }
            out->scatters = more;
            more[out->nscatters++] = task[k].warnings.scatters[0];
            task[k].warnings.nscatters = 0;
        }
    }
    for (size_t k = 0; task && k < n; k++) {
        mixed_tables_free(&task[k].m);
        area_stage_free(&task[k].warnings);
        free(task[k].err);
    }
    free(task);
    if (st == ST_ENOMEM && err->st == ST_OK)
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    out->coefficients = all.coefficients;
    out->fit = all.fit;
    out->groups = all.groups; /* only models with random terms fill it */
    if (out->groups != NULL && restab_nrows(out->groups) == 0) {
        restab_free(out->groups);
        out->groups = NULL;
    }
    return st;
}

static status run_mediation(const area_stage_input *in, frame *f,
                            area_stage_tables *out, error_buf *err)
{
    const study_section *sec = study_find(in->s, "mediation", NULL);
    if (sec == NULL)
        return ST_OK;
    const char *xs = study_get(sec, "x"), *ms = study_get(sec, "m"),
               *ys = study_get(sec, "y"), *boot = study_get(sec, "bootstrap");
    const double *x = frame_numbers(f, xs), *m = frame_numbers(f, ms),
                 *y = frame_numbers(f, ys);
    if (!x || !m || !y)
        return err_set(err, ST_EDATA, in->s->path, sec->line, 0,
                       "[mediation]: x, m and y must be numeric area "
                       "variables");
    char **cov = NULL;
    long q = study_get(sec, "covariates")
                 ? study_split_list(study_get(sec, "covariates"), &cov)
                 : 0;
    const double **cols = calloc(q > 0 ? (size_t)q : 1, sizeof *cols);
    status st = cols ? ST_OK : ST_ENOMEM;
    for (long k = 0; st == ST_OK && k < q; k++)
        if ((cols[k] = frame_numbers(f, cov[k])) == NULL)
            st = err_set(err, ST_EDATA, in->s->path, sec->line, 0,
                         "[mediation] covariates: '%s' is not a numeric area "
                         "variable",
                         cov[k]);
    med_result r;
    size_t B = boot ? (size_t)strtoul(boot, NULL, 10) : 0;
    med_input mi = {in->nareas, x, m,       y, q > 0 ? (size_t)q : 0,
                    cols,       B, in->seed};
    if (st == ST_OK && mediate(&mi, &r, err) != 0)
        st = err->st;
    if (st == ST_OK) {
        out->mediation = restab_create(med_cols, 14);
        int rc = !out->mediation;
        if (!rc) {
            rc |= restab_text(out->mediation, xs);
            rc |= restab_text(out->mediation, ms);
            rc |= restab_text(out->mediation, ys);
            const double v[] = {r.a,        r.b,
                                r.indirect, r.sobel_se,
                                r.sobel_z,  r.ci_low,
                                r.ci_high,  r.direct,
                                r.total,    r.proportion_mediated};
            for (size_t i = 0; i < 10; i++)
                rc |= restab_num(out->mediation, v[i]);
            rc |= restab_int(out->mediation, (long long)B);
        }
        if (rc)
            st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    free(cols);
    study_list_free(cov, q > 0 ? (size_t)q : 0);
    return st;
}

/* One [evaluate]: the panel of per-wave scores, D = treated × (wave ≥
 * start), areas whose treatment is missing left out. */
static status evaluate_one(const study_section *sec, const wave_scores *w,
                           const double *treated, area_stage_tables *out,
                           error_buf *err)
{
    size_t K = w->nareas, n = w->nwaves * K;
    long start = strtol(study_get(sec, "start"), NULL, 10);
    double *y = malloc((n ? n : 1) * sizeof *y);
    int32_t *unit = malloc((n ? n : 1) * sizeof *unit);
    int32_t *time = malloc((n ? n : 1) * sizeof *time);
    unsigned char *D = malloc(n ? n : 1);
    status st = ST_OK;
    if (y == NULL || unit == NULL || time == NULL || D == NULL) {
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < w->nwaves; t++)
        for (size_t a = 0; a < K; a++) {
            size_t r = t * K + a;
            y[r] = isnan(treated[a]) ? (double)NAN : w->score[r];
            unit[r] = (int32_t)a;
            time[r] = (int32_t)t;
            D[r] = treated[a] != 0 && !isnan(treated[a]) && w->wave[t] >= start;
        }
    did_input di = {n, y, unit, K, time, w->nwaves, D};
    did_result r;
    if (did_fit(&di, &r, err) != 0)
        st = err->st;
    else if (mixed_did_add(out->coefficients, out->fit, sec->name, &r) != 0)
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
done:
    free(y);
    free(unit);
    free(time);
    free(D);
    return st;
}

static status run_evaluations(const area_stage_input *in, frame *f,
                              area_stage_tables *out, error_buf *err)
{
    const study *s = in->s;
    size_t k = 0;
    for (size_t i = 0; i < s->nsections; i++) {
        const study_section *sec = &s->sections[i];
        if (strcmp(sec->kind, "evaluate") != 0)
            continue;
        if (out->coefficients == NULL) {
            mixed_tables m;
            if (mixed_tables_create(&m) != 0)
                return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
            out->coefficients = m.coefficients;
            out->fit = m.fit;
            restab_free(m.groups);
        }
        const double *treated = frame_numbers(f, study_get(sec, "treated"));
        if (treated == NULL)
            return err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                           "[evaluate %s] treated: '%s' is not a numeric "
                           "column of the areas file",
                           sec->name, study_get(sec, "treated"));
        status st = evaluate_one(sec, &in->evaluations[k++], treated, out, err);
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

status area_stage_run(const area_stage_input *in, area_stage_tables *out,
                      error_buf *err)
{
    memset(out, 0, sizeof *out);
    frame *f = frame_create(in->area_ids, in->nareas);
    table *t = NULL;
    char **keep = NULL;
    size_t nkeep = 0;
    status st =
        f ? ST_OK : err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == ST_OK && in->s->has_areas)
        st = load_areas(in, f, &t, &keep, &nkeep, err);
    if (st == ST_OK && add_scales_and_recip(in, f) != 0)
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == ST_OK)
        st = derive_and_index(in, f, out, err);
    if (st == ST_OK)
        st = fit_models(in, f, out, err);
    if (st == ST_OK)
        st = run_mediation(in, f, out, err);
    if (st == ST_OK)
        st = run_evaluations(in, f, out, err);
    /* the frame (and what it borrows) stays for the comparison stages */
    out->frame = f;
    out->areas_table = t;
    out->keep = keep;
    out->nkeep = nkeep;
    if (st != ST_OK)
        area_stage_free(out);
    return st;
}
