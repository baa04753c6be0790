/*
 * tablewrite.c — result tables written as CSV (see tablewrite.h).
 */
#include "tablewrite.h"

#include <pthread.h>
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
    int threads; /* formatting threads */
    pthread_t thread;
    int on_thread; /* whether `thread` was started */
    status st;
    error_buf err;
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

static void format_pieces(const output_table *t, table_piece *p, size_t np,
                          int threads)
{
#pragma omp parallel for num_threads(threads)                                  \
    schedule(dynamic, 1) default(none) shared(t, p, np)
    for (size_t k = 0; k < np; k++) {
        const output_table *src = &t[p[k].table];
        FILE *m = open_memstream(&p[k].buf, &p[k].len);
        p[k].st = m ? src->rows(src->ctx, m, p[k].from, p[k].to, p[k].from == 0,
                                src->rel, &p[k].err)
                    : ST_ENOMEM;
        if (m != NULL && fclose(m) != 0 && p[k].st == ST_OK)
            p[k].st = ST_ENOMEM;
        if (p[k].st == ST_ENOMEM && p[k].err.n == 0)
            err_set(&p[k].err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
}

/* Formats the pieces, then writes and closes every file in order; the
 * first failure goes into w->st and w->err, and the files after it are
 * closed unwritten. */
static void write_all(table_writer *w)
{
    format_pieces(w->t, w->p, w->np, w->threads);
    for (size_t k = 0; w->st == ST_OK && k < w->np; k++)
        if (w->p[k].st != ST_OK) {
            w->st = w->p[k].st;
            w->err = w->p[k].err;
        }
    size_t k = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->files[i] == NULL)
            continue;
        size_t wrote = 0, want = 0;
        for (; k < w->np && w->p[k].table == i; k++) {
            if (w->st == ST_OK)
                wrote += fwrite(w->p[k].buf, 1, w->p[k].len, w->files[i]);
            want += w->p[k].len;
            free(w->p[k].buf);
            w->p[k].buf = NULL;
        }
        if (w->st != ST_OK) {
            fclose(w->files[i]);
        } else {
            w->st = outdir_close(w->od, w->files[i], w->t[i].rel, &w->err);
            if (w->st == ST_OK && wrote != want)
                w->st =
                    err_set(&w->err, ST_EIO, w->t[i].rel, 0, 0, "cannot write");
        }
        w->files[i] = NULL;
    }
}

static void *writer_thread(void *arg)
{
    write_all(arg);
    return NULL;
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
                           int threads, error_buf *err)
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
    /* With one thread, or when no thread can be started, the tables are
     * written here and now, as the pipeline would in turn. */
    w->threads = threads > 1 ? threads - 1 : 1;
    w->on_thread =
        threads > 1 && pthread_create(&w->thread, NULL, writer_thread, w) == 0;
    if (!w->on_thread) {
        w->threads = threads > 0 ? threads : 1;
        write_all(w);
    }
    return w;
}

status tables_finish(table_writer *w, error_buf *err)
{
    if (w->on_thread)
        pthread_join(w->thread, NULL);
    status st = w->st;
    if (st != ST_OK)
        *err = w->err;
    writer_free(w);
    return st;
}
