/*
 * test_design.c — model matrices from formulas (models/design.h) over a
 * small table held in memory and reached through the lookup callback.
 *
 * The table has ten rows: a response with one missing value, a numeric
 * covariate with one, a text column `region` (codes into a text table,
 * one missing) whose level "West" occurs only on a row that is dropped,
 * a numeric column `d` for factor(d), a population, text and numeric
 * grouping columns, and a column with zeros for the log(0) error.
 * Checked: the intercept column and R's names; a text column as a
 * factor, treatment-coded against its first level in byte order
 * ("East" < "North" < "South" < "east"), with absent levels dropped —
 * also when dropping rows removes the would-be reference level;
 * factor(d) with levels in numeric order ("factor(d)2" before
 * "factor(d)10"); x * region, whose products are named "x:regionNorth";
 * the rows dropped for a missing value in any variable of the model and
 * the map from used rows to data rows; offset(log(pop)); random groups
 * in byte (text) and numeric order with the slope's values; and the
 * messages for an unknown column, a text column inside log() and an
 * infinite value.
 */
#include "unit.h"

#include "../../models/design.h"

#define NA ((double)NAN)
#define NROWS 10

/* ---- the table ---------------------------------------------------------- */

static const double col_y[NROWS] = {2.385, 3.1, NA,  4.72, 1.9,
                                    5.25,  3.3, 2.8, 4.05, 3.65};
static const double col_x[NROWS] = {0.5,  1.25, 2.0, NA,  3.5,
                                    0.75, 1.1,  2.6, 1.9, 0.35};
static const char *const region_text[] = {"South", "North", "West", "East",
                                          "east"};
static const int32_t col_region[NROWS] = {0, 1, 2, 3, 4, -1, 3, 1, 0, 4};
static const double col_pop[NROWS] = {1200, 850, 4300, 960,  2210,
                                      1530, NA,  3120, 1875, 640};
static const double col_d[NROWS] = {10, 2, 1, 2, 10, 1, 2, 10, 1, 2};
static const char *const g_text[] = {"s2", "s10", "s1"};
static const int32_t col_g[NROWS] = {0, 1, 2, 0, 1, 2, 0, 1, 2, -1};
static const double col_gnum[NROWS] = {10, 2, 2, 10, 7, 2, 7, 10, 2, 7};
static const double col_zero[NROWS] = {1.5, 2.2, 0,   3.1, 0,
                                       4.4, 2.7, 1.3, 0.8, 5.9};
static const double col_allna[NROWS] = {NA, NA, NA, NA, NA, NA, NA, NA, NA, NA};

static const struct {
    const char *name;
    const double *num;
    const int32_t *code;
    const char *const *text;
    size_t ncodes;
} columns[] = {
    {"y", col_y, NULL, NULL, 0},
    {"x", col_x, NULL, NULL, 0},
    {"region", NULL, col_region, region_text, 5},
    {"pop", col_pop, NULL, NULL, 0},
    {"d", col_d, NULL, NULL, 0},
    {"g", NULL, col_g, g_text, 3},
    {"gnum", col_gnum, NULL, NULL, 0},
    {"zero", col_zero, NULL, NULL, 0},
    {"allna", col_allna, NULL, NULL, 0},
};

static int lookup(void *ctx, const char *name, design_column *out)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        if (strcmp(columns[i].name, name) == 0) {
            out->num = columns[i].num;
            out->code = columns[i].code;
            out->text = columns[i].text;
            out->ncodes = columns[i].ncodes;
            return 1;
        }
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static design *build(const char *text, error_buf *err)
{
    formula *f = formula_parse(text, "--formula", err);
    assert_non_null(f);
    design *d = design_build(f, NROWS, lookup, NULL, "--formula", err);
    formula_free(f);
    return d;
}

static design *build_ok(const char *text)
{
    error_buf err;
    err_clear(&err);
    design *d = build(text, &err);
    if (d == NULL)
        print_error("%s: %s\n", text, err.n ? err.msg[0] : "(no message)");
    assert_non_null(d);
    assert_int_equal(err.n, 0);
    return d;
}

static void expect_error(const char *text, const char *msg)
{
    error_buf err;
    err_clear(&err);
    assert_null(build(text, &err));
    assert_int_equal(err.st, ST_EDATA);
    assert_int_equal(err.n, 1);
    assert_string_equal(err.msg[0], msg);
}

/* The design's column names must be exactly `names` (NULL-terminated). */
static void assert_names(const design *d, const char *const *names)
{
    size_t p = 0;
    while (names[p] != NULL)
        p++;
    assert_int_equal(d->p, p);
    for (size_t j = 0; j < p; j++)
        assert_string_equal(d->names[j], names[j]);
}

/* The used rows must be exactly `rows` (their data indices). */
static void assert_rows(const design *d, const size_t *rows, size_t n)
{
    assert_int_equal(d->n, n);
    assert_int_equal(d->dropped, NROWS - n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(d->rows[i], rows[i]);
}

/* X[i][j], checked exactly: the entries are copies or products of 0/1. */
#define X_AT(d, i, j) ((d)->X[(i) * (d)->p + (j)])

/* ---- fixed effects ------------------------------------------------------ */

static void test_intercept_and_numeric(void **state)
{
    (void)state;
    design *d = build_ok("y ~ x");
    const char *const names[] = {"(Intercept)", "x", NULL};
    assert_names(d, names);
    /* Row 2 has no y, row 3 no x. */
    const size_t rows[] = {0, 1, 4, 5, 6, 7, 8, 9};
    assert_rows(d, rows, 8);
    for (size_t i = 0; i < d->n; i++) {
        assert_true(X_AT(d, i, 0) == 1);
        assert_true(X_AT(d, i, 1) == col_x[rows[i]]);
        assert_true(d->y[i] == col_y[rows[i]]);
    }
    assert_null(d->offset);
    assert_int_equal(d->nrandom, 0);
    design_free(d);

    /* Without the intercept: x alone. */
    d = build_ok("y ~ x - 1");
    const char *const one[] = {"x", NULL};
    assert_names(d, one);
    assert_true(X_AT(d, 2, 0) == 3.5);
    design_free(d);
}

static void test_text_factor(void **state)
{
    (void)state;
    design *d = build_ok("y ~ region");
    /* Row 2 (the only "West") has no y; row 5 no region. The levels in
     * byte order are East, North, South, east: East is the reference and
     * West, absent from the rows used, has no column. */
    const size_t rows[] = {0, 1, 3, 4, 6, 7, 8, 9};
    assert_rows(d, rows, 8);
    const char *const names[] = {"(Intercept)", "regionNorth", "regionSouth",
                                 "regioneast", NULL};
    assert_names(d, names);
    static const double expect[8][4] = {
        {1, 0, 1, 0}, /* row 0: South */
        {1, 1, 0, 0}, /* row 1: North */
        {1, 0, 0, 0}, /* row 3: East */
        {1, 0, 0, 1}, /* row 4: east */
        {1, 0, 0, 0}, /* row 6: East */
        {1, 1, 0, 0}, /* row 7: North */
        {1, 0, 1, 0}, /* row 8: South */
        {1, 0, 0, 1}, /* row 9: east */
    };
    for (size_t i = 0; i < 8; i++)
        for (size_t j = 0; j < 4; j++)
            assert_true(X_AT(d, i, j) == expect[i][j]);
    design_free(d);
}

/* Regression test for a fixed bug: a factor whose term without it is not
 * in the model gets one column per level, as R's model.matrix does. */
static void test_full_coding_without_margin(void **state)
{
    (void)state;
    design *d = build_ok("y ~ 0 + region");
    const char *const names[] = {"regionEast", "regionNorth", "regionSouth",
                                 "regioneast", NULL};
    assert_names(d, names);
    design_free(d);
    d = build_ok("y ~ region + x:region");
    const char *const slopes[] = {
        "(Intercept)",   "regionNorth",  "regionSouth",
        "regioneast",    "regionEast:x", "regionNorth:x",
        "regionSouth:x", "regioneast:x", NULL};
    assert_names(d, slopes);
    design_free(d);
}

static void test_numeric_factor(void **state)
{
    (void)state;
    /* Levels 1, 2, 10 in numeric order (as text "10" would sort before
     * "2"); 1 is the reference. */
    design *d = build_ok("y ~ factor(d)");
    const char *const names[] = {"(Intercept)", "factor(d)2", "factor(d)10",
                                 NULL};
    assert_names(d, names);
    const size_t rows[] = {0, 1, 3, 4, 5, 6, 7, 8, 9};
    assert_rows(d, rows, 9);
    for (size_t i = 0; i < d->n; i++) {
        double v = col_d[rows[i]];
        assert_true(X_AT(d, i, 0) == 1);
        assert_true(X_AT(d, i, 1) == (v == 2));
        assert_true(X_AT(d, i, 2) == (v == 10));
    }
    design_free(d);
}

static void test_numeric_by_factor(void **state)
{
    (void)state;
    design *d = build_ok("y ~ x * region");
    /* Rows 2 (y), 3 (x) and 5 (region) are dropped; the levels left are
     * East (row 6), North, South and east. */
    const size_t rows[] = {0, 1, 4, 6, 7, 8, 9};
    assert_rows(d, rows, 7);
    const char *const names[] = {"(Intercept)",
                                 "x",
                                 "regionNorth",
                                 "regionSouth",
                                 "regioneast",
                                 "x:regionNorth",
                                 "x:regionSouth",
                                 "x:regioneast",
                                 NULL};
    assert_names(d, names);
    static const char *const level[] = {"North", "South", "east"};
    for (size_t i = 0; i < d->n; i++) {
        size_t r = rows[i];
        const char *lv = region_text[col_region[r]];
        assert_true(X_AT(d, i, 1) == col_x[r]);
        for (size_t k = 0; k < 3; k++) {
            double ind = strcmp(lv, level[k]) == 0;
            assert_true(X_AT(d, i, 2 + k) == ind);
            assert_true(X_AT(d, i, 5 + k) == col_x[r] * ind);
        }
    }
    /* Row 1 (North, x = 1.25): x:regionNorth = 1.25. */
    assert_true(X_AT(d, 1, 5) == 1.25);
    design_free(d);
}

static void test_missing_rows_and_offset(void **state)
{
    (void)state;
    design *d = build_ok("y ~ x + region + offset(log(pop)) + (1 | g)");
    /* Dropped: 2 (y), 3 (x), 5 (region), 6 (pop, in the offset only) and
     * 9 (g, in the random term only). */
    const size_t rows[] = {0, 1, 4, 7, 8};
    assert_rows(d, rows, 5);
    /* East was on rows 3 and 6 only: North becomes the reference. */
    const char *const names[] = {"(Intercept)", "x", "regionSouth",
                                 "regioneast", NULL};
    assert_names(d, names);
    assert_non_null(d->offset);
    for (size_t i = 0; i < d->n; i++) {
        assert_close(d->offset[i], log(col_pop[rows[i]]), 1e-15);
        assert_true(d->y[i] == col_y[rows[i]]);
    }
    assert_close(d->offset[2], log(2210), 1e-15);
    design_free(d);
}

/* ---- random terms ------------------------------------------------------- */

static void test_random_text_groups(void **state)
{
    (void)state;
    design *d = build_ok("y ~ x + (x | g)");
    const size_t rows[] = {0, 1, 4, 5, 6, 7, 8};
    assert_rows(d, rows, 7);
    assert_int_equal(d->nrandom, 1);
    const design_random *g = &d->random[0];
    assert_string_equal(g->factor, "g");
    assert_true(g->intercept);
    assert_string_equal(g->slope_name, "x");
    /* Byte order: "s1" < "s10" < "s2". */
    assert_int_equal(g->ngroups, 3);
    assert_string_equal(g->labels[0], "s1");
    assert_string_equal(g->labels[1], "s10");
    assert_string_equal(g->labels[2], "s2");
    /* rows 0..8 have s2, s10, s10, s1, s2, s10, s1 */
    const int32_t group[] = {2, 1, 1, 0, 2, 1, 0};
    for (size_t i = 0; i < d->n; i++) {
        assert_int_equal(g->group[i], group[i]);
        assert_true(g->slope[i] == col_x[rows[i]]);
    }
    design_free(d);
}

static void test_random_numeric_groups(void **state)
{
    (void)state;
    design *d = build_ok("y ~ 1 + (1 | gnum)");
    const size_t rows[] = {0, 1, 3, 4, 5, 6, 7, 8, 9};
    assert_rows(d, rows, 9);
    const char *const names[] = {"(Intercept)", NULL};
    assert_names(d, names);
    const design_random *g = &d->random[0];
    /* Numeric order: 2 < 7 < 10. */
    assert_int_equal(g->ngroups, 3);
    assert_string_equal(g->labels[0], "2");
    assert_string_equal(g->labels[1], "7");
    assert_string_equal(g->labels[2], "10");
    assert_true(g->intercept);
    assert_null(g->slope_name);
    assert_null(g->slope);
    for (size_t i = 0; i < d->n; i++) {
        double v = col_gnum[rows[i]];
        assert_int_equal(g->group[i], v == 2 ? 0 : v == 7 ? 1 : 2);
    }
    design_free(d);
}

/* ---- errors ------------------------------------------------------------- */

static void test_error_unknown_column(void **state)
{
    (void)state;
    expect_error("y ~ x + nosuch", "--formula: unknown column 'nosuch'");
    expect_error("y ~ x + (1 | school)", "--formula: unknown column 'school'");
    expect_error("rate ~ x", "--formula: unknown column 'rate'");
}

static void test_error_text_in_function(void **state)
{
    (void)state;
    expect_error("y ~ log(region)",
                 "--formula: column 'region' is text; a number is needed "
                 "here (use it as a term of its own to treat it as a "
                 "factor)");
}

static void test_error_infinite(void **state)
{
    (void)state;
    /* zero is 0 on rows 2 and 4; row 2 is dropped (no y), so the first
     * used row with log(0) = −Inf is data row 5 (from 1). */
    expect_error("y ~ x + log(zero)",
                 "--formula: data row 5: a value of the model is infinite "
                 "(is there a log of 0 or a division by 0?)");
    expect_error("y ~ x + offset(log(zero))",
                 "--formula: data row 5: a value of the model is infinite "
                 "(is there a log of 0 or a division by 0?)");
}

static void test_error_no_rows(void **state)
{
    (void)state;
    expect_error("y ~ allna", "--formula: no row without missing values");
    design_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intercept_and_numeric),
        cmocka_unit_test(test_text_factor),
        cmocka_unit_test(test_numeric_factor),
        cmocka_unit_test(test_full_coding_without_margin),
        cmocka_unit_test(test_numeric_by_factor),
        cmocka_unit_test(test_missing_rows_and_offset),
        cmocka_unit_test(test_random_text_groups),
        cmocka_unit_test(test_random_numeric_groups),
        cmocka_unit_test(test_error_unknown_column),
        cmocka_unit_test(test_error_text_in_function),
        cmocka_unit_test(test_error_infinite),
        cmocka_unit_test(test_error_no_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
