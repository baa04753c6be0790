/*
 * moran.c — Moran's I with analytic and permutation inference (see
 * moran.h; METHODS §9). The formulas follow spdep 1.2's moran.test and
 * spweights.constants line by line. A permutation shuffles the centred
 * values (a per-thread copy, Fisher–Yates on the permutation's own
 * stream); the mean and Σz² do not change under permutation, so only the
 * cross-product Σ_i z_i Σ_j w_ij z_j is recomputed and compared with the
 * observed one, computed by the same code, counting ties within rounding.
 */
#include "moran.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* Σ_i z_i · (1/d_i) Σ_{j ∈ N(i)} z_j, in area order. */
static double cross_product(size_t n, const double *z, const size_t *start,
                            const int32_t *nbr, const double *inv_deg)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double lag = 0;
        for (size_t e = start[i]; e < start[i + 1]; e++)
            lag += z[nbr[e]];
        sum += z[i] * (lag * inv_deg[i]);
    }
    return sum;
}

/* Whether j lists i (rows sorted ascending). */
static int lists(const size_t *start, const int32_t *nbr, int32_t j, int32_t i)
{
    size_t lo = start[j], hi = start[j + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nbr[mid] == i)
            return 1;
        if (nbr[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Checks the CSR arrays; 0 or −1 with err set. */
static int check_neighbours(const moran_input *in, error_buf *err)
{
    if (in->start[0] != 0) {
        err_set(err, ST_EDATA, NULL, 0, 0, "neighbours: start[0] is not 0");
        return -1;
    }
    for (size_t i = 0; i < in->n; i++) {
        if (in->start[i + 1] < in->start[i]) {
            err_set(err, ST_EDATA, NULL, 0, 0,
                    "neighbours: offsets of area %zu decrease", i + 1);
            return -1;
        }
        for (size_t e = in->start[i]; e < in->start[i + 1]; e++) {
            int32_t j = in->nbr[e];
            if (j < 0 || (size_t)j >= in->n || (size_t)j == i ||
                (e > in->start[i] && in->nbr[e - 1] >= j)) {
                err_set(err, ST_EDATA, NULL, 0, 0,
                        "neighbours: area %zu's row must list other areas "
                        "0..%zu in ascending order without repeats",
                        i + 1, in->n - 1);
                return -1;
            }
        }
    }
    return 0;
}

/* spdep's spweights.constants for style "W". */
static void constants(const moran_input *in, const double *inv_deg,
                      double *col_sum, moran_result *out)
{
    double s0 = 0, s1 = 0, s2 = 0;
    size_t n = in->n;
    for (size_t i = 0; i < n; i++)
        col_sum[i] = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t e = in->start[i]; e < in->start[i + 1]; e++) {
            int32_t j = in->nbr[e];
            double wij = inv_deg[i];
            double wji =
                lists(in->start, in->nbr, j, (int32_t)i) ? inv_deg[j] : 0;
            s0 += wij;
            s1 += wij * wij + wij * wji;
            col_sum[j] += wij;
        }
    for (size_t i = 0; i < n; i++) {
        double row = in->start[i + 1] > in->start[i] ? 1 : 0;
        double t = row + col_sum[i];
        s2 += t * t;
    }
    out->s0 = s0;
    out->s1 = s1;
    out->s2 = s2;
}

/* The analytic moments, z and p (spdep's moran.test). */
static void moments(moran_result *out)
{
    double n = (double)out->n_linked, nn = n * n;
    double n1 = n - 1, n2 = n - 2, n3 = n - 3;
    double S02 = out->s0 * out->s0, S1 = out->s1, S2 = out->s2;
    double EI = -1 / n1, K = out->kurtosis;
    out->expected = EI;
    out->variance_normal =
        (nn * S1 - n * S2 + 3 * S02) / (S02 * (nn - 1)) - EI * EI;
    double VI = n * (S1 * (nn - 3 * n + 3) - n * S2 + 3 * S02);
    double tmp = K * (S1 * (nn - n) - 2 * n * S2 + 6 * S02);
    out->variance_random = (VI - tmp) / (n1 * n2 * n3 * S02) - EI * EI;
    out->z_normal = (out->I - EI) / sqrt(out->variance_normal);
    out->z_random = (out->I - EI) / sqrt(out->variance_random);
    out->p_normal = gsl_cdf_ugaussian_Q(out->z_normal);
    out->p_random = gsl_cdf_ugaussian_Q(out->z_random);
}

/* A uniform integer in [0, range) from the generator's 32-bit outputs
 * (MT19937 gives all of 0..2^32 − 1), by Lemire's multiply-and-shift
 * with rejection (ACM TOMACS 29(1), 2019): unbiased, and without the
 * division per call of gsl_rng_uniform_int. */
static uint32_t bounded(gsl_rng *g, uint32_t range)
{
    uint64_t m = (uint64_t)gsl_rng_get(g) * range;
    uint32_t low = (uint32_t)m;
    if (low < range) {
        uint32_t floor = (uint32_t)(-range) % range;
        while (low < floor) {
            m = (uint64_t)gsl_rng_get(g) * range;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* One thread's shuffled copy and generator. */
typedef struct {
    double *z;
    gsl_rng *g;
} perm_ws;

/* Counts the permutations whose cross-product is ≥ observed − fuzz. */
static int permute(const moran_input *in, const double *z,
                   const double *inv_deg, double observed, double fuzz,
                   size_t *count, error_buf *err)
{
    int nthreads = omp_get_max_threads();
    size_t n = in->n, B = in->permutations, ge = 0;
    perm_ws *ws = calloc((size_t)nthreads, sizeof *ws);
    int rc = -1;
    if (ws == NULL)
        goto done;
    for (int t = 0; t < nthreads; t++)
        if ((ws[t].z = malloc((n ? n : 1) * sizeof *ws[t].z)) == NULL ||
            (ws[t].g = gsl_rng_alloc(gsl_rng_mt19937)) == NULL)
            goto done;
    uint64_t seed = in->seed;
    const size_t *start = in->start;
    const int32_t *nbr = in->nbr;
#pragma omp parallel num_threads(nthreads) default(none)                       \
    shared(n, B, seed, z, start, nbr, inv_deg, observed, fuzz, ws)           \
    reduction(+ : ge)
    {
        double *zp = ws[omp_get_thread_num()].z;
        gsl_rng *g = ws[omp_get_thread_num()].g;
#pragma omp for schedule(dynamic, 8)
        for (size_t b = 0; b < B; b++) {
            if (zp == NULL || g == NULL)
                continue; /* not reached: allocated above */
            gsl_rng_set(
                g, rng_stream_seed(seed, RNG_TAG(RNG_TAG_PERMUTATIONS, b)));
            memcpy(zp, z, n * sizeof *zp);
            for (size_t i = n - 1; i > 0; i--) {
                size_t j = bounded(g, (uint32_t)(i + 1));
                double t = zp[i];
                zp[i] = zp[j];
                zp[j] = t;
            }
            ge += cross_product(n, zp, start, nbr, inv_deg) >= observed - fuzz;
        }
    }
    *count = ge;
    rc = 0;
done:
    for (int t = 0; ws != NULL && t < nthreads; t++) {
        free(ws[t].z);
        gsl_rng_free(ws[t].g);
    }
    free(ws);
    if (rc != 0)
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    return rc;
}

int moran_test(const moran_input *in, moran_result *out, error_buf *err)
{
    size_t n = in->n;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->p_permutation = (double)NAN;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(in->x[i])) {
            err_set(err, ST_EDATA, NULL, 0, 0,
                    "area %zu: expected a finite value", i + 1);
            return -1;
        }
    if (check_neighbours(in, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        out->n_linked += in->start[i + 1] > in->start[i];
    out->islands = n - out->n_linked;
    if (n > UINT32_MAX) {
        err_set(err, ST_EDATA, NULL, 0, 0, "too many areas");
        return -1;
    }
    if (out->n_linked < 4) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "Moran's I needs at least 4 areas with neighbours, found %zu",
                out->n_linked);
        return -1;
    }
    double *z = malloc((n ? n : 1) * sizeof *z);
    double *inv_deg = malloc((n ? n : 1) * sizeof *inv_deg);
    double *col_sum = malloc((n ? n : 1) * sizeof *col_sum);
    int rc = -1;
    if (z == NULL || inv_deg == NULL || col_sum == NULL) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    double mean = 0, zz = 0, z4 = 0;
    for (size_t i = 0; i < n; i++)
        mean += in->x[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        z[i] = in->x[i] - mean;
        zz += z[i] * z[i];
        z4 += z[i] * z[i] * z[i] * z[i];
        size_t d = in->start[i + 1] - in->start[i];
        inv_deg[i] = d > 0 ? 1 / (double)d : 0;
    }
    if (!(zz > 0)) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "the variable is constant: Moran's I is undefined");
        goto done;
    }
    out->kurtosis = (double)n * z4 / (zz * zz);
    constants(in, inv_deg, col_sum, out);
    double cp = cross_product(n, z, in->start, in->nbr, inv_deg);
    out->I = ((double)out->n_linked / out->s0) * (cp / zz);
    moments(out);
    out->permutations = in->permutations;
    if (in->permutations > 0) {
        /* A permutation that maps the values by a symmetry of the graph
         * ties with the observed I in exact arithmetic but may sum in
         * another order: ties within 1e-12 Σz² count as ≥. */
        if (permute(in, z, inv_deg, cp, 1e-12 * zz, &out->permuted_ge, err) !=
            0)
            goto done;
        out->p_permutation =
            (double)(out->permuted_ge + 1) / (double)(in->permutations + 1);
    }
    rc = 0;
done:
    free(z);
    free(inv_deg);
    free(col_sum);
    return rc;
}

static int by_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int moran_neighbours(size_t n, size_t nedges, const int32_t *from,
                     const int32_t *to, size_t **start, int32_t **nbr,
                     size_t *duplicates, size_t *asymmetric, error_buf *err)
{
    size_t *s = calloc(n + 1, sizeof *s);
    int32_t *v = malloc((nedges ? nedges : 1) * sizeof *v);
    *start = NULL;
    *nbr = NULL;
    *duplicates = *asymmetric = 0;
    if (s == NULL || v == NULL) {
        free(s);
        free(v);
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    for (size_t e = 0; e < nedges; e++) {
        if (from[e] < 0 || to[e] < 0 || (size_t)from[e] >= n ||
            (size_t)to[e] >= n || from[e] == to[e]) {
            free(s);
            free(v);
            err_set(err, ST_EDATA, NULL, 0, 0,
                    "edge %zu: expected two different areas 1..%zu", e + 1, n);
            return -1;
        }
        s[from[e] + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        s[i + 1] += s[i];
    /* fill by counting sort, using s[i] as the cursor, then shift back */
    for (size_t e = 0; e < nedges; e++)
        v[s[from[e]]++] = to[e];
    for (size_t i = n; i > 0; i--)
        s[i] = s[i - 1];
    s[0] = 0;
    /* sort each row, drop repeats, compact */
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        size_t lo = s[i], hi = s[i + 1];
        qsort(v + lo, hi - lo, sizeof *v, by_int32);
        s[i] = out;
        for (size_t e = lo; e < hi; e++) {
            if (e > lo && v[e] == v[e - 1]) {
                (*duplicates)++;
                continue;
            }
            v[out++] = v[e];
        }
    }
    s[n] = out;
    for (size_t i = 0; i < n; i++)
        for (size_t e = s[i]; e < s[i + 1]; e++)
            *asymmetric += !lists(s, v, v[e], (int32_t)i);
    *start = s;
    *nbr = v;
    return 0;
}
