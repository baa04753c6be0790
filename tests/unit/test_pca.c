/*
 * test_pca.c — the composite index (models/pca.h) against closed forms.
 *
 * Two standardised variables with correlation r have the correlation
 * matrix [[1, r], [r, 1]], whose eigenvalues are 1 + r and 1 − r with
 * eigenvectors (1, 1)/√2 and (1, −1)/√2 (for r > 0). With r = 1 the
 * first component's score is (z1 + z2)/√2 = √2 z1 and its SD is √2, so
 * the index is z1 itself. Negating the first variable turns the
 * correlation matrix C into D C D (D = diag(−1, 1, …)), whose first
 * eigenvector is D e; re-signed so that the first loading is positive it
 * is (e1, −e2, −e3, …), and the index changes sign.
 */
#include "unit.h"

#include "../../models/pca.h"

#include <gsl/gsl_errno.h>
#include <omp.h>

static pca_result *compute(size_t n, size_t k, const double *const *col)
{
    pca_input in = {.n = n, .k = k, .col = col};
    error_buf err;
    err_clear(&err);
    pca_result *r = pca_compute(&in, &err);
    assert_non_null(r);
    assert_int_equal(err.n, 0);
    return r;
}

static void test_perfect_correlation(void **state)
{
    (void)state;
    /* b = 2a + 1: r = 1. a has mean 3 and SD √2.5. */
    const double a[5] = {1, 2, 3, 4, 5};
    const double b[5] = {3, 5, 7, 9, 11};
    const double *const col[2] = {a, b};
    pca_result *r = compute(5, 2, col);
    assert_int_equal(r->k, 2);
    assert_int_equal(r->used, 5);
    assert_close(r->eigenvalue[0], 2, 1e-12);
    assert_true(fabs(r->eigenvalue[1]) < 1e-12);
    double h = 1 / sqrt(2.0);
    assert_close(r->loading[0], h, 1e-12);
    assert_close(r->loading[1], h, 1e-12);
    /* the second component, also signed so that variable 1 loads > 0 */
    assert_close(r->loading[2], h, 1e-12);
    assert_close(r->loading[3], -h, 1e-12);
    for (size_t i = 0; i < 5; i++)
        assert_close(r->index[i], (a[i] - 3) / sqrt(2.5), 1e-12);
    pca_result_free(r);
}

static void test_missing_rows(void **state)
{
    (void)state;
    /* Rows 2 and 5 (from 0) have a missing value; the other five rows are
     * a = (1, 2, 4, 5, 8), b = (2, 1, 5, 3, 6). Their huge values in the
     * missing rows must not leak into the means, SDs or correlation. */
    const double a[7] = {1, 2, 1000, 4, 5, (double)NAN, 8};
    const double b[7] = {2, 1, (double)NAN, 5, 3, -1000, 6};
    const double *const col[2] = {a, b};
    pca_result *r = compute(7, 2, col);
    assert_int_equal(r->used, 5);
    assert_nan(r->index[2]);
    assert_nan(r->index[5]);
    /* r over the complete rows: a − 4 = (−3, −2, 0, 1, 4),
     * b − 3.4 = (−1.4, −2.4, 1.6, −0.4, 2.6); Sab = 4.2 + 4.8 + 0 − 0.4
     * + 10.4 = 19, Saa = 30, Sbb = 17.2, r = 19/√(30 · 17.2) > 0 */
    double rho = 19 / sqrt(30 * 17.2);
    assert_close(r->eigenvalue[0], 1 + rho, 1e-12);
    assert_close(r->eigenvalue[1], 1 - rho, 1e-12);
    double h = 1 / sqrt(2.0);
    assert_close(r->loading[0], h, 1e-12);
    assert_close(r->loading[1], h, 1e-12);
    double sum = 0, ss = 0;
    for (size_t i = 0; i < 7; i++)
        if (!isnan(r->index[i]))
            sum += r->index[i];
    assert_true(fabs(sum) < 1e-12);
    for (size_t i = 0; i < 7; i++)
        if (!isnan(r->index[i]))
            ss += r->index[i] * r->index[i];
    assert_close(ss / 4, 1, 1e-12); /* SD with n − 1 = 4 */
    pca_result_free(r);
}

static void test_sign_of_first_variable(void **state)
{
    (void)state;
    const double a[6] = {1.0, 2.5, 2.0, 4.0, 3.5, 6.0};
    const double b[6] = {2.0, 1.0, 3.5, 3.0, 5.5, 4.0};
    const double c[6] = {5.0, 4.5, 3.0, 3.5, 1.0, 2.0};
    double neg[6];
    for (size_t i = 0; i < 6; i++)
        neg[i] = -a[i];
    const double *const col1[3] = {a, b, c};
    const double *const col2[3] = {neg, b, c};
    pca_result *r1 = compute(6, 3, col1);
    pca_result *r2 = compute(6, 3, col2);
    assert_true(r1->loading[0] > 0.1);
    assert_true(r2->loading[0] > 0.1);
    /* b and c load clearly (about 0.60 and −0.63), so a flip shows */
    assert_true(fabs(r1->loading[1]) > 0.1 && fabs(r1->loading[2]) > 0.1);
    assert_close(r2->loading[0], r1->loading[0], 1e-10);
    assert_close(r2->loading[1], -r1->loading[1], 1e-10);
    assert_close(r2->loading[2], -r1->loading[2], 1e-10);
    for (size_t c2 = 0; c2 < 3; c2++)
        assert_close(r2->eigenvalue[c2], r1->eigenvalue[c2], 1e-10);
    for (size_t i = 0; i < 6; i++)
        assert_close(r2->index[i], -r1->index[i], 1e-10);
    pca_result_free(r1);
    pca_result_free(r2);
}

static void test_errors(void **state)
{
    (void)state;
    error_buf err;
    /* a constant variable: its SD is 0 */
    const double a[4] = {1, 2, 3, 4};
    const double k[4] = {7, 7, 7, 7};
    const double *const col1[2] = {a, k};
    pca_input in1 = {.n = 4, .k = 2, .col = col1};
    err_clear(&err);
    assert_null(pca_compute(&in1, &err));
    assert_int_equal(err.st, ST_EDATA);
    /* two complete rows of four */
    const double b[4] = {1, (double)NAN, 3, 4};
    const double c[4] = {2, 5, (double)NAN, 1};
    const double *const col2[2] = {b, c};
    pca_input in2 = {.n = 4, .k = 2, .col = col2};
    err_clear(&err);
    assert_null(pca_compute(&in2, &err));
    assert_int_equal(err.st, ST_EDATA);
    pca_result_free(NULL);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perfect_correlation),
        cmocka_unit_test(test_missing_rows),
        cmocka_unit_test(test_sign_of_first_variable),
        cmocka_unit_test(test_errors),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* End OpenMP's worker threads, so that valgrind does not count their
     * thread-local storage as possibly lost. */
    omp_pause_resource_all(omp_pause_hard);
    return failed;
}
