/*
 * table.h — a typed, column-oriented table loaded from a CSV file.
 *
 * The reader streams the file through libcsv (RFC 4180: quoted fields,
 * embedded commas and newlines, CRLF or LF) and keeps only the columns
 * the caller asks for, each typed as it is read: numbers parsed strictly
 * in the C locale, text interned. Memory is proportional to the table it
 * builds, never to the file. Every problem is reported as
 * "file:line:column: name: expected ..., found "..."", with lines counted
 * across quoted newlines and columns counted in fields from 1.
 */
#ifndef ECOMETER_TABLE_H
#define ECOMETER_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef enum {
    COL_TEXT,    /* any UTF-8 text, interned */
    COL_NUMBER,  /* a decimal number */
    COL_INTEGER, /* a whole number */
    COL_AUTO     /* a number when every cell is one, else text */
} col_kind;

typedef struct {
    const char *name; /* header name, borrowed */
    col_kind kind;
    int optional; /* when absent from the header, a column of missing */
    int ranged;   /* numbers must lie in [min, max] */
    double min, max;
} col_spec;

typedef struct {
    const char *path;    /* the file to open */
    const char *display; /* its name in messages; NULL: path */
    const col_spec *cols;
    size_t ncols;
    const char *const *missing; /* missing codes besides the empty cell */
    size_t nmissing;
    int lenient; /* return the table despite bad cells (read as missing),
                    so that later checks can report their problems too */
} table_request;

typedef struct table table;

/* Loads the requested columns of a CSV file. Returns NULL and fills err
 * (with every problem found, up to ERR_MAX) when the file cannot be read,
 * is empty, is not UTF-8, is malformed, lacks a required column, or has a
 * cell of the wrong type. Cell problems do not stop the reading, so all
 * of them are reported; structural ones do. With req->lenient, a table
 * whose only problems are bad cells is returned (those cells missing) and
 * err still holds the problems. The request is borrowed for the call
 * only. The caller frees the table with table_free. */
table *table_load(const table_request *req, error_buf *err);

void table_free(table *t);

/* Files of at least min_bytes are read in pieces of about piece_bytes
 * side by side when OpenMP has more than one thread (8 MiB and 4 MiB
 * unless changed); the table is the same either way. Tests change these
 * to read small files in many pieces. */
void table_tune_parallel(size_t min_bytes, size_t piece_bytes);

/* The number of pieces the table was read in, 0 when it was streamed. */
size_t table_pieces(const table *t);

size_t table_nrows(const table *t);

/* The file's name as shown in messages (kept by the table). */
const char *table_display(const table *t);

/* Whether column c (index into the request) was in the header, and the
 * kind it was read as (COL_AUTO resolves to COL_NUMBER or COL_TEXT). */
int table_present(const table *t, size_t c);
col_kind table_kind(const table *t, size_t c);

/* The 1-based field number of column c in the file, for messages. */
size_t table_field(const table *t, size_t c);

/* The line on which row r (0-based) starts, for messages. */
size_t table_line(const table *t, size_t r);

/* Numbers of a numeric column, NaN where missing; kept by the table. */
const double *table_numbers(const table *t, size_t c);

/* Codes of a text column, -1 where missing; kept by the table. Codes are
 * dense per table, in order of first appearance. */
const int32_t *table_codes(const table *t, size_t c);

/* The text of a code, NUL-terminated, kept by the table. */
const char *table_text(const table *t, int32_t code);

/* The code of a string in this table, or -1. */
int32_t table_lookup(const table *t, const char *s);

/* Number of distinct strings in the table (an upper bound for codes). */
size_t table_ncodes(const table *t);

#endif
