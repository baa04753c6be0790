/*
 * caterpillar.c — area scores with intervals (see caterpillar.h). Up to
 * ROWS_NAMED areas are drawn as named rows, highest first; beyond, as
 * columns from lowest to highest with the extremes named where the curve
 * leaves room (above the low end, below the high end). Beyond 2,000 areas
 * the columns are thinner than a pixel and are drawn as their union, one
 * shape, which looks the same and draws in a fraction of the time.
 */
#include "caterpillar.h"

#include <math.h>
#include <stdlib.h>

enum { ROWS_NAMED = 50, EXTREMES = 3 };

typedef struct {
    double value;
    size_t index;
} keyed;

static int by_value(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->value < y->value ? -1
           : x->value > y->value
               ? 1
               : (x->index > y->index) - (x->index < y->index);
}

static void range_of(const caterpillar_data *d, const size_t *ord, size_t m,
                     double *lo, double *hi)
{
    *lo = (double)INFINITY;
    *hi = -(double)INFINITY;
    for (size_t k = 0; k < m; k++) {
        size_t i = ord[k];
        *lo = fmin(*lo, isfinite(d->low[i]) ? d->low[i] : d->value[i]);
        *hi = fmax(*hi, isfinite(d->high[i]) ? d->high[i] : d->value[i]);
    }
    if (isfinite(d->reference)) {
        *lo = fmin(*lo, d->reference);
        *hi = fmax(*hi, d->reference);
    }
    chart_nice_range(lo, hi, 6);
}

static void dashed(cairo_t *cr, double x0, double y0, double x1, double y1)
{
    static const double dash[] = {4, 3};
    cairo_save(cr);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, chart_muted.r, chart_muted.g, chart_muted.b);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* Few areas: one named row each, highest at the top. */
static void draw_rows(chart *c, const caterpillar_data *d, const size_t *ord,
                      size_t m)
{
    cairo_t *cr = chart_cairo(c);
    chart_font name = {9, 0, 1, 0.5, chart_ink, 0};
    double left = 0, w, h;
    for (size_t k = 0; k < m; k++) {
        chart_text_size(c, d->label[ord[k]], &name, &w, &h);
        left = fmax(left, w);
    }
    chart_box b = chart_frame(c, d->title, d->subtitle, d->caption,
                              fmin(left, 160) + 8, 34);
    double lo, hi;
    range_of(d, ord, m, &lo, &hi);
    chart_scale xs = {lo, hi, b.x0, b.x1};
    chart_axis_x(c, &b, &xs, d->axis_label, 0);
    double row = (b.y1 - b.y0) / (double)m;
    if (isfinite(d->reference))
        dashed(cr, chart_map(&xs, d->reference), b.y0,
               chart_map(&xs, d->reference), b.y1);
    cairo_set_source_rgb(cr, chart_palette[4].r, chart_palette[4].g,
                         chart_palette[4].b);
    cairo_set_line_width(cr, 1.4);
    for (size_t k = 0; k < m; k++) {
        size_t i = ord[m - 1 - k];
        double y = b.y0 + (k + 0.5) * row;
        chart_text(c, b.x0 - 6, y, d->label[i], &name);
        if (isfinite(d->low[i]) && isfinite(d->high[i])) {
            cairo_move_to(cr, chart_map(&xs, d->low[i]), y);
            cairo_line_to(cr, chart_map(&xs, d->high[i]), y);
            cairo_stroke(cr);
        }
        cairo_arc(cr, chart_map(&xs, d->value[i]), y, fmin(3, row / 3), 0,
                  2 * M_PI);
        cairo_fill(cr);
    }
}

/* The highest interval end among ranks [k0, k1) (up = 1), or the lowest
 * interval start (up = 0), in points. */
static double envelope(const caterpillar_data *d, const size_t *ord, size_t k0,
                       size_t k1, int up, const chart_scale *ys)
{
    double y = up ? (double)INFINITY : -(double)INFINITY;
    for (size_t k = k0; k < k1; k++) {
        size_t i = ord[k];
        double v = up ? d->high[i] : d->low[i];
        if (!isfinite(v))
            v = d->value[i];
        y = up ? fmin(y, chart_map(ys, v)) : fmax(y, chart_map(ys, v));
    }
    return y;
}

/* A label on a white ground, joined to its point by a thin leader. */
static void leader_label(chart *c, double px, double py, double lx, double ly,
                         const char *text, const chart_font *f)
{
    cairo_t *cr = chart_cairo(c);
    double w, h;
    chart_text_size(c, text, f, &w, &h);
    cairo_set_source_rgb(cr, chart_muted.r, chart_muted.g, chart_muted.b);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, px, py);
    cairo_line_to(cr, lx, ly);
    cairo_stroke(cr);
    double x0 = lx - f->ax * w, y0 = ly - f->ay * h;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, x0 - 2, y0, w + 4, h);
    cairo_fill(cr);
    chart_text(c, lx, ly, text, f);
}

/* Names the lowest and highest areas where the curve leaves room: above
 * the intervals of the low end and below those of the high end. */
static void name_extremes(chart *c, const caterpillar_data *d,
                          const size_t *ord, size_t m, const chart_box *b,
                          const chart_scale *ys)
{
    chart_font low = {8, 0, 0, 1, chart_ink, 0};
    chart_font high = {8, 0, 1, 0, chart_ink, 0};
    double step = (b->x1 - b->x0) / (double)m;
    size_t reach = m / 6 + 1;
    double top = envelope(d, ord, 0, reach < m ? reach : m, 1, ys) - 6;
    double bottom = envelope(d, ord, m - (reach < m ? reach : m), m, 0, ys) + 6;
    for (size_t k = 0; k < EXTREMES && 2 * k + 1 < m; k++) {
        size_t i = ord[k], j = ord[m - 1 - k];
        double xi = b->x0 + (k + 0.5) * step, xj = b->x1 - (k + 0.5) * step;
        leader_label(c, xi, chart_map(ys, d->value[i]),
                     b->x0 + 24 + 10 * (double)k,
                     top - 11 * (double)(EXTREMES - 1 - k), d->label[i], &low);
        leader_label(c, xj, chart_map(ys, d->value[j]),
                     b->x1 - 24 - 10 * (double)k, bottom + 11 * (double)k,
                     d->label[j], &high);
    }
}

/* The x step, in points, within which the union's edges keep one point
 * and the scores' line two: a tenth of a point, a fifth of a pixel of
 * the PNG (a national study's columns are about six to the step). */
#define EDGE_STEP 0.1

/* Adds to the path the tops (up) of columns k = 0..m-1 at x0 + (k + 0.5)
 * * step, left to right, or their lower ends right to left, one point
 * per EDGE_STEP of x: the highest top (lowest end) among the columns
 * there, so that the shape still covers every interval. */
static void column_edge(cairo_t *cr, const caterpillar_data *d,
                        const size_t *ord, size_t m, double x0, double step,
                        const chart_scale *ys, int up)
{
    double kx = 0, ky = 0; /* the point kept for the current step */
    long at = -1;
    for (size_t j = 0; j < m; j++) {
        size_t k = up ? j : m - 1 - j, i = ord[k];
        double v = up ? d->high[i] : d->low[i];
        double x = x0 + ((double)k + 0.5) * step;
        double y = chart_map(ys, isfinite(v) ? v : d->value[i]);
        long q = (long)floor((x - x0) / EDGE_STEP);
        if (q != at) {
            if (at >= 0)
                cairo_line_to(cr, kx, ky);
            at = q;
            kx = x;
            ky = y;
        } else if (up ? y < ky : y > ky) { /* higher (lower) on the page */
            kx = x;
            ky = y;
        }
    }
    if (at >= 0)
        cairo_line_to(cr, kx, ky);
}

/* Adds the scores' line, lowest to highest: per EDGE_STEP of x its first
 * and last points (the scores rise, so those between lie in the box the
 * two make, a tenth of a point wide). */
static void score_line(cairo_t *cr, const caterpillar_data *d,
                       const size_t *ord, size_t m, double x0, double step,
                       const chart_scale *ys)
{
    double lx = 0, ly = 0; /* the last point of the current step */
    int pending = 0;
    long at = -1;
    for (size_t k = 0; k < m; k++) {
        double x = x0 + ((double)k + 0.5) * step;
        double y = chart_map(ys, d->value[ord[k]]);
        long q = (long)floor((x - x0) / EDGE_STEP);
        if (q != at) {
            if (pending)
                cairo_line_to(cr, lx, ly);
            cairo_line_to(cr, x, y);
            at = q;
            pending = 0;
        } else {
            lx = x;
            ly = y;
            pending = 1;
        }
    }
    if (pending)
        cairo_line_to(cr, lx, ly);
}

/* Many areas: columns from lowest to highest. */
static void draw_columns(chart *c, const caterpillar_data *d, const size_t *ord,
                         size_t m)
{
    cairo_t *cr = chart_cairo(c);
    chart_box b = chart_frame(c, d->title, d->subtitle, d->caption, 40, 34);
    double lo, hi;
    range_of(d, ord, m, &lo, &hi);
    chart_scale ys = {lo, hi, b.y1, b.y0};
    chart_axis_y(c, &b, &ys, d->axis_label);
    double step = (b.x1 - b.x0) / (double)m;
    cairo_set_source_rgba(cr, chart_palette[4].r, chart_palette[4].g,
                          chart_palette[4].b, m > 2000 ? 0.5 : 0.8);
    if (m > 2000) {
        /* columns thinner than a pixel: their union, as one shape (the
         * upper ends left to right, the lower ends back) */
        column_edge(cr, d, ord, m, b.x0, step, &ys, 1);
        column_edge(cr, d, ord, m, b.x0, step, &ys, 0);
        cairo_close_path(cr);
        cairo_fill(cr);
    } else {
        cairo_set_line_width(cr, fmax(0.1, fmin(1.2, step * 0.6)));
        for (size_t k = 0; k < m; k++) {
            size_t i = ord[k];
            if (!isfinite(d->low[i]) || !isfinite(d->high[i]))
                continue;
            double x = b.x0 + (k + 0.5) * step;
            cairo_move_to(cr, x, chart_map(&ys, d->low[i]));
            cairo_line_to(cr, x, chart_map(&ys, d->high[i]));
        }
        cairo_stroke(cr);
    }
    if (m <= 2000) { /* points, while they can be told apart */
        cairo_set_source_rgb(cr, chart_ink.r, chart_ink.g, chart_ink.b);
        double r = fmax(0.4, fmin(1.6, step * 0.4));
        for (size_t k = 0; k < m; k++) {
            double x = b.x0 + (k + 0.5) * step;
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, chart_map(&ys, d->value[ord[k]]), r, 0, 2 * M_PI);
        }
        cairo_fill(cr);
    } else { /* the scores as one line */
        cairo_set_source_rgb(cr, chart_ink.r, chart_ink.g, chart_ink.b);
        cairo_set_line_width(cr, 1);
        score_line(cr, d, ord, m, b.x0, step, &ys);
        cairo_stroke(cr);
    }
    if (isfinite(d->reference))
        dashed(cr, b.x0, chart_map(&ys, d->reference), b.x1,
               chart_map(&ys, d->reference));
    cairo_set_source_rgb(cr, chart_muted.r, chart_muted.g, chart_muted.b);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, b.x0, b.y1);
    cairo_line_to(cr, b.x1, b.y1);
    cairo_stroke(cr);
    char label[96];
    snprintf(label, sizeof label, "%zu areas, from lowest to highest score", m);
    chart_font fl = {10, 0, 0.5, 0, chart_ink, 0};
    chart_text(c, (b.x0 + b.x1) / 2, b.y1 + 8, label, &fl);
    name_extremes(c, d, ord, m, &b, &ys);
}

int caterpillar_draw(chart *c, const void *data)
{
    const caterpillar_data *d = data;
    size_t *ord = malloc((d->n ? d->n : 1) * sizeof *ord), m = 0;
    keyed *key = malloc((d->n ? d->n : 1) * sizeof *key);
    if (ord == NULL || key == NULL) {
        free(ord);
        free(key);
        return -1;
    }
    for (size_t i = 0; i < d->n; i++)
        if (isfinite(d->value[i]))
            key[m++] = (keyed){d->value[i], i};
    qsort(key, m, sizeof *key, by_value);
    for (size_t k = 0; k < m; k++)
        ord[k] = key[k].index;
    free(key);
    if (m > 0 && m <= ROWS_NAMED)
        draw_rows(c, d, ord, m);
    else if (m > 0)
        draw_columns(c, d, ord, m);
    free(ord);
    return 0;
}
