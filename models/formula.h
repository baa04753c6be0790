/*
 * formula.h — the model formula language of SPEC §2, parsed into terms
 * the way R's terms() reads it:
 *
 *     y ~ a + b + a:b + a*b + log(x) + factor(x) + offset(expr)
 *         + (1 | g) + (1 | g1) + (1 | g2) + (x | g) - 1
 *
 * `a*b` expands to a + b + a:b; terms are ordered by degree, then by first
 * appearance; variables inside an interaction by first appearance; `- 1`
 * or `+ 0` removes the intercept. Labels are R's (`log(population)`,
 * `factor(District)`, `a:b`), so coefficient names join R's output.
 * Also the arithmetic expressions of [derive] and of functions' arguments:
 * numbers, names, + - * / ( ), log(), exp(), sqrt().
 *
 * Pure parsing: which names are columns, and of what type, is decided
 * when a design is built (design.h).
 */
#ifndef ECOMETER_FORMULA_H
#define ECOMETER_FORMULA_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef enum {
    EX_NUM,
    EX_VAR,
    EX_ADD,
    EX_SUB,
    EX_MUL,
    EX_DIV,
    EX_NEG,
    EX_LOG,
    EX_EXP,
    EX_SQRT,
    EX_PAREN /* parentheses as written: R's labels keep them */
} expr_kind;

typedef struct expr {
    expr_kind kind;
    double num;         /* EX_NUM */
    char *name;         /* EX_VAR: a column name */
    struct expr *a, *b; /* operands; b only for binary operators */
} expr;

/* A variable of the formula: a column, a function of columns, or a
 * factor. */
typedef struct {
    char *label;   /* R's label: "ses", "log(population)", "factor(g)" */
    expr *e;       /* what to compute */
    int as_factor; /* written factor(x): a factor even if x is numeric */
} formula_var;

/* A fixed-effect term: the interaction of the variables in `vars`
 * (a bit per variable index). */
typedef struct {
    uint64_t vars;
    char *label; /* "a", "a:b" */
} formula_term;

/* A random-effect term (lhs | group). */
typedef struct {
    char *group;   /* the grouping column */
    int intercept; /* a random intercept */
    char *slope;   /* a random slope's column, or NULL */
} formula_random;

typedef struct {
    expr *response;
    char *response_label;
    int intercept;
    formula_var *vars;
    size_t nvars;
    formula_term *terms; /* in R's order */
    size_t nterms;
    expr **offsets; /* summed */
    size_t noffsets;
    formula_random *random;
    size_t nrandom;
} formula;

/* Parses a formula. `where` names it in messages (e.g. "--formula" or
 * "study.ini:12: [model violence] formula"); errors say at which character
 * and what was expected. NULL with err set (ST_EUSAGE) on error. */
formula *formula_parse(const char *text, const char *where, error_buf *err);
void formula_free(formula *f);

/* Parses an arithmetic expression (the [derive] language). */
expr *expr_parse(const char *text, const char *where, error_buf *err);
void expr_free(expr *e);

/* R's deparsed label of an expression; the caller frees it. */
char *expr_label(const expr *e);

/* Calls fn for each column name an expression uses. */
void expr_names(const expr *e, void (*fn)(const char *name, void *ctx),
                void *ctx);

#endif
