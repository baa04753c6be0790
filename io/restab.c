/*
 * restab.c — result tables and their three formats (see restab.h).
 */
#include "restab.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"

typedef enum { CELL_NA, CELL_NUM, CELL_INT, CELL_BOOL, CELL_TEXT } cell_kind;

typedef struct {
    cell_kind kind;
    unsigned char borrowed; /* text kept by the caller, not copied */
    union {
        double num;
        long long i;
        char *text;
    } v;
} cell;

struct restab {
    size_t ncols;
    char **names;
    cell *cells;
    size_t ncells, cap;
};

restab *restab_create(const char *const *names, size_t ncols)
{
    if (ncols == 0)
        return NULL; /* a table has at least one column */
    restab *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ncols = ncols;
    t->names = calloc(ncols, sizeof *t->names);
    if (t->names == NULL) {
        free(t);
        return NULL;
    }
    for (size_t c = 0; c < ncols; c++) {
        t->names[c] = strdup(names[c]);
        if (t->names[c] == NULL) {
            restab_free(t);
            return NULL;
        }
    }
    return t;
}

void restab_free(restab *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].kind == CELL_TEXT && !t->cells[i].borrowed)
            free(t->cells[i].v.text);
    free(t->cells);
    for (size_t c = 0; c < t->ncols; c++)
        free(t->names[c]);
    free(t->names);
    free(t);
}

static cell *next_cell(restab *t)
{
    if (t->ncells == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        cell *c = realloc(t->cells, cap * sizeof *c);
        if (c == NULL)
            return NULL;
        t->cells = c;
        t->cap = cap;
    }
    cell *c = &t->cells[t->ncells++];
    c->kind = CELL_NA;
    c->borrowed = 0;
    return c;
}

int restab_text(restab *t, const char *s)
{
    cell *c = next_cell(t);
    if (c == NULL)
        return -1;
    if (s == NULL)
        return 0;
    c->v.text = strdup(s);
    if (c->v.text == NULL)
        return -1;
    c->kind = CELL_TEXT;
    return 0;
}

int restab_text_kept(restab *t, const char *s)
{
    cell *c = next_cell(t);
    if (c == NULL)
        return -1;
    if (s != NULL) {
        c->v.text = (char *)(uintptr_t)s;
        c->kind = CELL_TEXT;
        c->borrowed = 1;
    }
    return 0;
}

int restab_reserve(restab *t, size_t rows)
{
    size_t need = t->ncells + rows * t->ncols;
    if (need <= t->cap)
        return 0;
    cell *c = realloc(t->cells, need * sizeof *c);
    if (c == NULL)
        return -1;
    t->cells = c;
    t->cap = need;
    return 0;
}

int restab_num(restab *t, double v)
{
    cell *c = next_cell(t);
    if (c == NULL)
        return -1;
    if (!isnan(v)) {
        c->kind = CELL_NUM;
        c->v.num = v;
    }
    return 0;
}

int restab_int(restab *t, long long v)
{
    cell *c = next_cell(t);
    if (c == NULL)
        return -1;
    c->kind = CELL_INT;
    c->v.i = v;
    return 0;
}

int restab_bool(restab *t, int b)
{
    cell *c = next_cell(t);
    if (c == NULL)
        return -1;
    c->kind = CELL_BOOL;
    c->v.i = b != 0;
    return 0;
}

int restab_na(restab *t)
{
    return next_cell(t) == NULL ? -1 : 0;
}

int restab_append(restab *dst, const restab *src)
{
    if (dst->ncols != src->ncols)
        return -1;
    for (size_t i = 0; i < src->ncells; i++) {
        cell *c = next_cell(dst);
        if (c == NULL)
            return -1;
        *c = src->cells[i];
        if (c->kind == CELL_TEXT && !c->borrowed &&
            (c->v.text = strdup(c->v.text)) == NULL) {
            c->kind = CELL_NA;
            return -1;
        }
    }
    return 0;
}

double restab_get_num(const restab *t, size_t row, size_t col)
{
    const cell *c = &t->cells[row * t->ncols + col];
    return c->kind == CELL_NUM   ? c->v.num
           : c->kind == CELL_INT ? (double)c->v.i
                                 : (double)NAN;
}

const char *restab_get_text(const restab *t, size_t row, size_t col)
{
    const cell *c = &t->cells[row * t->ncols + col];
    return c->kind == CELL_TEXT ? c->v.text : NULL;
}

size_t restab_nrows(const restab *t)
{
    return t->ncols ? t->ncells / t->ncols : 0;
}
size_t restab_ncols(const restab *t)
{
    return t->ncols;
}

/* Rows [from, to) as CSV, after the header line when header is set. */
static int write_csv_rows(const restab *t, FILE *f, size_t from, size_t to,
                          int header)
{
    csvout w;
    csvout_init(&w, f);
    for (size_t c = 0; header && c < t->ncols; c++)
        csvout_text(&w, t->names[c]);
    if (header)
        csvout_end_row(&w);
    for (size_t i = from * t->ncols; i < to * t->ncols; i++) {
        const cell *c = &t->cells[i];
        switch (c->kind) {
        case CELL_NA:
            csvout_na(&w);
            break;
        case CELL_NUM:
            csvout_num(&w, c->v.num);
            break;
        case CELL_INT:
            csvout_int(&w, c->v.i);
            break;
        case CELL_BOOL:
            csvout_bool(&w, (int)c->v.i);
            break;
        case CELL_TEXT:
            csvout_text(&w, c->v.text);
            break;
        }
        if ((i + 1) % t->ncols == 0) // NOLINT(clang-analyzer-core.DivideZero)
            csvout_end_row(&w);
    }
    return csvout_error(&w) ? -1 : 0;
}

status restab_write_csv_rows(const restab *t, FILE *f, size_t from, size_t to,
                             int header, const char *where, error_buf *err)
{
    if (write_csv_rows(t, f, from, to, header) != 0 || ferror(f))
        return err_set(err, ST_EIO, where, 0, 0, "write failed");
    return ST_OK;
}

static json_t *cell_json(const cell *c)
{
    switch (c->kind) {
    case CELL_NUM: /* JSON has no infinities: they become null, like NA */
        return isfinite(c->v.num) ? json_real(c->v.num) : json_null();
    case CELL_INT:
        return json_integer(c->v.i);
    case CELL_BOOL:
        return json_boolean(c->v.i);
    case CELL_TEXT:
        return json_string(c->v.text);
    default:
        return json_null();
    }
}

static int write_json(const restab *t, FILE *f)
{
    json_t *rows = json_array();
    int rc = rows == NULL ? -1 : 0;
    for (size_t r = 0; rc == 0 && r < restab_nrows(t); r++) {
        json_t *obj = json_object();
        rc = obj == NULL ? -1 : json_array_append_new(rows, obj);
        for (size_t c = 0; rc == 0 && c < t->ncols; c++)
            rc = json_object_set_new(obj, t->names[c],
                                     cell_json(&t->cells[r * t->ncols + c]));
    }
    if (rc == 0)
        rc = json_dumpf(rows, f,
                        JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                            JSON_REAL_PRECISION(17));
    if (rc == 0 && fputc('\n', f) == EOF)
        rc = -1;
    json_decref(rows);
    return rc;
}

/* A cell as people read it: numbers to 4 significant digits, without an
 * exponent for ordinary magnitudes. */
static void cell_display(const cell *c, char *buf, size_t cap)
{
    double a;
    switch (c->kind) {
    case CELL_NUM:
        a = fabs(c->v.num);
        if (a >= 1e4 && a < 1e15)
            snprintf(buf, cap, "%.0f", c->v.num);
        else
            snprintf(buf, cap, "%.4g", c->v.num);
        break;
    case CELL_INT:
        snprintf(buf, cap, "%lld", c->v.i);
        break;
    case CELL_BOOL:
        snprintf(buf, cap, "%s", c->v.i ? "TRUE" : "FALSE");
        break;
    case CELL_TEXT:
        snprintf(buf, cap, "%s", c->v.text);
        break;
    default:
        snprintf(buf, cap, "NA");
    }
}

/* What the writers return when memory ran out, rather than a write. */
enum { NO_MEMORY = -2 };

static int write_text(const restab *t, FILE *f)
{
    enum { CELL_MAX = 64 };
    size_t *width = calloc(t->ncols ? t->ncols : 1, sizeof *width);
    int *numeric = calloc(t->ncols ? t->ncols : 1, sizeof *numeric);
    int rc = width == NULL || numeric == NULL ? NO_MEMORY : 0;
    char buf[CELL_MAX];
    for (size_t c = 0; rc == 0 && c < t->ncols; c++)
        width[c] = strlen(t->names[c]);
    for (size_t i = 0; rc == 0 && i < t->ncells; i++) {
        cell_display(&t->cells[i], buf, sizeof buf);
        size_t len = strlen(buf);
        size_t c = i % t->ncols; // NOLINT(clang-analyzer-core.DivideZero)
        if (len > width[c])
            width[c] = len;
        if (t->cells[i].kind == CELL_NUM || t->cells[i].kind == CELL_INT)
            numeric[c] = 1; /* numbers, their NAs and header align right */
    }
    /* A cell in its column: right-aligned when numeric, else left-aligned
     * (without trailing blanks in the last column). */
    for (size_t i = 0; rc == 0 && i < t->ncells + t->ncols; i++) {
        size_t c = i % t->ncols;
        const char *text = buf;
        if (i < t->ncols)
            text = t->names[c];
        else
            cell_display(&t->cells[i - t->ncols], buf, sizeof buf);
        int last = c + 1 == t->ncols;
        int w = last && !numeric[c] ? 0 : (int)width[c];
        rc |= fprintf(f, numeric[c] ? "%s%*s" : "%s%-*s", c ? "  " : "", w,
                      text) < 0;
        if (last)
            rc |= fputc('\n', f) == EOF;
    }
    free(width);
    free(numeric);
    return rc == NO_MEMORY ? rc : rc ? -1 : 0;
}

status restab_write(const restab *t, FILE *f, restab_format fmt,
                    const char *where, error_buf *err)
{
    int rc;
    switch (fmt) {
    case FORMAT_CSV:
        rc = write_csv_rows(t, f, 0, restab_nrows(t), 1);
        break;
    case FORMAT_JSON:
        rc = write_json(t, f);
        break;
    default:
        rc = write_text(t, f);
    }
    if (rc == NO_MEMORY)
        return err_set(err, ST_ENOMEM, where, 0, 0, "out of memory");
    if (rc != 0 || ferror(f))
        return err_set(err, ST_EIO, where, 0, 0, "write failed");
    return ST_OK;
}
