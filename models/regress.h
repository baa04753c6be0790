/*
 * regress.h — fixed-effects regressions (METHODS §5–6): ordinary least
 * squares by QR with classical, HC0, HC1, HC3 or cluster-robust (CR1)
 * covariances, and Poisson and negative binomial (NB2) GLMs with a log
 * link by iteratively reweighted least squares, θ by maximum likelihood
 * as MASS::glm.nb finds it, offsets, and the same robust covariances.
 */
#ifndef ECOMETER_REGRESS_H
#define ECOMETER_REGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef enum { FAMILY_GAUSSIAN, FAMILY_POISSON, FAMILY_NEGBIN } reg_family;
typedef enum { SE_CLASSICAL, SE_HC0, SE_HC1, SE_HC3, SE_CLUSTER } reg_se;

typedef struct {
    size_t n, p;
    const double *X; /* n × p, row-major */
    const double *y;
    const double *offset; /* or NULL */
    int intercept;        /* X's first column is the intercept */
    reg_family family;
    reg_se se;
    const int32_t *cluster; /* SE_CLUSTER: each row's cluster */
    size_t nclusters;
} reg_input;

typedef struct {
    size_t p;
    double *beta, *se;
    double *vcov; /* p × p, row-major: the covariance the SEs come from */
    int t_dist;   /* p-values and intervals from t(df_residual) */
    double df_residual;
    double r_squared, adj_r_squared, f_statistic, sigma; /* OLS; else NaN */
    double log_lik, aic, bic;
    double deviance, null_deviance; /* GLMs; else NaN */
    double theta, theta_se;         /* NB2; else NaN */
    int converged;
    size_t iterations;
    int poisson_fallback; /* NB2's θ ran off to infinity: a Poisson fit */
} reg_result;

/* Fits the model. NULL with err set when X is rank-deficient (the
 * message names the first dependent column by index, which the caller
 * turns into a name: see reg_dependent_column), when counts are negative
 * or not whole, or when memory runs out. */
reg_result *reg_fit(const reg_input *in, error_buf *err,
                    size_t *dependent_column);
void reg_result_free(reg_result *r);

#endif
