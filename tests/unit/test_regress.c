/*
 * test_regress.c — the fixed-effects regressions (models/regress.h)
 * against closed forms.
 *
 * OLS: the simple regression y = a + b x on five points, x = 1..5 and
 * y = (1, 3, 2, 5, 4), where x̄ = ȳ = 3, Sxx = Syy = 10 and Sxy = 8, so
 * b = Sxy/Sxx = 0.8, a = ȳ − b x̄ = 0.6, RSS = Syy − Sxy²/Sxx = 3.6,
 * s² = RSS/(n − 2) = 1.2, SE(b) = s/√Sxx = √0.12,
 * SE(a) = s √(1/n + x̄²/Sxx) = √1.32, R² = Sxy²/(Sxx Syy) = 0.64,
 * adjusted R² = 1 − (1 − R²)(n − 1)/(n − 2) = 0.52,
 * F = (Syy − RSS)/s² = 16/3 and logLik = −n/2 (log(2π RSS/n) + 1).
 * The residuals are (−0.4, 0.8, −1.0, 1.2, −0.6), so the HC0 sandwich
 * for the slope is Σ e_i² (x_i − x̄)² / Sxx² = 4.16/100 = 0.0416, and for
 * the intercept Σ e_i² (1/n − x̄ (x_i − x̄)/Sxx)² = 0.3744.
 *
 * Poisson with only an intercept: the score equation Σ (y − μ) = 0 gives
 * μ = ȳ, so β0 = log ȳ, the information Σ μ = Σ y gives SE = 1/√Σy, and
 * the deviance is 2 Σ y log(y/ȳ) (the Σ (y − μ) term vanishes); with an
 * offset log E, μ_i = E_i e^β0 and β0 = log(Σy/ΣE). Negative binomial
 * with only an intercept also has μ = ȳ (its score is
 * Σ (y − μ)/(1 + μ/θ) with μ common to every row).
 */
#include "unit.h"

#include "../../models/regress.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_psi.h>
#include <omp.h>

enum { N = 5 };

static const double xs[N] = {1, 2, 3, 4, 5};
static const double ys[N] = {1, 3, 2, 5, 4};

/* X = [1, x], row-major. */
static void simple_design(double *X)
{
    for (size_t i = 0; i < N; i++) {
        X[2 * i] = 1;
        X[2 * i + 1] = xs[i];
    }
}

static reg_result *fit_ols(reg_se se, const int32_t *cluster, size_t ncl)
{
    double X[2 * N];
    simple_design(X);
    reg_input in = {.n = N,
                    .p = 2,
                    .X = X,
                    .y = ys,
                    .intercept = 1,
                    .family = FAMILY_GAUSSIAN,
                    .se = se,
                    .cluster = cluster,
                    .nclusters = ncl};
    error_buf err;
    err_clear(&err);
    size_t dep = 99;
    reg_result *r = reg_fit(&in, &err, &dep);
    assert_non_null(r);
    assert_int_equal(err.n, 0);
    assert_int_equal(dep, 2); /* p: no dependent column */
    return r;
}

/* ---- OLS ---------------------------------------------------------------- */

static void test_ols_closed_form(void **state)
{
    (void)state;
    reg_result *r = fit_ols(SE_CLASSICAL, NULL, 0);
    assert_int_equal(r->p, 2);
    assert_close(r->beta[0], 0.6, 1e-12);
    assert_close(r->beta[1], 0.8, 1e-12);
    assert_close(r->se[0], sqrt(1.32), 1e-12);
    assert_close(r->se[1], sqrt(0.12), 1e-12);
    assert_true(r->t_dist);
    assert_close(r->df_residual, 3, 1e-15);
    assert_close(r->r_squared, 0.64, 1e-12);
    assert_close(r->adj_r_squared, 0.52, 1e-12);
    assert_close(r->f_statistic, 16.0 / 3.0, 1e-12);
    assert_close(r->sigma, sqrt(1.2), 1e-12);
    double ll = -2.5 * (log(2 * M_PI * 3.6 / 5) + 1);
    assert_close(r->log_lik, ll, 1e-12);
    /* k + 1 = 3 parameters, σ included (as R's logLik.lm) */
    assert_close(r->aic, -2 * ll + 6, 1e-12);
    assert_close(r->bic, -2 * ll + 3 * log(5.0), 1e-12);
    assert_nan(r->deviance);
    assert_nan(r->null_deviance);
    assert_nan(r->theta);
    assert_int_equal(r->poisson_fallback, 0);
    reg_result_free(r);
}

static void test_ols_hc0_hc1(void **state)
{
    (void)state;
    reg_result *r0 = fit_ols(SE_HC0, NULL, 0);
    reg_result *r1 = fit_ols(SE_HC1, NULL, 0);
    /* the estimates do not depend on the covariance */
    assert_close(r0->beta[1], 0.8, 1e-12);
    assert_close(r0->se[1], sqrt(0.0416), 1e-12);
    assert_close(r0->se[0], sqrt(0.3744), 1e-12);
    /* HC1 = HC0 · n/(n − k) = HC0 · 5/3 */
    assert_close(r1->se[1], sqrt(0.0416 * 5.0 / 3.0), 1e-12);
    assert_close(r1->se[0], sqrt(0.3744 * 5.0 / 3.0), 1e-12);
    reg_result_free(r0);
    reg_result_free(r1);
}

static void test_ols_cluster_singletons(void **state)
{
    (void)state;
    /* every row its own cluster: CR1 = HC0 · G/(G − 1) · (n − 1)/(n − k)
     * = HC0 · 5/4 · 4/3 */
    const int32_t cl[N] = {3, 0, 4, 1, 2};
    reg_result *r = fit_ols(SE_CLUSTER, cl, N);
    double adj = 5.0 / 4.0 * 4.0 / 3.0;
    assert_close(r->se[1], sqrt(0.0416 * adj), 1e-12);
    assert_close(r->se[0], sqrt(0.3744 * adj), 1e-12);
    reg_result_free(r);
}

static void test_rank_deficient(void **state)
{
    (void)state;
    /* X = [1, x, 2x]: the third column (index 2) is twice the second. */
    double X[3 * N];
    for (size_t i = 0; i < N; i++) {
        X[3 * i] = 1;
        X[3 * i + 1] = xs[i];
        X[3 * i + 2] = 2 * xs[i];
    }
    reg_input in = {.n = N,
                    .p = 3,
                    .X = X,
                    .y = ys,
                    .intercept = 1,
                    .family = FAMILY_GAUSSIAN,
                    .se = SE_CLASSICAL};
    error_buf err;
    err_clear(&err);
    size_t dep = 99;
    assert_null(reg_fit(&in, &err, &dep));
    assert_int_equal(err.st, ST_EDATA);
    assert_int_equal(dep, 2);
    reg_result_free(NULL);
}

/* ---- Poisson ------------------------------------------------------------ */

enum { NC = 5 };
static const double counts[NC] = {2, 5, 1, 4, 3}; /* Σ = 15, ȳ = 3 */
static const double ones[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

static reg_result *fit_counts(size_t n, const double *y, const double *offset,
                              reg_family f)
{
    reg_input in = {.n = n,
                    .p = 1,
                    .X = ones,
                    .y = y,
                    .offset = offset,
                    .intercept = 1,
                    .family = f,
                    .se = SE_CLASSICAL};
    error_buf err;
    err_clear(&err);
    size_t dep = 99;
    reg_result *r = reg_fit(&in, &err, &dep);
    assert_non_null(r);
    assert_int_equal(err.n, 0);
    return r;
}

static void test_poisson_intercept(void **state)
{
    (void)state;
    reg_result *r = fit_counts(NC, counts, NULL, FAMILY_POISSON);
    assert_close(r->beta[0], log(3.0), 1e-10);
    assert_close(r->se[0], 1 / sqrt(15.0), 1e-10);
    double dev = 0, ll = 0;
    for (size_t i = 0; i < NC; i++) {
        dev += 2 * counts[i] * log(counts[i] / 3);
        ll += counts[i] * log(3.0) - 3 - lgamma(counts[i] + 1);
    }
    assert_close(r->deviance, dev, 1e-9);
    assert_close(r->null_deviance, dev, 1e-9);
    assert_close(r->log_lik, ll, 1e-10);
    assert_close(r->aic, -2 * ll + 2, 1e-10);
    assert_close(r->df_residual, 4, 1e-15);
    assert_true(r->converged);
    assert_false(r->t_dist);
    assert_nan(r->r_squared);
    assert_nan(r->sigma);
    assert_nan(r->theta);
    reg_result_free(r);
}

static void test_poisson_offset(void **state)
{
    (void)state;
    /* E = (1, 2, 1, 3, 2), ΣE = 9: β0 = log(15/9), and the information
     * Σ μ = Σ E e^β0 = Σ y again gives SE = 1/√15. */
    const double E[NC] = {1, 2, 1, 3, 2};
    double off[NC];
    for (size_t i = 0; i < NC; i++)
        off[i] = log(E[i]);
    reg_result *r = fit_counts(NC, counts, off, FAMILY_POISSON);
    assert_close(r->beta[0], log(15.0 / 9.0), 1e-10);
    assert_close(r->se[0], 1 / sqrt(15.0), 1e-10);
    double dev = 0;
    for (size_t i = 0; i < NC; i++)
        dev += 2 * counts[i] * log(counts[i] / (E[i] * 15.0 / 9.0));
    assert_close(r->deviance, dev, 1e-9);
    assert_close(r->null_deviance, dev, 1e-9);
    reg_result_free(r);
}

static void test_bad_counts(void **state)
{
    (void)state;
    const double negative[NC] = {2, 5, -1, 4, 3};
    const double fraction[NC] = {2, 5, 1, 4.5, 3};
    const double *bad[2] = {negative, fraction};
    for (size_t b = 0; b < 2; b++)
        for (int f = FAMILY_POISSON; f <= FAMILY_NEGBIN; f++) {
            reg_input in = {.n = NC,
                            .p = 1,
                            .X = ones,
                            .y = bad[b],
                            .intercept = 1,
                            .family = (reg_family)f,
                            .se = SE_CLASSICAL};
            error_buf err;
            err_clear(&err);
            size_t dep = 99;
            assert_null(reg_fit(&in, &err, &dep));
            assert_int_equal(err.st, ST_EDATA);
        }
}

/* ---- negative binomial -------------------------------------------------- */

static void test_negbin_underdispersed_falls_back(void **state)
{
    (void)state;
    /* y alternating 2 and 3: mean 2.5, variance 0.25·10/9 < mean, so the
     * profile likelihood of θ rises to θ = ∞ (Poisson). */
    const double y[10] = {2, 3, 2, 3, 2, 3, 2, 3, 2, 3};
    reg_result *nb = fit_counts(10, y, NULL, FAMILY_NEGBIN);
    reg_result *po = fit_counts(10, y, NULL, FAMILY_POISSON);
    assert_int_equal(nb->poisson_fallback, 1);
    assert_nan(nb->theta);
    assert_nan(nb->theta_se);
    assert_close(nb->beta[0], log(2.5), 1e-10);
    /* IRLS stops on the deviance's change, so the weights behind the SE
     * lag the last step; the fallback must still match the Poisson fit */
    assert_close(nb->se[0], po->se[0], 1e-12);
    assert_close(nb->se[0], 1 / sqrt(25.0), 1e-7);
    assert_close(nb->log_lik, po->log_lik, 1e-10);
    assert_close(nb->deviance, po->deviance, 1e-9);
    /* the fallback is a Poisson fit: one parameter in the AIC */
    assert_close(nb->aic, po->aic, 1e-10);
    reg_result_free(nb);
    reg_result_free(po);
}

static void test_negbin_overdispersed(void **state)
{
    (void)state;
    /* mean 3.5, variance ≈ 18.7: θ is finite. */
    const double y[10] = {0, 1, 0, 7, 2, 0, 12, 1, 3, 9};
    reg_result *nb = fit_counts(10, y, NULL, FAMILY_NEGBIN);
    reg_result *po = fit_counts(10, y, NULL, FAMILY_POISSON);
    assert_int_equal(nb->poisson_fallback, 0);
    assert_true(isfinite(nb->theta) && nb->theta > 0);
    assert_true(isfinite(nb->theta_se) && nb->theta_se > 0);
    assert_true(nb->log_lik > po->log_lik);
    assert_close(nb->beta[0], log(3.5), 1e-9);
    assert_close(po->beta[0], log(3.5), 1e-10);
    /* θ zeroes the profile score at μ = ȳ:
     * Σ ψ(θ + y) − ψ(θ) + log θ + 1 − log(θ + μ) − (y + θ)/(μ + θ) */
    double t = nb->theta, mu = 3.5, score = 0;
    for (size_t i = 0; i < 10; i++)
        score += gsl_sf_psi(t + y[i]) - gsl_sf_psi(t) + log(t) + 1 -
                 log(t + mu) - (y[i] + t) / (mu + t);
    assert_true(fabs(score) < 1e-8);
    /* two parameters, β0 and θ */
    assert_close(nb->aic, -2 * nb->log_lik + 4, 1e-12);
    reg_result_free(nb);
    reg_result_free(po);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ols_closed_form),
        cmocka_unit_test(test_ols_hc0_hc1),
        cmocka_unit_test(test_ols_cluster_singletons),
        cmocka_unit_test(test_rank_deficient),
        cmocka_unit_test(test_poisson_intercept),
        cmocka_unit_test(test_poisson_offset),
        cmocka_unit_test(test_bad_counts),
        cmocka_unit_test(test_negbin_underdispersed_falls_back),
        cmocka_unit_test(test_negbin_overdispersed),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* End OpenMP's worker threads, so that valgrind does not count their
     * thread-local storage as possibly lost. */
    omp_pause_resource_all(omp_pause_hard);
    return failed;
}
