/*
 * test_formula.c — the formula and expression parser (models/formula.h)
 * against R's terms() and deparse().
 *
 * Term order and labels as R gives them: terms by degree, then by first
 * appearance; the variables of an interaction by first appearance
 * ("y ~ b:a + a" has terms a, b:a); a*b*c expands to the seven terms of
 * R; (a + b):c distributes; a term removed with "-". The intercept goes
 * with "- 1", "+ 0", "0 +" and "-1 +", and comes back with "+ 1".
 * offset(log(population)) is collected as an offset and is no term;
 * factor(x) is labelled "factor(x)" and marked as a factor; random terms
 * (1 | g), (x | g) (intercept and slope), (0 + x | g) (slope only) and
 * two of them. Expression labels are R's deparse: spaces around + - *,
 * none around / ("violent_crimes/population * 1000"). Errors give
 * ST_EUSAGE and "where: at character N: expected ..., found ...".
 */
#include "unit.h"

#include "../../models/formula.h"

/* Parses text that must succeed. */
static formula *parse_ok(const char *text)
{
    error_buf err;
    err_clear(&err);
    formula *f = formula_parse(text, "--formula", &err);
    if (f == NULL)
        print_error("%s: %s\n", text, err.n ? err.msg[0] : "(no message)");
    assert_non_null(f);
    assert_int_equal(err.n, 0);
    return f;
}

/* The fixed terms' labels must be exactly `labels` (NULL-terminated). */
static void assert_terms(const formula *f, const char *const *labels)
{
    size_t n = 0;
    while (labels[n] != NULL)
        n++;
    assert_int_equal(f->nterms, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(f->terms[i].label, labels[i]);
}

/* The index of the variable labelled `label`, or -1. */
static int var_index(const formula *f, const char *label)
{
    for (size_t i = 0; i < f->nvars; i++)
        if (strcmp(f->vars[i].label, label) == 0)
            return (int)i;
    return -1;
}

/* The bit mask of the variables labelled in a NULL-terminated list. */
static uint64_t mask_of(const formula *f, const char *const *labels)
{
    uint64_t m = 0;
    for (size_t i = 0; labels[i] != NULL; i++) {
        int v = var_index(f, labels[i]);
        assert_true(v >= 0);
        m |= (uint64_t)1 << v;
    }
    return m;
}

/* Parses text that must fail with exactly the message `msg`. */
static void expect_error(const char *text, const char *msg)
{
    error_buf err;
    err_clear(&err);
    formula *f = formula_parse(text, "--formula", &err);
    assert_null(f);
    assert_int_equal(err.st, ST_EUSAGE);
    assert_int_equal(err.n, 1);
    assert_string_equal(err.msg[0], msg);
}

/* The deparsed label of an expression parsed from text. */
static void assert_expr_label(const char *text, const char *label)
{
    error_buf err;
    err_clear(&err);
    expr *e = expr_parse(text, "[derive] x", &err);
    assert_non_null(e);
    char *s = expr_label(e);
    assert_non_null(s);
    assert_string_equal(s, label);
    free(s);
    expr_free(e);
}

/* ---- terms -------------------------------------------------------------- */

static void test_main_effects(void **state)
{
    (void)state;
    formula *f = parse_ok("crime_rate ~ ses + log(population) + urban");
    assert_string_equal(f->response_label, "crime_rate");
    assert_int_equal(f->response->kind, EX_VAR);
    assert_true(f->intercept);
    const char *const t[] = {"ses", "log(population)", "urban", NULL};
    assert_terms(f, t);
    assert_int_equal(f->nvars, 3);
    int v = var_index(f, "log(population)");
    assert_true(v >= 0);
    assert_int_equal(f->vars[v].e->kind, EX_LOG);
    assert_string_equal(f->vars[v].e->a->name, "population");
    assert_false(f->vars[v].as_factor);
    assert_int_equal(f->noffsets, 0);
    assert_int_equal(f->nrandom, 0);
    formula_free(f);
}

static void test_interaction_order(void **state)
{
    (void)state;
    /* R: attr(terms(y ~ b:a + a), "term.labels") is "a" "b:a" — by
     * degree first, and b before a inside the interaction because b
     * appears first in the formula. */
    formula *f = parse_ok("y ~ b:a + a");
    const char *const t[] = {"a", "b:a", NULL};
    assert_terms(f, t);
    const char *const a[] = {"a", NULL}, *const ab[] = {"a", "b", NULL};
    assert_true(f->terms[0].vars == mask_of(f, a));
    assert_true(f->terms[1].vars == mask_of(f, ab));
    formula_free(f);
}

static void test_star_expansion(void **state)
{
    (void)state;
    formula *f = parse_ok("y ~ a*b*c");
    const char *const t[] = {"a", "b", "c", "a:b", "a:c", "b:c", "a:b:c", NULL};
    assert_terms(f, t);
    assert_true(f->intercept);
    formula_free(f);

    /* A repeated term appears once; a*b − a:b leaves the main effects. */
    f = parse_ok("y ~ a*b + a - a:b");
    const char *const u[] = {"a", "b", NULL};
    assert_terms(f, u);
    formula_free(f);
}

static void test_parenthesised_interaction(void **state)
{
    (void)state;
    formula *f = parse_ok("y ~ (a + b):c");
    const char *const t[] = {"a:c", "b:c", NULL};
    assert_terms(f, t);
    formula_free(f);

    /* ':' binds tighter than '*': x*g:h is x + g:h + x:g:h. */
    f = parse_ok("y ~ x*g:h");
    const char *const u[] = {"x", "g:h", "x:g:h", NULL};
    assert_terms(f, u);
    formula_free(f);
}

static void test_intercept_removal(void **state)
{
    (void)state;
    static const char *const without[] = {"y ~ x - 1", "y ~ x + 0", "y ~ 0 + x",
                                          "y ~ -1 + x"};
    for (size_t i = 0; i < sizeof without / sizeof without[0]; i++) {
        formula *f = parse_ok(without[i]);
        assert_false(f->intercept);
        const char *const t[] = {"x", NULL};
        assert_terms(f, t);
        formula_free(f);
    }
    static const char *const with[] = {"y ~ x", "y ~ 1 + x", "y ~ x - 1 + 1"};
    for (size_t i = 0; i < sizeof with / sizeof with[0]; i++) {
        formula *f = parse_ok(with[i]);
        assert_true(f->intercept);
        assert_int_equal(f->nterms, 1);
        formula_free(f);
    }
    /* Intercept only. */
    formula *f = parse_ok("y ~ 1");
    assert_true(f->intercept);
    assert_int_equal(f->nterms, 0);
    formula_free(f);
}

static void test_offset(void **state)
{
    (void)state;
    formula *f = parse_ok("violent ~ poverty + offset(log(population))");
    const char *const t[] = {"poverty", NULL};
    assert_terms(f, t);
    assert_int_equal(f->noffsets, 1);
    assert_int_equal(f->offsets[0]->kind, EX_LOG);
    char *s = expr_label(f->offsets[0]);
    assert_non_null(s);
    assert_string_equal(s, "log(population)");
    free(s);
    assert_true(f->intercept);
    formula_free(f);
}

static void test_factor_label(void **state)
{
    (void)state;
    formula *f = parse_ok("y ~ factor(District) + ses + factor(District):ses");
    const char *const t[] = {"factor(District)", "ses", "factor(District):ses",
                             NULL};
    assert_terms(f, t);
    int v = var_index(f, "factor(District)");
    assert_true(v >= 0);
    assert_true(f->vars[v].as_factor);
    assert_int_equal(f->vars[v].e->kind, EX_VAR);
    assert_string_equal(f->vars[v].e->name, "District");
    assert_false(f->vars[var_index(f, "ses")].as_factor);
    formula_free(f);
}

static void test_response_expression(void **state)
{
    (void)state;
    formula *f = parse_ok("log(y + 1) ~ x");
    assert_string_equal(f->response_label, "log(y + 1)");
    assert_int_equal(f->response->kind, EX_LOG);
    formula_free(f);
}

/* ---- random terms ------------------------------------------------------- */

static void test_random_intercept(void **state)
{
    (void)state;
    formula *f = parse_ok("mathach ~ ses + (1 | school)");
    const char *const t[] = {"ses", NULL};
    assert_terms(f, t);
    assert_true(f->intercept);
    assert_int_equal(f->nrandom, 1);
    assert_string_equal(f->random[0].group, "school");
    assert_true(f->random[0].intercept);
    assert_null(f->random[0].slope);
    formula_free(f);
}

static void test_random_slope(void **state)
{
    (void)state;
    /* (x | g) is (1 + x | g): intercept and slope. */
    formula *f = parse_ok("mathach ~ ses + (ses | school)");
    const char *const t[] = {"ses", NULL};
    assert_terms(f, t);
    assert_int_equal(f->nrandom, 1);
    assert_string_equal(f->random[0].group, "school");
    assert_true(f->random[0].intercept);
    assert_string_equal(f->random[0].slope, "ses");
    formula_free(f);

    f = parse_ok("mathach ~ ses + (1 + ses | school)");
    assert_int_equal(f->nrandom, 1);
    assert_true(f->random[0].intercept);
    assert_string_equal(f->random[0].slope, "ses");
    formula_free(f);

    /* (0 + x | g): the slope alone. */
    f = parse_ok("mathach ~ ses + (0 + ses | school)");
    assert_int_equal(f->nrandom, 1);
    assert_false(f->random[0].intercept);
    assert_string_equal(f->random[0].slope, "ses");
    assert_true(f->intercept);
    assert_int_equal(f->nterms, 1);
    formula_free(f);
}

static void test_two_random_terms(void **state)
{
    (void)state;
    formula *f = parse_ok("y ~ x + (1 | classroom) + (1 | school) - 1");
    const char *const t[] = {"x", NULL};
    assert_terms(f, t);
    assert_false(f->intercept);
    assert_int_equal(f->nrandom, 2);
    assert_string_equal(f->random[0].group, "classroom");
    assert_string_equal(f->random[1].group, "school");
    assert_true(f->random[0].intercept && f->random[1].intercept);
    assert_null(f->random[0].slope);
    assert_null(f->random[1].slope);
    formula_free(f);
}

/* ---- expressions -------------------------------------------------------- */

static void collect_name(const char *name, void *ctx)
{
    char *buf = ctx;
    if (buf[0] != '\0')
        strcat(buf, ",");
    strcat(buf, name);
}

static void test_expr_parse_ratio(void **state)
{
    (void)state;
    error_buf err;
    err_clear(&err);
    expr *e =
        expr_parse("violent_crimes / population * 1000", "[derive] rate", &err);
    assert_non_null(e);
    /* Left-associative: (violent_crimes / population) * 1000. */
    assert_int_equal(e->kind, EX_MUL);
    assert_int_equal(e->a->kind, EX_DIV);
    assert_int_equal(e->a->a->kind, EX_VAR);
    assert_string_equal(e->a->a->name, "violent_crimes");
    assert_string_equal(e->a->b->name, "population");
    assert_int_equal(e->b->kind, EX_NUM);
    assert_close(e->b->num, 1000, 1e-15);
    char *s = expr_label(e);
    assert_non_null(s);
    assert_string_equal(s, "violent_crimes/population * 1000");
    free(s);
    char names[64] = "";
    expr_names(e, collect_name, names);
    assert_string_equal(names, "violent_crimes,population");
    expr_free(e);
}

static void test_expr_parse_functions(void **state)
{
    (void)state;
    error_buf err;
    err_clear(&err);
    expr *e = expr_parse("log(x) + exp(-y)", "[derive] z", &err);
    assert_non_null(e);
    assert_int_equal(e->kind, EX_ADD);
    assert_int_equal(e->a->kind, EX_LOG);
    assert_string_equal(e->a->a->name, "x");
    assert_int_equal(e->b->kind, EX_EXP);
    assert_int_equal(e->b->a->kind, EX_NEG);
    assert_string_equal(e->b->a->a->name, "y");
    char *s = expr_label(e);
    assert_non_null(s);
    assert_string_equal(s, "log(x) + exp(-y)");
    free(s);
    char names[64] = "";
    expr_names(e, collect_name, names);
    assert_string_equal(names, "x,y");
    expr_free(e);
}

static void test_expr_labels(void **state)
{
    (void)state;
    assert_expr_label("a*b - c/d", "a * b - c/d");
    assert_expr_label("sqrt( income )/2.385", "sqrt(income)/2.385");
    assert_expr_label("-x + 0.5", "-x + 0.5");
}

/* Regression tests for fixed bugs: labels keep the parentheses as
 * written (they once dropped them, merging different variables), and
 * numbers are written as R deparses them. */
static void test_expr_label_parentheses(void **state)
{
    (void)state;
    assert_expr_label("log(a/(b + c))", "log(a/(b + c))");
    assert_expr_label("-(x - y)", "-(x - y)");
    assert_expr_label("a * (b + c)", "a * (b + c)");
    error_buf err = {0};
    formula *f =
        formula_parse("y ~ log(a/(b + c)) + log(a/b + c)", "--formula", &err);
    assert_non_null(f);
    assert_int_equal(f->nterms, 2);
    formula_free(f);
}

static void test_expr_label_numbers(void **state)
{
    (void)state;
    assert_expr_label("log(population/1e5)", "log(population/1e+05)");
    assert_expr_label("x*1e6", "x * 1e+06");
    assert_expr_label("x*1000", "x * 1000");
    assert_expr_label("x/0.0001", "x/1e-04");
    assert_expr_label("x*2.5e-7", "x * 2.5e-07");
    assert_expr_label("x*123456", "x * 123456");
}

static void test_error_number_term(void **state)
{
    (void)state;
    expect_error("y ~ 2 + x",
                 "--formula: at character 5: expected a term (only 0 and 1 "
                 "may stand as numbers), found \"2 + x\"");
}

static void test_expr_error(void **state)
{
    (void)state;
    error_buf err;
    err_clear(&err);
    assert_null(expr_parse("a * ", "[derive] z", &err));
    assert_int_equal(err.st, ST_EUSAGE);
    assert_string_equal(err.msg[0],
                        "[derive] z: at character 5: expected a number, a "
                        "column name or \"(\", found the end");
    err_clear(&err);
    assert_null(expr_parse("a b", "[derive] z", &err));
    assert_string_equal(err.msg[0], "[derive] z: at character 3: expected an "
                                    "operator or the end, found \"b\"");
    expr_free(NULL);
    formula_free(NULL);
}

/* ---- errors ------------------------------------------------------------- */

static void test_error_trailing_plus(void **state)
{
    (void)state;
    expect_error("y ~ x +",
                 "--formula: at character 8: expected a term, found the end");
}

static void test_error_empty_group(void **state)
{
    (void)state;
    expect_error("y ~ (1|)", "--formula: at character 8: expected a grouping "
                             "column after \"|\", found \")\"");
}

static void test_error_unknown_function(void **state)
{
    (void)state;
    expect_error("y ~ foo(x)",
                 "--formula: at character 5: expected a function log, exp "
                 "or sqrt (not \"foo\"), found \"foo(x)\"");
}

static void test_error_missing_tilde(void **state)
{
    (void)state;
    expect_error("y x", "--formula: at character 3: expected \"~\" after the "
                        "response, found \"x\"");
}

static void test_error_unclosed_random(void **state)
{
    (void)state;
    expect_error("y ~ x + (1 | g", "--formula: at character 15: expected "
                                   "\")\" closing the random term, found the "
                                   "end");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_main_effects),
        cmocka_unit_test(test_interaction_order),
        cmocka_unit_test(test_star_expansion),
        cmocka_unit_test(test_parenthesised_interaction),
        cmocka_unit_test(test_intercept_removal),
        cmocka_unit_test(test_offset),
        cmocka_unit_test(test_factor_label),
        cmocka_unit_test(test_response_expression),
        cmocka_unit_test(test_random_intercept),
        cmocka_unit_test(test_random_slope),
        cmocka_unit_test(test_two_random_terms),
        cmocka_unit_test(test_expr_parse_ratio),
        cmocka_unit_test(test_expr_parse_functions),
        cmocka_unit_test(test_expr_labels),
        cmocka_unit_test(test_expr_label_parentheses),
        cmocka_unit_test(test_expr_label_numbers),
        cmocka_unit_test(test_error_number_term),
        cmocka_unit_test(test_expr_error),
        cmocka_unit_test(test_error_trailing_plus),
        cmocka_unit_test(test_error_empty_group),
        cmocka_unit_test(test_error_unknown_function),
        cmocka_unit_test(test_error_missing_tilde),
        cmocka_unit_test(test_error_unclosed_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
