/*
 * report.h — report.html and report.pdf (SPEC §4), written side by side
 * from one stream of blocks: headings, paragraphs, tables, preformatted
 * text and figures. The HTML is self-contained (inline CSS and SVG, no
 * scripts, no external requests) and accessible (headings, figure
 * captions, table captions, alt text via the SVG's <title>); each inlined
 * SVG's ids get the figure's number as a prefix, since Cairo numbers its
 * glyph ids per file and they would collide on one page. The PDF is drawn
 * by plots/document. Figures are also written as figures/NAME.svg and
 * .png.
 */
#ifndef ECOMETER_REPORT_H
#define ECOMETER_REPORT_H

#include "../plots/chart.h"
#include "outdir.h"

typedef struct report report;

/* Opens report.pdf in od; `date` is the PDF's creation date (ISO 8601).
 * The seconds spent drawing figures are added to *figure_seconds (or
 * NULL). NULL with err set on failure. */
report *report_create(outdir *od, const char *title, const char *date,
                      double *figure_seconds, error_buf *err);

/* level 2 headings are sections (listed in the HTML's contents), level 3
 * subsections. Text is plain (escaped here). */
void report_heading(report *r, int level, const char *text);
/* A paragraph, printf-style. */
void report_paragraph(report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void report_preformatted(report *r, const char *text);
void report_table(report *r, const char *caption, size_t ncols,
                  const char *const *header, const char *const *cells,
                  size_t nrows);

/* Draws a figure of width × height points into both reports and writes
 * figures/NAME.svg and .png. */
status report_figure(report *r, const char *name, const char *title,
                     const char *caption, chart_draw_fn draw, const void *data,
                     double width, double height, error_buf *err);

/* Writes report.html and finishes report.pdf; frees r. */
status report_finish(report *r, error_buf *err);

/* Frees an unfinished report (after a failure). */
void report_free(report *r);

#endif
