/*
 * test_moran.c — Moran's I (models/moran.h) against closed forms and an
 * exact permutation distribution.
 *
 * The path 0 – 1 – 2 – 3 – 4 with x = (1, 2, 3, 4, 5): row-standardised
 * weights w01 = w43 = 1 and ½ elsewhere; z = (−2, −1, 0, 1, 2), Σz² = 10;
 * the lags are (−1, −1, 0, 1, 1), so Σ z·lag = 6, S0 = 5 and
 * I = (5/5)(6/10) = 0.6, E[I] = −1/4. S1 = Σ_i Σ_j (w_ij² + w_ij w_ji)
 * = 1.5 + 0.75 + 0.5 + 0.5 + 0.5 + 0.5 + 0.75 + 1.5 = 6.5; the column
 * sums are (½, 1½, 1, 1½, ½), so S2 = Σ (1 + c_j)² = 21. Under normality
 * Var I = (n²S1 − nS2 + 3S0²)/(S0²(n² − 1)) − E[I]² with n = 5; under
 * randomisation with the kurtosis K = nΣz⁴/(Σz²)² = 5·34/100 = 1.7.
 *
 * With six areas there are 720 permutations: the exact permutation
 * p-value is (number of permutations with I ≥ observed)/720, which
 * 20,000 random permutations must estimate within 0.01 (their SE is
 * below 0.0036).
 */
#include "unit.h"

#include "../../models/moran.h"

#include <gsl/gsl_errno.h>
#include <omp.h>

/* The path graph's CSR arrays. */
static const size_t path_start[6] = {0, 1, 3, 5, 7, 8};
static const int32_t path_nbr[8] = {1, 0, 2, 1, 3, 2, 4, 3};

static void test_path(void **state)
{
    (void)state;
    const double x[5] = {1, 2, 3, 4, 5};
    moran_input in = {5, x, path_start, path_nbr, 0, 1};
    moran_result r;
    error_buf err;
    err_clear(&err);
    assert_int_equal(moran_test(&in, &r, &err), 0);
    assert_close(r.s0, 5, 1e-15);
    assert_close(r.s1, 6.5, 1e-15);
    assert_close(r.s2, 21, 1e-15);
    assert_close(r.I, 0.6, 1e-15);
    assert_close(r.expected, -0.25, 1e-15);
    assert_close(r.kurtosis, 1.7, 1e-15);
    double n = 5, S0 = 5, S1 = 6.5, S2 = 21, EI = -0.25, K = 1.7;
    double vn =
        (n * n * S1 - n * S2 + 3 * S0 * S0) / (S0 * S0 * (n * n - 1)) - EI * EI;
    double vr = (n * (S1 * (n * n - 3 * n + 3) - n * S2 + 3 * S0 * S0) -
                 K * (S1 * (n * n - n) - 2 * n * S2 + 6 * S0 * S0)) /
                    ((n - 1) * (n - 2) * (n - 3) * S0 * S0) -
                EI * EI;
    assert_close(r.variance_normal, vn, 1e-14);
    assert_close(r.variance_random, vr, 1e-14);
    assert_close(r.z_random, (0.6 + 0.25) / sqrt(vr), 1e-14);
    assert_nan(r.p_permutation);
    assert_int_equal(r.n_linked, 5);
    assert_int_equal(r.islands, 0);
}

static void test_island(void **state)
{
    (void)state;
    /* the path plus an island (area 5) with value 9: it stays in the mean
     * and in Σz², its lag is 0, n counts the 5 linked areas */
    const size_t start[7] = {0, 1, 3, 5, 7, 8, 8};
    const double x[6] = {1, 2, 3, 4, 5, 9};
    moran_input in = {6, x, start, path_nbr, 0, 1};
    moran_result r;
    error_buf err;
    err_clear(&err);
    assert_int_equal(moran_test(&in, &r, &err), 0);
    assert_int_equal(r.n_linked, 5);
    assert_int_equal(r.islands, 1);
    double mean = 24.0 / 6, zz = 0, cp = 0, z[6];
    for (size_t i = 0; i < 6; i++) {
        z[i] = x[i] - mean;
        zz += z[i] * z[i];
    }
    const double lag[6] = {
        z[1], (z[0] + z[2]) / 2, (z[1] + z[3]) / 2, (z[2] + z[4]) / 2, z[3], 0};
    for (size_t i = 0; i < 6; i++)
        cp += z[i] * lag[i];
    assert_close(r.I, (5.0 / 5) * cp / zz, 1e-14);
    assert_close(r.expected, -0.25, 1e-15);
    assert_close(r.s2, 21, 1e-15); /* the island adds (0 + 0)² */
}

static void test_permutations(void **state)
{
    (void)state;
    /* six areas on a ring */
    const size_t start[7] = {0, 2, 4, 6, 8, 10, 12};
    const int32_t nbr[12] = {1, 5, 0, 2, 1, 3, 2, 4, 3, 5, 0, 4};
    const double x[6] = {2.385, 1.2, 3.7, 0.4, 5.1, 2.9};
    moran_input in = {6, x, start, nbr, 20000, 99};
    moran_result r1, r2;
    error_buf err;
    err_clear(&err);
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    assert_int_equal(moran_test(&in, &r1, &err), 0);
    omp_set_num_threads(2);
    assert_int_equal(moran_test(&in, &r2, &err), 0);
    omp_set_num_threads(threads);
    assert_int_equal(r1.permuted_ge, r2.permuted_ge);
    assert_true(r1.p_permutation == r2.p_permutation);
    assert_close(r1.p_permutation, (double)(r1.permuted_ge + 1) / 20001, 1e-15);
    /* the exact permutation distribution: all 720 orders (Heap's
     * algorithm), each I computed by moran_test itself */
    int c[6] = {0}, p[6] = {0, 1, 2, 3, 4, 5};
    size_t ge = 0, total = 0;
    double y[6];
    for (size_t i = 0; i < 6;) {
        for (size_t k = 0; k < 6; k++)
            y[k] = x[p[k]];
        moran_input e = {6, y, start, nbr, 0, 1};
        moran_result re;
        assert_int_equal(moran_test(&e, &re, &err), 0);
        ge += re.I >= r1.I - 1e-12;
        total++;
        /* next permutation */
        for (i = 0; i < 6; i++) {
            if (c[i] < (int)i) {
                int a = i % 2 == 0 ? 0 : c[i], t = p[a];
                p[a] = p[i];
                p[i] = t;
                c[i]++;
                break;
            }
            c[i] = 0;
        }
    }
    assert_int_equal(total, 720);
    double exact = (double)ge / 720;
    assert_true(fabs(r1.p_permutation - exact) < 0.01);
}

static void test_neighbours(void **state)
{
    (void)state;
    /* 0→1 twice, 1→0, 1→2, 2→1, 3→0 (no 0→3) */
    const int32_t from[6] = {0, 1, 0, 1, 2, 3}, to[6] = {1, 0, 1, 2, 1, 0};
    size_t *start, dup, asym;
    int32_t *nbr;
    error_buf err;
    err_clear(&err);
    assert_int_equal(
        moran_neighbours(4, 6, from, to, &start, &nbr, &dup, &asym, &err), 0);
    assert_int_equal(dup, 1);
    assert_int_equal(asym, 1);
    const size_t want_start[5] = {0, 1, 3, 4, 5};
    const int32_t want_nbr[5] = {1, 0, 2, 1, 0};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(start[i], want_start[i]);
        assert_int_equal(nbr[i], want_nbr[i]);
    }
    free(start);
    free(nbr);
    const int32_t self[1] = {2};
    assert_int_equal(
        moran_neighbours(4, 1, self, self, &start, &nbr, &dup, &asym, &err),
        -1);
    assert_null(start);
}

static void test_errors(void **state)
{
    (void)state;
    const double flat[5] = {3, 3, 3, 3, 3};
    moran_input in = {5, flat, path_start, path_nbr, 0, 1};
    moran_result r;
    error_buf err;
    err_clear(&err);
    assert_int_equal(moran_test(&in, &r, &err), -1);
    assert_int_equal(err.st, ST_EDATA);
    /* three linked areas are too few */
    const size_t start[5] = {0, 1, 3, 4, 4};
    const int32_t nbr[4] = {1, 0, 2, 1};
    const double x[4] = {1, 2, 4, 8};
    moran_input few = {4, x, start, nbr, 0, 1};
    err_clear(&err);
    assert_int_equal(moran_test(&few, &r, &err), -1);
    /* a row out of order */
    const int32_t bad[8] = {1, 2, 0, 1, 3, 2, 4, 3};
    const double y[5] = {1, 2, 3, 4, 5};
    moran_input unsorted = {5, y, path_start, bad, 0, 1};
    err_clear(&err);
    assert_int_equal(moran_test(&unsorted, &r, &err), -1);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path),         cmocka_unit_test(test_island),
        cmocka_unit_test(test_permutations), cmocka_unit_test(test_neighbours),
        cmocka_unit_test(test_errors),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    omp_pause_resource_all(omp_pause_hard);
    return failed;
}
