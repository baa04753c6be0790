/*
 * measure.c — turning scale results into the tables of SPEC §4
 * (see measure.h).
 */
#include "measure.h"

#include "mixed.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const scale_cols[] = {"scale", "n_items",    "n_respondents",
                                         "alpha", "std_alpha",  "icc1",
                                         "icc2",  "rwg_j_mean", "rwg_j_median"};
static const char *const item_cols[] = {
    "scale", "item", "reversed", "n",
    "mean",  "sd",   "r_drop",   "alpha_if_dropped"};
static const char *const area_cols[] = {"area_id", "n_respondents", "raw_mean",
                                        "rwg_j"};

static const char *const score_cols[] = {
    "area_id",     "scale", "n_respondents", "raw_mean", "score",    "se",
    "reliability", "rwg_j", "rank",          "rank_low", "rank_high"};
static const char *const component_cols[] = {"scale", "component", "variance",
                                             "share"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int measure_tables_create(measure_tables *m)
{
    m->scales = restab_create(scale_cols, COUNT(scale_cols));
    m->items = restab_create(item_cols, COUNT(item_cols));
    m->areas = restab_create(area_cols, COUNT(area_cols));
    if (m->scales && m->items && m->areas)
        return 0;
    measure_tables_free(m);
    return -1;
}

void measure_tables_free(measure_tables *m)
{
    restab_free(m->scales);
    restab_free(m->items);
    restab_free(m->areas);
    m->scales = m->items = m->areas = NULL;
}

int measure_tables_add(measure_tables *m, const char *scale,
                       const scale_result *r, const char *const *item_names,
                       const int *reversed, const char *const *group_ids,
                       size_t ngroups)
{
    int rc = 0;
    rc |= restab_text(m->scales, scale);
    rc |= restab_int(m->scales, (long long)r->n_items);
    rc |= restab_int(m->scales, (long long)r->n_respondents);
    rc |= restab_num(m->scales, r->alpha);
    rc |= restab_num(m->scales, r->std_alpha);
    rc |= restab_num(m->scales, r->icc1);
    rc |= restab_num(m->scales, r->icc2);
    rc |= restab_num(m->scales, r->rwg_j_mean);
    rc |= restab_num(m->scales, r->rwg_j_median);
    for (size_t i = 0; i < r->n_items; i++) {
        const scale_item *it = &r->items[i];
        rc |= restab_text(m->items, scale);
        rc |= restab_text(m->items, item_names[i]);
        rc |= restab_bool(m->items, reversed[i]);
        rc |= restab_int(m->items, (long long)it->n);
        rc |= restab_num(m->items, it->mean);
        rc |= restab_num(m->items, it->sd);
        rc |= restab_num(m->items, it->r_drop);
        rc |= restab_num(m->items, it->alpha_if_dropped);
    }
    for (size_t g = 0; g < ngroups && r->groups != NULL; g++) {
        const scale_group *gr = &r->groups[g];
        if (gr->n_respondents == 0)
            continue;
        rc |= restab_text(m->areas, group_ids[g]);
        rc |= restab_int(m->areas, (long long)gr->n_respondents);
        rc |= restab_num(m->areas, gr->raw_mean);
        rc |= restab_num(m->areas, gr->rwg_j);
    }
    return rc ? -1 : 0;
}

static int by_text(const void *a, const void *b, void *t)
{
    return strcmp(table_text(t, *(const int32_t *)a),
                  table_text(t, *(const int32_t *)b));
}

int measure_group_index(const table *t, size_t col, const unsigned char *rows,
                        int32_t **index, const char ***ids, size_t *ngroups)
{
    size_t n = table_nrows(t), ncodes = table_ncodes(t);
    const int32_t *codes = table_codes(t, col);
    int32_t *slot = malloc((ncodes ? ncodes : 1) * sizeof *slot);
    int32_t *distinct = malloc((ncodes ? ncodes : 1) * sizeof *distinct);
    *index = malloc((n ? n : 1) * sizeof **index);
    *ids = NULL;
    if (slot == NULL || distinct == NULL || *index == NULL)
        goto oom;
    for (size_t k = 0; k < ncodes; k++)
        slot[k] = -1;
    size_t g = 0;
    for (size_t r = 0; r < n; r++)
        if (codes[r] >= 0 && (rows == NULL || rows[r]) && slot[codes[r]] < 0) {
            slot[codes[r]] = 0;
            distinct[g++] = codes[r];
        }
    qsort_r(distinct, g, sizeof *distinct, by_text, (void *)(uintptr_t)t);
    *ids = malloc((g ? g : 1) * sizeof **ids);
    if (*ids == NULL)
        goto oom;
    for (size_t k = 0; k < g; k++) {
        slot[distinct[k]] = (int32_t)k;
        (*ids)[k] = table_text(t, distinct[k]);
    }
    for (size_t r = 0; r < n; r++)
        (*index)[r] =
            codes[r] >= 0 && (rows == NULL || rows[r]) ? slot[codes[r]] : -1;
    *ngroups = g;
    free(slot);
    free(distinct);
    return 0;
oom:
    free(slot);
    free(distinct);
    free(*index);
    free(*ids);
    *index = NULL;
    *ids = NULL;
    return -1;
}

int ecometric_tables_create(ecometric_tables *m)
{
    m->areas = restab_create(score_cols, COUNT(score_cols));
    m->components = restab_create(component_cols, COUNT(component_cols));
    m->coefficients = mixed_coefficients_create();
    if (m->areas && m->components && m->coefficients)
        return 0;
    ecometric_tables_free(m);
    return -1;
}

void ecometric_tables_free(ecometric_tables *m)
{
    restab_free(m->areas);
    restab_free(m->components);
    restab_free(m->coefficients);
    m->areas = m->components = m->coefficients = NULL;
}

typedef struct {
    const double *score;
    const char *const *ids;
} rank_ctx;

/* Highest score first; ties in byte order of the ids (SPEC §4). */
static int by_score(const void *a, const void *b, void *ctx)
{
    const rank_ctx *c = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (c->score[i] != c->score[j])
        return c->score[i] > c->score[j] ? -1 : 1;
    return strcmp(c->ids[i], c->ids[j]);
}

int ecometric_tables_add(ecometric_tables *m, const char *scale,
                         const ecometric_result *e, const scale_result *s,
                         const double *scores, const int32_t *area, size_t n,
                         const char *const *area_ids,
                         const char *const *item_names, size_t nitems,
                         const char *const *covariates, size_t ncov,
                         const double *rank_low, const double *rank_high)
{
    size_t K = e->nareas;
    double *sum = calloc(K ? K : 1, sizeof *sum);
    size_t *count = calloc(K ? K : 1, sizeof *count);
    size_t *order = malloc((K ? K : 1) * sizeof *order);
    size_t *rank = malloc((K ? K : 1) * sizeof *rank);
    int rc = sum && count && order && rank ? 0 : -1;
    for (size_t r = 0; rc == 0 && r < n; r++)
        if (e->in_model[r] && !isnan(scores[r])) {
            sum[area[r]] += scores[r];
            count[area[r]]++;
        }
    size_t ranked = 0;
    for (size_t a = 0; rc == 0 && a < K; a++)
        if (e->area_respondents[a] > 0)
            order[ranked++] = a;
    rank_ctx ctx = {e->score, area_ids};
    if (rc == 0)
        qsort_r(order, ranked, sizeof *order, by_score, &ctx);
    for (size_t i = 0; rc == 0 && i < ranked; i++)
        rank[order[i]] = i + 1;
    for (size_t a = 0; rc == 0 && a < K; a++) {
        if (e->area_respondents[a] == 0)
            continue;
        rc |= restab_text(m->areas, area_ids[a]);
        rc |= restab_text(m->areas, scale);
        rc |= restab_int(m->areas, (long long)e->area_respondents[a]);
        rc |= restab_num(m->areas,
                         count[a] ? sum[a] / (double)count[a] : (double)NAN);
        rc |= restab_num(m->areas, e->score[a]);
        rc |= restab_num(m->areas, e->se[a]);
        rc |= restab_num(m->areas, e->reliability[a]);
        rc |= restab_num(m->areas,
                         s && s->groups ? s->groups[a].rwg_j : (double)NAN);
        rc |= restab_int(m->areas, (long long)rank[a]);
        rc |= restab_num(m->areas, rank_low ? rank_low[a] : (double)NAN);
        rc |= restab_num(m->areas, rank_high ? rank_high[a] : (double)NAN);
    }
    double total = e->tau_area + e->tau_person + e->sigma2;
    const char *names[] = {"area", "person", "item"};
    const double values[] = {e->tau_area, e->tau_person, e->sigma2};
    for (size_t c = 0; rc == 0 && c < 3; c++) {
        rc |= restab_text(m->components, scale);
        rc |= restab_text(m->components, names[c]);
        rc |= restab_num(m->components, values[c]);
        rc |= restab_num(m->components, values[c] / total);
    }
    const lmm_result *f = e->fit;
    char term[256];
    for (size_t j = 0; rc == 0 && j < f->p; j++) {
        if (j == 0)
            snprintf(term, sizeof term, "(Intercept)");
        else if (j < nitems)
            snprintf(term, sizeof term, "item%s", item_names[j]);
        else
            snprintf(term, sizeof term, "%s", covariates[j - nitems]);
        rc |= mixed_coefficient_row(m->coefficients, scale, term, f->beta[j],
                                    f->se[j], 0);
    }
    (void)ncov;
    free(sum);
    free(count);
    free(order);
    free(rank);
    return rc ? -1 : 0;
}
