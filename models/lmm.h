/*
 * lmm.h — linear mixed models for Gaussian responses (METHODS §3):
 * random intercepts for one grouping factor or for two nested ones, or
 * one factor with a correlated random slope, fitted by REML (default) or
 * ML by minimising the profiled deviance over the relative covariance
 * parameters θ, as lme4 does (Bates et al. 2015).
 *
 * The data enter once, as sufficient statistics per group (and, for
 * nested factors, per outer group and number of rows of the inner
 * group); each deviance evaluation then costs O(groups · p²), never
 * O(N), and no N×N matrix exists. Sums over groups run in fixed chunks
 * combined in order, so results do not depend on the number of threads.
 */
#ifndef ECOMETER_LMM_H
#define ECOMETER_LMM_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef struct {
    size_t n, p;
    const double *X;      /* n × p, row-major */
    const double *y;      /* n */
    const double *offset; /* n, or NULL */
    size_t nfactors;      /* 1, or 2 for nested random intercepts */
    /* factor 0, and factor 1 when nested: its groups contain factor 0's
     * groups (each inner group lies in one outer group). Indices per row. */
    const int32_t *group[2];
    size_t ngroups[2];
    int intercept;       /* factor 0 has a random intercept */
    const double *slope; /* factor 0's random slope values, or NULL */
    int reml;
} lmm_input;

typedef struct {
    size_t p;
    double *beta, *se; /* p each */
    double sigma2;
    double tau00[2];     /* intercept variance per factor (NaN if none) */
    double tau11, rho01; /* slope variance and correlation (NaN if none) */
    double loglik, aic, bic;
    double criterion; /* the REML criterion, or the ML deviance */
    int singular, converged;
    size_t iterations; /* deviance evaluations */
    size_t nfactors;
    size_t ngroups[2];
    size_t q;              /* terms of factor 0: intercept and/or slope */
    size_t *count[2];      /* rows per group */
    double *mode[2][2];    /* [factor][term] per group: conditional mode */
    double *cond_sd[2][2]; /* [factor][term] per group: conditional SD */
    double *a_stat;        /* nested: per outer group Σ n_j/(1 + n_j θ²) */
} lmm_result;

/* Fits the model. NULL with err set when the design is unusable (too few
 * rows or groups, rank-deficient X, factors not nested) or memory runs
 * out. in is borrowed for the call. */
lmm_result *lmm_fit(const lmm_input *in, error_buf *err);

/* Nested random intercepts from sufficient statistics alone, for callers
 * that can form them without building X (the ecometric model: ten
 * million answers never become rows). Inner groups with no rows must not
 * be listed. Borrowed for the call. */
typedef struct {
    size_t n, p;             /* rows, fixed-effect columns */
    const double *XtX, *Xty; /* p×p and p, over all rows */
    double yty;
    size_t ninner, nouter;
    const double *inner_n;      /* rows per inner group */
    const double *inner_sX;     /* ninner × p: the column sums of X */
    const double *inner_sy;     /* the sums of y */
    const int32_t *inner_outer; /* the outer group of each inner group */
    int reml;
} lmm_nested_stats;

lmm_result *lmm_fit_nested(const lmm_nested_stats *in, error_buf *err);

void lmm_result_free(lmm_result *r);

#endif
