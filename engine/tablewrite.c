/*
 * tablewrite.c — result tables written as CSV (see tablewrite.h).
 */
#include "tablewrite.h"

#include <stdlib.h>

/* One piece of a table to format: rows [from, to) of table `table`, the
 * header with the first piece. */
typedef struct {
    size_t table, from, to;
    char *buf;
    size_t len;
    status st;
    error_buf err;
} table_piece;

/* Rows per piece: big enough that a piece's overhead is nothing, small
 * enough that a table of a million rows spreads over the threads. */
enum { PIECE_ROWS = 65536 };

struct table_writer {
    outdir *od;
    const output_table *t; /* the caller's, kept until tables_finish */
    FILE **files;          /* per table; NULL where there is none */
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
                i,    from, from + PIECE_ROWS < rows ? from + PIECE_ROWS : rows,
                NULL, 0,    ST_OK,
                {0}};
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

/* Writes the formatted pieces and closes every file in order: the first
 * failure (a piece's, else a file's) into st and err, and the files after
 * it closed unwritten. */
static status write_pieces(table_writer *w, error_buf *err)
{
    status st = ST_OK;
    for (size_t k = 0; st == ST_OK && k < w->np; k++)
        if (w->p[k].st != ST_OK) {
            st = w->p[k].st;
            *err = w->p[k].err;
        }
    size_t k = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->files[i] == NULL)
            continue;
        size_t wrote = 0, want = 0;
        for (; k < w->np && w->p[k].table == i; k++) {
            if (st == ST_OK)
                wrote += fwrite(w->p[k].buf, 1, w->p[k].len, w->files[i]);
            want += w->p[k].len;
        }
        if (st != ST_OK) {
            fclose(w->files[i]);
        } else {
            st = outdir_close(w->od, w->files[i], w->t[i].rel, err);
            if (st == ST_OK && wrote != want)
                st = err_set(err, ST_EIO, w->t[i].rel, 0, 0, "cannot write");
        }
        w->files[i] = NULL;
    }
    return st;
}

static void writer_free(table_writer *w)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->files[i] != NULL)
            fclose(w->files[i]);
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
        if (t[i].rel != NULL &&
            (w->files[i] = outdir_open(od, t[i].rel, err)) == NULL) {
            writer_free(w);
            return NULL;
        }
    table_piece *p = w->p;
    for (size_t k = 0; k < w->np; k++) {
        /* a task per piece: run now outside a parallel region, else by
         * whichever thread of the team is free */
#pragma omp task default(none) firstprivate(t, p, k)
        format_piece(&t[p[k].table], &p[k]);
    }
    return w;
}

status tables_finish(table_writer *w, error_buf *err)
{
#pragma omp taskwait
    error_buf *mine = calloc(1, sizeof *mine);
    status st = mine != NULL ? write_pieces(w, mine) : ST_ENOMEM;
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
