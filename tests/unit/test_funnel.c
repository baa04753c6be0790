/*
 * test_funnel.c — funnel limits, intervals, overdispersion, rank
 * intervals and spine statistics (models/funnel.h).
 *
 * Published checks (METHODS §8): exact Poisson limits for E = 20 are
 * (0.5602501, 1.437288) at 95% and (0.3584594, 1.735676) at 99.8%, for
 * E = 100 (0.8036634, 1.195809) at 95% (Spiegelhalter 2005); the binomial
 * with θ0 = 0.1 and n = 100 gives (0.0403806, 0.1577186); Byar's interval
 * for 50 events is (37.1081, 65.92016) and Wilson's for 30/120 is
 * (0.1810982, 0.3344114) (England's public-health profiles). They are
 * printed to 7 significant digits, so they are compared at 1e-6.
 *
 * The limits are also checked against their definition by brute force
 * (r_p found by scanning GSL's CDF from 0), and the rank intervals
 * against a direct computation that keeps every draw's ranks.
 *
 * Coverage: areas with true values θ ~ N(0, 1) measured with error,
 * y ~ N(θ, s²), have the posterior θ | y ~ N(B y, B s²), B = 1/(1 + s²).
 * Ranks drawn from that posterior are a Bayesian's ranks, so the true
 * ranks fall inside about 95% of the rank intervals over repeated
 * samples. With 40 replicates of 100 areas the test asks for 93% to 98%
 * (the intervals are rounded to whole ranks, and the 4,000 intervals are
 * correlated within a replicate).
 */
#include "unit.h"

#include "../../models/funnel.h"
#include "../../models/rng.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <omp.h>

static void test_published_poisson(void **state)
{
    (void)state;
    assert_close(funnel_poisson_limit(20, 0.025), 0.5602501, 1e-6);
    assert_close(funnel_poisson_limit(20, 0.975), 1.437288, 1e-6);
    assert_close(funnel_poisson_limit(20, 0.001), 0.3584594, 1e-6);
    assert_close(funnel_poisson_limit(20, 0.999), 1.735676, 1e-6);
    assert_close(funnel_poisson_limit(100, 0.025), 0.8036634, 1e-6);
    assert_close(funnel_poisson_limit(100, 0.975), 1.195809, 1e-6);
}

static void test_published_binomial(void **state)
{
    (void)state;
    assert_close(funnel_binomial_limit(100, 0.1, 0.025), 0.0403806, 1e-6);
    assert_close(funnel_binomial_limit(100, 0.1, 0.975), 0.1577186, 1e-6);
}

static void test_published_intervals(void **state)
{
    (void)state;
    double lo, hi;
    funnel_byar(50, &lo, &hi);
    assert_close(lo, 37.1081, 1e-6);
    assert_close(hi, 65.92016, 1e-6);
    funnel_wilson(30, 120, &lo, &hi);
    assert_close(lo, 0.1810982, 1e-6);
    assert_close(hi, 0.3344114, 1e-6);
    /* below 10 events the exact (χ², Garwood) interval: 0 events give
     * (0, −log 0.025), since χ² on 2 df has P(x) = 1 − exp(−x/2) */
    funnel_byar(0, &lo, &hi);
    assert_true(lo == 0);
    assert_close(hi, -log(0.025), 1e-12);
    funnel_byar(3, &lo, &hi);
    assert_close(lo, gsl_cdf_chisq_Pinv(0.025, 6) / 2, 1e-14);
    assert_close(hi, gsl_cdf_chisq_Pinv(0.975, 8) / 2, 1e-14);
}

/* The exact limit by its definition, scanning r from 0. */
static double brute_limit(int binomial, double size, double theta, double p)
{
    unsigned r = 0;
    double F, Fm = 0;
    for (;; r++) {
        F = binomial ? gsl_cdf_binomial_P(r, theta, (unsigned)size)
                     : gsl_cdf_poisson_P(r, size);
        if (F >= p)
            break;
        Fm = F;
    }
    return fmax(0, (r - (F - p) / (F - Fm)) / size);
}

static void test_limits_by_definition(void **state)
{
    (void)state;
    const double Es[] = {0.3, 2.5, 17.3, 250.7, 4321.5};
    const double ps[] = {0.001, 0.025, 0.975, 0.999};
    for (size_t e = 0; e < sizeof Es / sizeof Es[0]; e++)
        for (size_t k = 0; k < 4; k++) {
            double want = brute_limit(0, Es[e], 0, ps[k]);
            double got = funnel_poisson_limit(Es[e], ps[k]);
            if (want == 0)
                assert_true(got == 0);
            else
                assert_close(got, want, 1e-10);
        }
    const double ns[] = {7, 50, 385, 2000};
    const double thetas[] = {0.013, 0.2385, 0.5, 0.91};
    for (size_t a = 0; a < 4; a++)
        for (size_t t = 0; t < 4; t++)
            for (size_t k = 0; k < 4; k++) {
                double want = brute_limit(1, ns[a], thetas[t], ps[k]);
                double got = funnel_binomial_limit(ns[a], thetas[t], ps[k]);
                if (want == 0)
                    assert_true(got == 0);
                else
                    assert_close(got, want, 1e-10);
            }
    assert_nan(funnel_poisson_limit(0, 0.5));
    assert_nan(funnel_binomial_limit(10.5, 0.1, 0.5));
}

static void test_ratio_compute(void **state)
{
    (void)state;
    /* E = 20 and E = 100 with O = E, and O = 50 on E = 40 */
    const double O[3] = {20, 100, 50}, E[3] = {20, 100, 40};
    funnel_input in = {FUNNEL_RATIO, 3, O, E, NULL, NULL, NULL, FUNNEL_OD_NONE};
    error_buf err;
    err_clear(&err);
    funnel_result *r = funnel_compute(&in, &err);
    assert_non_null(r);
    assert_int_equal(r->used, 3);
    assert_close(r->target, 1, 1e-15);
    assert_close(r->lower95[0], 0.5602501, 1e-6);
    assert_close(r->upper998[0], 1.735676, 1e-6);
    assert_close(r->upper95[1], 1.195809, 1e-6);
    assert_close(r->value[2], 1.25, 1e-15);
    assert_close(r->z[2], (sqrt(1.25) - 1) * 2 * sqrt(40.0), 1e-14);
    assert_close(r->ci_low[2] * 40, 37.1081, 1e-6);
    assert_int_equal(r->flag95[0], FUNNEL_FLAG_WITHIN);
    assert_int_equal(r->versus_target[2], FUNNEL_FLAG_WITHIN);
    assert_nan(r->denominator[0]);
    funnel_result_free(r);
}

static void test_proportion_compute(void **state)
{
    (void)state;
    /* one area of 10/100: the pooled proportion is 0.1 */
    const double O[2] = {10, (double)NAN}, n[2] = {100, 40};
    funnel_input in = {FUNNEL_PROPORTION,       2, O, NULL, n, NULL, NULL,
                       FUNNEL_OD_MULTIPLICATIVE};
    error_buf err;
    err_clear(&err);
    funnel_result *r = funnel_compute(&in, &err);
    assert_non_null(r);
    assert_int_equal(r->used, 1);
    assert_close(r->target, 0.1, 1e-15);
    assert_close(r->lower95[0], 0.0403806, 1e-6);
    assert_close(r->upper95[0], 0.1577186, 1e-6);
    assert_close(r->expected[0], 10, 1e-15);
    assert_true(r->z[0] == 0);
    /* one area: φ = 0 ≤ 1, nothing widened; τ² needs two */
    assert_false(r->adjusted);
    assert_nan(r->tau2);
    assert_nan(r->value[1]);
    assert_int_equal(r->flag95[1], FUNNEL_FLAG_NA);
    funnel_result_free(r);
}

static void test_score_overdispersion(void **state)
{
    (void)state;
    /* Ten scores with SE 0.5: the mean is 0.45, z = (v − 0.45)/0.5. */
    const double v[10] = {-2, -1, -0.5, 0, 0.25, 0.75, 1, 1.5, 2, 2.5};
    double se[10];
    for (size_t i = 0; i < 10; i++)
        se[i] = 0.5;
    funnel_input in = {FUNNEL_SCORE, 10, NULL, NULL,
                       NULL,         v,  se,   FUNNEL_OD_ADDITIVE};
    error_buf err;
    err_clear(&err);
    funnel_result *r = funnel_compute(&in, &err);
    assert_non_null(r);
    assert_close(r->target, 0.45, 1e-14);
    /* winsorised at the type-7 10th and 90th percentiles of z */
    double z[10], sorted[10], sum = 0;
    for (size_t i = 0; i < 10; i++)
        sorted[i] = z[i] = (v[i] - 0.45) / 0.5;
    double lo = sorted[0] + 0.9 * (sorted[1] - sorted[0]);
    double hi = sorted[8] + 0.1 * (sorted[9] - sorted[8]);
    assert_close(funnel_quantile7(sorted, 10, 0.1), lo, 1e-14);
    for (size_t i = 0; i < 10; i++) {
        double zw = fmin(fmax(z[i], lo), hi);
        sum += zw * zw;
    }
    double phi = sum / 10;
    assert_close(r->phi, phi, 1e-14);
    /* w = 4 for all: Σw − Σw²/Σw = 40 − 160/40 = 36 */
    double tau2 = (10 * phi - 9) / 36;
    assert_close(r->tau2, tau2, 1e-14);
    assert_true(r->adjusted);
    double zq = gsl_cdf_ugaussian_Pinv(0.975);
    assert_close(r->upper95[0], 0.45 + zq * sqrt(0.25 + tau2), 1e-14);
    assert_close(r->ci_high[3], 0 + zq * 0.5, 1e-14);
    funnel_result_free(r);
}

static void test_check(void **state)
{
    (void)state;
    const double O[3] = {3, -1, 2.5}, d[3] = {10, 10, 10};
    funnel_input in = {FUNNEL_RATIO, 3, O, NULL, d, NULL, NULL, FUNNEL_OD_NONE};
    funnel_field f;
    assert_null(funnel_check(&in, 0, &f));
    assert_non_null(funnel_check(&in, 1, &f));
    assert_int_equal(f, FUNNEL_FIELD_OBSERVED);
    assert_non_null(funnel_check(&in, 2, &f));
    const double big[1] = {12}, n[1] = {10};
    funnel_input p = {FUNNEL_PROPORTION, 1, big, NULL, n, NULL, NULL,
                      FUNNEL_OD_NONE};
    assert_non_null(funnel_check(&p, 0, &f));
    assert_int_equal(f, FUNNEL_FIELD_OBSERVED);
    const double zero[1] = {0};
    funnel_input e = {FUNNEL_RATIO, 1,    n,    zero,
                      NULL,         NULL, NULL, FUNNEL_OD_NONE};
    assert_non_null(funnel_check(&e, 0, &f));
    assert_int_equal(f, FUNNEL_FIELD_EXPECTED);
    error_buf err;
    err_clear(&err);
    assert_null(funnel_compute(&in, &err));
    assert_int_equal(err.st, ST_EDATA);
    /* no events with denominators: no expected counts */
    const double none[2] = {0, 0}, pop[2] = {100, 200};
    funnel_input z = {FUNNEL_RATIO, 2,    none, NULL,
                      pop,          NULL, NULL, FUNNEL_OD_NONE};
    err_clear(&err);
    assert_null(funnel_compute(&z, &err));
}

/* ---- ranks ------------------------------------------------------------- */

typedef struct {
    const double *v;
} by_draw_ctx;

static int desc_then_index(const void *a, const void *b, void *ctx)
{
    const double *v = ((const by_draw_ctx *)ctx)->v;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (v[i] != v[j])
        return v[i] > v[j] ? -1 : 1;
    return (i > j) - (i < j);
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Every draw's ranks kept, sorted, R's quantile type 7, round(). */
static void brute_ranks(size_t n, const double *mu, const double *sd, size_t B,
                        uint64_t seed, double *lo, double *hi)
{
    double *ranks = malloc(n * B * sizeof *ranks), *x = malloc(n * sizeof *x);
    size_t *order = malloc(n * sizeof *order);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t b = 0; b < B; b++) {
        gsl_rng_set(g, rng_stream_seed(seed, RNG_TAG(RNG_TAG_RANKS, b)));
        for (size_t i = 0; i < n; i++) {
            x[i] = mu[i] + sd[i] * gsl_ran_gaussian_ziggurat(g, 1);
            order[i] = i;
        }
        by_draw_ctx ctx = {x};
        qsort_r(order, n, sizeof *order, desc_then_index, &ctx);
        for (size_t p = 0; p < n; p++)
            ranks[order[p] * B + b] = (double)(p + 1);
    }
    for (size_t i = 0; i < n; i++) {
        qsort(ranks + i * B, B, sizeof *ranks, by_double);
        lo[i] = nearbyint(funnel_quantile7(ranks + i * B, B, 0.025));
        hi[i] = nearbyint(funnel_quantile7(ranks + i * B, B, 0.975));
    }
    gsl_rng_free(g);
    free(ranks);
    free(x);
    free(order);
}

static void ranks(size_t n, const double *mu, const double *sd, size_t B,
                  uint64_t seed, double *rank, double *lo, double *hi)
{
    error_buf err;
    err_clear(&err);
    assert_int_equal(funnel_ranks(n, mu, sd, B, seed, rank, lo, hi, &err), 0);
}

static void test_ranks_exact(void **state)
{
    (void)state;
    enum { N = 40 };
    double mu[N], sd[N], rank[N], lo[N], hi[N], blo[N], bhi[N];
    for (size_t i = 0; i < N; i++) {
        mu[i] = sin(2.385 * (double)i) * 2;
        sd[i] = 0.2 + 0.05 * (double)(i % 7);
    }
    mu[7] = mu[3]; /* a tie: 3 ranks above 7 */
    const size_t Bs[] = {1000, 37, 1};
    for (size_t k = 0; k < 3; k++) {
        ranks(N, mu, sd, Bs[k], 20250101, rank, lo, hi);
        brute_ranks(N, mu, sd, Bs[k], 20250101, blo, bhi);
        for (size_t i = 0; i < N; i++) {
            assert_true(lo[i] == blo[i]);
            assert_true(hi[i] == bhi[i]);
            assert_true(lo[i] <= hi[i]);
        }
    }
    assert_true(rank[3] + 1 == rank[7]);
}

static void test_ranks_deterministic(void **state)
{
    (void)state;
    enum { N = 500 };
    double mu[N], sd[N], r1[N], l1[N], h1[N], r2[N], l2[N], h2[N];
    for (size_t i = 0; i < N; i++) {
        mu[i] = cos(0.731 * (double)i) + 0.001 * (double)i;
        sd[i] = 0.05 + 0.3 * fabs(sin((double)i));
    }
    mu[17] = (double)NAN;
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    ranks(N, mu, sd, 1000, 7, r1, l1, h1);
    omp_set_num_threads(2);
    ranks(N, mu, sd, 1000, 7, r2, l2, h2);
    omp_set_num_threads(threads);
    for (size_t i = 0; i < N; i++) {
        if (i == 17) {
            assert_nan(r1[i]);
            assert_nan(l1[i]);
            continue;
        }
        assert_true(r1[i] == r2[i] && l1[i] == l2[i] && h1[i] == h2[i]);
        assert_true(r1[i] >= 1 && r1[i] <= N - 1);
    }
    /* another seed moves some interval */
    ranks(N, mu, sd, 1000, 8, r2, l2, h2);
    int moved = 0;
    for (size_t i = 0; i < N; i++)
        moved |= i != 17 && (l1[i] != l2[i] || h1[i] != h2[i]);
    assert_true(moved);
    /* no uncertainty: the interval is the rank itself; ties by index */
    double flat[4] = {1, 3, 3, 2}, zero[4] = {0, 0, 0, 0};
    double r[4], lo[4], hi[4];
    ranks(4, flat, zero, 100, 1, r, lo, hi);
    const double want[4] = {4, 1, 2, 3};
    for (size_t i = 0; i < 4; i++) {
        assert_true(r[i] == want[i]);
        assert_true(lo[i] == want[i] && hi[i] == want[i]);
    }
}

static void test_ranks_coverage(void **state)
{
    (void)state;
    enum { N = 100, REPS = 40 };
    double theta[N], s[N], mu[N], sd[N], rank[N], lo[N], hi[N];
    size_t inside = 0, total = 0;
    gsl_rng *g = rng_stream(42, 0);
    for (size_t rep = 0; rep < REPS; rep++) {
        for (size_t i = 0; i < N; i++) {
            s[i] = 0.3 + 1.2 * gsl_rng_uniform(g);
            theta[i] = gsl_ran_gaussian(g, 1);
            double y = theta[i] + gsl_ran_gaussian(g, s[i]);
            double B = 1 / (1 + s[i] * s[i]);
            mu[i] = B * y;
            sd[i] = sqrt(B) * s[i];
        }
        ranks(N, mu, sd, 1000, rep + 1, rank, lo, hi);
        for (size_t i = 0; i < N; i++) {
            size_t truth = 1;
            for (size_t j = 0; j < N; j++)
                truth += theta[j] > theta[i];
            inside += lo[i] <= (double)truth && (double)truth <= hi[i];
            total++;
        }
    }
    gsl_rng_free(g);
    double coverage = (double)inside / (double)total;
    print_message("rank interval coverage: %.4f of %zu\n", coverage, total);
    assert_true(coverage >= 0.93 && coverage <= 0.98);
}

static void test_spine(void **state)
{
    (void)state;
    const double v[6] = {4, (double)NAN, 1, 3, 2, 10};
    funnel_spine sp;
    error_buf err;
    err_clear(&err);
    assert_int_equal(funnel_spine_stats(6, v, 2.5, 1, &sp, &err), 0);
    /* sorted 1 2 3 4 10: type 7 at 0.25 → 2, at 0.75 → 4 */
    assert_int_equal(sp.n, 5);
    assert_true(sp.worst == 1 && sp.best == 10);
    assert_true(sp.q25 == 2 && sp.q75 == 4 && sp.overall == 2.5);
    assert_int_equal(funnel_spine_stats(6, v, 2.5, 0, &sp, &err), 0);
    assert_true(sp.worst == 10 && sp.best == 1 && sp.q25 == 2);
    const double none[1] = {(double)NAN};
    assert_int_equal(funnel_spine_stats(1, none, 0, 1, &sp, &err), -1);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_poisson),
        cmocka_unit_test(test_published_binomial),
        cmocka_unit_test(test_published_intervals),
        cmocka_unit_test(test_limits_by_definition),
        cmocka_unit_test(test_ratio_compute),
        cmocka_unit_test(test_proportion_compute),
        cmocka_unit_test(test_score_overdispersion),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_ranks_exact),
        cmocka_unit_test(test_ranks_deterministic),
        cmocka_unit_test(test_ranks_coverage),
        cmocka_unit_test(test_spine),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    omp_pause_resource_all(omp_pause_hard);
    return failed;
}
