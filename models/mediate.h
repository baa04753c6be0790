/*
 * mediate.h — mediation (METHODS §11, Preacher & Hayes 2008): a (x → m),
 * b (m → y given x), the indirect effect a·b, the direct effect c′, the
 * total c (y on x), the Sobel SE √(a²SE_b² + b²SE_a²) and z (as
 * multilevel::sobel), and a percentile bootstrap interval for a·b from B
 * resamples of rows. Replicate r draws from its own stream seeded from
 * (seed, r) (rng.h), so the interval is the same for any number of
 * threads. Covariates, when given, enter every regression.
 */
#ifndef ECOMETER_MEDIATE_H
#define ECOMETER_MEDIATE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef struct {
    size_t n;
    const double *x, *m, *y; /* NaN = missing: the row is left out */
    size_t ncov;
    const double *const *cov;
    size_t bootstrap; /* replicates; 0 for none */
    uint64_t seed;
} med_input;

typedef struct {
    size_t n; /* rows used */
    double a, a_se, b, b_se, indirect, sobel_se, sobel_z;
    double direct, total, proportion_mediated;
    double ci_low, ci_high; /* NaN without a bootstrap */
} med_result;

/* 0, or -1 with err set (too few rows, a singular design, memory). */
int mediate(const med_input *in, med_result *out, error_buf *err);

#endif
