/*
 * ecometric.h — the three-level measurement model of METHODS §4
 * (Raudenbush & Sampson 1999): answers within respondents within areas,
 *     Y_ijk = π_jk + Σ_i α_i D_ijk + e_ijk,
 *     π_jk  = η_k + Σ_q γ_q (X_qjk − X̄_q) + r_jk,   η_k = γ_00 + u_k,
 * fitted by REML as lmer(response ~ item + covariates + (1|respondent) +
 * (1|area)) on the long data, without ever building the long data: each
 * respondent's answers are folded into sufficient statistics directly.
 *
 * Area scores are on the items' response scale: the mean over items of
 * the fixed part at the covariates' means, plus the area's conditional
 * mode; their SE is the conditional SD, their reliability
 * λ_k = τ_β / (τ_β + (τ_π + σ²/n̄_k)/J_k).
 */
#ifndef ECOMETER_ECOMETRIC_H
#define ECOMETER_ECOMETRIC_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"
#include "lmm.h"

typedef struct {
    size_t n;                  /* respondents */
    size_t p;                  /* items */
    const double *const *item; /* p columns of n answers, NaN = missing */
    const int *reversed;       /* p flags */
    double low, high;          /* the response range */
    const int32_t *area;       /* n area indices, -1 = not in the model */
    size_t nareas;
    size_t ncov;              /* respondent covariates (`adjust`) */
    const double *const *cov; /* ncov columns of n values, NaN = missing */
} ecometric_input;

typedef struct {
    lmm_result *fit; /* fixed effects: intercept, items 2..p,
                        covariates (centred); owned */
    size_t n_answers, n_respondents;
    size_t dropped;          /* respondents left out: no answer, no area or
                                a missing covariate */
    unsigned char *in_model; /* per respondent: in the model */
    double *cov_mean;        /* ncov grand means used for centring */
    double tau_area, tau_person, sigma2;
    double base; /* mean over items of the fixed part */
    size_t nareas;
    size_t *area_respondents;         /* J_k */
    double *area_items;               /* n̄_k: mean answers per respondent */
    double *score, *se, *reliability; /* per area; NaN without respondents */
} ecometric_result;

/* Fits the model. NULL with err set when it cannot be fitted. */
ecometric_result *ecometric_fit(const ecometric_input *in, error_buf *err);

void ecometric_result_free(ecometric_result *r);

#endif
