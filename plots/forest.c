/*
 * forest.c — coefficients with intervals (see forest.h): term names right-
 * aligned at the left, the estimate as a square on its interval, the value
 * of no effect dashed, and each estimate written at the right.
 */
#include "forest.h"

#include <math.h>
#include <stdio.h>

int forest_draw(chart *c, const void *data)
{
    const forest_data *d = data;
    cairo_t *cr = chart_cairo(c);
    chart_font name = {9, 0, 1, 0.5, chart_ink, 0};
    chart_font value = {8, 0, 0, 0.5, chart_muted, 0};
    double left = 0, w, h, lo = d->null_value, hi = d->null_value;
    for (size_t i = 0; i < d->n; i++) {
        chart_text_size(c, d->term[i], &name, &w, &h);
        left = fmax(left, w);
        lo = fmin(lo, isfinite(d->low[i]) ? d->low[i] : d->estimate[i]);
        hi = fmax(hi, isfinite(d->high[i]) ? d->high[i] : d->estimate[i]);
    }
    chart_box b = chart_frame(c, d->title, d->subtitle, d->caption,
                              fmin(left, 200) + 8, 34);
    b.x1 -= 56; /* room for the estimates */
    chart_nice_range(&lo, &hi, 6);
    chart_scale xs = {lo, hi, b.x0, b.x1};
    chart_axis_x(c, &b, &xs, d->axis_label, 0);
    static const double dash[] = {4, 3};
    double x0 = chart_map(&xs, d->null_value);
    cairo_save(cr);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, chart_muted.r, chart_muted.g, chart_muted.b);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x0, b.y0);
    cairo_line_to(cr, x0, b.y1);
    cairo_stroke(cr);
    cairo_restore(cr);
    double row = d->n ? (b.y1 - b.y0) / (double)d->n : 0;
    for (size_t i = 0; i < d->n; i++) {
        double y = b.y0 + (i + 0.5) * row, x = chart_map(&xs, d->estimate[i]);
        const chart_rgb *col = &chart_palette[4];
        chart_text(c, b.x0 - 6, y, d->term[i], &name);
        cairo_set_source_rgb(cr, col->r, col->g, col->b);
        cairo_set_line_width(cr, 1.4);
        if (isfinite(d->low[i]) && isfinite(d->high[i])) {
            cairo_move_to(cr, chart_map(&xs, d->low[i]), y);
            cairo_line_to(cr, chart_map(&xs, d->high[i]), y);
            cairo_stroke(cr);
        }
        double r = fmin(3.5, row / 3);
        cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
        cairo_fill(cr);
        char buf[32];
        snprintf(buf, sizeof buf, "%.3g", d->estimate[i]);
        chart_text(c, b.x1 + 10, y, buf, &value);
    }
    return 0;
}
