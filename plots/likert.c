/*
 * likert.c — diverging stacked bars of answers (see likert.h). The bars
 * are centred on the middle of the middle answer (or on the boundary
 * between the two middle answers when their number is even).
 */
#include "likert.h"

#include <math.h>
#include <stdio.h>

/* PuOr-like diverging colours from low (orange) through grey to high
 * (purple), picked per number of answers. */
static chart_rgb answer_colour(size_t k, size_t ncats)
{
    static const chart_rgb low = {0.902, 0.380, 0.004},
                           mid = {0.85, 0.85, 0.85},
                           high = {0.369, 0.235, 0.600};
    double t = ncats > 1 ? (double)k / (double)(ncats - 1) : 0.5;
    const chart_rgb *a = t < 0.5 ? &low : &mid, *b = t < 0.5 ? &mid : &high;
    double u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    return (chart_rgb){a->r + (b->r - a->r) * u, a->g + (b->g - a->g) * u,
                       a->b + (b->b - a->b) * u};
}

/* The share of item i left of the centre. */
static double left_share(const likert_data *d, size_t i)
{
    double s = 0;
    for (size_t k = 0; k < d->ncats / 2; k++)
        s += d->share[i * d->ncats + k];
    if (d->ncats % 2 == 1)
        s += d->share[i * d->ncats + d->ncats / 2] / 2;
    return s;
}

static void legend(chart *c, const likert_data *d, double x, double y)
{
    cairo_t *cr = chart_cairo(c);
    chart_font f = {8, 0, 0, 0.5, chart_ink, 0};
    for (size_t k = 0; k < d->ncats; k++) {
        chart_rgb col = answer_colour(k, d->ncats);
        double w, h;
        cairo_set_source_rgb(cr, col.r, col.g, col.b);
        cairo_rectangle(cr, x, y - 4, 8, 8);
        cairo_fill(cr);
        chart_text(c, x + 11, y, d->category[k], &f);
        chart_text_size(c, d->category[k], &f, &w, &h);
        x += w + 22;
    }
}

int likert_draw(chart *c, const void *data)
{
    const likert_data *d = data;
    cairo_t *cr = chart_cairo(c);
    chart_font name = {9, 0, 1, 0.5, chart_ink, 0};
    chart_font pct = {7, 0, 0.5, 0.5, chart_ink, 0};
    double left = 0, w, h, lo = 0, hi = 0;
    for (size_t i = 0; i < d->nitems; i++) {
        chart_text_size(c, d->item[i], &name, &w, &h);
        left = fmax(left, w);
        lo = fmax(lo, left_share(d, i));
        hi = fmax(hi, 1 - left_share(d, i));
    }
    lo = -ceil(lo * 10) / 10;
    hi = ceil(hi * 10) / 10;
    chart_box b = chart_frame(c, d->title, d->subtitle, d->caption,
                              fmin(left, 200) + 8, 34);
    legend(c, d, b.x0, b.y0 - 10);
    b.y0 += 8;
    chart_scale xs = {lo * 100, hi * 100, b.x0, b.x1};
    chart_axis_x(c, &b, &xs, "% of answers, left and right of the middle", 1);
    double row = d->nitems ? (b.y1 - b.y0) / (double)d->nitems : 0;
    for (size_t i = 0; i < d->nitems; i++) {
        double y = b.y0 + (i + 0.5) * row, bar = fmin(row * 0.7, 22);
        double at = -left_share(d, i);
        chart_text(c, b.x0 - 6, y, d->item[i], &name);
        for (size_t k = 0; k < d->ncats; k++) {
            double s = d->share[i * d->ncats + k];
            chart_rgb col = answer_colour(k, d->ncats);
            double x0 = chart_map(&xs, at * 100),
                   x1 = chart_map(&xs, (at + s) * 100);
            cairo_set_source_rgb(cr, col.r, col.g, col.b);
            cairo_rectangle(cr, x0, y - bar / 2, x1 - x0, bar);
            cairo_fill(cr);
            if (x1 - x0 > 22 && bar >= 9) {
                char buf[16];
                snprintf(buf, sizeof buf, "%.0f", s * 100);
                pct.colour = k == 0 || k + 1 == d->ncats ? (chart_rgb){1, 1, 1}
                                                         : chart_ink;
                chart_text(c, (x0 + x1) / 2, y, buf, &pct);
            }
            at += s;
        }
    }
    double x0 = chart_map(&xs, 0);
    cairo_set_source_rgb(cr, chart_ink.r, chart_ink.g, chart_ink.b);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x0, b.y0);
    cairo_line_to(cr, x0, b.y1);
    cairo_stroke(cr);
    return 0;
}
