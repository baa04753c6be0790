/*
 * formula.c — a recursive-descent parser for formulas and expressions
 * (see formula.h).
 *
 * Grammar (R's precedence: ':' binds tighter than '*', which binds
 * tighter than '+' and '-'):
 *     formula := expr '~' sum
 *     sum     := ['-'] prod (('+' | '-') prod)*
 *     prod    := inter ('*' inter)*
 *     inter   := atom (':' atom)*
 *     atom    := NUMBER | NAME | NAME '(' expr ')' | '(' sum ')'
 *              | '(' sum '|' NAME ')'
 *     expr    := mul (('+' | '-') mul)* ; mul := unary (('*'|'/') unary)*
 *     unary   := '-' unary | NUMBER | NAME | NAME '(' expr ')' | '(' expr ')'
 * A sum evaluates to a set of terms (bit masks over variables), with
 * flags for the intercept, and collects random terms and offsets.
 */
#include "formula.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits that keep hostile text from exhausting the stack or the CPU:
 * nesting (parentheses, signs, calls) is parsed by recursion; the labels,
 * names and evaluation of a tree recurse as deep as it is, and a
 * left-leaning chain "a + b + ..." is as deep as it is long; a*b*c*...
 * has 2^n - 1 terms. */
enum { MAX_VARS = 64, MAX_DEPTH = 100, MAX_NODES = 2000, MAX_TERMS = 1024 };

typedef struct {
    const char *text;
    size_t pos;
    const char *where;
    error_buf *err;
    int failed;
    formula *f;   /* NULL when parsing a bare expression */
    int depth;    /* parse_unary and parse_atom calls on the stack */
    size_t nodes; /* expression nodes made */
} parser;

/* A set of terms under construction. */
typedef struct {
    uint64_t *terms;
    size_t n;
    int intercept; /* 1 present, 0 removed, -1 not said */
} term_set;

__attribute__((format(printf, 2, 3))) static void syntax(parser *p,
                                                         const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *at = p->text + p->pos;
    char found[48];
    if (*at == '\0')
        snprintf(found, sizeof found, "the end");
    else
        snprintf(found, sizeof found, "\"%.12s\"", at);
    err_set(p->err, ST_EUSAGE, p->where, 0, 0,
            "at character %zu: expected %s, found %s", p->pos + 1, msg, found);
}

static void skip_space(parser *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

static int peek(parser *p)
{
    skip_space(p);
    return (unsigned char)p->text[p->pos];
}

static int accept(parser *p, int c)
{
    if (peek(p) != c)
        return 0;
    p->pos++;
    return 1;
}

static int is_name_start(int c)
{
    return isalpha(c) || c == '_' || c == '.';
}
static int is_name_char(int c)
{
    return isalnum(c) || c == '_' || c == '.';
}

/* A name, or NULL (nothing consumed) when none stands here. */
static char *name(parser *p)
{
    skip_space(p);
    size_t start = p->pos;
    if (!is_name_start((unsigned char)p->text[start]) ||
        (p->text[start] == '.' && isdigit((unsigned char)p->text[start + 1])))
        return NULL;
    while (is_name_char((unsigned char)p->text[p->pos]))
        p->pos++;
    char *s = strndup(p->text + start, p->pos - start);
    if (s == NULL)
        syntax(p, "memory");
    return s;
}

static int number(parser *p, double *v)
{
    skip_space(p);
    const char *s = p->text + p->pos;
    if (!isdigit((unsigned char)*s) &&
        !(*s == '.' && isdigit((unsigned char)s[1])))
        return 0;
    char *end;
    *v = strtod(s, &end);
    p->pos += (size_t)(end - s);
    return 1;
}

void expr_free(expr *e)
{
    if (e == NULL)
        return;
    expr_free(e->a);
    expr_free(e->b);
    free(e->name);
    free(e);
}

static expr *node(parser *p, expr_kind kind, expr *a, expr *b)
{
    expr *e = ++p->nodes > MAX_NODES ? NULL : calloc(1, sizeof *e);
    if (e == NULL) {
        if (p->nodes > MAX_NODES)
            syntax(p,
                   "a shorter expression (at most %d names, numbers and "
                   "operators)",
                   MAX_NODES);
        syntax(p, "memory");
        expr_free(a);
        expr_free(b);
        return NULL;
    }
    e->kind = kind;
    e->a = a;
    e->b = b;
    return e;
}

static const struct {
    const char *name;
    expr_kind kind;
} functions[] = {{"log", EX_LOG}, {"exp", EX_EXP}, {"sqrt", EX_SQRT}};

static expr *parse_expr(parser *p);

/* Counts a level of recursion; 0 (error recorded) past MAX_DEPTH. */
static int enter(parser *p)
{
    if (++p->depth <= MAX_DEPTH)
        return 1;
    syntax(p, "at most %d levels of parentheses, signs and functions",
           MAX_DEPTH);
    return 0;
}

static expr *parse_unary_at(parser *p);

static expr *parse_unary(parser *p)
{
    expr *e = enter(p) ? parse_unary_at(p) : NULL;
    p->depth--;
    return e;
}

static expr *parse_unary_at(parser *p)
{
    double v;
    if (accept(p, '-')) {
        expr *a = parse_unary(p);
        return a ? node(p, EX_NEG, a, NULL) : NULL;
    }
    if (number(p, &v)) {
        expr *e = node(p, EX_NUM, NULL, NULL);
        if (e)
            e->num = v;
        return e;
    }
    if (accept(p, '(')) {
        expr *e = parse_expr(p);
        if (e && !accept(p, ')')) {
            syntax(p, "\")\"");
            expr_free(e);
            return NULL;
        }
        return e ? node(p, EX_PAREN, e, NULL) : NULL;
    }
    size_t at = p->pos;
    char *n = name(p);
    if (n == NULL) {
        syntax(p, "a number, a column name or \"(\"");
        return NULL;
    }
    if (!accept(p, '(')) {
        expr *e = node(p, EX_VAR, NULL, NULL);
        if (e)
            e->name = n;
        else
            free(n);
        return e;
    }
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (strcmp(n, functions[i].name) != 0)
            continue;
        free(n);
        expr *a = parse_expr(p);
        if (a && !accept(p, ')')) {
            syntax(p, "\")\"");
            expr_free(a);
            return NULL;
        }
        return a ? node(p, functions[i].kind, a, NULL) : NULL;
    }
    p->pos = at;
    syntax(p, "a function log, exp or sqrt (not \"%s\")", n);
    free(n);
    return NULL;
}

static expr *parse_mul(parser *p)
{
    expr *e = parse_unary(p);
    while (e != NULL) {
        int c = peek(p);
        if (c != '*' && c != '/')
            break;
        p->pos++;
        expr *b = parse_unary(p);
        e = b ? node(p, c == '*' ? EX_MUL : EX_DIV, e, b)
              : (expr_free(e), NULL);
    }
    return e;
}

static expr *parse_expr(parser *p)
{
    expr *e = parse_mul(p);
    while (e != NULL) {
        int c = peek(p);
        if (c != '+' && c != '-')
            break;
        p->pos++;
        expr *b = parse_mul(p);
        e = b ? node(p, c == '+' ? EX_ADD : EX_SUB, e, b)
              : (expr_free(e), NULL);
    }
    return e;
}

expr *expr_parse(const char *text, const char *where, error_buf *err)
{
    parser p = {text, 0, where, err, 0, NULL, 0, 0};
    expr *e = parse_expr(&p);
    if (e != NULL && peek(&p) != '\0') {
        syntax(&p, "an operator or the end");
        expr_free(e);
        return NULL;
    }
    return p.failed ? (expr_free(e), NULL) : e;
}

/* A growing string for labels; `failed` once memory ran out. */
typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} text_buf;

static void put(text_buf *t, const char *s)
{
    size_t k = strlen(s);
    if (t->failed)
        return;
    if (t->len + k + 1 > t->cap) {
        size_t cap = (t->len + k + 1) * 2;
        char *n = realloc(t->s, cap);
        if (n == NULL) {
            t->failed = 1;
            return;
        }
        t->s = n;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, k + 1);
    t->len += k;
}

/* A number as R deparses it: up to 15 significant digits, in fixed
 * notation unless scientific is shorter ("1e+05", "1000", "1e-04"). */
static void r_number(double v, char *out, size_t cap)
{
    char buf[64];
    if (isinf(v)) { /* a literal beyond the doubles: "1e999" */
        snprintf(out, cap, "%s", v > 0 ? "Inf" : "-Inf");
        return;
    }
    snprintf(buf, sizeof buf, "%.15g", v);
    double target = strtod(buf, NULL); /* v to 15 significant digits */
    int digits = 1;
    for (; digits < 15; digits++) { /* the fewest digits that say it */
        snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
        if (strtod(buf, NULL) == target)
            break;
    }
    char sci[48], fixed[48];
    snprintf(sci, sizeof sci, "%.*e", digits - 1, v);
    /* R writes at least two exponent digits, as C does */
    int exponent = v == 0 ? 0 : (int)floor(log10(fabs(v)));
    int decimals = digits - 1 - exponent;
    snprintf(fixed, sizeof fixed, "%.*f", decimals > 0 ? decimals : 0, v);
    snprintf(out, cap, "%s", strlen(fixed) <= strlen(sci) ? fixed : sci);
}

/* R's deparse: spaces around + - *, none around /, parentheses as
 * written. */
static void label_into(const expr *e, text_buf *t)
{
    static const char *const ops[] = {
        [EX_ADD] = " + ", [EX_SUB] = " - ", [EX_MUL] = " * ", [EX_DIV] = "/"};
    static const char *const fns[] = {[EX_NEG] = "-",
                                      [EX_LOG] = "log(",
                                      [EX_EXP] = "exp(",
                                      [EX_SQRT] = "sqrt(",
                                      [EX_PAREN] = "("};
    char num[64];
    switch (e->kind) {
    case EX_NUM:
        r_number(e->num, num, sizeof num);
        put(t, num);
        break;
    case EX_VAR:
        put(t, e->name);
        break;
    case EX_ADD:
    case EX_SUB:
    case EX_MUL:
    case EX_DIV:
        label_into(e->a, t);
        put(t, ops[e->kind]);
        label_into(e->b, t);
        break;
    default:
        put(t, fns[e->kind]);
        label_into(e->a, t);
        if (e->kind != EX_NEG)
            put(t, ")");
    }
}

char *expr_label(const expr *e)
{
    text_buf t = {NULL, 0, 0, 0};
    put(&t, "");
    label_into(e, &t);
    if (t.failed) {
        free(t.s);
        return NULL;
    }
    return t.s;
}

void expr_names(const expr *e, void (*fn)(const char *name, void *ctx),
                void *ctx)
{
    if (e == NULL)
        return;
    if (e->kind == EX_VAR)
        fn(e->name, ctx);
    expr_names(e->a, fn, ctx);
    expr_names(e->b, fn, ctx);
}

/* ---- formulas ---------------------------------------------------------- */

static void set_free(term_set *s)
{
    free(s->terms);
    s->terms = NULL;
    s->n = 0;
}

static int set_add(parser *p, term_set *s, uint64_t t)
{
    if (p->failed)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->terms[i] == t)
            return 1;
    if (s->n == MAX_TERMS) {
        syntax(p, "at most %d terms", MAX_TERMS);
        return 0;
    }
    uint64_t *n = realloc(s->terms, (s->n + 1) * sizeof *n);
    if (n == NULL) {
        syntax(p, "memory");
        return 0;
    }
    s->terms = n;
    s->terms[s->n++] = t;
    return 1;
}

/* The index of a variable with this label, added when new. */
static int add_var(parser *p, char *label, expr *e, int as_factor)
{
    formula *f = p->f;
    for (size_t i = 0; i < f->nvars; i++)
        if (strcmp(f->vars[i].label, label) == 0) {
            free(label);
            expr_free(e);
            return (int)i;
        }
    if (f->nvars == MAX_VARS) {
        syntax(p, "at most %d variables", MAX_VARS);
        free(label);
        expr_free(e);
        return -1;
    }
    formula_var *v = realloc(f->vars, (f->nvars + 1) * sizeof *v);
    if (v == NULL) {
        syntax(p, "memory");
        free(label);
        expr_free(e);
        return -1;
    }
    f->vars = v;
    f->vars[f->nvars] = (formula_var){label, e, as_factor};
    return (int)f->nvars++;
}

static int parse_sum(parser *p, term_set *out);

/* The lhs of a random term must be 1, a column, or 1 + a column. */
static int random_term(parser *p, term_set *lhs)
{
    char *g = name(p);
    if (g == NULL) {
        syntax(p, "a grouping column after \"|\"");
        return 0;
    }
    if (!accept(p, ')')) {
        free(g);
        syntax(p, "\")\" closing the random term");
        return 0;
    }
    formula *f = p->f;
    formula_random r = {g, lhs->intercept != 0, NULL};
    if (lhs->n > 1) {
        free(g);
        syntax(p, "one random slope at most, as in (x | g)");
        return 0;
    }
    if (lhs->n == 1) {
        uint64_t t = lhs->terms[0];
        int v = __builtin_ctzll(t);
        if ((t & (t - 1)) != 0 || f->vars[v].e->kind != EX_VAR) {
            free(g);
            syntax(p, "a column as the random slope");
            return 0;
        }
        r.slope = strdup(f->vars[v].e->name);
    }
    if (!r.intercept && r.slope == NULL) {
        free(g);
        syntax(p, "a random intercept or slope before \"|\"");
        return 0;
    }
    formula_random *rs = realloc(f->random, (f->nrandom + 1) * sizeof *rs);
    if (rs == NULL) {
        free(g);
        free(r.slope);
        syntax(p, "memory");
        return 0;
    }
    f->random = rs;
    f->random[f->nrandom++] = r;
    return 1;
}

static int parse_atom_at(parser *p, term_set *out);

static int parse_atom(parser *p, term_set *out)
{
    out->terms = NULL;
    out->n = 0;
    out->intercept = -1;
    int ok = enter(p) && parse_atom_at(p, out);
    p->depth--;
    return ok;
}

/* The variables used only in random terms do not stay in the fixed
 * part: a random term's lhs is parsed into its own term set, and its
 * variables are kept in the table (harmless, never in a term). */
static int parse_atom_at(parser *p, term_set *out)
{
    double v;
    out->terms = NULL;
    out->n = 0;
    out->intercept = -1;
    skip_space(p);
    size_t at_number = p->pos;
    if (number(p, &v)) {
        if (v != 0 && v != 1) {
            p->pos = at_number;
            syntax(p, "a term (only 0 and 1 may stand as numbers)");
            return 0;
        }
        out->intercept = v == 1;
        return 1;
    }
    if (accept(p, '(')) {
        term_set inner;
        if (!parse_sum(p, &inner))
            return 0;
        if (accept(p, '|')) {
            int ok = random_term(p, &inner);
            set_free(&inner);
            out->intercept = -1;
            return ok;
        }
        if (!accept(p, ')')) {
            set_free(&inner);
            syntax(p, "\")\"");
            return 0;
        }
        *out = inner;
        return 1;
    }
    size_t at = p->pos;
    char *n = name(p);
    if (n == NULL) {
        syntax(p, "a term");
        return 0;
    }
    int idx;
    if (accept(p, '(')) {
        if (strcmp(n, "factor") == 0 || strcmp(n, "offset") == 0) {
            int is_offset = n[0] == 'o';
            expr *e = parse_expr(p);
            if (e == NULL || !accept(p, ')')) {
                expr_free(e);
                free(n);
                syntax(p, "\")\"");
                return 0;
            }
            if (is_offset) {
                formula *f = p->f;
                expr **o = realloc(f->offsets, (f->noffsets + 1) * sizeof *o);
                if (o == NULL) {
                    expr_free(e);
                    free(n);
                    syntax(p, "memory");
                    return 0;
                }
                f->offsets = o;
                f->offsets[f->noffsets++] = e;
                free(n);
                return 1;
            }
            if (e->kind != EX_VAR) {
                expr_free(e);
                free(n);
                p->pos = at;
                syntax(p, "factor() of a column");
                return 0;
            }
            size_t len = strlen(e->name) + 9;
            char *label = malloc(len);
            if (label)
                snprintf(label, len, "factor(%s)", e->name);
            free(n);
            idx = label ? add_var(p, label, e, 1) : -1;
        } else {
            p->pos = at;
            free(n);
            expr *e = parse_unary(p);
            if (e == NULL)
                return 0;
            char *label = expr_label(e);
            idx = label ? add_var(p, label, e, 0) : -1;
        }
    } else {
        expr *e = calloc(1, sizeof *e);
        char *label = strdup(n);
        if (e == NULL || label == NULL) {
            free(e);
            free(label);
            free(n);
            syntax(p, "memory");
            return 0;
        }
        e->kind = EX_VAR;
        e->name = n;
        idx = add_var(p, label, e, 0);
    }
    if (idx < 0)
        return 0;
    return set_add(p, out, (uint64_t)1 << idx);
}

/* a:b — every pairwise product of the two sides' terms. */
static int parse_inter(parser *p, term_set *out)
{
    if (!parse_atom(p, out))
        return 0;
    while (accept(p, ':')) {
        term_set b, prod = {NULL, 0, -1};
        if (!parse_atom(p, &b)) {
            set_free(out);
            return 0;
        }
        for (size_t i = 0; i < out->n; i++)
            for (size_t j = 0; j < b.n; j++)
                if (!set_add(p, &prod, out->terms[i] | b.terms[j])) {
                    set_free(&prod);
                    set_free(&b);
                    set_free(out);
                    return 0;
                }
        set_free(&b);
        set_free(out);
        *out = prod;
    }
    return 1;
}

/* a*b — a + b + a:b. */
static int parse_prod(parser *p, term_set *out)
{
    if (!parse_inter(p, out))
        return 0;
    while (accept(p, '*')) {
        term_set b;
        if (!parse_inter(p, &b)) {
            set_free(out);
            return 0;
        }
        size_t na = out->n;
        for (size_t j = 0; j < b.n; j++)
            set_add(p, out, b.terms[j]);
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < b.n; j++)
                set_add(p, out, out->terms[i] | b.terms[j]);
        set_free(&b);
        if (p->failed) {
            set_free(out);
            return 0;
        }
    }
    return 1;
}

static void merge(parser *p, term_set *into, const term_set *b, int remove)
{
    if (b->intercept >= 0)
        into->intercept = remove ? !b->intercept : b->intercept;
    for (size_t j = 0; j < b->n; j++) {
        if (!remove) {
            set_add(p, into, b->terms[j]);
            continue;
        }
        for (size_t i = 0; i < into->n; i++)
            if (into->terms[i] == b->terms[j]) {
                into->terms[i] = into->terms[--into->n];
                break;
            }
    }
}

static int parse_sum(parser *p, term_set *out)
{
    out->terms = NULL;
    out->n = 0;
    out->intercept = -1;
    int remove = accept(p, '-');
    for (;;) {
        term_set b;
        if (!parse_prod(p, &b)) {
            set_free(out);
            return 0;
        }
        merge(p, out, &b, remove);
        set_free(&b);
        if (p->failed) { /* too many terms, or memory */
            set_free(out);
            return 0;
        }
        if (accept(p, '+'))
            remove = 0;
        else if (accept(p, '-'))
            remove = 1;
        else
            break;
    }
    return 1;
}

static int degree(uint64_t t)
{
    return __builtin_popcountll(t);
}

/* R orders terms by degree, keeping the order of appearance within a
 * degree (a stable sort). */
static void order_terms(uint64_t *t, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = t[i];
        size_t j = i;
        while (j > 0 && degree(t[j - 1]) > degree(x)) {
            t[j] = t[j - 1];
            j--;
        }
        t[j] = x;
    }
}

static char *term_label(const formula *f, uint64_t t)
{
    size_t len = 1;
    for (size_t v = 0; v < f->nvars; v++)
        if (t & ((uint64_t)1 << v))
            len += strlen(f->vars[v].label) + 1;
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (size_t v = 0; v < f->nvars; v++)
        if (t & ((uint64_t)1 << v)) {
            if (s[0])
                strcat(s, ":");
            strcat(s, f->vars[v].label);
        }
    return s;
}

void formula_free(formula *f)
{
    if (f == NULL)
        return;
    expr_free(f->response);
    free(f->response_label);
    for (size_t i = 0; i < f->nvars; i++) {
        free(f->vars[i].label);
        expr_free(f->vars[i].e);
    }
    free(f->vars);
    for (size_t i = 0; i < f->nterms; i++)
        free(f->terms[i].label);
    free(f->terms);
    for (size_t i = 0; i < f->noffsets; i++)
        expr_free(f->offsets[i]);
    free(f->offsets);
    for (size_t i = 0; i < f->nrandom; i++) {
        free(f->random[i].group);
        free(f->random[i].slope);
    }
    free(f->random);
    free(f);
}

formula *formula_parse(const char *text, const char *where, error_buf *err)
{
    formula *f = calloc(1, sizeof *f);
    parser p = {text, 0, where, err, 0, f, 0, 0};
    term_set rhs = {NULL, 0, -1};
    if (f == NULL) {
        err_set(err, ST_ENOMEM, where, 0, 0, "out of memory");
        return NULL;
    }
    f->response = parse_expr(&p);
    if (f->response != NULL && !accept(&p, '~'))
        syntax(&p, "\"~\" after the response");
    if (!p.failed && parse_sum(&p, &rhs) && peek(&p) != '\0')
        syntax(&p, "\"+\", \"-\", \"*\", \":\" or the end of the formula");
    if (!p.failed) {
        order_terms(rhs.terms, rhs.n);
        f->intercept = rhs.intercept != 0;
        f->terms = calloc(rhs.n ? rhs.n : 1, sizeof *f->terms);
        f->response_label = expr_label(f->response);
        if (f->terms == NULL || f->response_label == NULL)
            syntax(&p, "memory");
        for (size_t i = 0; !p.failed && i < rhs.n; i++) {
            f->terms[i].vars = rhs.terms[i];
            f->terms[i].label = term_label(f, rhs.terms[i]);
            f->nterms++;
            if (f->terms[i].label == NULL)
                syntax(&p, "memory");
        }
    }
    set_free(&rhs);
    if (p.failed) {
        formula_free(f);
        return NULL;
    }
    return f;
}
