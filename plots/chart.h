/*
 * chart.h — the chart kit every figure is drawn with: one theme (DejaVu
 * Sans, dark grey text, light grid, the Okabe–Ito palette), titles and
 * captions laid out with Pango, linear scales with nice tick values, axes,
 * and the two outputs of SPEC §4: SVG (with a <title> naming the figure,
 * which Cairo does not write) and PNG at twice the size for sharp screens.
 *
 * A figure is a draw function over a chart: the kit calls it once per
 * output with a fresh Cairo context, so SVG and PNG show the same thing.
 * Nothing here computes statistics; figures receive plain data.
 */
#ifndef ECOMETER_CHART_H
#define ECOMETER_CHART_H

#include <cairo.h>
#include <stddef.h>
#include <stdio.h>

#include "../base/error.h"

/* A colour, components in 0..1. */
typedef struct {
    double r, g, b;
} chart_rgb;

/* The Okabe–Ito palette (colour-blind safe), in its usual order: orange,
 * sky blue, bluish green, yellow, blue, vermillion, reddish purple, grey. */
enum { CHART_NCOLOURS = 8 };
extern const chart_rgb chart_palette[CHART_NCOLOURS];
extern const chart_rgb chart_ink;   /* text and axes */
extern const chart_rgb chart_muted; /* subtitles, captions, tick labels */
extern const chart_rgb chart_grid;  /* grid lines */

/* A rectangle in points: left, top, right, bottom. */
typedef struct {
    double x0, y0, x1, y1;
} chart_box;

/* A linear map from data [d0, d1] to points [p0, p1] (p1 < p0 for a
 * vertical axis, whose points grow downwards). */
typedef struct {
    double d0, d1, p0, p1;
} chart_scale;

double chart_map(const chart_scale *s, double v);

/* Nice tick values (1, 2 or 5 times a power of ten apart) covering
 * [lo, hi] with about `target` ticks: writes at most max ticks, all within
 * [lo, hi], and returns how many; *step gets their spacing. lo == hi
 * gives one tick. */
size_t chart_ticks(double lo, double hi, size_t target, double *ticks,
                   size_t max, double *step);

/* Widens [*lo, *hi] to the nice ticks just outside it (at least a range
 * of 1e-9 relative), so that data sit inside the axis. */
void chart_nice_range(double *lo, double *hi, size_t target);

/* A tick label: the value with as many decimals as the step needs ("0.25",
 * "1,000" is written "1000"; "-0" is written "0"). */
void chart_tick_label(double v, double step, char *buf, size_t size);

typedef struct chart chart;

/* Text alignment: 0 left/top, 0.5 centre, 1 right/bottom. */
typedef struct {
    double size;   /* points */
    int bold;      /* 0 or 1 */
    double ax, ay; /* anchor within the text's box */
    chart_rgb colour;
    double max_width; /* > 0: wrap at this width (points) */
} chart_font;

/* Draws text at (x, y) anchored as the font says; returns its height. */
double chart_text(chart *c, double x, double y, const char *text,
                  const chart_font *f);
/* The width and height a text would take. */
void chart_text_size(chart *c, const char *text, const chart_font *f, double *w,
                     double *h);

cairo_t *chart_cairo(chart *c);
double chart_width(const chart *c);
double chart_height(const chart *c);

/* Draws the title (bold), the subtitle under it and the caption at the
 * bottom (wrapped), and returns the box left for the plot between them,
 * with `left` and `bottom` points reserved for axis labels. */
chart_box chart_frame(chart *c, const char *title, const char *subtitle,
                      const char *caption, double left, double bottom);

/* A horizontal axis under the box: grid lines across it, ticks and their
 * labels (as magnitudes when `absolute`, for bars that diverge from 0),
 * and the axis label centred below. */
void chart_axis_x(chart *c, const chart_box *b, const chart_scale *s,
                  const char *label, int absolute);
/* A vertical axis left of the box, likewise; the label is written above
 * the axis, left-aligned, where it reads without turning the head. */
void chart_axis_y(chart *c, const chart_box *b, const chart_scale *s,
                  const char *label);

/* Draws a figure on c from its data; returns 0, or -1 when out of
 * memory. */
typedef int (*chart_draw_fn)(chart *c, const void *data);

/* A cairo_write_func_t writing to the FILE * given as closure. */
cairo_status_t chart_write_stream(void *closure, const unsigned char *data,
                                  unsigned int length);

/* Draws a figure of width × height points on cr at its current
 * transformation (white ground, clipped to the figure), as the outputs
 * do; for documents that place figures themselves. */
status chart_draw_on(cairo_t *cr, chart_draw_fn draw, const void *data,
                     double width, double height, const char *name,
                     error_buf *err);

/* Draws a figure of width × height points and writes it as SVG (with a
 * <title>) to svg and as PNG at twice the size to png (either may be
 * NULL). Returns ST_OK, or ST_EIO / ST_ENOMEM with err set naming `name`
 * when drawing or writing fails. */
status chart_render(chart_draw_fn draw, const void *data, double width,
                    double height, const char *title, FILE *svg, FILE *png,
                    const char *name, error_buf *err);

/* chart_render in two halves, for callers that write while they draw the
 * next figure: drawing needs the figure's data, writing does not.
 * chart_draw_svg leaves Cairo's SVG text in *svg (*n bytes; the caller
 * frees it), which chart_write_svg writes to out with the <title> and
 * with Cairo's process-wide surface ids renumbered. chart_draw_png draws
 * the PNG's pixels (NULL with err set on failure), which chart_write_png
 * encodes to out and frees. */
status chart_draw_svg(chart_draw_fn draw, const void *data, double width,
                      double height, const char *name, char **svg, size_t *n,
                      error_buf *err);
status chart_write_svg(const char *svg, size_t n, const char *title, FILE *out,
                       const char *name, error_buf *err);
cairo_surface_t *chart_draw_png(chart_draw_fn draw, const void *data,
                                double width, double height, const char *name,
                                error_buf *err);
status chart_write_png(cairo_surface_t *image, FILE *out, const char *name,
                       error_buf *err);

#endif
