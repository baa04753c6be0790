/*
 * did.h — difference-in-differences with unit and time fixed effects
 * (METHODS §11): y_it = α_i + λ_t + δ D_it + e_it, D_it = treated_i ×
 * (t ≥ start). The unit effects are absorbed by demeaning within units
 * (no thousands of dummy columns); the few time effects stay as dummy
 * columns, demeaned too, so the fit is exact for unbalanced panels as
 * well (Frisch–Waugh–Lovell). δ's CR1 error is clustered by unit, and its
 * small-sample factor (n−1)/(n−k) counts the absorbed effects in k, so it
 * equals lm(y ~ D + factor(unit) + factor(time)) with
 * sandwich::vcovCL(cluster = ~unit, type = "HC1").
 */
#ifndef ECOMETER_DID_H
#define ECOMETER_DID_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef struct {
    size_t n;
    const double *y;     /* NaN = missing: the row is left out */
    const int32_t *unit; /* 0..nunits-1, or -1 */
    size_t nunits;
    const int32_t *time; /* 0..ntimes-1 in time order, or -1 */
    size_t ntimes;
    const unsigned char *treated_after; /* D_it */
} did_input;

typedef struct {
    size_t n, units, times; /* rows, units and periods used */
    double delta, se, df_residual;
    double k; /* coefficients counted, absorbed ones too */
} did_result;

/* 0, or -1 with err set. */
int did_fit(const did_input *in, did_result *out, error_buf *err);

#endif
