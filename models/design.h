/*
 * design.h — a model's design built from a formula and columns: the
 * response, the fixed-effect matrix X with R's column names (treatment
 * coding against the first level, or one column per level where R's
 * model.matrix uses them: when the term without the factor is not in the
 * model; text levels in byte order, numeric levels in numeric order;
 * levels not present in the rows used are dropped, as lm and lmer do),
 * the offset, and for each random term the group of every row and the
 * slope's values. Rows with a missing value in
 * any variable of the model are dropped and counted.
 *
 * Columns reach the design through a lookup callback, so models/ needs no
 * knowledge of files or tables.
 */
#ifndef ECOMETER_DESIGN_H
#define ECOMETER_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"
#include "formula.h"

/* A column as the caller holds it: numbers (NaN missing) or text codes
 * (-1 missing) with the text of each code. Borrowed. */
typedef struct {
    const double *num;
    const int32_t *code;
    const char *const *text; /* text[code] */
    size_t ncodes;
} design_column;

/* Fills *out and returns 1 when the data have a column of that name. */
typedef int (*design_lookup)(void *ctx, const char *name, design_column *out);

typedef struct {
    char *factor;   /* the grouping column */
    int32_t *group; /* per used row: 0..ngroups-1 */
    size_t ngroups;
    char **labels; /* the groups' ids, in byte (or numeric) order */
    int intercept;
    char *slope_name; /* NULL without a random slope */
    double *slope;    /* per used row */
} design_random;

typedef struct {
    size_t n;       /* rows used */
    size_t dropped; /* rows dropped for a missing value */
    size_t *rows;   /* per used row: its index in the data */
    size_t p;       /* columns of X */
    char **names;   /* their names, R's */
    double *X;      /* n × p, row-major */
    double *y;      /* n */
    double *offset; /* n, or NULL without offset() */
    design_random *random;
    size_t nrandom;
} design;

/* Builds the design of formula f over n data rows. `where` names the
 * formula in messages (unknown columns, a text column where a number is
 * needed, values that are not finite). NULL with err set on failure. */
design *design_build(const formula *f, size_t n, design_lookup lookup,
                     void *ctx, const char *where, error_buf *err);

void design_free(design *d);

/* Evaluates an arithmetic expression ([derive]) over n rows into out
 * (NaN where an input is missing). Returns 0, or -1 with err set naming
 * `where` (an unknown column, a text column). */
int design_eval(const expr *e, size_t n, design_lookup lookup, void *ctx,
                const char *where, double *out, error_buf *err);

#endif
