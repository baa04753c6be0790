/*
 * narrative.c — the report's sections (see narrative.h). Every sentence
 * is written from a number of this run; where a number is missing the
 * sentence is left out rather than guessed.
 */
#include "narrative.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "frame.h"

enum { CELL = 72 };

/* A table under construction: cells appended row by row, as strings. */
typedef struct {
    size_t ncols, n, cap;
    char (*cell)[CELL];
    int failed; /* memory ran out: the table is left out */
} grid;

static void grid_add(grid *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void grid_add(grid *g, const char *fmt, ...)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 8 * g->ncols;
        char(*more)[CELL] = realloc(g->cell, cap * sizeof *more);
        if (more == NULL) {
            g->failed = 1;
            return;
        }
        g->cell = more;
        g->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->cell[g->n++], CELL, fmt, ap);
    va_end(ap);
}

static void grid_emit(report *rep, grid *g, const char *caption,
                      const char *const *header)
{
    const char **p = malloc((g->n + 1) * sizeof *p);
    if (p != NULL && !g->failed) {
        for (size_t i = 0; i < g->n; i++)
            p[i] = g->cell[i];
        report_table(rep, caption, g->ncols, header, p, g->n / g->ncols);
    }
    free(p);
    free(g->cell);
    memset(g, 0, sizeof *g);
}

/* A number for people: NA when missing, else 3 significant digits. */
static const char *num(char *buf, double v)
{
    if (isnan(v))
        return "NA";
    snprintf(buf, CELL, "%.3g", v);
    return buf;
}

/* The row of coefficients.csv for (model, term), or -1. */
static long coef_row(const restab *t, const char *model, const char *term)
{
    for (size_t r = 0; t && r < restab_nrows(t); r++) {
        const char *m = restab_get_text(t, r, 0), *x = restab_get_text(t, r, 1);
        if (m && x && strcmp(m, model) == 0 && strcmp(x, term) == 0)
            return (long)r;
    }
    return -1;
}

/* A model_fit.csv statistic, or NaN. */
static double fit_value(const restab *t, const char *model, const char *stat)
{
    for (size_t r = 0; t && r < restab_nrows(t); r++) {
        const char *m = restab_get_text(t, r, 0), *x = restab_get_text(t, r, 1);
        if (m && x && strcmp(m, model) == 0 && strcmp(x, stat) == 0)
            return restab_get_num(t, r, 2);
    }
    return (double)NAN;
}

static double mean_reliability(const ecometric_result *e)
{
    double sum = 0;
    size_t n = 0;
    for (size_t k = 0; k < e->nareas; k++)
        if (!isnan(e->reliability[k])) {
            sum += e->reliability[k];
            n++;
        }
    return n ? sum / (double)n : (double)NAN;
}

static void summary(const narrative_input *in, report *rep)
{
    const study *s = in->fig.s;
    size_t models = 0;
    for (size_t i = 0; i < s->nsections; i++)
        models += strcmp(s->sections[i].kind, "model") == 0;
    report_heading(rep, 2, "Summary");
    report_paragraph(rep,
                     "This report covers %zu respondents in %zu areas%s, "
                     "measured on %zu scale%s, with %zu model%s.",
                     in->nrespondents, in->fig.nareas,
                     in->latest_wave ? " (the survey's latest wave)" : "",
                     s->nscales, s->nscales == 1 ? "" : "s", models,
                     models == 1 ? "" : "s");
    for (size_t i = 0; i < s->nscales; i++) {
        const scale_result *sr = in->scales[i];
        const ecometric_result *e = in->fig.ecometric[i];
        if (sr == NULL || e == NULL || isnan(sr->icc1))
            continue;
        double rel = mean_reliability(e);
        report_paragraph(
            rep,
            "%s: %.0f%% of the variation in answers lies between "
            "neighbourhoods (ICC(1) = %.2f); area scores are %s (mean "
            "reliability %.2f)%s",
            s->scales[i].name, 100 * sr->icc1, sr->icc1,
            rel >= 0.8   ? "reliable"
            : rel >= 0.6 ? "moderately reliable"
                         : "unreliable",
            rel,
            rel >= 0.8 ? "."
                       : ": compare areas through their intervals, not "
                         "their ranks.");
    }
    if (in->nwarnings > 0)
        report_paragraph(rep,
                         "The run raised %zu warning%s, listed under "
                         "Methods and reproducibility.",
                         in->nwarnings, in->nwarnings == 1 ? "" : "s");
}

static int by_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static void data_section(const narrative_input *in, report *rep)
{
    report_heading(rep, 2, "Data");
    const scale_result *sr = in->fig.s->nscales ? in->scales[0] : NULL;
    size_t K = in->fig.nareas, few = 0, with = 0;
    size_t *n = malloc((K ? K : 1) * sizeof *n);
    if (sr && sr->groups && n) {
        for (size_t k = 0; k < K; k++) {
            n[with] = sr->groups[k].n_respondents;
            few += n[with] > 0 && n[with] < 5;
            with += n[with] > 0;
        }
        qsort(n, with, sizeof *n, by_size);
    }
    report_paragraph(rep,
                     "The survey has %zu respondents in the wave analysed%s. "
                     "%zu of %zu areas have respondents.",
                     in->nrespondents, in->latest_wave ? " (its latest)" : "",
                     with, K);
    if (with > 0)
        report_paragraph(rep,
                         "Areas have a median of %zu respondents (from %zu "
                         "to %zu). %zu area%s fewer than 5: %s scores lean "
                         "towards the mean of all areas, as they should "
                         "with so little data.",
                         n[with / 2], n[0], n[with - 1], few,
                         few == 1 ? " has" : "s have",
                         few == 1 ? "its" : "their");
    free(n);
    /* missing answers, over every item of every scale once */
    size_t cells = 0, missing = 0;
    for (size_t i = 0; i < in->fig.s->nscales; i++)
        for (size_t j = 0; j < in->fig.s->scales[i].nitems; j++)
            for (size_t r = 0; r < in->fig.nrespondents; r++) {
                cells++;
                missing += isnan(in->fig.items[i][j][r]);
            }
    if (cells > 0)
        report_paragraph(rep,
                         "%.1f%% of item answers are missing; a respondent "
                         "enters a scale with at least one answer.",
                         100.0 * (double)missing / (double)cells);
}

static status measurement(const narrative_input *in, report *rep,
                          error_buf *err)
{
    const study *s = in->fig.s;
    if (s->nscales == 0)
        return ST_OK;
    report_heading(rep, 2, "Measurement");
    report_paragraph(
        rep,
        "Each scale's reliability as a measure of people (Cronbach's alpha) "
        "and of areas (ICC(1), the share of variance between areas, and "
        "ICC(2), the reliability of an area's mean), and the agreement "
        "within areas (rwg(j)). The ecometric model (METHODS §4) splits "
        "the variance of answers between areas, people and items.");
    static const char *const head[] = {"scale",      "items",  "respondents",
                                       "alpha",      "ICC(1)", "ICC(2)",
                                       "rwg(j) mean"};
    grid g = {7, 0, 0, NULL, 0};
    char b[6][CELL];
    for (size_t i = 0; i < s->nscales; i++) {
        const scale_result *r = in->scales[i];
        grid_add(&g, "%s", s->scales[i].name);
        grid_add(&g, "%zu", r->n_items);
        grid_add(&g, "%zu", r->n_respondents);
        grid_add(&g, "%s", num(b[0], r->alpha));
        grid_add(&g, "%s", num(b[1], r->icc1));
        grid_add(&g, "%s", num(b[2], r->icc2));
        grid_add(&g, "%s", num(b[3], r->rwg_j_mean));
    }
    grid_emit(rep, &g, "Reliability and agreement of each scale", head);
    static const char *const vhead[] = {"scale", "area", "person", "item",
                                        "area share"};
    grid v = {5, 0, 0, NULL, 0};
    for (size_t i = 0; i < s->nscales; i++) {
        const ecometric_result *e = in->fig.ecometric[i];
        if (e == NULL)
            continue;
        double total = e->tau_area + e->tau_person + e->sigma2;
        grid_add(&v, "%s", s->scales[i].name);
        grid_add(&v, "%s", num(b[0], e->tau_area));
        grid_add(&v, "%s", num(b[1], e->tau_person));
        grid_add(&v, "%s", num(b[2], e->sigma2));
        grid_add(&v, "%.1f%%", 100 * e->tau_area / total);
    }
    if (v.n > 0)
        grid_emit(rep, &v, "Variance components of the ecometric model", vhead);
    status st = ST_OK;
    for (size_t i = 0; st == ST_OK && i < s->nscales; i++)
        st = figures_likert(&in->fig, i, rep, err);
    return st;
}

typedef struct {
    double score;
    size_t area;
} ranked;

static int by_score_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->score < y->score   ? 1
           : x->score > y->score ? -1
                                 : (x->area > y->area) - (x->area < y->area);
}

static status area_scores(const narrative_input *in, report *rep,
                          error_buf *err)
{
    const study *s = in->fig.s;
    if (s->nscales == 0)
        return ST_OK;
    report_heading(rep, 2, "Area scores");
    status st = ST_OK;
    for (size_t i = 0; st == ST_OK && i < s->nscales; i++) {
        const ecometric_result *e = in->fig.ecometric[i];
        if (e == NULL)
            continue;
        ranked *r = malloc((e->nareas ? e->nareas : 1) * sizeof *r);
        if (r == NULL)
            return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        size_t m = 0, apart = 0;
        double sum = 0;
        for (size_t k = 0; k < e->nareas; k++)
            if (!isnan(e->score[k])) {
                r[m++] = (ranked){e->score[k], k};
                sum += e->score[k];
            }
        double mean = m ? sum / (double)m : (double)NAN;
        for (size_t k = 0; k < m; k++) {
            size_t a = r[k].area;
            apart += fabs(e->score[a] - mean) > 1.96 * e->se[a];
        }
        qsort(r, m, sizeof *r, by_score_desc);
        report_heading(rep, 3, s->scales[i].name);
        if (m > 0)
            report_paragraph(
                rep,
                "Scores run from %.2f (%s) to %.2f (%s) around a mean of "
                "%.2f. %zu of %zu areas (%.0f%%) differ from the mean "
                "by more than their 95%% interval allows; the rest cannot "
                "be told apart from an average area with these data.",
                r[m - 1].score, in->fig.area_labels[r[m - 1].area], r[0].score,
                in->fig.area_labels[r[0].area], mean, apart, m,
                100.0 * (double)apart / (double)m);
        static const char *const head[] = {
            "",         "area", "score",         "95% low",
            "95% high", "rank", "rank interval", "respondents"};
        grid g = {8, 0, 0, NULL, 0};
        char b[3][CELL];
        for (size_t k = 0; k < m; k++) {
            if (k >= 5 && k + 5 < m)
                continue;
            size_t a = r[k].area;
            grid_add(&g, "%s", k < 5 ? "highest" : "lowest");
            grid_add(&g, "%s", in->fig.area_labels[a]);
            grid_add(&g, "%s", num(b[0], e->score[a]));
            grid_add(&g, "%s", num(b[1], e->score[a] - 1.96 * e->se[a]));
            grid_add(&g, "%s", num(b[2], e->score[a] + 1.96 * e->se[a]));
            grid_add(&g, "%.0f", in->rank ? in->rank[i][a] : (double)NAN);
            grid_add(&g, "%.0f to %.0f",
                     in->rank_low ? in->rank_low[i][a] : (double)NAN,
                     in->rank_high ? in->rank_high[i][a] : (double)NAN);
            grid_add(&g, "%zu", e->area_respondents[a]);
        }
        free(r);
        char caption[200];
        snprintf(caption, sizeof caption,
                 "The five highest and five lowest %s scores",
                 s->scales[i].name);
        grid_emit(rep, &g, caption, head);
        st = figures_caterpillar(&in->fig, i, rep, err);
        if (st == ST_OK && in->fig.map && in->spatial == NULL)
            st = figures_map(&in->fig, s->scales[i].name, e->score, rep, err);
    }
    return st;
}

static status coproduction(const narrative_input *in, report *rep,
                           error_buf *err)
{
    const recip_result *r = in->fig.recip;
    if (r == NULL)
        return ST_OK;
    const recip_area *o = &r->overall;
    report_heading(rep, 2, "Co-production and reciprocity");
    report_paragraph(
        rep,
        "%zu members and %zu professionals recorded %zu exchanges (%.0f "
        "hours) in %zu areas. %.0f%% of members both gave and received; "
        "%.0f%% of the ties between members were returned; members gave "
        "%.0f%% of the hours.",
        o->members, o->professionals, o->exchanges, o->hours, r->nareas,
        100 * o->share_reciprocators, 100 * o->dyadic_reciprocity,
        o->hours > 0 ? 100 * o->member_hours / o->hours : (double)NAN);
    report_paragraph(rep,
                     "Reciprocity is what distinguishes co-production from "
                     "a service: a scheme where few members receive as well "
                     "as give is closer to volunteering. Small areas' "
                     "indices rest on few exchanges.");
    return figures_profile(&in->fig, rep, err);
}

static status models(const narrative_input *in, report *rep, error_buf *err)
{
    const study *s = in->fig.s;
    const restab *t = in->fig.coefficients;
    status st = ST_OK;
    int any = 0;
    for (size_t i = 0; st == ST_OK && i < s->nsections; i++) {
        const study_section *sec = &s->sections[i];
        if (strcmp(sec->kind, "model") != 0)
            continue;
        if (!any++) {
            report_heading(rep, 2, "Models");
            report_paragraph(
                rep, "Each model's coefficients with 95%% intervals; "
                     "associations, not effects, unless the design says "
                     "otherwise. Count models give log rate ratios.");
        }
        report_heading(rep, 3, sec->name);
        report_paragraph(
            rep, "%s (%s, data = %s), fitted to %.0f rows.",
            study_get(sec, "formula"),
            study_get(sec, "family") ? study_get(sec, "family") : "gaussian",
            study_get(sec, "data") ? study_get(sec, "data") : "areas",
            fit_value(in->fit, sec->name, "n_obs"));
        static const char *const head[] = {"term", "estimate", "SE",
                                           "p",    "95% low",  "95% high"};
        grid g = {6, 0, 0, NULL, 0};
        char b[5][CELL];
        for (size_t r = 0; t && r < restab_nrows(t); r++) {
            const char *m = restab_get_text(t, r, 0);
            if (m == NULL || strcmp(m, sec->name) != 0)
                continue;
            grid_add(&g, "%s", restab_get_text(t, r, 1));
            grid_add(&g, "%s", num(b[0], restab_get_num(t, r, 2)));
            grid_add(&g, "%s", num(b[1], restab_get_num(t, r, 3)));
            grid_add(&g, "%s", num(b[2], restab_get_num(t, r, 5)));
            grid_add(&g, "%s", num(b[3], restab_get_num(t, r, 6)));
            grid_add(&g, "%s", num(b[4], restab_get_num(t, r, 7)));
        }
        char caption[200];
        snprintf(caption, sizeof caption, "Coefficients of model %s",
                 sec->name);
        grid_emit(rep, &g, caption, head);
        st = figures_model(&in->fig, sec, rep, err);
    }
    return st;
}

static void mediation(const narrative_input *in, report *rep)
{
    const restab *t = in->mediation;
    if (t == NULL || restab_nrows(t) == 0)
        return;
    report_heading(rep, 2, "Mediation");
    for (size_t r = 0; r < restab_nrows(t); r++)
        report_paragraph(
            rep,
            "The indirect effect of %s on %s through %s is a × b = %.3g "
            "(Sobel z = %.2f; 95%% bootstrap interval %.3g to %.3g over %.0f "
            "replicates), %.0f%% of the total effect %.3g. With data from "
            "one time point this is consistent with the path, not proof "
            "of it.",
            restab_get_text(t, r, 0), restab_get_text(t, r, 2),
            restab_get_text(t, r, 1), restab_get_num(t, r, 5),
            restab_get_num(t, r, 7), restab_get_num(t, r, 8),
            restab_get_num(t, r, 9), restab_get_num(t, r, 13),
            100 * restab_get_num(t, r, 12), restab_get_num(t, r, 11));
}

typedef struct {
    double z;
    size_t area;
} extreme;

static int by_extremity(const void *a, const void *b)
{
    const extreme *x = a, *y = b;
    double u = fabs(x->z), v = fabs(y->z);
    return u < v ? 1 : u > v ? -1 : (x->area > y->area) - (x->area < y->area);
}

static status comparing(const narrative_input *in, report *rep, error_buf *err)
{
    const figures_input *f = &in->fig;
    if (f->ncomparisons == 0)
        return ST_OK;
    report_heading(rep, 2, "Comparing areas");
    report_paragraph(
        rep, "Funnel plots set each area against limits that widen as its data "
             "thin: an area outside the 99.8%% limits differs from the target "
             "by more than chance would explain (Spiegelhalter 2005). Where "
             "areas vary more than chance allows (overdispersion phi > 1) and "
             "the study asks, the limits are widened for it.");
    status st = ST_OK;
    for (size_t c = 0; st == ST_OK && c < f->ncomparisons; c++) {
        const funnel_result *r = f->comparisons[c].r;
        size_t hi95 = 0, lo95 = 0, hi998 = 0, lo998 = 0, m = 0;
        extreme *x = malloc((r->n ? r->n : 1) * sizeof *x);
        if (x == NULL)
            return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < r->n; i++) {
            hi95 += r->flag95[i] == FUNNEL_FLAG_HIGH;
            lo95 += r->flag95[i] == FUNNEL_FLAG_LOW;
            hi998 += r->flag998[i] == FUNNEL_FLAG_HIGH;
            lo998 += r->flag998[i] == FUNNEL_FLAG_LOW;
            if (r->flag998[i] == FUNNEL_FLAG_HIGH ||
                r->flag998[i] == FUNNEL_FLAG_LOW)
                x[m++] = (extreme){r->z[i], i};
        }
        qsort(x, m, sizeof *x, by_extremity);
        report_heading(rep, 3, f->comparisons[c].sec->name);
        report_paragraph(
            rep,
            "Of %zu areas compared against a target of %.3g, %zu lie above "
            "and %zu below the 99.8%% limits (%zu and %zu beyond 95%%, where "
            "about %.0f would by chance). Overdispersion phi = %.3g%s.",
            r->used, r->target, hi998, lo998, hi95, lo95,
            0.05 * (double)r->used, r->phi,
            r->adjusted  ? ": the limits are widened for it"
            : r->phi > 1 ? ": the limits are not widened, so more areas "
                           "are flagged than a widened funnel would"
                         : "");
        static const char *const head[] = {"area",     "value", "95% low",
                                           "95% high", "z",     "99.8% flag"};
        grid g = {6, 0, 0, NULL, 0};
        char b[4][CELL];
        for (size_t k = 0; k < m && k < 10; k++) {
            size_t i = x[k].area;
            grid_add(&g, "%s", f->area_labels[i]);
            grid_add(&g, "%s", num(b[0], r->value[i]));
            grid_add(&g, "%s", num(b[1], r->ci_low[i]));
            grid_add(&g, "%s", num(b[2], r->ci_high[i]));
            grid_add(&g, "%s", num(b[3], r->z[i]));
            grid_add(&g, "%s",
                     r->flag998[i] == FUNNEL_FLAG_HIGH ? "high" : "low");
        }
        free(x);
        if (g.n > 0)
            grid_emit(rep, &g, "The most extreme areas beyond 99.8%", head);
        else
            free(g.cell);
        st = figures_funnel(f, &f->comparisons[c], rep, err);
    }
    return st;
}

static status spatial(const narrative_input *in, report *rep, error_buf *err)
{
    const restab *t = in->spatial;
    if (t == NULL)
        return ST_OK;
    report_heading(rep, 2, "Spatial patterns");
    for (size_t r = 0; r < restab_nrows(t); r++) {
        double I = restab_get_num(t, r, 1), p = restab_get_num(t, r, 6);
        report_paragraph(
            rep,
            "%s: Moran's I = %.3f (%.3f expected without clustering; z = "
            "%.2f, p = %.2g; permutation p = %.3g over %.0f "
            "permutations). %s",
            restab_get_text(t, r, 0), I, restab_get_num(t, r, 2),
            restab_get_num(t, r, 5), p, restab_get_num(t, r, 7),
            restab_get_num(t, r, 8),
            p < 0.05 && I > 0 ? "Neighbouring areas resemble each other: "
                                "areas are not independent observations, "
                                "and models of them understate "
                                "uncertainty unless they allow for it."
                              : "No clear clustering among neighbours.");
    }
    status st = ST_OK;
    for (size_t r = 0; st == ST_OK && in->fig.map && r < restab_nrows(t); r++) {
        const char *var = restab_get_text(t, r, 0);
        const double *v = frame_numbers(in->fig.frame, var);
        if (v != NULL)
            st = figures_map(&in->fig, var, v, rep, err);
    }
    return st;
}

/* The areas with a profile page: [report] profiles, else every area when
 * there are at most 50. */
static size_t profiled(const narrative_input *in, size_t *area)
{
    const study_section *sec = study_find(in->fig.s, "report", NULL);
    const char *list = sec ? study_get(sec, "profiles") : NULL;
    size_t n = 0;
    if (list == NULL) {
        for (size_t k = 0; in->fig.nareas <= 50 && k < in->fig.nareas; k++)
            area[n++] = k;
        return n;
    }
    char **ids = NULL;
    long m = study_split_list(list, &ids);
    for (long i = 0; i < m; i++)
        for (size_t k = 0; k < in->fig.nareas; k++)
            if (strcmp(ids[i], in->fig.area_ids[k]) == 0) {
                area[n++] = k;
                break;
            }
    study_list_free(ids, m > 0 ? (size_t)m : 0);
    return n;
}

static status profiles(const narrative_input *in, report *rep, error_buf *err)
{
    const figures_input *f = &in->fig;
    size_t *area = malloc((f->nareas ? f->nareas : 1) * sizeof *area);
    if (area == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    size_t n = profiled(in, area);
    status st = ST_OK;
    for (size_t j = 0; st == ST_OK && j < n; j++) {
        size_t a = area[j];
        char heading[300];
        snprintf(heading, sizeof heading, "Area profile: %s (%s)",
                 f->area_labels[a], f->area_ids[a]);
        report_heading(rep, 2, heading);
        for (size_t i = 0; i < f->s->nscales; i++) {
            const ecometric_result *e = f->ecometric[i];
            if (e == NULL || isnan(e->score[a]))
                continue;
            report_paragraph(
                rep,
                "%s: score %.2f (95%% interval %.2f to %.2f) from %zu "
                "respondents; rank %.0f of %zu (95%% interval %.0f to %.0f).",
                f->s->scales[i].name, e->score[a],
                e->score[a] - 1.96 * e->se[a], e->score[a] + 1.96 * e->se[a],
                e->area_respondents[a], in->rank ? in->rank[i][a] : (double)NAN,
                f->nareas, in->rank_low ? in->rank_low[i][a] : (double)NAN,
                in->rank_high ? in->rank_high[i][a] : (double)NAN);
        }
        for (size_t i = 0; f->frame && i < f->s->nsections; i++) {
            const study_section *sec = &f->s->sections[i];
            const double *v = strcmp(sec->kind, "index") == 0
                                  ? frame_numbers(f->frame, sec->name)
                                  : NULL;
            if (v != NULL && !isnan(v[a]))
                report_paragraph(rep,
                                 "Index %s: %.2f (0 is the average area, "
                                 "in standard deviations).",
                                 sec->name, v[a]);
        }
        st = figures_spine(f, a, rep, err);
    }
    free(area);
    return st;
}

static void evaluation(const narrative_input *in, report *rep)
{
    const study *s = in->fig.s;
    for (size_t i = 0; i < s->nsections; i++) {
        const study_section *sec = &s->sections[i];
        long r = strcmp(sec->kind, "evaluate") == 0
                     ? coef_row(in->fig.coefficients, sec->name, "D")
                     : -1;
        if (r < 0)
            continue;
        const restab *t = in->fig.coefficients;
        report_heading(rep, 2, "Evaluation");
        report_paragraph(
            rep,
            "%s: where %s runs, %s changed by %.3g more than elsewhere "
            "from wave %s on (95%% interval %.3g to %.3g; p = %.2g), a "
            "difference-in-differences with area and wave effects over "
            "%.0f area-waves. It credits the programme only if treated "
            "and other areas would have moved in parallel without it.",
            sec->name, study_get(sec, "treated"), study_get(sec, "outcome"),
            restab_get_num(t, (size_t)r, 2), study_get(sec, "start"),
            restab_get_num(t, (size_t)r, 6), restab_get_num(t, (size_t)r, 7),
            restab_get_num(t, (size_t)r, 5),
            fit_value(in->fit, sec->name, "n_obs"));
    }
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    int c;
    while (m && (c = getc(f)) != EOF)
        putc(c, m);
    fclose(f);
    if (m)
        fclose(m);
    return buf;
}

static void methods(const narrative_input *in, report *rep)
{
    const study *s = in->fig.s;
    report_heading(rep, 2, "Methods and reproducibility");
    report_paragraph(
        rep,
        "ecometer %s (GSL %s, Cairo %s), seed %llu. The same inputs, seed "
        "and version give the same tables, figures and reports, byte for "
        "byte, with any number of threads. Formulas and reference "
        "implementations: METHODS.md.",
        ECOMETER_VERSION, cli_gsl_version(), cli_cairo_version(),
        (unsigned long long)in->seed);
    static const char *const head[] = {"input", "bytes", "SHA-256"};
    grid g = {3, 0, 0, NULL, 0};
    for (size_t i = 0; i < in->ninputs; i++) {
        const char *base = strrchr(in->inputs[i].name, '/');
        grid_add(&g, "%s", base ? base + 1 : in->inputs[i].name);
        grid_add(&g, "%llu", (unsigned long long)in->inputs[i].bytes);
        grid_add(&g, "%s", in->inputs[i].sha256);
    }
    grid_emit(rep, &g, "Inputs", head);
    if (in->nwarnings > 0) {
        static const char *const whead[] = {"code", "warning"};
        const char **cells = malloc(2 * in->nwarnings * sizeof *cells);
        for (size_t i = 0; cells && i < in->nwarnings; i++) {
            cells[2 * i] = in->warning_code[i];
            cells[2 * i + 1] = in->warning_message[i];
        }
        if (cells)
            report_table(rep, "Warnings", 2, whead, cells, in->nwarnings);
        free(cells);
    }
    char *text = read_text(s->path);
    if (text != NULL) {
        report_heading(rep, 3, "The study file");
        report_preformatted(rep, text);
    }
    free(text);
}

status narrative_write(const narrative_input *in, outdir *od,
                       double *figure_seconds, error_buf *err)
{
    const char *title =
        study_get(study_find(in->fig.s, "study", NULL), "title");
    report *rep = report_create(od, title ? title : "ecometer report", in->date,
                                figure_seconds, err);
    if (rep == NULL)
        return err->st;
    summary(in, rep);
    data_section(in, rep);
    status st = measurement(in, rep, err);
    if (st == ST_OK)
        st = area_scores(in, rep, err);
    if (st == ST_OK)
        st = coproduction(in, rep, err);
    if (st == ST_OK)
        st = models(in, rep, err);
    if (st == ST_OK) {
        mediation(in, rep);
        st = comparing(in, rep, err);
    }
    if (st == ST_OK)
        st = spatial(in, rep, err);
    if (st == ST_OK) {
        evaluation(in, rep);
        st = profiles(in, rep, err);
    }
    if (st == ST_OK)
        methods(in, rep);
    if (st != ST_OK) {
        report_free(rep);
        return st;
    }
    return report_finish(rep, err);
}
