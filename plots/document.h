/*
 * document.h — a paginated A4 PDF drawn with Cairo, text laid out with
 * Pango: headings, wrapped paragraphs, preformatted text, tables whose
 * columns align, and figures drawn as vectors (chart_draw_on). Blocks flow
 * down the page and start a new one when they do not fit; every page gets
 * its number. Only drawing here: the content comes from the caller.
 */
#ifndef ECOMETER_DOCUMENT_H
#define ECOMETER_DOCUMENT_H

#include <stdio.h>

#include "chart.h"

typedef struct document document;

/* A document written to f (borrowed, open until document_finish). The
 * PDF's creation date is `date` (PDF form, "2025-01-01T00:00:00Z" ISO is
 * accepted by Cairo) so that the same input gives the same bytes. NULL
 * when out of memory. */
document *document_create(FILE *f, const char *title, const char *date);

/* level 1: the title; 2: a section (starts a new page unless in the top
 * third of one); 3: a subsection. */
void document_heading(document *d, int level, const char *text);
void document_paragraph(document *d, const char *text);
void document_preformatted(document *d, const char *text);
/* A table of nrows × ncols cells (row-major), with a header row and a
 * caption above it; numbers are right-aligned. */
void document_table(document *d, const char *caption, size_t ncols,
                    const char *const *header, const char *const *cells,
                    size_t nrows);
/* Whether a table cell reads as a number (right-aligned in tables),
 * "NA" included. */
int document_is_number(const char *s);

/* A figure of width × height points, scaled to the text width, with its
 * caption below. */
status document_figure(document *d, chart_draw_fn draw, const void *data,
                       double width, double height, const char *caption,
                       const char *name, error_buf *err);

/* Ends the last page and writes the PDF; ST_OK or ST_EIO. Frees d. */
status document_finish(document *d, const char *name, error_buf *err);

#endif
