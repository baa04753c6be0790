/*
 * profile.c — the co-production profile (see profile.h).
 */
#include "profile.h"

#include <math.h>

int profile_draw(chart *c, const void *data)
{
    const profile_data *d = data;
    cairo_t *cr = chart_cairo(c);
    chart_font name = {9, 0, 1, 0.5, chart_ink, 0};
    chart_font key = {8, 0, 0, 0.5, chart_ink, 0};
    double left = 0, w, h;
    for (size_t i = 0; i < d->nrows; i++) {
        chart_text_size(c, d->row[i], &name, &w, &h);
        left = fmax(left, w);
    }
    chart_box b = chart_frame(c, d->title, d->subtitle, d->caption,
                              fmin(left, 220) + 8, 34);
    double x = b.x0;
    for (size_t g = 0; g < d->ngroups && g < CHART_NCOLOURS; g++) {
        const chart_rgb *col = &chart_palette[g];
        cairo_set_source_rgb(cr, col->r, col->g, col->b);
        cairo_arc(cr, x + 4, b.y0 - 10, 4, 0, 2 * M_PI);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, chart_ink.r, chart_ink.g, chart_ink.b);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        chart_text(c, x + 11, b.y0 - 10, d->group[g], &key);
        chart_text_size(c, d->group[g], &key, &w, &h);
        x += w + 24;
    }
    b.y0 += 8;
    chart_scale xs = {0, 100, b.x0, b.x1};
    chart_axis_x(c, &b, &xs, d->axis_label, 0);
    double mid = chart_map(&xs, 50);
    cairo_set_source_rgb(cr, chart_muted.r, chart_muted.g, chart_muted.b);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, mid, b.y0);
    cairo_line_to(cr, mid, b.y1);
    cairo_stroke(cr);
    double row = d->nrows ? (b.y1 - b.y0) / (double)d->nrows : 0;
    for (size_t i = 0; i < d->nrows; i++) {
        double y = b.y0 + (i + 0.5) * row;
        chart_text(c, b.x0 - 6, y, d->row[i], &name);
        cairo_set_source_rgb(cr, chart_grid.r, chart_grid.g, chart_grid.b);
        cairo_move_to(cr, b.x0, y);
        cairo_line_to(cr, b.x1, y);
        cairo_stroke(cr);
        for (size_t g = 0; g < d->ngroups && g < CHART_NCOLOURS; g++) {
            double v = d->value[g * d->nrows + i];
            if (!isfinite(v))
                continue;
            const chart_rgb *col = &chart_palette[g];
            cairo_set_source_rgba(cr, col->r, col->g, col->b, 0.9);
            /* groups dodged a little up and down, so ties stay visible */
            double dy = ((double)g - (double)(d->ngroups - 1) / 2) *
                        fmin(4, row / (double)(d->ngroups + 1));
            cairo_arc(cr, chart_map(&xs, v), y + dy, 5, 0, 2 * M_PI);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, chart_ink.r, chart_ink.g, chart_ink.b);
            cairo_set_line_width(cr, 0.5);
            cairo_stroke(cr);
        }
    }
    return 0;
}
