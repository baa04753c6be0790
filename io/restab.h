/*
 * restab.h — a result table: named columns, rows of typed cells, written
 * as CSV (SPEC §4), JSON (an array of objects keyed by column name) or an
 * aligned text table for people (numbers to 4 significant digits).
 *
 * Commands build one per output table, row by row, cell by cell.
 */
#ifndef ECOMETER_RESTAB_H
#define ECOMETER_RESTAB_H

#include <stddef.h>
#include <stdio.h>

#include "../base/error.h"

typedef enum { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON } restab_format;

typedef struct restab restab;

/* A table with the given columns (names copied); NULL when out of memory
 * or when ncols is 0. */
restab *restab_create(const char *const *names, size_t ncols);
void restab_free(restab *t);

/* Append one cell to the current row; a row is complete after ncols
 * cells. Text is copied; NULL text and NaN numbers are missing. Each
 * returns 0, or -1 when out of memory (then the table is unusable). */
int restab_text(restab *t, const char *s);
/* As restab_text, but the text is borrowed, not copied: the caller keeps
 * it alive as long as the table (ids interned by a loaded file). */
int restab_text_kept(restab *t, const char *s);
int restab_num(restab *t, double v);
int restab_int(restab *t, long long v);
int restab_bool(restab *t, int b);
int restab_na(restab *t);

/* Appends src's rows to dst, which has as many columns (the names are
 * not compared). Returns 0, or -1 when out of memory or the shapes
 * differ. */
int restab_append(restab *dst, const restab *src);

/* A complete row's cell (row < nrows, col < ncols): its number (NaN
 * unless a number or integer), or its text (NULL unless text; kept by the
 * table). */
double restab_get_num(const restab *t, size_t row, size_t col);
const char *restab_get_text(const restab *t, size_t row, size_t col);

/* Makes room for rows more rows, so that filling a big table does not
 * move it again and again. Returns 0 or -1 (memory). */
int restab_reserve(restab *t, size_t rows);

size_t restab_nrows(const restab *t);
size_t restab_ncols(const restab *t);

/* Writes the table to f (borrowed). Returns ST_OK, or ST_EIO with err set
 * naming `where` when a write fails (ST_ENOMEM when memory runs out). */
status restab_write(const restab *t, FILE *f, restab_format fmt,
                    const char *where, error_buf *err);

/* Writes rows [from, to) as CSV, after the header line when header is
 * set, so that a big table can be formatted in pieces side by side and
 * the pieces written in order; errors as restab_write. */
status restab_write_csv_rows(const restab *t, FILE *f, size_t from, size_t to,
                             int header, const char *where, error_buf *err);

#endif
