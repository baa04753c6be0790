/*
 * funnelplot.c — the funnel plot (see funnelplot.h).
 */
#include "funnelplot.h"

#include <math.h>
#include <stdlib.h>

enum { NAMED = 5 };

typedef struct {
    double key;
    size_t i;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->key < y->key   ? -1
           : x->key > y->key ? 1
                             : (x->i > y->i) - (x->i < y->i);
}

static void curve(cairo_t *cr, const keyed *o, size_t m, const double *v,
                  const chart_scale *xs, const chart_scale *ys)
{
    int started = 0;
    for (size_t k = 0; k < m; k++) {
        double y = v[o[k].i];
        if (!isfinite(y))
            continue;
        double px = chart_map(xs, o[k].key), py = chart_map(ys, y);
        if (started)
            cairo_line_to(cr, px, py);
        else
            cairo_move_to(cr, px, py);
        started = 1;
    }
    cairo_stroke(cr);
}

int funnelplot_draw(chart *c, const void *data)
{
    const funnelplot_data *d = data;
    cairo_t *cr = chart_cairo(c);
    keyed *o = malloc((d->n ? d->n : 1) * sizeof *o);
    keyed *ext = malloc((d->n ? d->n : 1) * sizeof *ext);
    if (o == NULL || ext == NULL) {
        free(o);
        free(ext);
        return -1;
    }
    size_t m = 0;
    double x0 = 0, x1 = -(double)INFINITY, y0 = d->target, y1 = d->target;
    for (size_t i = 0; i < d->n; i++) {
        if (!isfinite(d->x[i]) || !isfinite(d->y[i]))
            continue;
        ext[m] = (keyed){-fabs(d->z[i]), i};
        o[m++] = (keyed){d->x[i], i};
        x1 = fmax(x1, d->x[i]);
        y0 = fmin(y0, d->y[i]);
        y1 = fmax(y1, d->y[i]);
    }
    qsort(o, m, sizeof *o, by_key);
    qsort(ext, m, sizeof *ext, by_key);
    if (!(x1 > x0))
        x1 = x0 + 1;
    chart_nice_range(&x0, &x1, 6);
    chart_nice_range(&y0, &y1, 6);
    chart_box b = chart_frame(c, d->title, d->subtitle, d->caption, 44, 34);
    chart_scale xs = {x0, x1, b.x0, b.x1}, ys = {y0, y1, b.y1, b.y0};
    chart_axis_y(c, &b, &ys, d->y_label);
    chart_axis_x(c, &b, &xs, d->x_label, 0);
    cairo_save(cr);
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, chart_ink.r, chart_ink.g, chart_ink.b);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, b.x0, chart_map(&ys, d->target));
    cairo_line_to(cr, b.x1, chart_map(&ys, d->target));
    cairo_stroke(cr);
    static const double dash[] = {4, 3};
    cairo_set_source_rgb(cr, chart_muted.r, chart_muted.g, chart_muted.b);
    cairo_set_line_width(cr, 1.2);
    curve(cr, o, m, d->lower998, &xs, &ys);
    curve(cr, o, m, d->upper998, &xs, &ys);
    cairo_set_dash(cr, dash, 2, 0);
    curve(cr, o, m, d->lower95, &xs, &ys);
    curve(cr, o, m, d->upper95, &xs, &ys);
    cairo_set_dash(cr, NULL, 0, 0);
    /* within first, then the flagged on top */
    double r = m > 5000 ? 1.2 : m > 500 ? 2 : 3;
    /* each dot a zero-length line with round caps: a disc of diameter
     * 2r that SVG and PDF write as two points rather than as curves */
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_width(cr, 2 * r);
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < m; k++) {
            size_t i = o[k].i;
            int flagged = d->flag95[i] != 0;
            if (flagged != pass)
                continue;
            const chart_rgb *col =
                !flagged           ? &chart_palette[7]
                : d->flag95[i] > 0 ? (d->flag998[i] > 0 ? &chart_palette[4]
                                                        : &chart_palette[1])
                                   : (d->flag998[i] < 0 ? &chart_palette[5]
                                                        : &chart_palette[0]);
            cairo_set_source_rgba(cr, col->r, col->g, col->b,
                                  flagged ? 0.95 : 0.6);
            double px = chart_map(&xs, d->x[i]), py = chart_map(&ys, d->y[i]);
            cairo_move_to(cr, px, py);
            cairo_line_to(cr, px, py);
            cairo_stroke(cr);
        }
    cairo_restore(cr);
    /* name the most extreme areas beyond 99.8%, skipping a name that
     * would overlap one already written */
    chart_font f = {8, 0, 0, 0.5, chart_ink, 0};
    chart_box placed[NAMED];
    size_t nplaced = 0;
    for (size_t k = 0; k < m && nplaced < NAMED && k < 4 * NAMED; k++) {
        size_t i = ext[k].i;
        if (d->flag998[i] == 0)
            continue;
        double px = chart_map(&xs, d->x[i]), py = chart_map(&ys, d->y[i]);
        double w, h;
        chart_text_size(c, d->label[i], &f, &w, &h);
        f.ax = px > (b.x0 + b.x1) / 2 ? 1 : 0;
        double lx = px + (f.ax > 0 ? -5 : 5);
        chart_box box = {lx - f.ax * w, py - h / 2, lx - f.ax * w + w,
                         py + h / 2};
        int clash = 0;
        for (size_t j = 0; j < nplaced && !clash; j++)
            clash = box.x0 < placed[j].x1 && placed[j].x0 < box.x1 &&
                    box.y0 < placed[j].y1 && placed[j].y0 < box.y1;
        if (clash)
            continue;
        placed[nplaced++] = box;
        chart_text(c, lx, py, d->label[i], &f);
    }
    free(o);
    free(ext);
    return 0;
}
