/*
 * tablewrite.h — `run`'s result tables written as CSV into the output
 * folder: formatted in memory in pieces (number formatting dominates),
 * each piece an OpenMP task, so that inside a parallel region the team's
 * free threads format them while one thread draws the figures and writes
 * the reports' PDF; each piece written to its file, in order, by the task
 * that finds the pieces before it written.
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
 * that order, and makes a task per piece to format them: run at once
 * outside a parallel region; inside one, by the team's threads as they
 * come free. The array t and the tables' data must stay, unchanged,
 * until tables_finish. NULL with err set when a file cannot be opened or
 * memory runs out. */
table_writer *tables_start(outdir *od, const output_table *t, size_t n,
                           error_buf *err);

/* Waits for the caller's tasks, the pieces among them (taskwait), closes
 * the tables' files in order and frees w: ST_OK with err
 * untouched, or the first failure in the tables' order with err holding
 * its messages alone. */
status tables_finish(table_writer *w, error_buf *err);

#endif
