/*
 * design.c — model matrices from formulas (see design.h).
 */
#include "design.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A formula variable resolved against the data. */
typedef struct {
    int is_factor;
    double *value;  /* numeric: per data row (NaN missing) */
    int32_t *level; /* factor: per data row, -1 missing; after the
                       rows are chosen, a level index in byte order */
    char **labels;  /* factor: level labels, in order */
    size_t nlevels;
    design_column col; /* factor: the source column */
} resolved;

typedef struct {
    const formula *f;
    size_t n;
    design_lookup lookup;
    void *ctx;
    const char *where;
    error_buf *err;
    int failed;
} builder;

__attribute__((format(printf, 2, 3))) static void fail(builder *b,
                                                       const char *fmt, ...)
{
    if (b->failed)
        return;
    b->failed = 1;
    char msg[ERR_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err_set(b->err, ST_EDATA, b->where, 0, 0, "%s", msg);
}

/* Evaluates an expression on every data row into out (NaN missing). */
static void eval(builder *b, const expr *e, double *out)
{
    size_t n = b->n;
    if (e->kind == EX_NUM) {
        for (size_t r = 0; r < n; r++)
            out[r] = e->num;
        return;
    }
    if (e->kind == EX_VAR) {
        design_column c;
        if (!b->lookup(b->ctx, e->name, &c)) {
            fail(b, "unknown column '%s'", e->name);
            return;
        }
        if (c.num == NULL) {
            fail(b,
                 "column '%s' is text; a number is needed here (use it "
                 "as a term of its own to treat it as a factor)",
                 e->name);
            return;
        }
        memcpy(out, c.num, n * sizeof *out);
        return;
    }
    double *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (tmp == NULL) {
        fail(b, "out of memory");
        return;
    }
    eval(b, e->a, out);
    if (e->b != NULL)
        eval(b, e->b, tmp);
    for (size_t r = 0; r < n && !b->failed; r++) {
        double x = out[r], y = e->b ? tmp[r] : 0;
        switch (e->kind) {
        case EX_ADD:
            out[r] = x + y;
            break;
        case EX_SUB:
            out[r] = x - y;
            break;
        case EX_MUL:
            out[r] = x * y;
            break;
        case EX_DIV:
            out[r] = x / y;
            break;
        case EX_NEG:
            out[r] = -x;
            break;
        case EX_LOG:
            out[r] = log(x);
            break;
        case EX_EXP:
            out[r] = exp(x);
            break;
        case EX_SQRT:
            out[r] = sqrt(x);
            break;
        case EX_PAREN:
            break;
        default:
            break;
        }
    }
    free(tmp);
}

int design_eval(const expr *e, size_t n, design_lookup lookup, void *ctx,
                const char *where, double *out, error_buf *err)
{
    builder b = {NULL, n, lookup, ctx, where, err, 0};
    eval(&b, e, out);
    return b.failed ? -1 : 0;
}

static int cmp_text(const void *a, const void *b, void *ctx)
{
    const char *const *text = ctx;
    return strcmp(text[*(const int32_t *)a], text[*(const int32_t *)b]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Resolves variable v: a plain column that is text, or factor(x), is a
 * factor; everything else is evaluated as a number. */
static void resolve(builder *b, const formula_var *v, resolved *r)
{
    memset(r, 0, sizeof *r);
    design_column c = {0};
    int plain = v->e->kind == EX_VAR;
    if (plain && !b->lookup(b->ctx, v->e->name, &c)) {
        fail(b, "unknown column '%s'", v->e->name);
        return;
    }
    r->is_factor = v->as_factor || (plain && c.num == NULL);
    if (!r->is_factor) {
        r->value = malloc((b->n ? b->n : 1) * sizeof *r->value);
        if (r->value == NULL)
            fail(b, "out of memory");
        else
            eval(b, v->e, r->value);
        return;
    }
    r->col = c;
    r->level = malloc((b->n ? b->n : 1) * sizeof *r->level);
    if (r->level == NULL) {
        fail(b, "out of memory");
        return;
    }
    if (c.num != NULL) { /* factor(x) of numbers: a level per value */
        for (size_t i = 0; i < b->n; i++)
            r->level[i] = isnan(c.num[i]) ? -1 : 0;
    } else {
        memcpy(r->level, c.code, b->n * sizeof *r->level);
    }
}

/* After the rows are chosen: the levels present, in order, and each
 * used row's level index. */
static void finish_factor(builder *b, resolved *r, const size_t *rows, size_t n)
{
    if (r->col.num != NULL) {
        double *v = malloc((n ? n : 1) * sizeof *v);
        if (v == NULL) {
            fail(b, "out of memory");
            return;
        }
        for (size_t i = 0; i < n; i++)
            v[i] = r->col.num[rows[i]];
        qsort(v, n, sizeof *v, cmp_double);
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (i == 0 || v[i] != v[k - 1])
                v[k++] = v[i];
        r->nlevels = k;
        r->labels = calloc(k ? k : 1, sizeof *r->labels);
        for (size_t i = 0; r->labels && i < k; i++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%.15g", v[i]);
            r->labels[i] = strdup(buf);
        }
        for (size_t i = 0; i < n; i++) {
            double x = r->col.num[rows[i]];
            size_t lo = 0, hi = k;
            while (lo + 1 < hi) { /* binary search among distinct values */
                size_t mid = (lo + hi) / 2;
                if (v[mid] <= x)
                    lo = mid;
                else
                    hi = mid;
            }
            r->level[i] = (int32_t)lo;
        }
        free(v);
        return;
    }
    size_t nc = r->col.ncodes;
    int32_t *slot = malloc((nc ? nc : 1) * sizeof *slot);
    int32_t *present = malloc((nc ? nc : 1) * sizeof *present);
    if (slot == NULL || present == NULL) {
        free(slot);
        free(present);
        fail(b, "out of memory");
        return;
    }
    for (size_t k = 0; k < nc; k++)
        slot[k] = -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t c = r->col.code[rows[i]];
        if (slot[c] < 0) {
            slot[c] = 0;
            present[k++] = c;
        }
    }
    qsort_r(present, k, sizeof *present, cmp_text,
            (void *)(uintptr_t)r->col.text);
    r->nlevels = k;
    r->labels = calloc(k ? k : 1, sizeof *r->labels);
    for (size_t j = 0; r->labels && j < k; j++) {
        slot[present[j]] = (int32_t)j;
        r->labels[j] = strdup(r->col.text[present[j]]);
    }
    for (size_t i = 0; i < n; i++)
        r->level[i] = slot[r->col.code[rows[i]]];
    free(slot);
    free(present);
}

static void free_resolved(resolved *r)
{
    free(r->value);
    free(r->level);
    for (size_t i = 0; r->labels && i < r->nlevels; i++)
        free(r->labels[i]);
    free(r->labels);
}

void design_free(design *d)
{
    if (d == NULL)
        return;
    free(d->rows);
    for (size_t j = 0; d->names && j < d->p; j++)
        free(d->names[j]);
    free(d->names);
    free(d->X);
    free(d->y);
    free(d->offset);
    for (size_t k = 0; k < d->nrandom; k++) {
        design_random *g = &d->random[k];
        free(g->factor);
        free(g->group);
        for (size_t i = 0; g->labels && i < g->ngroups; i++)
            free(g->labels[i]);
        free(g->labels);
        free(g->slope_name);
        free(g->slope);
    }
    free(d->random);
    free(d);
}

/* Columns a term contributes: the product of (levels − 1) over its
 * factors. */
/* R's rule (model.matrix): factor v in term t is coded by contrasts
 * (treatment, dropping its first level) when the term without v is in the
 * model — the intercept standing for the empty term — and by one
 * indicator per level otherwise. */
static int full_coding(const formula *f, uint64_t t, size_t v)
{
    uint64_t margin = t & ~((uint64_t)1 << v);
    if (margin == 0)
        return !f->intercept;
    for (size_t k = 0; k < f->nterms; k++)
        if (f->terms[k].vars == margin)
            return 0;
    return 1;
}

/* Levels a factor contributes to a term's columns. */
static size_t coded_levels(const formula *f, const resolved *res, uint64_t t,
                           size_t v)
{
    size_t n = res[v].nlevels;
    return full_coding(f, t, v) ? n : n > 0 ? n - 1 : 0;
}

static size_t term_width(const formula *f, const resolved *res, uint64_t t)
{
    size_t w = 1;
    for (size_t v = 0; v < f->nvars; v++)
        if (t & ((uint64_t)1 << v) && res[v].is_factor)
            w *= coded_levels(f, res, t, v);
    return w;
}

/* Fills column j.. of X for one term: numbers multiply, factors expand
 * with the first variable's levels varying fastest (R's order). */
static void fill_term(design *d, const formula *f, const resolved *res,
                      uint64_t t, size_t j0)
{
    size_t w = term_width(f, res, t);
    for (size_t c = 0; c < w; c++) {
        /* the level of each factor in this column: from the second level
         * under contrasts, from the first under full coding */
        size_t rest = c, len = 1;
        size_t lev[64] = {0};
        for (size_t v = 0; v < f->nvars; v++)
            if (t & ((uint64_t)1 << v) && res[v].is_factor) {
                size_t m = coded_levels(f, res, t, v);
                lev[v] = (full_coding(f, t, v) ? 0 : 1) + rest % m;
                rest /= m;
            }
        for (size_t v = 0; v < f->nvars; v++)
            if (t & ((uint64_t)1 << v))
                len += strlen(f->vars[v].label) + 1 +
                       (res[v].is_factor ? strlen(res[v].labels[lev[v]]) : 0);
        char *name = malloc(len);
        if (name != NULL) {
            name[0] = '\0';
            for (size_t v = 0; v < f->nvars; v++)
                if (t & ((uint64_t)1 << v)) {
                    if (name[0])
                        strcat(name, ":");
                    strcat(name, f->vars[v].label);
                    if (res[v].is_factor)
                        strcat(name, res[v].labels[lev[v]]);
                }
        }
        d->names[j0 + c] = name;
        for (size_t i = 0; i < d->n; i++) {
            double x = 1;
            for (size_t v = 0; v < f->nvars; v++)
                if (t & ((uint64_t)1 << v))
                    x *= res[v].is_factor ? (res[v].level[i] == (int32_t)lev[v])
                                          : res[v].value[d->rows[i]];
            d->X[i * d->p + j0 + c] = x;
        }
    }
}

static int row_ok(const formula *f, const resolved *res, const double *y,
                  const double *off, const resolved *groups,
                  const double *const *slopes, size_t nrandom, size_t r)
{
    if (isnan(y[r]) || (off && isnan(off[r])))
        return 0;
    for (size_t t = 0; t < f->nterms; t++)
        for (size_t v = 0; v < f->nvars; v++)
            if (f->terms[t].vars & ((uint64_t)1 << v) &&
                (res[v].is_factor ? res[v].level[r] < 0
                                  : isnan(res[v].value[r])))
                return 0;
    for (size_t k = 0; k < nrandom; k++)
        if (groups[k].level[r] < 0 || (slopes[k] && isnan(slopes[k][r])))
            return 0;
    return 1;
}

design *design_build(const formula *f, size_t n, design_lookup lookup,
                     void *ctx, const char *where, error_buf *err)
{
    builder b = {f, n, lookup, ctx, where, err, 0};
    design *d = calloc(1, sizeof *d);
    resolved *res = calloc(f->nvars ? f->nvars : 1, sizeof *res);
    resolved *groups = calloc(f->nrandom ? f->nrandom : 1, sizeof *groups);
    double **slopes = calloc(f->nrandom ? f->nrandom : 1, sizeof *slopes);
    double *y = malloc((n ? n : 1) * sizeof *y);
    double *off = NULL, *tmp = NULL;
    if (!d || !res || !groups || !slopes || !y) {
        fail(&b, "out of memory");
        goto done;
    }
    eval(&b, f->response, y);
    for (size_t v = 0; v < f->nvars && !b.failed; v++) {
        int used = 0;
        for (size_t t = 0; t < f->nterms; t++)
            used |= (f->terms[t].vars >> v) & 1;
        if (used)
            resolve(&b, &f->vars[v], &res[v]);
    }
    if (f->noffsets > 0 && !b.failed) {
        off = calloc(n ? n : 1, sizeof *off);
        tmp = malloc((n ? n : 1) * sizeof *tmp);
        for (size_t k = 0; off && tmp && k < f->noffsets && !b.failed; k++) {
            eval(&b, f->offsets[k], tmp);
            for (size_t r = 0; r < n; r++)
                off[r] += tmp[r];
        }
    }
    for (size_t k = 0; k < f->nrandom && !b.failed; k++) {
        formula_var gv = {f->random[k].group, NULL, 1};
        expr ge = {EX_VAR, 0, f->random[k].group, NULL, NULL};
        gv.e = &ge;
        resolve(&b, &gv, &groups[k]);
        if (f->random[k].slope != NULL && !b.failed) {
            expr se = {EX_VAR, 0, f->random[k].slope, NULL, NULL};
            slopes[k] = malloc((n ? n : 1) * sizeof *slopes[k]);
            if (slopes[k] != NULL)
                eval(&b, &se, slopes[k]);
        }
    }
    if (b.failed)
        goto done;
    /* the rows used */
    d->rows = malloc((n ? n : 1) * sizeof *d->rows);
    if (d->rows == NULL) {
        fail(&b, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < n; r++)
        if (row_ok(f, res, y, off, groups, (const double *const *)slopes,
                   f->nrandom, r))
            d->rows[d->n++] = r;
        else
            d->dropped++;
    for (size_t i = 0; i < d->n; i++) {
        size_t r = d->rows[i];
        int finite = isfinite(y[r]) && (!off || isfinite(off[r]));
        for (size_t v = 0; v < f->nvars && finite; v++)
            finite = res[v].value == NULL || isfinite(res[v].value[r]);
        if (!finite) {
            fail(&b,
                 "data row %zu: a value of the model is infinite (is "
                 "there a log of 0 or a division by 0?)",
                 r + 1);
            goto done;
        }
    }
    if (d->n == 0) {
        fail(&b, "no row without missing values");
        goto done;
    }
    for (size_t v = 0; v < f->nvars && !b.failed; v++)
        if (res[v].is_factor)
            finish_factor(&b, &res[v], d->rows, d->n);
    for (size_t k = 0; k < f->nrandom && !b.failed; k++)
        finish_factor(&b, &groups[k], d->rows, d->n);
    if (b.failed)
        goto done;
    d->p = f->intercept ? 1 : 0;
    for (size_t t = 0; t < f->nterms; t++)
        d->p += term_width(f, res, f->terms[t].vars);
    d->names = calloc(d->p ? d->p : 1, sizeof *d->names);
    size_t cells = d->n * d->p > 0 ? d->n * d->p : 1;
    d->X = malloc(cells * sizeof *d->X);
    d->y = malloc(d->n * sizeof *d->y);
    if (!d->names || !d->X || !d->y) {
        fail(&b, "out of memory");
        goto done;
    }
    size_t j = 0;
    if (f->intercept) {
        d->names[j++] = strdup("(Intercept)");
        for (size_t i = 0; i < d->n; i++)
            d->X[i * d->p] = 1;
    }
    for (size_t t = 0; t < f->nterms; t++) {
        fill_term(d, f, res, f->terms[t].vars, j);
        j += term_width(f, res, f->terms[t].vars);
    }
    for (size_t i = 0; i < d->n; i++)
        d->y[i] = y[d->rows[i]];
    if (off != NULL) {
        d->offset = malloc(d->n * sizeof *d->offset);
        for (size_t i = 0; d->offset && i < d->n; i++)
            d->offset[i] = off[d->rows[i]];
    }
    d->nrandom = f->nrandom;
    d->random = calloc(f->nrandom ? f->nrandom : 1, sizeof *d->random);
    for (size_t k = 0; d->random && k < f->nrandom; k++) {
        design_random *g = &d->random[k];
        g->factor = strdup(f->random[k].group);
        g->intercept = f->random[k].intercept;
        g->ngroups = groups[k].nlevels;
        g->labels = groups[k].labels;
        groups[k].labels = NULL;
        g->group = groups[k].level; /* already per used row */
        groups[k].level = NULL;
        if (slopes[k] != NULL) {
            g->slope_name = strdup(f->random[k].slope);
            g->slope = malloc(d->n * sizeof *g->slope);
            for (size_t i = 0; g->slope && i < d->n; i++)
                g->slope[i] = slopes[k][d->rows[i]];
        }
    }
done:
    for (size_t v = 0; res && v < f->nvars; v++)
        free_resolved(&res[v]);
    for (size_t k = 0; groups && k < f->nrandom; k++)
        free_resolved(&groups[k]);
    for (size_t k = 0; slopes && k < f->nrandom; k++)
        free(slopes[k]);
    free(res);
    free(groups);
    free(slopes);
    free(y);
    free(off);
    free(tmp);
    if (b.failed) {
        design_free(d);
        return NULL;
    }
    return d;
}
