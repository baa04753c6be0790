/*
 * compare.c — ranks, [compare] and [spatial] in `run` (see compare.h).
 */
#include "compare.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../models/moran.h"
#include "comparetab.h"
#include "frame.h"
#include "neighbours.h"

enum { RANK_DRAWS = 1000, PERMUTATIONS = 999 };

static const struct {
    const char *name;
    funnel_od od;
} ods[] = {{"none", FUNNEL_OD_NONE},
           {"multiplicative", FUNNEL_OD_MULTIPLICATIVE},
           {"additive", FUNNEL_OD_ADDITIVE}};

static const char *const field_keys[] = {"observed", "expected", "denominator",
                                         "score", "se"};

void compare_free(compare_output *out, size_t nscales)
{
    for (size_t i = 0; i < nscales; i++) {
        if (out->rank)
            free(out->rank[i]);
        if (out->rank_low)
            free(out->rank_low[i]);
        if (out->rank_high)
            free(out->rank_high[i]);
    }
    free(out->rank);
    free(out->rank_low);
    free(out->rank_high);
    restab_free(out->funnel);
    restab_free(out->spatial);
    for (size_t i = 0; i < out->ncomparisons; i++)
        funnel_result_free(out->comparisons[i].r);
    free(out->comparisons);
    free(out->warnings);
    memset(out, 0, sizeof *out);
}

static void warn(compare_output *out, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(compare_output *out, const char *code, const char *fmt, ...)
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

static status ranks(const compare_input *in, compare_output *out,
                    error_buf *err)
{
    size_t ns = in->s->nscales, K = in->nareas;
    out->rank = calloc(ns ? ns : 1, sizeof *out->rank);
    out->rank_low = calloc(ns ? ns : 1, sizeof *out->rank_low);
    out->rank_high = calloc(ns ? ns : 1, sizeof *out->rank_high);
    if (!out->rank || !out->rank_low || !out->rank_high)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < ns; i++) {
        const ecometric_result *e = in->ecometric[i];
        out->rank[i] = malloc((K ? K : 1) * sizeof **out->rank);
        out->rank_low[i] = malloc((K ? K : 1) * sizeof **out->rank_low);
        out->rank_high[i] = malloc((K ? K : 1) * sizeof **out->rank_high);
        if (!out->rank[i] || !out->rank_low[i] || !out->rank_high[i])
            return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        if (e == NULL) {
            for (size_t k = 0; k < K; k++)
                out->rank[i][k] = out->rank_low[i][k] = out->rank_high[i][k] =
                    (double)NAN;
            continue;
        }
        if (funnel_ranks(K, e->score, e->se, RANK_DRAWS, in->seed, out->rank[i],
                         out->rank_low[i], out->rank_high[i], err) != 0)
            return err->st;
    }
    return ST_OK;
}

/* The score's SEs: the `se` column, or the scale's ecometric SEs. */
static const double *score_se(const compare_input *in, const study_section *sec,
                              error_buf *err)
{
    const char *se = study_get(sec, "se"), *score = study_get(sec, "score");
    if (se != NULL) {
        const double *v = frame_numbers(in->frame, se);
        if (v == NULL)
            err_set(err, ST_EUSAGE, in->s->path, sec->line, 0,
                    "[compare %s] se: no numeric area variable '%s'", sec->name,
                    se);
        return v;
    }
    for (size_t i = 0; i < in->s->nscales; i++)
        if (strcmp(in->s->scales[i].name, score) == 0 && in->ecometric[i])
            return in->ecometric[i]->se;
    err_set(err, ST_EUSAGE, in->s->path, sec->line, 0,
            "[compare %s]: give se, or a scale as the score", sec->name);
    return NULL;
}

static status compare_one(const compare_input *in, const study_section *sec,
                          compare_output *out, error_buf *err)
{
    funnel_input fi = {FUNNEL_RATIO, in->nareas, NULL, NULL,
                       NULL,         NULL,       NULL, FUNNEL_OD_NONE};
    const char *od = study_get(sec, "overdispersion");
    for (size_t k = 0; od && k < sizeof ods / sizeof *ods; k++)
        if (strcmp(od, ods[k].name) == 0)
            fi.overdispersion = ods[k].od;
    const double **slot[] = {&fi.observed, &fi.expected, &fi.denominator,
                             &fi.score, &fi.se};
    for (size_t k = 0; k < 4; k++) {
        const char *col = study_get(sec, field_keys[k]);
        if (col == NULL)
            continue;
        *slot[k] = frame_numbers(in->frame, col);
        if (*slot[k] == NULL)
            return err_set(err, ST_EUSAGE, in->s->path, sec->line, 0,
                           "[compare %s] %s: no numeric area variable '%s'",
                           sec->name, field_keys[k], col);
    }
    if (fi.score != NULL) {
        fi.type = FUNNEL_SCORE;
        if ((fi.se = score_se(in, sec, err)) == NULL)
            return err->st;
    }
    if (fi.expected != NULL)
        fi.denominator = NULL;
    for (size_t i = 0; i < in->nareas; i++) {
        funnel_field field;
        const char *problem = funnel_check(&fi, i, &field);
        if (problem != NULL)
            return err_set(err, ST_EDATA, in->s->path, sec->line, 0,
                           "[compare %s] %s: area \"%s\": expected %s",
                           sec->name, field_keys[field], in->area_ids[i],
                           problem);
    }
    funnel_result *r = funnel_compute(&fi, err);
    if (r == NULL)
        return err->st;
    comparison *more =
        realloc(out->comparisons, (out->ncomparisons + 1) * sizeof *more);
    if (more == NULL) {
        funnel_result_free(r);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    out->comparisons = more;
    more[out->ncomparisons++] = (comparison){sec, r};
    if (r->used < r->n)
        warn(out, "compare_areas_left_out",
             "[compare %s]: %zu area(s) with a missing value left out",
             sec->name, r->n - r->used);
    if (comparetab_funnel_rows(out->funnel, sec->name,
                               comparetab_type_name(fi.type), in->area_ids,
                               r) != 0)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    return ST_OK;
}

status compare_run(const compare_input *in, compare_output *out, error_buf *err)
{
    memset(out, 0, sizeof *out);
    status st = ranks(in, out, err);
    const study *s = in->s;
    for (size_t i = 0; st == ST_OK && i < s->nsections; i++) {
        const study_section *sec = &s->sections[i];
        if (strcmp(sec->kind, "compare") != 0)
            continue;
        if (out->funnel == NULL &&
            (out->funnel = comparetab_funnel_create()) == NULL)
            return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        st = in->frame
                 ? compare_one(in, sec, out, err)
                 : err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                           "[compare %s] needs an [areas] file", sec->name);
    }
    return st;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

status compare_spatial(const compare_input *in, compare_output *out,
                       error_buf *err)
{
    const study *s = in->s;
    const study_section *sec = study_find(s, "spatial", NULL);
    if (sec == NULL)
        return ST_OK;
    if (in->areas == NULL || s->neighbours_file == NULL)
        return err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                       "[spatial] needs an [areas] file with neighbours");
    neighbour_list nb = {0};
    status st =
        neighbours_load(s->neighbours_file,
                        study_get(study_find(s, "areas", NULL), "neighbours"),
                        in->areas, 0, &nb, err);
    if (st != ST_OK)
        return st;
    size_t n = table_nrows(in->areas);
    double *x = malloc((n ? n : 1) * sizeof *x);
    size_t *area = malloc((n ? n : 1) * sizeof *area);
    char **vars = NULL;
    long nv = study_split_list(study_get(sec, "variables"), &vars);
    out->spatial = comparetab_spatial_create();
    if (x == NULL || area == NULL || nv < 0 || out->spatial == NULL)
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    /* rows of the areas file -> areas of the frame */
    const int32_t *code = in->areas ? table_codes(in->areas, 0) : NULL;
    for (size_t r = 0; st == ST_OK && r < n; r++) {
        const char *id = table_text(in->areas, code[r]);
        const char *const *hit = bsearch(&id, in->area_ids, in->nareas,
                                         sizeof *in->area_ids, by_text);
        area[r] = hit ? (size_t)(hit - in->area_ids) : 0;
    }
    const char *perm = study_get(sec, "permutations");
    size_t permutations = perm ? strtoul(perm, NULL, 10) : PERMUTATIONS;
    for (long v = 0; st == ST_OK && v < nv; v++) {
        const double *values = frame_numbers(in->frame, vars[v]);
        if (values == NULL) {
            st = err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                         "[spatial] variables: no numeric area variable '%s'",
                         vars[v]);
            break;
        }
        for (size_t r = 0; st == ST_OK && r < n; r++) {
            x[r] = values[area[r]];
            if (!isfinite(x[r]))
                st = err_set(err, ST_EDATA, s->path, sec->line, 0,
                             "[spatial] %s: area \"%s\" has no value; "
                             "Moran's I needs one for every area",
                             vars[v], in->area_ids[area[r]]);
        }
        moran_input mi = {n, x, nb.start, nb.nbr, permutations, in->seed};
        moran_result mr;
        if (st == ST_OK && moran_test(&mi, &mr, err) != 0)
            st = err->st;
        if (st == ST_OK && comparetab_spatial_row(out->spatial, vars[v], &mr))
            st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        if (st == ST_OK && v == 0 && mr.islands > 0)
            warn(out, "spatial_islands",
                 "[spatial]: %zu area(s) have no neighbours (their lag is 0)",
                 mr.islands);
    }
    study_list_free(vars, nv > 0 ? (size_t)nv : 0);
    free(x);
    free(area);
    neighbour_list_free(&nb);
    return st;
}
