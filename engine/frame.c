/*
 * frame.c — the area-level frame (see frame.h).
 */
#include "frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name;
    double *num;   /* numeric, per area; or NULL */
    int32_t *code; /* text, per area; -1 missing */
} fcol;

struct frame {
    const char *const *ids;
    size_t n, ncols, cap;
    fcol *cols;
    const table *text_table; /* the codes' owner (the last table added) */
    const char **texts;
};

frame *frame_create(const char *const *ids, size_t n)
{
    frame *f = calloc(1, sizeof *f);
    if (f != NULL) {
        f->ids = ids;
        f->n = n;
    }
    return f;
}

void frame_free(frame *f)
{
    if (f == NULL)
        return;
    for (size_t c = 0; c < f->ncols; c++) {
        free(f->cols[c].name);
        free(f->cols[c].num);
        free(f->cols[c].code);
    }
    free(f->cols);
    free(f->texts);
    free(f);
}

static fcol *new_col(frame *f, const char *name)
{
    if (f->ncols == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        fcol *c = realloc(f->cols, cap * sizeof *c);
        if (c == NULL)
            return NULL;
        f->cols = c;
        f->cap = cap;
    }
    fcol *c = &f->cols[f->ncols];
    memset(c, 0, sizeof *c);
    c->name = strdup(name);
    if (c->name == NULL)
        return NULL;
    f->ncols++;
    return c;
}

int frame_add(frame *f, const char *name, const double *values)
{
    fcol *c = new_col(f, name);
    if (c == NULL ||
        (c->num = malloc((f->n ? f->n : 1) * sizeof *c->num)) == NULL)
        return -1;
    memcpy(c->num, values, f->n * sizeof *c->num);
    return 0;
}

static int by_id(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

int frame_add_table(frame *f, const table *t, const char *const *names,
                    size_t ncols)
{
    size_t rows = table_nrows(t), nc = table_ncodes(t);
    int32_t *row_of = malloc((f->n ? f->n : 1) * sizeof *row_of);
    free(f->texts);
    f->texts = malloc((nc ? nc : 1) * sizeof *f->texts);
    if (row_of == NULL || f->texts == NULL) {
        free(row_of);
        return -1;
    }
    f->text_table = t;
    for (size_t k = 0; k < nc; k++)
        f->texts[k] = table_text(t, (int32_t)k);
    for (size_t a = 0; a < f->n; a++)
        row_of[a] = -1;
    const int32_t *idc = table_codes(t, 0);
    for (size_t r = 0; r < rows; r++) {
        if (idc[r] < 0)
            continue;
        const char *const *hit =
            bsearch(table_text(t, idc[r]), f->ids, f->n, sizeof *f->ids, by_id);
        if (hit != NULL)
            row_of[hit - f->ids] = (int32_t)r;
    }
    int rc = 0;
    for (size_t c = 1; rc == 0 && c < ncols; c++) {
        if (!table_present(t, c))
            continue;
        fcol *col = new_col(f, names[c]);
        if (col == NULL) {
            rc = -1;
            break;
        }
        if (table_kind(t, c) == COL_TEXT) {
            col->code = malloc((f->n ? f->n : 1) * sizeof *col->code);
            const int32_t *src = table_codes(t, c);
            for (size_t a = 0; col->code && a < f->n; a++)
                col->code[a] = row_of[a] >= 0 ? src[row_of[a]] : -1;
            rc = col->code ? 0 : -1;
        } else {
            col->num = malloc((f->n ? f->n : 1) * sizeof *col->num);
            const double *src = table_numbers(t, c);
            for (size_t a = 0; col->num && a < f->n; a++)
                col->num[a] = row_of[a] >= 0 ? src[row_of[a]] : (double)NAN;
            rc = col->num ? 0 : -1;
        }
    }
    free(row_of);
    return rc;
}

static const fcol *find(const frame *f, const char *name)
{
    for (size_t c = f->ncols; c-- > 0;) /* the latest wins */
        if (strcmp(f->cols[c].name, name) == 0)
            return &f->cols[c];
    return NULL;
}

int frame_lookup(void *ctx, const char *name, design_column *out)
{
    const frame *f = ctx;
    const fcol *c = find(f, name);
    if (c == NULL)
        return 0;
    memset(out, 0, sizeof *out);
    if (c->num != NULL) {
        out->num = c->num;
    } else {
        out->code = c->code;
        out->text = f->texts;
        out->ncodes = table_ncodes(f->text_table);
    }
    return 1;
}

const double *frame_numbers(const frame *f, const char *name)
{
    const fcol *c = find(f, name);
    return c ? c->num : NULL;
}

size_t frame_rows(const frame *f)
{
    return f->n;
}
const char *frame_id(const frame *f, size_t row)
{
    return f->ids[row];
}
