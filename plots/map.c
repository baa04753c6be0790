/*
 * map.c — the choropleth (see map.h).
 */
#include "map.h"

#include <math.h>

/* viridis at 7 evenly spaced points, reversed: yellow (low) to purple. */
static const chart_rgb viridis[MAP_MAX_CLASSES] = {
    {0.993, 0.906, 0.144}, {0.556, 0.843, 0.251}, {0.208, 0.718, 0.475},
    {0.129, 0.565, 0.553}, {0.192, 0.408, 0.557}, {0.267, 0.224, 0.514},
    {0.267, 0.005, 0.329}};

map_projection map_fit(double lon_min, double lon_max, double lat_min,
                       double lat_max, const chart_box *b)
{
    map_projection p;
    p.lat0 = (lat_min + lat_max) / 2;
    p.lon0 = (lon_min + lon_max) / 2;
    p.coslat = cos(p.lat0 * M_PI / 180);
    double w = (lon_max - lon_min) * p.coslat, h = lat_max - lat_min;
    double bw = b->x1 - b->x0, bh = b->y1 - b->y0;
    p.k = fmin(w > 0 ? bw / w : (double)INFINITY,
               h > 0 ? bh / h : (double)INFINITY);
    if (!isfinite(p.k))
        p.k = 1;
    p.x0 = (b->x0 + b->x1) / 2;
    p.y0 = (b->y0 + b->y1) / 2;
    return p;
}

void map_project(const map_projection *p, double lon, double lat, double *x,
                 double *y)
{
    *x = p->x0 + (lon - p->lon0) * p->coslat * p->k;
    *y = p->y0 - (lat - p->lat0) * p->k;
}

/* The colour of class k of n: evenly spaced along the palette. */
static chart_rgb class_colour(size_t k, size_t n)
{
    size_t i = n > 1 ? k * (MAP_MAX_CLASSES - 1) / (n - 1) : 3;
    return viridis[i];
}

int map_draw(chart *c, const void *data)
{
    const map_data *d = data;
    cairo_t *cr = chart_cairo(c);
    chart_box b = chart_frame(c, d->title, d->subtitle, d->caption, 0, 0);
    double legend_w = 150;
    chart_box mb = {b.x0, b.y0, b.x1 - legend_w, b.y1};
    map_projection p =
        map_fit(d->lon_min, d->lon_max, d->lat_min, d->lat_max, &mb);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    size_t n = d->nfeatures;
    double outline = n > 5000 ? 0 : n > 500 ? 0.3 : 0.6;
    for (size_t f = 0; f < n; f++) {
        for (size_t r = d->ring_start[f]; r < d->ring_start[f + 1]; r++)
            for (size_t k = d->point_start[r]; k < d->point_start[r + 1]; k++) {
                double x, y;
                map_project(&p, d->lon[k], d->lat[k], &x, &y);
                if (k == d->point_start[r])
                    cairo_move_to(cr, x, y);
                else
                    cairo_line_to(cr, x, y);
            }
        chart_rgb col = d->cls[f] >= 0
                            ? class_colour((size_t)d->cls[f], d->nclasses)
                            : (chart_rgb){0.85, 0.85, 0.85};
        cairo_set_source_rgb(cr, col.r, col.g, col.b);
        if (outline > 0) {
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, outline);
            cairo_stroke(cr);
        } else {
            cairo_fill(cr);
        }
    }
    /* the legend, darkest (highest) at the top */
    chart_font head = {9, 1, 0, 0, chart_ink, legend_w - 10};
    chart_font lab = {8.5, 0, 0, 0.5, chart_ink, 0};
    double x = b.x1 - legend_w + 12, y = b.y0 + 4;
    y += chart_text(c, x, y, d->legend_title, &head) + 6;
    for (size_t k = d->nclasses; k-- > 0;) {
        chart_rgb col = class_colour(k, d->nclasses);
        cairo_set_source_rgb(cr, col.r, col.g, col.b);
        cairo_rectangle(cr, x, y, 14, 12);
        cairo_fill(cr);
        chart_text(c, x + 20, y + 6, d->labels[k], &lab);
        y += 16;
    }
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_rectangle(cr, x, y, 14, 12);
    cairo_fill(cr);
    chart_text(c, x + 20, y + 6, "no value", &lab);
    return 0;
}
