/*
 * moran.h — Moran's I for spatial autocorrelation (METHODS §9), as
 * spdep::moran.test and spdep::moran.mc compute it with row-standardised
 * weights (nb2listw(style = "W")): I, its expectation, its variance under
 * normality and under randomisation (Cliff & Ord 1981), z and the
 * one-sided ("greater") p-value, and a permutation p-value.
 *
 * Neighbours come as CSR arrays: area i's neighbours are
 * nbr[start[i] .. start[i + 1]), each row sorted ascending, without
 * duplicates or i itself (moran_neighbours builds these from an edge
 * list). Area i's weight on neighbour j is 1/(number of i's neighbours).
 *
 * Islands (areas without neighbours) are handled as spdep does with
 * zero.policy = TRUE and adjust.n = TRUE: they stay in the mean and in
 * Σz² (and in the kurtosis over all areas), their lag is 0, n in I, E[I]
 * and the variances counts only areas with neighbours, and permutations
 * shuffle every area's value, islands' included.
 */
#ifndef ECOMETER_MORAN_H
#define ECOMETER_MORAN_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef struct {
    size_t n;            /* areas */
    const double *x;     /* n finite values */
    const size_t *start; /* n + 1 offsets into nbr; start[0] = 0 */
    const int32_t *nbr;  /* neighbours, 0..n−1 */
    size_t permutations; /* 0: no permutation test */
    uint64_t seed;       /* permutation b shuffles with the stream
                            rng_stream(seed, RNG_TAG(RNG_TAG_PERMUTATIONS,
                            b)), b = 0..permutations−1 */
} moran_input;

typedef struct {
    size_t n;           /* areas */
    size_t n_linked;    /* areas with neighbours: spdep's n */
    size_t islands;     /* areas without */
    double s0, s1, s2;  /* spdep's weight constants */
    double kurtosis;    /* n Σz⁴ / (Σz²)² over all areas */
    double I, expected; /* E[I] = −1/(n_linked − 1) */
    double variance_normal, variance_random;
    double z_normal, z_random; /* (I − E[I]) / √variance */
    double p_normal, p_random; /* P(Z ≥ z): alternative = "greater" */
    size_t permutations;
    size_t permuted_ge;   /* permutations whose I is ≥ the observed I (ties
                             within rounding, 1e-12 Σz², count: a symmetry
                             of the graph can reproduce the observed I) */
    double p_permutation; /* (permuted_ge + 1)/(permutations + 1); NaN
                             without permutations */
} moran_result;

/* Computes the test. The permutations run in parallel (OpenMP), each on
 * its own stream, so results are the same for any number of threads.
 * Returns 0, or −1 with err set: a non-finite value, a neighbour index
 * out of range or equal to its area, fewer than 4 areas with neighbours,
 * a constant variable, or memory. */
int moran_test(const moran_input *in, moran_result *out, error_buf *err);

/* Builds the CSR arrays from nedges directed edges from[e] → to[e]
 * (area indices 0..n−1, none equal to itself): each area's row lists
 * the `to` of its edges, sorted, duplicates dropped. *start (n + 1) and
 * *nbr are new arrays for the caller to free; *duplicates counts the
 * edges dropped as repeats, *asymmetric the edges i → j without j → i.
 * Returns 0, or −1 with err set (an index out of range, a self-edge,
 * memory). */
int moran_neighbours(size_t n, size_t nedges, const int32_t *from,
                     const int32_t *to, size_t **start, int32_t **nbr,
                     size_t *duplicates, size_t *asymmetric, error_buf *err);

#endif
