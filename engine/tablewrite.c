/*
 * tablewrite.c — result tables written as CSV (see tablewrite.h).
 */
#include "tablewrite.h"

#include <omp.h>
#include <stdlib.h>

/* One piece of a table to format: rows [from, to) of table `table`, the
 * header with the first piece. */
typedef struct {
    size_t table, from, to;
    char *buf;
    size_t len;
    int formatted;
    status st;
    error_buf err;
} table_piece;

/* A table's file, written piece by piece in order as the pieces come:
 * pieces [next, end) are still to be written. */
typedef struct {
    FILE *f;
    omp_lock_t lock;
    size_t next, end;
    size_t wrote, want; /* bytes */
    int stopped;        /* a piece failed: the rest is not written */
} table_file;

/* Rows per piece: big enough that a piece's overhead is nothing, small
 * enough that a table of a million rows spreads over the threads. */
enum { PIECE_ROWS = 65536 };

struct table_writer {
    outdir *od;
    const output_table *t; /* the caller's, kept until tables_finish */
    table_file *files;     /* per table; f NULL where there is none */
    size_t n;
    table_piece *p;
    size_t np;
};

/* Cuts the tables into pieces; NULL when out of memory. */
static table_piece *cut_tables(const output_table *t, size_t n, size_t *npieces)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i].rel != NULL)
            count += t[i].nrows / PIECE_ROWS + 1;
    table_piece *p = calloc(count ? count : 1, sizeof *p);
    if (p == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].rel == NULL)
            continue;
        size_t rows = t[i].nrows;
        for (size_t from = 0; from == 0 || from < rows; from += PIECE_ROWS)
            p[k++] = (table_piece){
                .table = i,
                .from = from,
                .to = from + PIECE_ROWS < rows ? from + PIECE_ROWS : rows};
    }
    *npieces = k;
    return p;
}

static void format_piece(const output_table *src, table_piece *p)
{
    FILE *m = open_memstream(&p->buf, &p->len);
    p->st = m ? src->rows(src->ctx, m, p->from, p->to, p->from == 0, src->rel,
                          &p->err)
              : ST_ENOMEM;
    if (m != NULL && fclose(m) != 0 && p->st == ST_OK)
        p->st = ST_ENOMEM;
    if (p->st == ST_ENOMEM && p->err.n == 0)
        err_set(&p->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Piece k formatted: writes it, and the pieces after it formatted
 * already, when every piece before it in its file has been written; else
 * the task that writes the one before it will. The file's lock keeps the
 * order. Each buffer is freed once written. */
static void piece_done(table_writer *w, size_t k)
{
    table_file *tf = &w->files[w->p[k].table];
    omp_set_lock(&tf->lock);
    w->p[k].formatted = 1;
    for (; tf->next < tf->end && w->p[tf->next].formatted; tf->next++) {
        table_piece *p = &w->p[tf->next];
        tf->stopped |= p->st != ST_OK;
        if (!tf->stopped)
            tf->wrote += fwrite(p->buf, 1, p->len, tf->f);
        tf->want += p->len;
        free(p->buf);
        p->buf = NULL;
    }
    omp_unset_lock(&tf->lock);
}

/* Closes every file in order, all pieces written: the first failure (a
 * piece's, else a file's) into st and err, and the files after it closed
 * without a word. */
static status close_files(table_writer *w, error_buf *err)
{
    status st = ST_OK;
    for (size_t k = 0; st == ST_OK && k < w->np; k++)
        if (w->p[k].st != ST_OK) {
            st = w->p[k].st;
            *err = w->p[k].err;
        }
    for (size_t i = 0; i < w->n; i++) {
        table_file *tf = &w->files[i];
        if (tf->f == NULL)
            continue;
        if (st != ST_OK) {
            fclose(tf->f);
        } else {
            st = outdir_close(w->od, tf->f, w->t[i].rel, err);
            if (st == ST_OK && tf->wrote != tf->want)
                st = err_set(err, ST_EIO, w->t[i].rel, 0, 0, "cannot write");
        }
        tf->f = NULL;
    }
    return st;
}

static void writer_free(table_writer *w)
{
    for (size_t i = 0; i < w->n; i++) {
        if (w->files[i].f != NULL)
            fclose(w->files[i].f);
        omp_destroy_lock(&w->files[i].lock);
    }
    for (size_t k = 0; k < w->np; k++)
        free(w->p[k].buf);
    free(w->p);
    free(w->files);
    free(w);
}

table_writer *tables_start(outdir *od, const output_table *t, size_t n,
                           error_buf *err)
{
    table_writer *w = calloc(1, sizeof *w);
    if (w == NULL || (w->files = calloc(n ? n : 1, sizeof *w->files)) == NULL ||
        (w->p = cut_tables(t, n, &w->np)) == NULL) {
        if (w != NULL) {
            free(w->files);
            free(w);
        }
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    w->t = t;
    w->od = od;
    w->n = n;
    for (size_t i = 0; i < n; i++)
        omp_init_lock(&w->files[i].lock);
    for (size_t k = 0; k < w->np; k++) { /* each file's pieces, in a row */
        table_file *tf = &w->files[w->p[k].table];
        tf->next = tf->end == 0 ? k : tf->next;
        tf->end = k + 1;
    }
    for (size_t i = 0; i < n; i++)
        if (t[i].rel != NULL &&
            (w->files[i].f = outdir_open(od, t[i].rel, err)) == NULL) {
            writer_free(w);
            return NULL;
        }
    for (size_t k = 0; k < w->np; k++) {
        /* a task per piece: run now outside a parallel region, else by
         * whichever thread of the team is free */
#pragma omp task default(none) firstprivate(t, w, k)
        {
            format_piece(&t[w->p[k].table], &w->p[k]);
            piece_done(w, k);
        }
    }
    return w;
}

status tables_finish(table_writer *w, error_buf *err)
{
#pragma omp taskwait
    error_buf *mine = calloc(1, sizeof *mine);
    status st = mine != NULL ? close_files(w, mine) : ST_ENOMEM;
    if (st != ST_OK) { /* the tables' messages replace what err held */
        err_clear(err);
        if (mine != NULL)
            *err = *mine;
        else
            err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    free(mine);
    writer_free(w);
    return st;
}
