/*
 * tablewrite.h — `run`'s result tables written as CSV into the output
 * folder: formatted in memory in pieces side by side (number formatting
 * dominates), then written in order; with more than one thread, on a
 * thread of their own while the caller draws the figures and the
 * reports, whose PDF is written by one thread and would leave the other
 * cores idle.
 */
#ifndef ECOMETER_TABLEWRITE_H
#define ECOMETER_TABLEWRITE_H

#include <stddef.h>
#include <stdio.h>

#include "../base/error.h"
#include "outdir.h"

/* A table to write: its rows, written by `rows` in pieces (rows
 * [from, to), the header when `header`; `where` names the file in
 * messages). */
typedef struct {
    const char *rel; /* NULL: no table */
    size_t nrows;
    status (*rows)(const void *ctx, FILE *f, size_t from, size_t to, int header,
                   const char *where, error_buf *err);
    const void *ctx;
} output_table;

typedef struct table_writer table_writer;

/* Opens the n tables' files in order, so that the folder lists them in
 * that order, and starts writing them: on a thread of its own, with
 * threads − 1 threads formatting, when threads > 1; else at once, before
 * this returns. The array t and the tables' data must stay, unchanged,
 * until tables_finish. NULL with err set when a file cannot be opened or
 * memory runs out. */
table_writer *tables_start(outdir *od, const output_table *t, size_t n,
                           int threads, error_buf *err);

/* Waits for the tables, closes their files and frees w: ST_OK, or the
 * first failure in the tables' order with err set. */
status tables_finish(table_writer *w, error_buf *err);

#endif
