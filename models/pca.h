/*
 * pca.h — the composite index of METHODS §10: the first principal
 * component of standardised variables (as prcomp(scale. = TRUE)), signed
 * so that the first listed variable loads positively, and the index as
 * the component score divided by its SD (mean 0, SD 1).
 */
#ifndef ECOMETER_PCA_H
#define ECOMETER_PCA_H

#include <stddef.h>

#include "../base/error.h"

typedef struct {
    size_t n, k;              /* rows, variables */
    const double *const *col; /* k columns of n values, NaN = missing */
} pca_input;

typedef struct {
    size_t k, used;     /* variables; rows without a missing value */
    double *loading;    /* k × k: component c's loadings at [c * k + v] */
    double *eigenvalue; /* k, descending: each component's variance */
    double *index;      /* n: the standardised first component, NaN for
                           rows with a missing value */
} pca_result;

/* NULL with err set when fewer than 3 complete rows remain, a variable is
 * constant, or memory runs out. */
pca_result *pca_compute(const pca_input *in, error_buf *err);
void pca_result_free(pca_result *r);

#endif
