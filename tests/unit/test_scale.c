/*
 * test_scale.c — reliability and agreement (models/scale.h) against hand
 * calculations from the formulas of METHODS §1–2.
 *
 * rwg: the METHODS hand checks ({1,2,2,3,5} → 0 because S² = 2.3 > 2;
 * {4,4,4,5,5} → 0.85 on 1..5), the rwg(j) formula with truncation, a
 * group of one (NaN) and complete cases only. Alpha, standardised alpha,
 * r_drop and alpha-if-dropped on a 3-item, 5-respondent data set whose
 * covariance matrix is worked out below. Reverse coding x' = L + H − x
 * moves item means and flips covariances. Prorating: of p = 3 items a
 * respondent needs 2 answers for a score, which is their mean. ICC(1)
 * and ICC(2) on a balanced 3 × 3 example from MSB and MSW by hand. No
 * scorable respondent gives NULL with ST_EDATA.
 */
#include "unit.h"

#include "../../models/scale.h"

#define NA ((double)NAN)

/* ---- rwg ---------------------------------------------------------------- */

static void test_rwg_j_formula(void **state)
{
    (void)state;
    /* A = 5: σ²_EU = (25 − 1)/12 = 2. One item: rwg = 1 − S²/2. */
    assert_close(scale_rwg_j(0.3, 1, 5), 0.85, 1e-12);
    assert_close(scale_rwg_j(0, 1, 5), 1, 1e-12);
    /* S² > σ²_EU is truncated: rwg = 0, never negative. */
    assert_true(scale_rwg_j(2.3, 1, 5) == 0);
    assert_true(scale_rwg_j(7.25, 4, 5) == 0);
    /* p = 4, S̄² = 0.7: r = 0.35, rwg(j) = 4·0.65 / (4·0.65 + 0.35). */
    assert_close(scale_rwg_j(0.7, 4, 5), 2.6 / 2.95, 1e-12);
    /* A = 7: σ²_EU = 4; p = 3, S̄² = 2.385: r = 0.59625,
     * rwg(j) = 3·0.40375 / (3·0.40375 + 0.59625) = 1.21125 / 1.8075. */
    assert_close(scale_rwg_j(2.385, 3, 7), 1.21125 / 1.8075, 1e-12);
    /* More items, more agreement for the same variance. */
    assert_true(scale_rwg_j(1.1, 10, 5) > scale_rwg_j(1.1, 2, 5));
}

static void test_rwg_methods_hand_checks(void **state)
{
    (void)state;
    /* Group 0: {1,2,2,3,5}, mean 2.6, S² = 9.2/4 = 2.3 > 2 → rwg 0.
     * Group 1: {4,4,4,5,5}, mean 4.4, S² = 1.2/4 = 0.3 → rwg 0.85. */
    const double x[] = {1, 4, 2, 4, 2, 4, 3, 5, 5, 5};
    const int32_t g[] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
    const double *items[] = {x};
    const int rev[] = {0};
    scale_input in = {.n = 10,
                      .p = 1,
                      .item = items,
                      .reversed = rev,
                      .low = 1,
                      .high = 5,
                      .group = g,
                      .ngroups = 2};
    error_buf err;
    err_clear(&err);
    scale_result *r = scale_compute(&in, &err);
    assert_non_null(r);
    assert_int_equal(err.n, 0);
    assert_true(r->groups[0].rwg_j == 0);
    assert_close(r->groups[1].rwg_j, 0.85, 1e-12);
    assert_close(r->rwg_j_mean, 0.425, 1e-12);
    assert_close(r->rwg_j_median, 0.425, 1e-12);
    assert_int_equal(r->groups[0].n_respondents, 5);
    assert_close(r->groups[0].raw_mean, 2.6, 1e-12);
    assert_close(r->groups[1].raw_mean, 4.4, 1e-12);
    /* One item: no alpha. */
    assert_nan(r->alpha);
    assert_nan(r->std_alpha);
    assert_close(r->items[0].mean, 3.5, 1e-12);
    scale_result_free(r);
}

static void test_rwg_j_two_items_complete_cases(void **state)
{
    (void)state;
    /* Group 0, complete rows: item a {2,3,4} (S² = 1), item b {4,4,5}
     * (S² = 1/3); S̄² = 2/3, r = 1/3, rwg(j) = 2·(2/3) / (2·(2/3) + 1/3)
     * = 0.8. Row 4 answered only b: it has a score (1 of 2 items is
     * enough) but is left out of rwg(j). Group 1 has one respondent:
     * rwg(j) NaN. Row 5 has no group. */
    const double a[] = {2, 3, 4, NA, 1, 5};
    const double b[] = {4, 4, 5, 1, 3, 5};
    const int32_t g[] = {0, 0, 0, 0, 1, -1};
    const double *items[] = {a, b};
    const int rev[] = {0, 0};
    scale_input in = {.n = 6,
                      .p = 2,
                      .item = items,
                      .reversed = rev,
                      .low = 1,
                      .high = 5,
                      .group = g,
                      .ngroups = 2};
    error_buf err;
    err_clear(&err);
    scale_result *r = scale_compute(&in, &err);
    assert_non_null(r);
    assert_close(r->groups[0].rwg_j, 0.8, 1e-12);
    assert_nan(r->groups[1].rwg_j);
    /* The mean and median are over groups with an rwg(j). */
    assert_close(r->rwg_j_mean, 0.8, 1e-12);
    assert_close(r->rwg_j_median, 0.8, 1e-12);
    /* Group 0 scores: 3, 3.5, 4.5 and 1 (row 4 alone). */
    assert_int_equal(r->groups[0].n_respondents, 4);
    assert_close(r->groups[0].raw_mean, 12.0 / 4, 1e-12);
    assert_int_equal(r->groups[1].n_respondents, 1);
    assert_close(r->groups[1].raw_mean, 2, 1e-12);
    assert_int_equal(r->n_respondents, 6);
    assert_close(r->score[3], 1, 1e-12);
    assert_close(r->score[5], 5, 1e-12);
    scale_result_free(r);
}

/* ---- alpha and item statistics ------------------------------------------ */

/* Three items, five respondents. Means 3, 3.2, 3; deviations
 *   i1: -1   1    0    2   -2
 *   i2: -0.2 0.8 -1.2  1.8 -1.2
 *   i3: -2   2    0    1   -1
 * C (n − 1 = 4): C11 = 10/4 = 2.5, C22 = 6.8/4 = 1.7, C33 = 10/4 = 2.5,
 * C12 = 7/4 = 1.75, C13 = 8/4 = 2, C23 = 5/4 = 1.25.
 * tr C = 6.7, 1'C1 = 6.7 + 2·5 = 16.7, α = 3/2 · (1 − 6.7/16.7) = 15/16.7. */
static const double i1[] = {2, 4, 3, 5, 1};
static const double i2[] = {3, 4, 2, 5, 2};
static const double i3[] = {1, 5, 3, 4, 2};

static void test_alpha_by_hand(void **state)
{
    (void)state;
    const double *items[] = {i1, i2, i3};
    const int rev[] = {0, 0, 0};
    scale_input in = {
        .n = 5, .p = 3, .item = items, .reversed = rev, .low = 1, .high = 5};
    error_buf err;
    err_clear(&err);
    scale_result *r = scale_compute(&in, &err);
    assert_non_null(r);
    assert_int_equal(r->n_items, 3);
    assert_int_equal(r->n_respondents, 5);
    assert_close(r->alpha, 15 / 16.7, 1e-12);
    /* Standardised: the same on correlations r12 = 1.75/√4.25,
     * r13 = 2/2.5, r23 = 1.25/√4.25; α_std = 3/2 · (1 − 3/ΣR). */
    double r12 = 1.75 / sqrt(4.25), r13 = 0.8, r23 = 1.25 / sqrt(4.25);
    double sum_r = 3 + 2 * (r12 + r13 + r23);
    assert_close(r->std_alpha, 1.5 * (1 - 3 / sum_r), 1e-12);

    assert_int_equal(r->items[1].n, 5);
    assert_close(r->items[0].mean, 3, 1e-12);
    assert_close(r->items[1].mean, 3.2, 1e-12);
    assert_close(r->items[1].sd, sqrt(1.7), 1e-12);
    assert_close(r->items[2].sd, sqrt(2.5), 1e-12);
    /* r_drop_1 = (C12 + C13) / √(C11 · (C22 + C33 + 2·C23))
     *          = 3.75 / √(2.5 · 6.7). */
    assert_close(r->items[0].r_drop, 3.75 / sqrt(2.5 * 6.7), 1e-12);
    /* r_drop_2 = (C12 + C23) / √(C22 · (C11 + C33 + 2·C13)) = 3/√(1.7·9) */
    assert_close(r->items[1].r_drop, 3 / sqrt(1.7 * 9), 1e-12);
    /* Alpha without item i: 2 · (1 − tr/total) over the other two.
     * Without 1: 2·(1 − 4.2/6.7); without 2: 2·(1 − 5/9);
     * without 3: 2·(1 − 4.2/7.7). */
    assert_close(r->items[0].alpha_if_dropped, 2 * (1 - 4.2 / 6.7), 1e-12);
    assert_close(r->items[1].alpha_if_dropped, 2 * (1 - 5.0 / 9), 1e-12);
    assert_close(r->items[2].alpha_if_dropped, 2 * (1 - 4.2 / 7.7), 1e-12);
    /* Complete answers: each score is the plain mean. */
    assert_close(r->score[0], 2, 1e-12);
    assert_close(r->score[1], 13.0 / 3, 1e-12);
    assert_close(r->score[4], 5.0 / 3, 1e-12);
    /* No groups: no ICC, no rwg. */
    assert_null(r->groups);
    assert_nan(r->icc1);
    assert_nan(r->icc2);
    assert_nan(r->rwg_j_mean);
    scale_result_free(r);
}

static void test_reverse_coding(void **state)
{
    (void)state;
    /* Reversing i2 on [1, 5]: x' = 6 − x = {3, 2, 4, 1, 4}, mean 2.8;
     * its variance stays 1.7 and C12, C23 change sign:
     * 1'C1 = 6.7 + 2·(−1.75 + 2 − 1.25) = 4.7, α = 1.5·(1 − 6.7/4.7). */
    const double *items[] = {i1, i2, i3};
    const int rev[] = {0, 1, 0};
    scale_input in = {
        .n = 5, .p = 3, .item = items, .reversed = rev, .low = 1, .high = 5};
    scale_result *r = scale_compute(&in, NULL);
    assert_non_null(r);
    assert_close(r->items[1].mean, 2.8, 1e-12);
    assert_close(r->items[0].mean, 3, 1e-12);
    assert_close(r->items[1].sd, sqrt(1.7), 1e-12);
    assert_close(r->alpha, 1.5 * (1 - 6.7 / 4.7), 1e-12);
    /* Respondent 1: (2 + (6 − 3) + 1)/3 = 2; respondent 4: (5 + 1 + 4)/3. */
    assert_close(r->score[0], 2, 1e-12);
    assert_close(r->score[3], 10.0 / 3, 1e-12);
    scale_result_free(r);

    /* On [0, 10] the reflection is x' = 10 − x: a mean of 2.385 becomes
     * 7.615. */
    const double v[] = {1.5, 3.27, 2.385, 2.385};
    const double *one[] = {v};
    const int yes[] = {1};
    scale_input in2 = {
        .n = 4, .p = 1, .item = one, .reversed = yes, .low = 0, .high = 10};
    r = scale_compute(&in2, NULL);
    assert_non_null(r);
    assert_close(r->items[0].mean, 10 - 2.385, 1e-12);
    assert_close(r->score[1], 10 - 3.27, 1e-12);
    scale_result_free(r);
}

static void test_prorating(void **state)
{
    (void)state;
    /* p = 3: at least ⌈3/2⌉ = 2 answers. */
    const double a[] = {4, NA, 2, NA, 5};
    const double b[] = {2, NA, NA, NA, 1};
    const double c[] = {5, 3, 5, NA, NA};
    const double *items[] = {a, b, c};
    const int rev[] = {0, 0, 0};
    scale_input in = {
        .n = 5, .p = 3, .item = items, .reversed = rev, .low = 1, .high = 5};
    scale_result *r = scale_compute(&in, NULL);
    assert_non_null(r);
    assert_close(r->score[0], 11.0 / 3, 1e-12); /* all three */
    assert_nan(r->score[1]);                    /* one answer: no score */
    assert_close(r->score[2], 3.5, 1e-12);      /* two: their mean */
    assert_nan(r->score[3]);                    /* none */
    assert_close(r->score[4], 3, 1e-12);
    assert_int_equal(r->n_respondents, 3);
    /* Item statistics use every answer given. */
    assert_int_equal(r->items[0].n, 3);
    assert_int_equal(r->items[1].n, 2);
    assert_int_equal(r->items[2].n, 3);
    assert_close(r->items[0].mean, 11.0 / 3, 1e-12);
    assert_close(r->items[2].mean, 13.0 / 3, 1e-12);
    scale_result_free(r);

    /* p = 4: 2 answers are enough; p = 5 needs 3. */
    const double w[] = {2, NA}, x[] = {5, 3}, y[] = {NA, NA}, z[] = {NA, 4},
                 q[] = {NA, 2};
    const double *four[] = {w, x, y, z}, *five[] = {w, x, y, z, q};
    const int none[] = {0, 0, 0, 0, 0};
    scale_input in4 = {
        .n = 2, .p = 4, .item = four, .reversed = none, .low = 1, .high = 5};
    r = scale_compute(&in4, NULL);
    assert_non_null(r);
    assert_close(r->score[0], 3.5, 1e-12);
    assert_close(r->score[1], 3.5, 1e-12);
    scale_result_free(r);
    scale_input in5 = {
        .n = 2, .p = 5, .item = five, .reversed = none, .low = 1, .high = 5};
    r = scale_compute(&in5, NULL);
    assert_non_null(r);
    assert_nan(r->score[0]);
    assert_close(r->score[1], 3, 1e-12);
    assert_int_equal(r->n_respondents, 1);
    scale_result_free(r);
}

static void test_pairwise_covariance(void **state)
{
    (void)state;
    /* Row 4 lacks item b: C_ab uses rows 0..3 with their own means
     * (a: 2.5, b: 3), while var(a) uses all five rows. Pairs:
     * a − 2.5: −1.5 −0.5 0.5 1.5; b − 3: −2 0 0 2 → C_ab = 6/3 = 2;
     * C_bb = 8/3; a over five rows {1,2,3,4,5}: C_aa = 2.5.
     * α = 2·(1 − (2.5 + 8/3)/(2.5 + 8/3 + 4)). */
    const double a[] = {1, 2, 3, 4, 5};
    const double b[] = {1, 3, 3, 5, NA};
    const double *items[] = {a, b};
    const int rev[] = {0, 0};
    scale_input in = {
        .n = 5, .p = 2, .item = items, .reversed = rev, .low = 1, .high = 5};
    scale_result *r = scale_compute(&in, NULL);
    assert_non_null(r);
    double tr = 2.5 + 8.0 / 3;
    assert_close(r->alpha, 2 * (1 - tr / (tr + 4)), 1e-12);
    assert_close(r->items[0].sd, sqrt(2.5), 1e-12);
    assert_close(r->items[1].sd, sqrt(8.0 / 3), 1e-12);
    scale_result_free(r);
}

/* ---- ICC ---------------------------------------------------------------- */

static void test_icc_by_hand(void **state)
{
    (void)state;
    /* One item, three groups of three:
     *   g0 {1, 2, 4} mean 7/3;  g1 {3, 4, 5} mean 4;  g2 {2, 5, 5} mean 4.
     * Grand mean 31/9. SSB = 3·((−10/9)² + 2·(5/9)²) = 50/9, MSB = 25/9.
     * SSW = 42/9 + 2 + 6 = 38/3, MSW = (38/3)/6 = 19/9. k = 9/3 = 3.
     * ICC(1) = (25/9 − 19/9)/(25/9 + 2·19/9) = 6/63 = 2/21;
     * ICC(2) = (6/9)/(25/9) = 0.24.
     * rwg (σ²_EU = 2): S² = 7/3, 1, 3 → 0, 0.5, 0; mean 1/6, median 0. */
    const double x[] = {1, 3, 2, 2, 4, 5, 4, 5, 5};
    const int32_t g[] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    const double *items[] = {x};
    const int rev[] = {0};
    scale_input in = {.n = 9,
                      .p = 1,
                      .item = items,
                      .reversed = rev,
                      .low = 1,
                      .high = 5,
                      .group = g,
                      .ngroups = 3};
    error_buf err;
    err_clear(&err);
    scale_result *r = scale_compute(&in, &err);
    assert_non_null(r);
    assert_close(r->icc1, 2.0 / 21, 1e-12);
    assert_close(r->icc2, 0.24, 1e-12);
    assert_close(r->groups[0].raw_mean, 7.0 / 3, 1e-12);
    assert_close(r->groups[2].raw_mean, 4, 1e-12);
    assert_true(r->groups[0].rwg_j == 0);
    assert_close(r->groups[1].rwg_j, 0.5, 1e-12);
    assert_true(r->groups[2].rwg_j == 0);
    assert_close(r->rwg_j_mean, 1.0 / 6, 1e-12);
    assert_true(r->rwg_j_median == 0);
    scale_result_free(r);
}

static void test_icc_needs_two_groups(void **state)
{
    (void)state;
    /* Everyone in one group (group 1 empty): no ICC, but rwg(j). */
    const double x[] = {4, 4, 4, 5, 5};
    const int32_t g[] = {0, 0, 0, 0, 0};
    const double *items[] = {x};
    const int rev[] = {0};
    scale_input in = {.n = 5,
                      .p = 1,
                      .item = items,
                      .reversed = rev,
                      .low = 1,
                      .high = 5,
                      .group = g,
                      .ngroups = 2};
    scale_result *r = scale_compute(&in, NULL);
    assert_non_null(r);
    assert_nan(r->icc1);
    assert_nan(r->icc2);
    assert_close(r->groups[0].rwg_j, 0.85, 1e-12);
    assert_int_equal(r->groups[1].n_respondents, 0);
    assert_nan(r->groups[1].raw_mean);
    assert_nan(r->groups[1].rwg_j);
    scale_result_free(r);
}

/* ---- failures ----------------------------------------------------------- */

static void test_no_scorable_respondent(void **state)
{
    (void)state;
    const double a[] = {3, NA, NA}, b[] = {NA, NA, 2}, c[] = {NA, NA, NA};
    const double *items[] = {a, b, c};
    const int rev[] = {0, 0, 0};
    const int32_t g[] = {0, 0, 1};
    scale_input in = {.n = 3,
                      .p = 3,
                      .item = items,
                      .reversed = rev,
                      .low = 1,
                      .high = 5,
                      .group = g,
                      .ngroups = 2};
    error_buf err;
    err_clear(&err);
    assert_null(scale_compute(&in, &err));
    assert_int_equal(err.st, ST_EDATA);
    assert_int_equal(err.n, 1);
    assert_string_equal(err.msg[0],
                        "no respondent answered enough items for a score");
    scale_result_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rwg_j_formula),
        cmocka_unit_test(test_rwg_methods_hand_checks),
        cmocka_unit_test(test_rwg_j_two_items_complete_cases),
        cmocka_unit_test(test_alpha_by_hand),
        cmocka_unit_test(test_reverse_coding),
        cmocka_unit_test(test_prorating),
        cmocka_unit_test(test_pairwise_covariance),
        cmocka_unit_test(test_icc_by_hand),
        cmocka_unit_test(test_icc_needs_two_groups),
        cmocka_unit_test(test_no_scorable_respondent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
