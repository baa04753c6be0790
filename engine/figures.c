/*
 * figures.c — the data of each figure of `run`, gathered from the stages'
 * results, then drawn by plots/ (see figures.h).
 */
#include "figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../plots/caterpillar.h"
#include "../plots/forest.h"
#include "../plots/funnelplot.h"
#include "../plots/likert.h"
#include "../plots/map.h"
#include "../plots/profile.h"
#include "../plots/scatter.h"
#include "../plots/spine.h"

enum { WIDTH = 720, HEIGHT = 480 };

/* Draws a figure into the report (and figures/<name>.svg and .png),
 * captioned by its title and note. */
static status write_figure(report *rep, const char *name, const char *title,
                           const char *note, chart_draw_fn draw,
                           const void *data, double height, error_buf *err)
{
    char caption[1024];
    snprintf(caption, sizeof caption, "%s. %s", title, note ? note : "");
    return report_figure(rep, name, title, caption, draw, data, WIDTH, height,
                         err);
}

/* Answers to each item of a scale as shares of 1..K (whole answers). */
static status likert_figure(const figures_input *in, size_t si, report *rep,
                            error_buf *err)
{
    const study_scale *sc = &in->s->scales[si];
    size_t ncats = (size_t)(sc->high - sc->low) + 1;
    if (ncats < 2 || ncats > 11)
        return ST_OK; /* no diverging bar for such a range */
    double *share = calloc(sc->nitems * ncats, sizeof *share);
    char **item = calloc(sc->nitems, sizeof *item);
    char(*cat)[16] = calloc(ncats, sizeof *cat);
    const char **catp = calloc(ncats, sizeof *catp);
    status st = share && item && cat && catp ? ST_OK : ST_ENOMEM;
    for (size_t i = 0; st == ST_OK && i < sc->nitems; i++) {
        const double *col = in->items[si][i];
        double n = 0;
        for (size_t r = 0; r < in->nrespondents; r++)
            if (!isnan(col[r])) {
                share[i * ncats + (size_t)(col[r] - sc->low)]++;
                n++;
            }
        for (size_t k = 0; k < ncats; k++)
            share[i * ncats + k] /= n > 0 ? n : 1;
        if (asprintf(&item[i], "%s%s", sc->items[i],
                     sc->reversed[i] ? " (reversed)" : "") < 0) {
            item[i] = NULL;
            st = ST_ENOMEM;
        }
    }
    for (size_t k = 0; st == ST_OK && k < ncats; k++) {
        snprintf(cat[k], sizeof cat[k], "%g", sc->low + (double)k);
        catp[k] = cat[k];
    }
    char title[200], name[160];
    snprintf(title, sizeof title, "Answers to the %s items", sc->name);
    snprintf(name, sizeof name, "likert_%s", sc->name);
    likert_data d = {title,
                     "Share of respondents giving each answer (latest wave); "
                     "bars centred on the middle answer",
                     "Reversed items are shown as answered, before reversal.",
                     sc->nitems,
                     ncats,
                     (const char *const *)item,
                     catp,
                     share};
    if (st == ST_OK)
        st = write_figure(rep, name, title, d.caption, likert_draw, &d,
                          160 + 26.0 * (double)sc->nitems, err);
    else
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; item && i < sc->nitems; i++)
        free(item[i]);
    free(item);
    free(share);
    free(cat);
    free(catp);
    return st;
}

/* Area scores with score ± 1.96 SE. */
static status caterpillar_figure(const figures_input *in, size_t si,
                                 report *rep, error_buf *err)
{
    const study_scale *sc = &in->s->scales[si];
    const ecometric_result *e = in->ecometric[si];
    size_t n = e->nareas, m = 0;
    double *low = malloc((n ? n : 1) * sizeof *low);
    double *high = malloc((n ? n : 1) * sizeof *high);
    if (low == NULL || high == NULL) {
        free(low);
        free(high);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    double sum = 0;
    for (size_t k = 0; k < n; k++) {
        low[k] = e->score[k] - 1.96 * e->se[k];
        high[k] = e->score[k] + 1.96 * e->se[k];
        if (!isnan(e->score[k])) {
            sum += e->score[k];
            m++;
        }
    }
    char title[200], name[160], sub[200], label[120];
    snprintf(title, sizeof title, "Area scores: %s", sc->name);
    snprintf(sub, sizeof sub,
             "Ecometric score of each area with its 95%% interval; dashed: "
             "the mean of %zu areas",
             m);
    snprintf(label, sizeof label, "%s score (answer scale %g to %g)", sc->name,
             sc->low, sc->high);
    snprintf(name, sizeof name, "caterpillar_%s", sc->name);
    caterpillar_data d = {
        title,
        sub,
        "Intervals: score ± 1.96 conditional SD. Overlapping intervals mean "
        "the data cannot tell the areas apart.",
        label,
        n,
        e->score,
        low,
        high,
        in->area_labels,
        m ? sum / (double)m : (double)NAN};
    status st = write_figure(rep, name, title, d.caption, caterpillar_draw, &d,
                             HEIGHT, err);
    free(low);
    free(high);
    return st;
}

/* A [model]'s coefficients but the intercept, as coefficients.csv has
 * them (columns: model, term, estimate, std_error, statistic, p_value,
 * conf_low, conf_high). */
static status forest_figure(const figures_input *in, const study_section *sec,
                            report *rep, error_buf *err)
{
    const restab *t = in->coefficients;
    size_t rows = restab_nrows(t), m = 0;
    const char **term = malloc((rows ? rows : 1) * sizeof *term);
    double *v = malloc((rows ? rows : 1) * 3 * sizeof *v);
    if (term == NULL || v == NULL) {
        free(term);
        free(v);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t r = 0; r < rows; r++) {
        const char *model = restab_get_text(t, r, 0);
        const char *name = restab_get_text(t, r, 1);
        if (model == NULL || name == NULL || strcmp(model, sec->name) != 0 ||
            strcmp(name, "(Intercept)") == 0)
            continue;
        term[m] = name;
        v[m] = restab_get_num(t, r, 2);
        v[rows + m] = restab_get_num(t, r, 6);
        v[2 * rows + m++] = restab_get_num(t, r, 7);
    }
    const char *family = study_get(sec, "family");
    int counts = family && strcmp(family, "gaussian") != 0;
    char title[200], name[160];
    snprintf(title, sizeof title, "Model %s: coefficients", sec->name);
    snprintf(name, sizeof name, "forest_%s", sec->name);
    forest_data d = {title,
                     study_get(sec, "formula"),
                     "Squares: estimates; lines: 95% intervals; dashed: no "
                     "effect. The intercept is not shown.",
                     counts ? "coefficient (log rate ratio per unit)"
                            : "coefficient (change in the outcome per unit)",
                     m,
                     term,
                     v,
                     v + rows,
                     v + 2 * rows,
                     0};
    status st = m == 0 ? ST_OK
                       : write_figure(rep, name, title, d.caption, forest_draw,
                                      &d, 150 + 24.0 * (double)m, err);
    free(term);
    free(v);
    return st;
}

static status scatter_figure(const model_scatter *m, report *rep,
                             error_buf *err)
{
    char title[512], name[160], sub[400];
    snprintf(title, sizeof title, "Model %s: %s against %s", m->model,
             m->y_label, m->x_name);
    snprintf(sub, sizeof sub,
             "%zu rows of the model; the line is the fit at the other "
             "predictors' means, with its 95%% band",
             m->n);
    snprintf(name, sizeof name, "scatter_%s", m->model);
    scatter_data d = {title,
                      sub,
                      m->n > SCATTER_HEX_ABOVE
                          ? "Hexagons: darker where more rows fall."
                          : "Points: the model's rows.",
                      m->x_name,
                      m->y_label,
                      m->n,
                      m->x,
                      m->y,
                      SCATTER_LINE,
                      m->line_x,
                      m->fit,
                      m->low,
                      m->high};
    return write_figure(rep, name, title, d.caption, scatter_draw, &d, HEIGHT,
                        err);
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The median of the non-NaN values among v[0..n) (sorted in place). */
static double median(double *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            v[m++] = v[i];
    if (m == 0)
        return (double)NAN;
    qsort(v, m, sizeof *v, by_double);
    return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

static const char *const profile_rows[RECIP_PROFILE] = {
    "Assets (hours per member)",
    "Capacity (share who give)",
    "Mutuality (share who give and receive)",
    "Networks (largest connected share)",
    "Shared roles (peer hours share)",
    "Catalysts (member / professional hours)"};

/* The region (group) of each exchange area, -1 outside the study's
 * areas; groups are the regions in byte order, or one of all areas. */
static size_t profile_groups(const figures_input *in, int32_t *group,
                             const char **names)
{
    size_t ngroups = 0;
    if (in->area_regions != NULL) {
        for (size_t a = 0; a < in->nareas; a++)
            names[ngroups++] = in->area_regions[a];
        qsort(names, ngroups, sizeof *names, by_text);
        size_t k = 0;
        for (size_t g = 0; g < ngroups; g++)
            if (k == 0 || strcmp(names[g], names[k - 1]) != 0)
                names[k++] = names[g];
        ngroups = k;
    }
    if (ngroups == 0 || ngroups > CHART_NCOLOURS) {
        ngroups = 1;
        names[0] = "all areas";
    }
    for (size_t k = 0; k < in->recip->nareas; k++) {
        const char *id = exchanges_area_id(in->x, (int32_t)k);
        const char *const *hit = bsearch(&id, in->area_ids, in->nareas,
                                         sizeof *in->area_ids, by_text);
        group[k] = -1;
        if (hit == NULL)
            continue;
        if (ngroups == 1) {
            group[k] = 0;
            continue;
        }
        const char *region = in->area_regions[hit - in->area_ids];
        const char **g =
            bsearch(&region, names, ngroups, sizeof *names, by_text);
        group[k] = g ? (int32_t)(g - names) : -1;
    }
    return ngroups;
}

/* Each region's median percentile on the six characteristics. */
static status profile_figure(const figures_input *in, report *rep,
                             error_buf *err)
{
    size_t n = in->recip->nareas, K = in->nareas;
    double *pct = malloc((n ? n : 1) * RECIP_PROFILE * sizeof *pct);
    double *tmp = malloc((n ? n : 1) * sizeof *tmp);
    double *value = malloc(CHART_NCOLOURS * RECIP_PROFILE * sizeof *value);
    int32_t *group = malloc((n ? n : 1) * sizeof *group);
    const char **names =
        malloc((K > CHART_NCOLOURS ? K : CHART_NCOLOURS) * sizeof *names);
    status st = ST_OK;
    if (!pct || !tmp || !value || !group || !names ||
        recip_profile(in->recip, pct) != 0) {
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t ngroups = profile_groups(in, group, names);
    for (size_t g = 0; g < ngroups; g++)
        for (size_t j = 0; j < RECIP_PROFILE; j++) {
            size_t m = 0;
            for (size_t k = 0; k < n; k++)
                if (group[k] == (int32_t)g)
                    tmp[m++] = pct[k * RECIP_PROFILE + j];
            value[g * RECIP_PROFILE + j] = median(tmp, m);
        }
    profile_data d = {
        "Co-production profile",
        ngroups > 1 ? "Median percentile among areas, by region: 50 is a "
                      "typical area; higher is more"
                    : "Median percentile among areas: 50 is a typical area; "
                      "higher is more",
        "The six characteristics of co-production (Boyle & Harris 2009), "
        "each as a percentile among the areas with exchanges.",
        "percentile among areas",
        RECIP_PROFILE,
        ngroups,
        profile_rows,
        names,
        value};
    st = write_figure(rep, "profile_coproduction", d.title, d.caption,
                      profile_draw, &d, 340, err);
done:
    free(pct);
    free(tmp);
    free(value);
    free(group);
    free(names);
    return st;
}

status figures_likert(const figures_input *in, size_t scale, report *rep,
                      error_buf *err)
{
    return likert_figure(in, scale, rep, err);
}

status figures_caterpillar(const figures_input *in, size_t scale, report *rep,
                           error_buf *err)
{
    return in->ecometric[scale] ? caterpillar_figure(in, scale, rep, err)
                                : ST_OK;
}

status figures_model(const figures_input *in, const study_section *sec,
                     report *rep, error_buf *err)
{
    status st = in->coefficients ? forest_figure(in, sec, rep, err) : ST_OK;
    for (size_t i = 0; st == ST_OK && i < in->nscatters; i++)
        if (strcmp(in->scatters[i].model, sec->name) == 0)
            st = scatter_figure(&in->scatters[i], rep, err);
    return st;
}

status figures_profile(const figures_input *in, report *rep, error_buf *err)
{
    return in->recip && in->x ? profile_figure(in, rep, err) : ST_OK;
}

status figures_funnel(const figures_input *in, const comparison *cmp,
                      report *rep, error_buf *err)
{
    const funnel_result *r = cmp->r;
    double *x = malloc((r->n ? r->n : 1) * sizeof *x);
    if (x == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < r->n; i++)
        x[i] = r->type == FUNNEL_RATIO ? r->expected[i]
               : r->type == FUNNEL_PROPORTION
                   ? r->denominator[i]
                   : 2 * 1.959963984540054 / (r->upper95[i] - r->lower95[i]);
    static const char *const xl[] = {"expected count", "denominator",
                                     "precision (1 / SE)"};
    static const char *const yl[] = {"observed / expected", "proportion",
                                     "score"};
    char title[200], sub[300], name[160], caption[400];
    snprintf(title, sizeof title, "Comparing areas: %s", cmp->sec->name);
    snprintf(sub, sizeof sub,
             "Target %.3g; dashed: 95%% limits, solid: 99.8%% limits",
             r->target);
    snprintf(caption, sizeof caption,
             "Coloured points lie outside the 95%% limits (darker: outside "
             "99.8%%). Overdispersion phi = %.3g%s.",
             r->phi,
             r->adjusted ? "; the limits are widened for it"
                         : "; the limits are not widened");
    snprintf(name, sizeof name, "funnel_%s", cmp->sec->name);
    funnelplot_data d = {title,       sub,        caption,     xl[r->type],
                         yl[r->type], r->n,       x,           r->value,
                         r->lower95,  r->upper95, r->lower998, r->upper998,
                         r->flag95,   r->flag998, r->z,        in->area_labels,
                         r->target};
    status st = write_figure(rep, name, title, caption, funnelplot_draw, &d,
                             HEIGHT, err);
    free(x);
    return st;
}

status figures_spine(const figures_input *in, size_t area, report *rep,
                     error_buf *err)
{
    size_t n = in->ncomparisons;
    if (n == 0)
        return ST_OK;
    const char **names = calloc(n, sizeof *names);
    double *v = calloc(6 * n, sizeof *v);
    signed char *versus = calloc(n, sizeof *versus);
    status st = names && v && versus ? ST_OK : ST_ENOMEM;
    for (size_t k = 0; st == ST_OK && k < n; k++) {
        const funnel_result *r = in->comparisons[k].r;
        funnel_spine sp;
        names[k] = in->comparisons[k].sec->name;
        if (funnel_spine_stats(r->n, r->value, r->target, 1, &sp, err) != 0) {
            st = err->st;
            break;
        }
        v[k] = sp.worst;
        v[n + k] = sp.q25;
        v[2 * n + k] = sp.overall;
        v[3 * n + k] = sp.q75;
        v[4 * n + k] = sp.best;
        v[5 * n + k] = r->value[area];
        versus[k] = r->versus_target[area] == FUNNEL_FLAG_NA
                        ? 0
                        : r->versus_target[area];
    }
    char title[300], name[200];
    snprintf(title, sizeof title, "%s: how the area compares",
             in->area_labels[area]);
    snprintf(name, sizeof name, "spine_%s", in->area_ids[area]);
    spine_data d = {title,
                    "Bars: all areas, lowest to highest, the middle half "
                    "darker; centre line: the overall value",
                    "Circle: this area; blue where its 95% interval lies "
                    "above the overall value, vermillion below, white "
                    "across it.",
                    n,
                    names,
                    v,
                    v + n,
                    v + 2 * n,
                    v + 3 * n,
                    v + 4 * n,
                    v + 5 * n,
                    versus};
    if (st == ST_OK)
        st = write_figure(rep, name, title, d.caption, spine_draw, &d,
                          150 + 36.0 * (double)n, err);
    else if (st == ST_ENOMEM)
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    free(names);
    free(v);
    free(versus);
    return st;
}

status figures_map(const figures_input *in, const char *variable,
                   const double *values, report *rep, error_buf *err)
{
    const geo_areas *g = in->map;
    size_t K = in->nareas, m = 0, nf = g->nfeatures;
    double *sorted = malloc((K ? K : 1) * sizeof *sorted);
    int *cls = malloc((nf ? nf : 1) * sizeof *cls);
    if (sorted == NULL || cls == NULL) {
        free(sorted);
        free(cls);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t k = 0; k < K; k++)
        if (!isnan(values[k]))
            sorted[m++] = values[k];
    qsort(sorted, m, sizeof *sorted, by_double);
    /* class upper bounds at the 1/7 .. 7/7 quantiles, repeats merged */
    double upper[MAP_MAX_CLASSES];
    size_t nc = 0;
    for (size_t q = 1; m > 0 && q <= MAP_MAX_CLASSES; q++) {
        double v = sorted[(m - 1) * q / MAP_MAX_CLASSES];
        if (nc == 0 || v > upper[nc - 1])
            upper[nc++] = v;
    }
    char text[MAP_MAX_CLASSES][64];
    const char *labels[MAP_MAX_CLASSES];
    for (size_t k = 0; k < nc; k++) {
        snprintf(text[k], sizeof text[k], "%.3g to %.3g",
                 k == 0 ? sorted[0] : upper[k - 1], upper[k]);
        labels[k] = text[k];
    }
    for (size_t f = 0; f < nf; f++) {
        const char *id = g->id[f];
        const char *const *hit =
            bsearch(&id, in->area_ids, K, sizeof *in->area_ids, by_text);
        double v = hit ? values[hit - in->area_ids] : (double)NAN;
        cls[f] = -1;
        for (size_t k = 0; !isnan(v) && k < nc; k++)
            if (v <= upper[k]) {
                cls[f] = (int)k;
                break;
            }
    }
    char title[200], name[160], sub[200];
    snprintf(title, sizeof title, "Map: %s", variable);
    snprintf(sub, sizeof sub,
             "%zu areas in %zu classes of about equal size (quantiles)", m, nc);
    snprintf(name, sizeof name, "map_%s", variable);
    map_data d = {title,
                  sub,
                  "Projection: longitude scaled by the cosine of the "
                  "middle latitude. Grey: no value.",
                  variable,
                  nf,
                  g->ring_start,
                  g->point_start,
                  g->lon,
                  g->lat,
                  g->lon_min,
                  g->lon_max,
                  g->lat_min,
                  g->lat_max,
                  cls,
                  nc ? nc : 1,
                  labels};
    status st = nc == 0 ? ST_OK
                        : write_figure(rep, name, title, d.caption, map_draw,
                                       &d, 560, err);
    free(sorted);
    free(cls);
    return st;
}
