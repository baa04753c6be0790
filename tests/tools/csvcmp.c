/*
 * csvcmp.c — compares two CSV files cell by cell for the golden tests:
 * the same header, the same number of rows, and each pair of cells equal
 * as text or, when both are numbers, within a relative tolerance
 * (with an absolute floor, 1e-13 unless --abs says more, for values near
 * zero such as conditional modes). Usage: csvcmp [--tol T] [--key
 * COL] EXPECTED ACTUAL With --key, rows of ACTUAL are matched to EXPECTED by
 * that column. Exit 0 when they agree, 1 with the first differences listed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/error.h"
#include "../../io/table.h"

typedef struct {
    table *t;
    size_t ncols;
    char **names;
} sheet;

/* Reads the header line to learn the column names, then loads every
 * column as text through the project's CSV reader. */
static int load(const char *path, sheet *s)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "csvcmp: %s: cannot open\n", path);
        return -1;
    }
    char line[65536];
    if (fgets(line, sizeof line, f) == NULL) {
        fclose(f);
        fprintf(stderr, "csvcmp: %s: empty\n", path);
        return -1;
    }
    fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    s->ncols = 0;
    s->names = NULL;
    for (char *p = line, *tok; (tok = strsep(&p, ",")) != NULL;) {
        s->names = realloc(s->names, (s->ncols + 1) * sizeof *s->names);
        s->names[s->ncols++] = strdup(tok);
    }
    col_spec *cols = calloc(s->ncols, sizeof *cols);
    for (size_t c = 0; c < s->ncols; c++)
        cols[c] = (col_spec){s->names[c], COL_TEXT, 0, 0, 0, 0};
    table_request req = {path, NULL, cols, s->ncols, NULL, 0, 0};
    error_buf *err = calloc(1, sizeof *err);
    s->t = table_load(&req, err);
    for (size_t i = 0; i < err->n; i++)
        fprintf(stderr, "csvcmp: %s\n", err->msg[i]);
    free(err);
    free(cols);
    return s->t ? 0 : -1;
}

static const char *cell(const sheet *s, size_t c, size_t r)
{
    int32_t code = table_codes(s->t, c)[r];
    return code < 0 ? "" : table_text(s->t, code);
}

static int is_number(const char *s, double *v)
{
    char *end;
    if (*s == '\0')
        return 0;
    *v = strtod(s, &end);
    return *end == '\0';
}

static void unload(sheet *s)
{
    table_free(s->t);
    for (size_t c = 0; c < s->ncols; c++)
        free(s->names[c]);
    free(s->names);
}

static size_t find_col(const sheet *s, const char *name)
{
    for (size_t c = 0; c < s->ncols; c++)
        if (strcmp(s->names[c], name) == 0)
            return c;
    return (size_t)-1;
}

static int compare(const sheet *e, const sheet *x, const char *key, double tol,
                   double abs_tol);

int main(int argc, char **argv)
{
    double tol = 1e-9, abs_tol = 1e-13;
    const char *key = NULL;
    int a = 1;
    for (; a + 1 < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
        if (strcmp(argv[a], "--tol") == 0)
            tol = strtod(argv[a + 1], NULL);
        else if (strcmp(argv[a], "--abs") == 0)
            abs_tol = strtod(argv[a + 1], NULL);
        else if (strcmp(argv[a], "--key") == 0)
            key = argv[a + 1];
    }
    if (argc - a != 2) {
        fprintf(
            stderr,
            "usage: csvcmp [--tol T] [--abs A] [--key COL] EXPECTED ACTUAL\n");
        return 2;
    }
    sheet e = {0}, x = {0};
    int rc = 1;
    if (load(argv[a], &e) == 0 && load(argv[a + 1], &x) == 0)
        rc = compare(&e, &x, key, tol, abs_tol);
    unload(&e);
    unload(&x);
    return rc;
}

/* 0 when the sheets agree, else 1 with the differences on stderr. */
static int compare(const sheet *e, const sheet *x, const char *key, double tol,
                   double abs_tol)
{
    int bad = 0;
    if (e->ncols != x->ncols) {
        fprintf(stderr, "csvcmp: %zu columns expected, %zu found\n", e->ncols,
                x->ncols);
        return 1;
    }
    for (size_t c = 0; c < e->ncols; c++)
        if (strcmp(e->names[c], x->names[c]) != 0) {
            fprintf(stderr, "csvcmp: column %zu: expected %s, found %s\n",
                    c + 1, e->names[c], x->names[c]);
            return 1;
        }
    size_t n = table_nrows(e->t);
    if (n != table_nrows(x->t)) {
        fprintf(stderr, "csvcmp: %zu rows expected, %zu found\n", n,
                table_nrows(x->t));
        return 1;
    }
    size_t kc = key ? find_col(e, key) : (size_t)-1;
    for (size_t r = 0; r < n && bad < 20; r++) {
        size_t xr = r;
        if (kc != (size_t)-1) {
            for (xr = 0; xr < n && strcmp(cell(x, kc, xr), cell(e, kc, r));
                 xr++)
                ;
            if (xr == n) {
                fprintf(stderr, "csvcmp: row with %s=%s missing\n", key,
                        cell(e, kc, r));
                bad++;
                continue;
            }
        }
        for (size_t c = 0; c < e->ncols; c++) {
            const char *u = cell(e, c, r), *v = cell(x, c, xr);
            double p, q;
            int same;
            if (is_number(u, &p) && is_number(v, &q)) {
                /* relative, with an absolute floor for values near 0 */
                double scale = fmax(fabs(p), fabs(q));
                same = fabs(p - q) <= tol * scale || fabs(p - q) <= abs_tol;
            } else {
                same = strcmp(u, v) == 0;
            }
            if (!same) {
                fprintf(stderr, "csvcmp: row %zu, %s: expected %s, found %s\n",
                        r + 1, e->names[c], u, v);
                bad++;
            }
        }
    }
    return bad ? 1 : 0;
}
