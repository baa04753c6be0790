/*
 * spine.c — the spine chart (see spine.h). Each half of a row is scaled
 * on its own: the lowest area at the left end, the overall value in the
 * middle, the highest at the right end.
 */
#include "spine.h"

#include <math.h>
#include <stdio.h>

/* The position (0..1) of v on a row. */
static double place(const spine_data *d, size_t i, double v)
{
    double lo = d->lowest[i], mid = d->overall[i], hi = d->highest[i];
    if (v <= mid)
        return mid > lo ? 0.5 * (v - lo) / (mid - lo) : 0.5;
    return hi > mid ? 0.5 + 0.5 * (v - mid) / (hi - mid) : 0.5;
}

int spine_draw(chart *c, const void *data)
{
    const spine_data *d = data;
    cairo_t *cr = chart_cairo(c);
    chart_font name = {9, 0, 0, 0.5, chart_ink, 150};
    chart_font num = {9, 0, 1, 0.5, chart_ink, 0};
    chart_font head = {8, 1, 1, 1, chart_muted, 0};
    chart_box b = chart_frame(c, d->title, d->subtitle, d->caption, 0, 10);
    double col_area = b.x0 + 220, col_all = b.x0 + 290, x0 = b.x0 + 310;
    chart_text(c, col_area, b.y0 - 4, "area", &head);
    chart_text(c, col_all, b.y0 - 4, "overall", &head);
    head.ax = 0;
    chart_text(c, x0, b.y0 - 4, "lowest", &head);
    head.ax = 1;
    chart_text(c, b.x1, b.y0 - 4, "highest", &head);
    double row = d->n ? fmin(36, (b.y1 - b.y0) / (double)d->n) : 0;
    for (size_t i = 0; i < d->n; i++) {
        double y = b.y0 + (i + 0.5) * row, h = fmin(14, row * 0.6);
        char buf[32];
        chart_text(c, b.x0, y, d->name[i], &name);
        snprintf(buf, sizeof buf, "%.3g", d->value[i]);
        chart_text(c, col_area, y, isfinite(d->value[i]) ? buf : "NA", &num);
        snprintf(buf, sizeof buf, "%.3g", d->overall[i]);
        chart_text(c, col_all, y, buf, &num);
        double w = b.x1 - x0;
        const double edges[] = {d->lowest[i], d->q25[i], d->q75[i],
                                d->highest[i]};
        const double grey[] = {0.85, 0.62, 0.85};
        for (int k = 0; k < 3; k++) {
            double a = x0 + w * place(d, i, edges[k]);
            double e = x0 + w * place(d, i, edges[k + 1]);
            cairo_set_source_rgb(cr, grey[k], grey[k], grey[k]);
            cairo_rectangle(cr, a, y - h / 2, e - a, h);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, chart_ink.r, chart_ink.g, chart_ink.b);
        cairo_set_line_width(cr, 1.5);
        cairo_move_to(cr, x0 + w / 2, y - h / 2 - 3);
        cairo_line_to(cr, x0 + w / 2, y + h / 2 + 3);
        cairo_stroke(cr);
        if (!isfinite(d->value[i]))
            continue;
        const chart_rgb white = {1, 1, 1};
        const chart_rgb *fill = d->versus[i] > 0   ? &chart_palette[4]
                                : d->versus[i] < 0 ? &chart_palette[5]
                                                   : &white;
        cairo_arc(cr, x0 + w * place(d, i, d->value[i]), y, h / 2 - 1, 0,
                  2 * M_PI);
        cairo_set_source_rgb(cr, fill->r, fill->g, fill->b);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, chart_ink.r, chart_ink.g, chart_ink.b);
        cairo_set_line_width(cr, 0.8);
        cairo_stroke(cr);
    }
    return 0;
}
