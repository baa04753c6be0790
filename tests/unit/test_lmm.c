/*
 * test_lmm.c — the mixed-model fitter (models/lmm.h) against closed
 * forms.
 *
 * A balanced one-way random-intercept design (G groups of m, no
 * covariates) has closed-form estimates from the one-way ANOVA when
 * MSB > MSW (Searle, Casella & McCulloch 1992, §3.7 and §4.8): REML
 * gives σ² = MSW, τ00 = (MSB − MSW)/m, β0 = ȳ, SE(β0) = √(MSB/(Gm)),
 * and at the optimum 1 + mθ² = MSB/MSW, which fixes the REML criterion;
 * ML gives σ² = MSW and τ00 = (SSB/G − MSW)/m. The conditional modes
 * are λ(ȳ_g − ȳ) with λ = τ00/(τ00 + σ²/m), and their SDs √(λσ²/m).
 * When MSB < MSW the fit is singular (τ00 = 0). lmm_fit with two nested
 * factors must equal lmm_fit_nested given the same sufficient
 * statistics, built here from the rows. Results must not depend on the
 * number of threads (several chunks of groups, compared bytewise).
 * Errors: linearly dependent X, factors not nested.
 */
#include "unit.h"

#include "../../models/lmm.h"

#include <gsl/gsl_errno.h>
#include <omp.h>

/* ---- balanced one-way designs ------------------------------------------- */

enum { G = 4, M = 3, N1 = G * M };

/* MSB > MSW: the groups' means differ well beyond the noise. */
static const double y_apart[N1] = {3.12, 4.05, 3.71, 5.83, 6.40, 5.27,
                                   2.15, 1.64, 2.92, 4.48, 5.10, 3.96};
/* MSB < MSW: group means 3.75, 3.7333, 3.7 and 3.7833, wide spread. */
static const double y_close[N1] = {2.15, 5.30, 3.80, 4.90, 2.35, 3.95,
                                   3.05, 5.45, 2.60, 5.20, 2.10, 4.05};
static const int32_t group_of[N1] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
static const double ones[N1] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

/* The one-way ANOVA of a balanced data set. */
typedef struct {
    double mean, gmean[G], ssb, ssw, msb, msw;
} anova;

static anova one_way(const double *y)
{
    anova a = {0};
    for (size_t g = 0; g < G; g++) {
        double s = 0;
        for (size_t k = 0; k < M; k++)
            s += y[g * M + k];
        a.gmean[g] = s / M;
        a.mean += s / N1;
    }
    for (size_t g = 0; g < G; g++) {
        a.ssb += M * (a.gmean[g] - a.mean) * (a.gmean[g] - a.mean);
        for (size_t k = 0; k < M; k++) {
            double e = y[g * M + k] - a.gmean[g];
            a.ssw += e * e;
        }
    }
    a.msb = a.ssb / (G - 1);
    a.msw = a.ssw / (G * (M - 1));
    return a;
}

static lmm_result *fit_one_way(const double *y, int reml)
{
    lmm_input in = {.n = N1,
                    .p = 1,
                    .X = ones,
                    .y = y,
                    .nfactors = 1,
                    .group = {group_of, NULL},
                    .ngroups = {G, 0},
                    .intercept = 1,
                    .reml = reml};
    error_buf err;
    err_clear(&err);
    lmm_result *r = lmm_fit(&in, &err);
    assert_non_null(r);
    assert_int_equal(err.n, 0);
    return r;
}

static void test_one_way_reml_closed_form(void **state)
{
    (void)state;
    anova a = one_way(y_apart);
    assert_true(a.msb > a.msw);
    lmm_result *r = fit_one_way(y_apart, 1);
    double tau = (a.msb - a.msw) / M;
    assert_close(r->sigma2, a.msw, 1e-6);
    assert_close(r->tau00[0], tau, 1e-6);
    assert_close(r->beta[0], a.mean, 1e-6);
    assert_close(r->se[0], sqrt(a.msb / N1), 1e-6);
    assert_false(r->singular);
    assert_true(r->converged);
    assert_int_equal(r->p, 1);
    assert_int_equal(r->q, 1);
    assert_int_equal(r->nfactors, 1);
    assert_int_equal(r->ngroups[0], G);
    assert_nan(r->tau00[1]);
    assert_nan(r->tau11);
    assert_nan(r->rho01);
    /* The REML criterion at the optimum, with 1 + mθ² = MSB/MSW:
     * G log(MSB/MSW) + log(Gm MSW/MSB) + (N − 1)(1 + log(2π MSW)). */
    double crit = G * log(a.msb / a.msw) + log(N1 * a.msw / a.msb) +
                  (N1 - 1) * (1 + log(2 * M_PI * a.msw));
    assert_close(r->criterion, crit, 1e-9);
    assert_close(r->loglik, -crit / 2, 1e-9);
    /* p + θ + σ: 3 parameters. */
    assert_close(r->aic, crit + 6, 1e-9);
    assert_close(r->bic, crit + 3 * log(N1), 1e-9);
    lmm_result_free(r);
}

static void test_one_way_ml_closed_form(void **state)
{
    (void)state;
    anova a = one_way(y_apart);
    assert_true(a.ssb / G > a.msw);
    lmm_result *r = fit_one_way(y_apart, 0);
    assert_close(r->sigma2, a.msw, 1e-6);
    assert_close(r->tau00[0], (a.ssb / G - a.msw) / M, 1e-6);
    assert_close(r->beta[0], a.mean, 1e-6);
    assert_false(r->singular);
    lmm_result_free(r);
}

static void test_one_way_singular(void **state)
{
    (void)state;
    anova a = one_way(y_close);
    assert_true(a.msb < a.msw);
    lmm_result *r = fit_one_way(y_close, 1);
    assert_true(r->tau00[0] >= 0);
    assert_true(r->tau00[0] < 1e-8 * r->sigma2);
    assert_int_equal(r->singular, 1);
    /* τ00 = 0: the model is y = β0 + e, σ² the sample variance. */
    assert_close(r->sigma2, (a.ssb + a.ssw) / (N1 - 1), 1e-6);
    assert_close(r->beta[0], a.mean, 1e-9);
    lmm_result_free(r);
}

static void test_one_way_conditional_modes(void **state)
{
    (void)state;
    anova a = one_way(y_apart);
    lmm_result *r = fit_one_way(y_apart, 1);
    double tau = (a.msb - a.msw) / M, s2 = a.msw;
    double lambda = tau / (tau + s2 / M);
    double sum = 0;
    for (size_t g = 0; g < G; g++) {
        assert_int_equal(r->count[0][g], M);
        assert_close(r->mode[0][0][g], lambda * (a.gmean[g] - a.mean), 1e-6);
        assert_close(r->cond_sd[0][0][g], sqrt(lambda * s2 / M), 1e-6);
        sum += r->mode[0][0][g];
    }
    /* Balanced: the modes sum to zero. */
    assert_true(fabs(sum) < 1e-9);
    assert_null(r->mode[0][1]);
    lmm_result_free(r);
}

/* ---- nested factors ----------------------------------------------------- */

/* A deterministic stream of numbers in (−0.5, 0.5): xorshift64*. */
static double noise(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    uint64_t x = *s * 0x2545F4914F6CDD1DULL;
    return (double)(x >> 11) / 9007199254740992.0 - 0.5;
}

/* Nested data: `nouter` outer groups of `per` inner groups, inner group
 * j with 2 + j % 4 rows; X = [1, x]; the effects of both levels large
 * enough for a regular fit. The caller frees the arrays. */
typedef struct {
    size_t n, ninner, nouter;
    double *X, *y;
    int32_t *inner, *outer;
} nested_data;

static nested_data make_nested(size_t nouter, size_t per, uint64_t seed)
{
    nested_data d = {0};
    d.nouter = nouter;
    d.ninner = nouter * per;
    for (size_t j = 0; j < d.ninner; j++)
        d.n += 2 + j % 4;
    d.X = malloc(2 * d.n * sizeof *d.X);
    d.y = malloc(d.n * sizeof *d.y);
    d.inner = malloc(d.n * sizeof *d.inner);
    d.outer = malloc(d.n * sizeof *d.outer);
    assert_true(d.X && d.y && d.inner && d.outer);
    uint64_t s = seed;
    size_t i = 0;
    for (size_t k = 0; k < nouter; k++) {
        double u = 2.4 * noise(&s);
        for (size_t j = k * per; j < (k + 1) * per; j++) {
            double v = 1.7 * noise(&s);
            for (size_t t = 0; t < 2 + j % 4; t++, i++) {
                double x = 3.5 + 4 * noise(&s);
                d.X[2 * i] = 1;
                d.X[2 * i + 1] = x;
                d.y[i] = 2.385 + 0.61 * x + u + v + 1.3 * noise(&s);
                d.inner[i] = (int32_t)j;
                d.outer[i] = (int32_t)k;
            }
        }
    }
    return d;
}

static void free_nested(nested_data *d)
{
    free(d->X);
    free(d->y);
    free(d->inner);
    free(d->outer);
}

static lmm_result *fit_nested_rows(const nested_data *d)
{
    lmm_input in = {.n = d->n,
                    .p = 2,
                    .X = d->X,
                    .y = d->y,
                    .nfactors = 2,
                    .group = {d->inner, d->outer},
                    .ngroups = {d->ninner, d->nouter},
                    .intercept = 1,
                    .reml = 1};
    error_buf err;
    err_clear(&err);
    lmm_result *r = lmm_fit(&in, &err);
    assert_non_null(r);
    return r;
}

static void test_nested_rows_equal_stats(void **state)
{
    (void)state;
    nested_data d = make_nested(5, 3, 0x9E3779B97F4A7C15ULL);
    lmm_result *a = fit_nested_rows(&d);

    /* The sufficient statistics, summed over the rows in order. */
    enum { P = 2 };
    double XtX[P * P] = {0}, Xty[P] = {0}, yty = 0;
    double *n = calloc(d.ninner, sizeof *n);
    double *sX = calloc(d.ninner * P, sizeof *sX);
    double *sy = calloc(d.ninner, sizeof *sy);
    int32_t *outer = calloc(d.ninner, sizeof *outer);
    assert_true(n && sX && sy && outer);
    for (size_t i = 0; i < d.n; i++) {
        const double *x = d.X + P * i;
        size_t j = (size_t)d.inner[i];
        for (size_t c = 0; c < P; c++) {
            Xty[c] += x[c] * d.y[i];
            for (size_t e = 0; e < P; e++)
                XtX[c * P + e] += x[c] * x[e];
            sX[j * P + c] += x[c];
        }
        yty += d.y[i] * d.y[i];
        n[j] += 1;
        sy[j] += d.y[i];
        outer[j] = d.outer[i];
    }
    lmm_nested_stats st = {.n = d.n,
                           .p = P,
                           .XtX = XtX,
                           .Xty = Xty,
                           .yty = yty,
                           .ninner = d.ninner,
                           .nouter = d.nouter,
                           .inner_n = n,
                           .inner_sX = sX,
                           .inner_sy = sy,
                           .inner_outer = outer,
                           .reml = 1};
    error_buf err;
    err_clear(&err);
    lmm_result *b = lmm_fit_nested(&st, &err);
    assert_non_null(b);

    assert_int_equal(a->nfactors, 2);
    assert_int_equal(b->nfactors, 2);
    assert_false(a->singular);
    for (size_t c = 0; c < P; c++) {
        assert_close(a->beta[c], b->beta[c], 1e-10);
        assert_close(a->se[c], b->se[c], 1e-10);
    }
    assert_close(a->sigma2, b->sigma2, 1e-10);
    assert_close(a->tau00[0], b->tau00[0], 1e-10);
    assert_close(a->tau00[1], b->tau00[1], 1e-10);
    assert_close(a->criterion, b->criterion, 1e-10);
    for (size_t f = 0; f < 2; f++)
        assert_int_equal(a->ngroups[f], b->ngroups[f]);
    for (size_t j = 0; j < d.ninner; j++) {
        assert_int_equal(a->count[0][j], 2 + j % 4);
        assert_int_equal(b->count[0][j], 2 + j % 4);
        assert_close(a->mode[0][0][j], b->mode[0][0][j], 1e-10);
        assert_close(a->cond_sd[0][0][j], b->cond_sd[0][0][j], 1e-10);
    }
    for (size_t k = 0; k < d.nouter; k++) {
        assert_int_equal(a->count[1][k], b->count[1][k]);
        assert_close(a->mode[1][0][k], b->mode[1][0][k], 1e-10);
        assert_close(a->cond_sd[1][0][k], b->cond_sd[1][0][k], 1e-10);
        assert_close(a->a_stat[k], b->a_stat[k], 1e-10);
    }
    lmm_result_free(a);
    lmm_result_free(b);
    free(n);
    free(sX);
    free(sy);
    free(outer);
    free_nested(&d);
}

/* ---- threads ------------------------------------------------------------ */

static void assert_same_bytes(const lmm_result *a, const lmm_result *b)
{
    assert_int_equal(a->p, b->p);
    assert_memory_equal(a->beta, b->beta, a->p * sizeof *a->beta);
    assert_memory_equal(a->tau00, b->tau00, sizeof a->tau00);
    assert_memory_equal(&a->sigma2, &b->sigma2, sizeof a->sigma2);
    for (size_t f = 0; f < a->nfactors; f++) {
        size_t q = f == 0 ? a->q : 1;
        for (size_t t = 0; t < q; t++)
            assert_memory_equal(a->mode[f][t], b->mode[f][t],
                                a->ngroups[f] * sizeof *a->mode[f][t]);
    }
}

static void test_threads_single_factor_slope(void **state)
{
    (void)state;
    /* 300 groups: five chunks of 64. A random intercept and slope. */
    enum { NG = 300 };
    size_t n = 0;
    for (size_t g = 0; g < NG; g++)
        n += 2 + g % 5;
    double *X = malloc(2 * n * sizeof *X), *y = malloc(n * sizeof *y);
    double *slope = malloc(n * sizeof *slope);
    int32_t *grp = malloc(n * sizeof *grp);
    assert_true(X && y && slope && grp);
    uint64_t s = 0xD1B54A32D192ED03ULL;
    size_t i = 0;
    for (size_t g = 0; g < NG; g++) {
        double u = 1.9 * noise(&s), v = 0.8 * noise(&s);
        for (size_t t = 0; t < 2 + g % 5; t++, i++) {
            double x = 4 * noise(&s);
            X[2 * i] = 1;
            X[2 * i + 1] = x;
            slope[i] = x;
            y[i] = 2.385 + 0.7 * x + u + v * x + noise(&s);
            grp[i] = (int32_t)g;
        }
    }
    lmm_input in = {.n = n,
                    .p = 2,
                    .X = X,
                    .y = y,
                    .nfactors = 1,
                    .group = {grp, NULL},
                    .ngroups = {NG, 0},
                    .intercept = 1,
                    .slope = slope,
                    .reml = 1};
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    lmm_result *a = lmm_fit(&in, NULL);
    omp_set_num_threads(2);
    lmm_result *b = lmm_fit(&in, NULL);
    omp_set_num_threads(saved);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(a->q, 2);
    assert_same_bytes(a, b);
    assert_memory_equal(&a->tau11, &b->tau11, sizeof a->tau11);
    lmm_result_free(a);
    lmm_result_free(b);
    free(X);
    free(y);
    free(slope);
    free(grp);
}

static void test_threads_nested(void **state)
{
    (void)state;
    /* 150 outer groups: three chunks. */
    nested_data d = make_nested(150, 2, 0xA0761D6478BD642FULL);
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    lmm_result *a = fit_nested_rows(&d);
    omp_set_num_threads(2);
    lmm_result *b = fit_nested_rows(&d);
    omp_set_num_threads(saved);
    assert_same_bytes(a, b);
    lmm_result_free(a);
    lmm_result_free(b);
    free_nested(&d);
}

/* ---- errors ------------------------------------------------------------- */

static void test_error_dependent_columns(void **state)
{
    (void)state;
    /* X = [1, x, x]: two equal columns. */
    double X[N1 * 3];
    for (size_t i = 0; i < N1; i++) {
        X[3 * i] = 1;
        X[3 * i + 1] = X[3 * i + 2] = 0.37 * (double)i + 1.25 * (i % 3);
    }
    lmm_input in = {.n = N1,
                    .p = 3,
                    .X = X,
                    .y = y_apart,
                    .nfactors = 1,
                    .group = {group_of, NULL},
                    .ngroups = {G, 0},
                    .intercept = 1,
                    .reml = 1};
    error_buf err;
    err_clear(&err);
    assert_null(lmm_fit(&in, &err));
    assert_int_equal(err.st, ST_EDATA);
    assert_int_equal(err.n, 1);
    assert_string_equal(err.msg[0],
                        "the fixed-effect columns are linearly dependent (or "
                        "the response is constant)");
}

static void test_error_not_nested(void **state)
{
    (void)state;
    /* Inner group 1 has rows in outer groups 0 and 1. */
    const int32_t inner[N1] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
    const int32_t outer[N1] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
    lmm_input in = {.n = N1,
                    .p = 1,
                    .X = ones,
                    .y = y_apart,
                    .nfactors = 2,
                    .group = {inner, outer},
                    .ngroups = {4, 2},
                    .intercept = 1,
                    .reml = 1};
    error_buf err;
    err_clear(&err);
    assert_null(lmm_fit(&in, &err));
    assert_int_equal(err.st, ST_EDATA);
    assert_string_equal(err.msg[0],
                        "the grouping factors are not nested: an inner group "
                        "lies in two outer groups");
    lmm_result_free(NULL);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_way_reml_closed_form),
        cmocka_unit_test(test_one_way_ml_closed_form),
        cmocka_unit_test(test_one_way_singular),
        cmocka_unit_test(test_one_way_conditional_modes),
        cmocka_unit_test(test_nested_rows_equal_stats),
        cmocka_unit_test(test_threads_single_factor_slope),
        cmocka_unit_test(test_threads_nested),
        cmocka_unit_test(test_error_dependent_columns),
        cmocka_unit_test(test_error_not_nested),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* End OpenMP's worker threads, so that valgrind does not count their
     * thread-local storage as possibly lost. */
    omp_pause_resource_all(omp_pause_hard);
    return failed;
}
