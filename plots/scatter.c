/*
 * scatter.c — outcome against predictor with the fitted line (see
 * scatter.h). Hexagons are pointy-topped, of radius HEX points, laid on
 * the plot area; a hexagon's shade grows with the log of its count.
 */
#include "scatter.h"

#include <math.h>
#include <stdlib.h>

enum { HEX = 5 };

static void limits(const double *v, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            *lo = fmin(*lo, v[i]);
            *hi = fmax(*hi, v[i]);
        }
}

static void hexagon(cairo_t *cr, double cx, double cy, double r)
{
    for (int k = 0; k < 6; k++) {
        double a = M_PI / 6 + k * M_PI / 3;
        if (k == 0)
            cairo_move_to(cr, cx + r * cos(a), cy + r * sin(a));
        else
            cairo_line_to(cr, cx + r * cos(a), cy + r * sin(a));
    }
    cairo_close_path(cr);
}

/* Points binned into hexagons of the plot's pixel grid. */
static int draw_hexes(cairo_t *cr, const scatter_data *d, const chart_box *b,
                      const chart_scale *xs, const chart_scale *ys)
{
    double w = sqrt(3) * HEX, h = 1.5 * HEX;
    size_t cols = (size_t)((b->x1 - b->x0) / w) + 2;
    size_t rows = (size_t)((b->y1 - b->y0) / h) + 2;
    unsigned *count = calloc(cols * rows, sizeof *count);
    if (count == NULL)
        return -1;
    unsigned most = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!isfinite(d->x[i]) || !isfinite(d->y[i]))
            continue;
        double px = chart_map(xs, d->x[i]) - b->x0;
        double py = chart_map(ys, d->y[i]) - b->y0;
        size_t r = (size_t)fmax(0, floor(py / h + 0.5));
        double shift = r % 2 ? w / 2 : 0;
        size_t c = (size_t)fmax(0, floor((px - shift) / w + 0.5));
        if (r < rows && c < cols && ++count[r * cols + c] > most)
            most = count[r * cols + c];
    }
    const chart_rgb *ink = &chart_palette[4];
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            unsigned k = count[r * cols + c];
            if (k == 0)
                continue;
            double t = 0.2 + 0.8 * log1p(k) / log1p(most);
            cairo_set_source_rgb(cr, 1 - t * (1 - ink->r), 1 - t * (1 - ink->g),
                                 1 - t * (1 - ink->b));
            hexagon(cr, b->x0 + (double)c * w + (r % 2 ? w / 2 : 0),
                    b->y0 + (double)r * h, HEX);
            cairo_fill(cr);
        }
    free(count);
    return 0;
}

int scatter_draw(chart *c, const void *data)
{
    const scatter_data *d = data;
    cairo_t *cr = chart_cairo(c);
    double x0 = (double)INFINITY, x1 = -(double)INFINITY, y0 = (double)INFINITY,
           y1 = -(double)INFINITY;
    limits(d->x, d->n, &x0, &x1);
    limits(d->y, d->n, &y0, &y1);
    limits(d->band_low, d->nline, &y0, &y1);
    limits(d->band_high, d->nline, &y0, &y1);
    if (!(x1 >= x0) || !(y1 >= y0))
        x0 = x1 = y0 = y1 = 0;
    chart_nice_range(&x0, &x1, 6);
    chart_nice_range(&y0, &y1, 5);
    chart_box b = chart_frame(c, d->title, d->subtitle, d->caption, 44, 34);
    chart_scale xs = {x0, x1, b.x0, b.x1}, ys = {y0, y1, b.y1, b.y0};
    chart_axis_y(c, &b, &ys, d->y_label);
    chart_axis_x(c, &b, &xs, d->x_label, 0);
    cairo_save(cr);
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_clip(cr);
    int rc = 0;
    if (d->n > SCATTER_HEX_ABOVE) {
        rc = draw_hexes(cr, d, &b, &xs, &ys);
    } else {
        const chart_rgb *p = &chart_palette[4];
        cairo_set_source_rgba(cr, p->r, p->g, p->b, d->n > 500 ? 0.35 : 0.6);
        for (size_t i = 0; i < d->n; i++)
            if (isfinite(d->x[i]) && isfinite(d->y[i])) {
                cairo_new_sub_path(cr);
                cairo_arc(cr, chart_map(&xs, d->x[i]), chart_map(&ys, d->y[i]),
                          d->n > 500 ? 1.6 : 2.4, 0, 2 * M_PI);
            }
        cairo_fill(cr);
    }
    if (d->nline > 1) { /* the band, then the line over it */
        const chart_rgb *o = &chart_palette[5];
        cairo_set_source_rgba(cr, o->r, o->g, o->b, 0.25);
        for (size_t k = 0; k < d->nline; k++)
            cairo_line_to(cr, chart_map(&xs, d->line_x[k]),
                          chart_map(&ys, d->band_high[k]));
        for (size_t k = d->nline; k-- > 0;)
            cairo_line_to(cr, chart_map(&xs, d->line_x[k]),
                          chart_map(&ys, d->band_low[k]));
        cairo_close_path(cr);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, o->r, o->g, o->b);
        cairo_set_line_width(cr, 2);
        for (size_t k = 0; k < d->nline; k++)
            cairo_line_to(cr, chart_map(&xs, d->line_x[k]),
                          chart_map(&ys, d->line_y[k]));
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    return rc;
}
