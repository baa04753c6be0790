/*
 * lmm.c — the profiled-deviance mixed-model fitter (see lmm.h).
 *
 * Notation as in Bates et al. (2015): b = Λu, u ~ N(0, σ²I); V* = V/σ² =
 * I + ZΛΛ'Z'. For one factor with q terms per group, group g contributes
 * M_g = Λ'Z_g'Z_gΛ + I, and by Woodbury
 *     X'V*⁻¹X = X'X − Σ_g (Λ'Z_g'X_g)' M_g⁻¹ (Λ'Z_g'X_g),  log|V*| = Σ_g
 * log|M_g|. For nested intercepts (inner j within outer k, θ_i and θ_o), with
 * c_j = θ_i²/(1 + n_jθ_i²), a_k = Σ_j n_j/(1 + n_jθ_i²),
 * d_k = θ_o²/(1 + θ_o² a_k) and the column sums s_j = X_j'1:
 *     X'V*⁻¹X = X'X − Σ_j c_j s_j s_j' − Σ_k d_k b_k b_k',
 *     b_k = Σ_j s_j/(1 + n_jθ_i²),
 *     log|V*| = Σ_j log(1 + n_jθ_i²) + Σ_k log(1 + θ_o² a_k);
 * the first sum is grouped by n_j and the second's b_k by (k, n_j), so an
 * evaluation never touches the rows. Then β̂ = (X'V*⁻¹X)⁻¹X'V*⁻¹y, and
 *     ML:   dev = log|V*| + N (1 + log(2π r²/N)),
 *     REML: dev = log|V*| + log|X'V*⁻¹X| + (N−p)(1 + log(2π r²/(N−p))),
 * r² = y'V*⁻¹y − β̂'X'V*⁻¹y, minimised over θ by Nelder–Mead (GSL) and
 * polished by Newton steps on finite differences.
 */
#include "lmm.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 64, MAX_THETA = 3 };

typedef struct {
    size_t n, p, q, G;
    int nested, reml;
    double *XtX, *Xty, yty;
    /* one factor */
    double *ZtZ, *ZtX, *Zty; /* per group: q×q, q×p, q */
    size_t *count;           /* rows per group */
    /* nested */
    size_t nsizes;                   /* distinct inner-group sizes */
    double *size_n, *size_m;         /* each size and how many inner groups */
    double *SXX, *SXy, *Syy;         /* per size: Σ s s', Σ s sy, Σ sy² */
    size_t K;                        /* outer groups */
    size_t *first;                   /* K + 1 offsets into the entries */
    double *e_n, *e_m, *e_SX, *e_Sy; /* per (outer, size) entry */
    size_t nentries;
} stats;

typedef struct {
    double dev, sigma2, logdet, logdetA, rss;
    double *A, *r, *beta; /* p×p (Cholesky after), p, p */
    int ok;
} evaluation;

static void stats_free(stats *s)
{
    free(s->XtX);
    free(s->Xty);
    free(s->ZtZ);
    free(s->ZtX);
    free(s->Zty);
    free(s->count);
    free(s->size_n);
    free(s->size_m);
    free(s->SXX);
    free(s->SXy);
    free(s->Syy);
    free(s->first);
    free(s->e_n);
    free(s->e_m);
    free(s->e_SX);
    free(s->e_Sy);
}

static double response(const lmm_input *in, size_t i)
{
    return in->offset ? in->y[i] - in->offset[i] : in->y[i];
}

/* The q random-effect regressors of row i: 1 and/or the slope. */
static size_t z_row(const lmm_input *in, size_t i, double z[2])
{
    size_t k = 0;
    if (in->intercept)
        z[k++] = 1;
    if (in->slope)
        z[k++] = in->slope[i];
    return k;
}

static int gather_totals(const lmm_input *in, stats *s)
{
    size_t p = in->p;
    s->XtX = calloc(p * p, sizeof *s->XtX);
    s->Xty = calloc(p, sizeof *s->Xty);
    if (!s->XtX || !s->Xty)
        return -1;
    for (size_t i = 0; i < in->n; i++) {
        const double *x = in->X + i * p;
        double y = response(in, i);
        for (size_t a = 0; a < p; a++) {
            s->Xty[a] += x[a] * y;
            for (size_t b = 0; b <= a; b++)
                s->XtX[a * p + b] += x[a] * x[b];
        }
        s->yty += y * y;
    }
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < a; b++)
            s->XtX[b * p + a] = s->XtX[a * p + b];
    return 0;
}

static int gather_single(const lmm_input *in, stats *s)
{
    size_t p = in->p, q = s->q, G = s->G;
    s->ZtZ = calloc(G * q * q, sizeof *s->ZtZ);
    s->ZtX = calloc(G * q * p, sizeof *s->ZtX);
    s->Zty = calloc(G * q, sizeof *s->Zty);
    s->count = calloc(G ? G : 1, sizeof *s->count);
    if (!s->ZtZ || !s->ZtX || !s->Zty || !s->count)
        return -1;
    for (size_t i = 0; i < in->n; i++) {
        size_t g = (size_t)in->group[0][i];
        s->count[g]++;
        double z[2], y = response(in, i);
        z_row(in, i, z);
        const double *x = in->X + i * p;
        for (size_t a = 0; a < q; a++) {
            s->Zty[g * q + a] += z[a] * y;
            for (size_t b = 0; b < q; b++)
                s->ZtZ[g * q * q + a * q + b] += z[a] * z[b];
            for (size_t c = 0; c < p; c++)
                s->ZtX[g * q * p + a * p + c] += z[a] * x[c];
        }
    }
    return 0;
}

typedef struct {
    size_t outer, n, j;
} inner_key;

static int by_outer_size(const void *a, const void *b)
{
    const inner_key *x = a, *y = b;
    if (x->outer != y->outer)
        return x->outer < y->outer ? -1 : 1;
    if (x->n != y->n)
        return x->n < y->n ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Leaves the distinct values of sizes[0, J) in increasing order at its
 * start and returns how many. Sizes are counts of rows, so they are
 * usually small whole numbers: those are marked rather than sorted. */
static size_t distinct_sizes(double *sizes, size_t J)
{
    enum { SMALL = 4096 };
    unsigned char seen[SMALL] = {0};
    int small = 1;
    for (size_t j = 0; j < J && small; j++) {
        double v = sizes[j];
        small = v >= 0 && v < SMALL && v == floor(v);
        if (small)
            seen[(size_t)v] = 1;
    }
    size_t ns = 0;
    if (small) {
        for (size_t v = 0; v < SMALL; v++)
            if (seen[v])
                sizes[ns++] = (double)v;
        return ns;
    }
    qsort(sizes, J, sizeof *sizes, by_value);
    for (size_t j = 0; j < J; j++)
        if (ns == 0 || sizes[j] != sizes[ns - 1])
            sizes[ns++] = sizes[j];
    return ns;
}

/* Sorts the keys (made in order of j) by (outer, n, j): counted into
 * their outer groups, which keeps the order of j, then each group's few
 * keys put in order of size. Returns 0, or -1 when out of memory. */
static int sort_by_outer(inner_key *keys, size_t J, size_t K)
{
    size_t *start = calloc(K + 2, sizeof *start);
    inner_key *sorted = malloc((J ? J : 1) * sizeof *sorted);
    if (start == NULL || sorted == NULL) {
        free(start);
        free(sorted);
        return -1;
    }
    for (size_t j = 0; j < J; j++)
        start[keys[j].outer + 2]++;
    for (size_t k = 0; k < K; k++)
        start[k + 2] += start[k + 1];
    for (size_t j = 0; j < J; j++) /* start[k + 1]: next place of group k */
        sorted[start[keys[j].outer + 1]++] = keys[j];
    for (size_t k = 0; k < K; k++) {
        inner_key *g = sorted + start[k];
        size_t m = start[k + 1] - start[k];
        if (m > 32) {
            qsort(g, m, sizeof *g, by_outer_size);
            continue;
        }
        for (size_t a = 1; a < m; a++) { /* stable: equal sizes keep j order */
            inner_key x = g[a];
            size_t b = a;
            while (b > 0 && g[b - 1].n > x.n) {
                g[b] = g[b - 1];
                b--;
            }
            g[b] = x;
        }
    }
    memcpy(keys, sorted, J * sizeof *keys);
    free(start);
    free(sorted);
    return 0;
}

/* The nested statistics aggregated by inner-group size and by (outer
 * group, size): the structure every deviance evaluation walks. */
static int aggregate_nested(const lmm_nested_stats *in, stats *s)
{
    size_t p = in->p, J = in->ninner, K = in->nouter;
    int rc = -1;
    inner_key *keys = malloc((J ? J : 1) * sizeof *keys);
    double *sizes = malloc((J ? J : 1) * sizeof *sizes);
    if (!keys || !sizes) {
        free(sizes);
        goto done;
    }
    for (size_t j = 0; j < J; j++)
        sizes[j] = in->inner_n[j];
    size_t ns = distinct_sizes(sizes, J);
    s->nsizes = ns;
    s->size_n = sizes;
    s->size_m = calloc(ns ? ns : 1, sizeof *s->size_m);
    s->SXX = calloc(ns * p * p > 0 ? ns * p * p : 1, sizeof *s->SXX);
    s->SXy = calloc(ns * p > 0 ? ns * p : 1, sizeof *s->SXy);
    s->Syy = calloc(ns ? ns : 1, sizeof *s->Syy);
    if (!s->size_m || !s->SXX || !s->SXy || !s->Syy)
        goto done;
    for (size_t j = 0; j < J; j++) {
        double n = in->inner_n[j], sy = in->inner_sy[j];
        const double *sx = in->inner_sX + j * p;
        size_t lo = 0, hi = ns; /* the size's index */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (sizes[mid] <= n)
                lo = mid;
            else
                hi = mid;
        }
        s->size_m[lo] += 1;
        s->Syy[lo] += sy * sy;
        for (size_t a = 0; a < p; a++) {
            s->SXy[lo * p + a] += sx[a] * sy;
            for (size_t b = 0; b < p; b++)
                s->SXX[lo * p * p + a * p + b] += sx[a] * sx[b];
        }
        keys[j] = (inner_key){(size_t)in->inner_outer[j], (size_t)n, j};
    }
    if (sort_by_outer(keys, J, K) != 0)
        goto done;
    s->K = K;
    s->first = calloc(K + 1, sizeof *s->first);
    s->e_n = malloc((J ? J : 1) * sizeof *s->e_n);
    s->e_m = malloc((J ? J : 1) * sizeof *s->e_m);
    s->e_SX = calloc(J * p > 0 ? J * p : 1, sizeof *s->e_SX);
    s->e_Sy = calloc(J ? J : 1, sizeof *s->e_Sy);
    if (!s->first || !s->e_n || !s->e_m || !s->e_SX || !s->e_Sy)
        goto done;
    size_t e = 0;
    for (size_t i = 0; i < J; i++) {
        const inner_key *key = &keys[i];
        if (i == 0 || key->outer != keys[i - 1].outer ||
            key->n != keys[i - 1].n) {
            s->e_n[e] = (double)key->n;
            s->e_m[e] = 0;
            e++;
        }
        size_t cur = e - 1;
        s->e_m[cur] += 1;
        s->e_Sy[cur] += in->inner_sy[key->j];
        for (size_t a = 0; a < p; a++)
            s->e_SX[cur * p + a] += in->inner_sX[key->j * p + a];
        s->first[key->outer + 1] = e;
    }
    for (size_t k = 1; k <= K; k++) /* outer groups without rows */
        if (s->first[k] < s->first[k - 1])
            s->first[k] = s->first[k - 1];
    s->nentries = e;
    rc = 0;
done:
    free(keys);
    return rc;
}

/* Per inner group sums from the rows (the totals come separately). */
typedef struct {
    double *n, *sX, *sy;
    int32_t *outer;
} inner_sums;

static void inner_sums_free(inner_sums *u)
{
    free(u->n);
    free(u->sX);
    free(u->sy);
    free(u->outer);
}

static int gather_inner(const lmm_input *in, inner_sums *u, error_buf *err)
{
    size_t p = in->p, J = in->ngroups[0];
    u->n = calloc(J ? J : 1, sizeof *u->n);
    u->sX = calloc(J * p > 0 ? J * p : 1, sizeof *u->sX);
    u->sy = calloc(J ? J : 1, sizeof *u->sy);
    u->outer = malloc((J ? J : 1) * sizeof *u->outer);
    if (!u->n || !u->sX || !u->sy || !u->outer)
        return -1;
    for (size_t j = 0; j < J; j++)
        u->outer[j] = -1;
    for (size_t i = 0; i < in->n; i++) {
        size_t j = (size_t)in->group[0][i];
        int32_t k = in->group[1][i];
        if (u->outer[j] >= 0 && u->outer[j] != k) {
            err_set(err, ST_EDATA, NULL, 0, 0,
                    "the grouping factors are not nested: an inner group "
                    "lies in two outer groups");
            return -2;
        }
        u->outer[j] = k;
        u->n[j] += 1;
        u->sy[j] += response(in, i);
        for (size_t a = 0; a < p; a++)
            u->sX[j * p + a] += in->X[i * p + a];
    }
    return 0;
}

/* Λ (q×q, lower triangular, row-major) from θ. */
static void lambda_of(const double *theta, size_t q, double *L)
{
    if (q == 1) {
        L[0] = theta[0];
        return;
    }
    L[0] = theta[0];
    L[1] = 0;
    L[2] = theta[1];
    L[3] = theta[2];
}

/* Adds one chunk of groups' corrections into part = [A (p×p), r (p),
 * q, logdet]. */
static void single_chunk(const stats *s, const double *L, size_t g0, size_t g1,
                         double *part)
{
    size_t p = s->p, q = s->q;
    double *A = part, *r = part + p * p, *yy = r + p, *logdet = yy + 1;
    for (size_t g = g0; g < g1; g++) {
        const double *ZtZ = s->ZtZ + g * q * q, *ZtX = s->ZtX + g * q * p;
        const double *Zty = s->Zty + g * q;
        double M[4] = {0}, U[2 * 64], v[2] = {0};
        /* M = L'ZtZ L + I */
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++) {
                double x = a == b;
                for (size_t c = 0; c < q; c++)
                    for (size_t d = 0; d < q; d++)
                        x += L[c * q + a] * ZtZ[c * q + d] * L[d * q + b];
                M[a * q + b] = x;
            }
        /* U = L'ZtX, v = L'Zty */
        for (size_t a = 0; a < q; a++) {
            v[a] = 0;
            for (size_t c = 0; c < q; c++)
                v[a] += L[c * q + a] * Zty[c];
            for (size_t k = 0; k < p; k++) {
                double x = 0;
                for (size_t c = 0; c < q; c++)
                    x += L[c * q + a] * ZtX[c * p + k];
                U[a * p + k] = x;
            }
        }
        /* Cholesky of M (q ≤ 2) and forward solves R W = U, R w = v */
        double R00 = sqrt(M[0]), R10 = 0, R11 = 1;
        if (q == 2) {
            R10 = M[2] / R00;
            R11 = sqrt(M[3] - R10 * R10);
        }
        *logdet += 2 * (log(R00) + (q == 2 ? log(R11) : 0));
        for (size_t k = 0; k < p; k++) {
            U[k] /= R00;
            if (q == 2)
                U[p + k] = (U[p + k] - R10 * U[k]) / R11;
        }
        v[0] /= R00;
        if (q == 2)
            v[1] = (v[1] - R10 * v[0]) / R11;
        for (size_t a = 0; a < q; a++) {
            *yy += v[a] * v[a];
            for (size_t k = 0; k < p; k++) {
                r[k] += U[a * p + k] * v[a];
                for (size_t l = 0; l <= k; l++)
                    A[k * p + l] += U[a * p + k] * U[a * p + l];
            }
        }
    }
}

static void nested_chunk(const stats *s, const double *theta, size_t k0,
                         size_t k1, double *part)
{
    size_t p = s->p;
    double *A = part, *r = part + p * p, *yy = r + p, *logdet = yy + 1;
    double ti2 = theta[0] * theta[0], to2 = theta[1] * theta[1];
    double bX[64];
    for (size_t k = k0; k < k1; k++) {
        double a = 0, by = 0;
        memset(bX, 0, p * sizeof *bX);
        for (size_t e = s->first[k]; e < s->first[k + 1]; e++) {
            double w = 1 / (1 + s->e_n[e] * ti2);
            a += s->e_m[e] * s->e_n[e] * w;
            by += s->e_Sy[e] * w;
            for (size_t c = 0; c < p; c++)
                bX[c] += s->e_SX[e * p + c] * w;
        }
        double d = to2 / (1 + to2 * a);
        *logdet += log1p(to2 * a);
        *yy += d * by * by;
        for (size_t c = 0; c < p; c++) {
            r[c] += d * bX[c] * by;
            for (size_t l = 0; l <= c; l++)
                A[c * p + l] += d * bX[c] * bX[l];
        }
    }
}

/* The profiled deviance at θ; with o->A etc. filled for reporting. */
static void evaluate(const stats *s, const double *theta, evaluation *o)
{
    size_t p = s->p, width = p * p + p + 2;
    size_t ngroups = s->nested ? s->K : s->G;
    size_t nchunks = (ngroups + CHUNK - 1) / CHUNK;
    double *parts = calloc((nchunks ? nchunks : 1) * width, sizeof *parts);
    o->ok = 0;
    o->dev = HUGE_VAL;
    if (parts == NULL)
        return;
    double L[4];
    if (!s->nested)
        lambda_of(theta, s->q, L);
        /* small models are not worth waking threads for at every evaluation */
#pragma omp parallel for schedule(static) default(none) if (nchunks > 16)      \
    shared(s, theta, L, parts, nchunks, ngroups, width)
    for (size_t c = 0; c < nchunks; c++) {
        size_t g0 = c * CHUNK, g1 = g0 + CHUNK < ngroups ? g0 + CHUNK : ngroups;
        if (s->nested)
            nested_chunk(s, theta, g0, g1, parts + c * width);
        else
            single_chunk(s, L, g0, g1, parts + c * width);
    }
    double *A = o->A, *r = o->r, yy = s->yty, logdet = 0;
    memcpy(A, s->XtX, p * p * sizeof *A);
    memcpy(r, s->Xty, p * sizeof *r);
    if (s->nested) { /* the inner corrections, by size */
        double ti2 = theta[0] * theta[0];
        for (size_t z = 0; z < s->nsizes; z++) {
            double c = ti2 / (1 + s->size_n[z] * ti2);
            logdet += s->size_m[z] * log1p(s->size_n[z] * ti2);
            yy -= c * s->Syy[z];
            for (size_t a = 0; a < p; a++) {
                r[a] -= c * s->SXy[z * p + a];
                for (size_t b = 0; b < p; b++)
                    A[a * p + b] -= c * s->SXX[z * p * p + a * p + b];
            }
        }
    }
    for (size_t c = 0; c < nchunks; c++) { /* in chunk order */
        const double *part = parts + c * width;
        for (size_t a = 0; a < p; a++) {
            r[a] -= part[p * p + a];
            for (size_t b = 0; b <= a; b++)
                A[a * p + b] -= part[a * p + b];
        }
        yy -= part[p * p + p];
        logdet += part[p * p + p + 1];
    }
    free(parts);
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < a; b++)
            A[b * p + a] = A[a * p + b];
    gsl_matrix_view Av = gsl_matrix_view_array(A, p, p);
    gsl_vector_view rv = gsl_vector_view_array(r, p);
    gsl_vector_view bv = gsl_vector_view_array(o->beta, p);
    if (gsl_linalg_cholesky_decomp1(&Av.matrix) != 0 ||
        gsl_linalg_cholesky_solve(&Av.matrix, &rv.vector, &bv.vector) != 0)
        return;
    double logdetA = 0;
    for (size_t a = 0; a < p; a++)
        logdetA += 2 * log(A[a * p + a]);
    double rss = yy;
    for (size_t a = 0; a < p; a++)
        rss -= o->beta[a] * r[a];
    double N = (double)s->n, df = s->reml ? N - (double)p : N;
    if (!(rss > 0) || df <= 0)
        return;
    o->rss = rss;
    o->sigma2 = rss / df;
    o->logdet = logdet;
    o->logdetA = logdetA;
    o->dev =
        logdet + (s->reml ? logdetA : 0) + df * (1 + log(2 * M_PI * rss / df));
    o->ok = 1;
}

typedef struct {
    const stats *s;
    evaluation *o;
    size_t count;
} objective;

static double deviance_at(const gsl_vector *x, void *params)
{
    objective *ob = params;
    double theta[MAX_THETA];
    for (size_t i = 0; i < x->size; i++)
        theta[i] = gsl_vector_get(x, i);
    ob->count++;
    evaluate(ob->s, theta, ob->o);
    return ob->o->ok ? ob->o->dev : HUGE_VAL;
}

static double dev_theta(objective *ob, const double *theta, size_t k)
{
    gsl_vector_const_view v = gsl_vector_const_view_array(theta, k);
    return deviance_at(&v.vector, ob);
}

/* Nelder–Mead from theta, step `step`; returns 1 when the simplex shrank
 * below the tolerance. */
static int simplex(objective *ob, double *theta, size_t k, double step)
{
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k);
    if (m == NULL)
        return 0;
    gsl_vector *x = gsl_vector_alloc(k), *ss = gsl_vector_alloc(k);
    gsl_multimin_function fn = {deviance_at, k, ob};
    for (size_t i = 0; i < k; i++) {
        gsl_vector_set(x, i, theta[i]);
        gsl_vector_set(ss, i, step);
    }
    int converged = 0;
    gsl_multimin_fminimizer_set(m, &fn, x, ss);
    for (int it = 0; it < 5000; it++) {
        if (gsl_multimin_fminimizer_iterate(m) != 0)
            break;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-7) ==
            GSL_SUCCESS) {
            converged = 1;
            break;
        }
    }
    for (size_t i = 0; i < k; i++)
        theta[i] = gsl_vector_get(m->x, i);
    gsl_vector_free(x);
    gsl_vector_free(ss);
    gsl_multimin_fminimizer_free(m);
    return converged;
}

/* Newton steps on central differences: the simplex stops where the
 * deviance is flat to rounding; the gradient locates the optimum more
 * finely. Diagonal parameters at the boundary (0) are left alone. */
static void polish(objective *ob, double *theta, size_t k)
{
    const double h = 1e-4;
    double f0 = dev_theta(ob, theta, k);
    for (int it = 0; it < 6; it++) {
        double g[MAX_THETA], H[MAX_THETA * MAX_THETA], t[MAX_THETA];
        int active[MAX_THETA];
        size_t m = 0;
        for (size_t i = 0; i < k; i++) {
            int diagonal = k == 3 ? i != 1 : 1;
            active[i] = !(diagonal && fabs(theta[i]) < 1e-3);
            m += active[i];
        }
        if (m == 0)
            return;
        for (size_t i = 0; i < k; i++) {
            if (!active[i])
                continue;
            memcpy(t, theta, k * sizeof *t);
            t[i] = theta[i] + h;
            double fp = dev_theta(ob, t, k);
            t[i] = theta[i] - h;
            double fm = dev_theta(ob, t, k);
            g[i] = (fp - fm) / (2 * h);
            H[i * k + i] = (fp - 2 * f0 + fm) / (h * h);
            for (size_t j = 0; j < i; j++) {
                if (!active[j])
                    continue;
                double pp, pm, mp, mm;
                memcpy(t, theta, k * sizeof *t);
                t[i] += h, t[j] += h, pp = dev_theta(ob, t, k);
                t[j] -= 2 * h, pm = dev_theta(ob, t, k);
                t[i] -= 2 * h, mm = dev_theta(ob, t, k);
                t[j] += 2 * h, mp = dev_theta(ob, t, k);
                H[i * k + j] = H[j * k + i] = (pp - pm - mp + mm) / (4 * h * h);
            }
        }
        /* solve H d = g over the active parameters */
        double Hs[MAX_THETA * MAX_THETA], gs[MAX_THETA], ds[MAX_THETA];
        size_t idx[MAX_THETA] = {0}, a = 0;
        for (size_t i = 0; i < k; i++)
            if (active[i])
                idx[a++] = i;
        for (size_t i = 0; i < m; i++) {
            gs[i] = g[idx[i]];
            for (size_t j = 0; j < m; j++)
                Hs[i * m + j] = H[idx[i] * k + idx[j]];
        }
        gsl_matrix_view Hv = gsl_matrix_view_array(Hs, m, m);
        gsl_vector_view gv = gsl_vector_view_array(gs, m);
        gsl_vector_view dv = gsl_vector_view_array(ds, m);
        if (gsl_linalg_cholesky_decomp1(&Hv.matrix) != 0 ||
            gsl_linalg_cholesky_solve(&Hv.matrix, &gv.vector, &dv.vector) != 0)
            return; /* not positive definite: leave the simplex's answer */
        memcpy(t, theta, k * sizeof *t);
        double size = 0;
        for (size_t i = 0; i < m; i++) {
            t[idx[i]] -= ds[i];
            size = fmax(size, fabs(ds[i]));
        }
        double f1 = dev_theta(ob, t, k);
        /* Near the optimum the deviance is flat to rounding, and a tiny
         * Newton step is trusted even when rounding makes it look worse. */
        if (!(f1 <= f0) && !(size < 1e-5 && f1 <= f0 + 1e-9 * fabs(f0)))
            return;
        if (getenv("ECOMETER_DEBUG_LMM"))
            fprintf(stderr, "polish %d: step %.3g dev %.17g -> %.17g\n", it,
                    size, f0, f1);
        memcpy(theta, t, k * sizeof *t);
        f0 = f1;
        if (size < 1e-10)
            return;
    }
}

static void result_alloc_groups(lmm_result *r, size_t f, size_t G, size_t q)
{
    r->ngroups[f] = G;
    r->count[f] = calloc(G ? G : 1, sizeof *r->count[f]);
    for (size_t t = 0; t < q; t++) {
        r->mode[f][t] = calloc(G ? G : 1, sizeof *r->mode[f][t]);
        r->cond_sd[f][t] = calloc(G ? G : 1, sizeof *r->cond_sd[f][t]);
    }
}

void lmm_result_free(lmm_result *r)
{
    if (r == NULL)
        return;
    free(r->beta);
    free(r->se);
    for (size_t f = 0; f < 2; f++) {
        free(r->count[f]);
        for (size_t t = 0; t < 2; t++) {
            free(r->mode[f][t]);
            free(r->cond_sd[f][t]);
        }
    }
    free(r->a_stat);
    free(r);
}

/* Conditional modes and SDs for one factor: b_g = Λ M⁻¹ Λ'Z'(y − Xβ),
 * Var(b_g | y) = σ² Λ M⁻¹ Λ'. */
static void modes_single(const stats *s, const double *theta, lmm_result *r)
{
    size_t p = s->p, q = s->q;
    double L[4];
    lambda_of(theta, q, L);
    for (size_t g = 0; g < s->G; g++) {
        r->count[0][g] = s->count[g];
        const double *ZtZ = s->ZtZ + g * q * q, *ZtX = s->ZtX + g * q * p;
        double e[2], M[4] = {0}, Minv[4], C[4];
        for (size_t a = 0; a < q; a++) { /* Z'(y − Xβ) */
            e[a] = s->Zty[g * q + a];
            for (size_t k = 0; k < p; k++)
                e[a] -= ZtX[a * p + k] * r->beta[k];
        }
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++) {
                double x = a == b;
                for (size_t c = 0; c < q; c++)
                    for (size_t d = 0; d < q; d++)
                        x += L[c * q + a] * ZtZ[c * q + d] * L[d * q + b];
                M[a * q + b] = x;
            }
        if (q == 1) {
            Minv[0] = 1 / M[0];
        } else {
            double det = M[0] * M[3] - M[1] * M[2];
            Minv[0] = M[3] / det;
            Minv[1] = -M[1] / det;
            Minv[2] = -M[2] / det;
            Minv[3] = M[0] / det;
        }
        /* C = Λ M⁻¹ Λ' */
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++) {
                double x = 0;
                for (size_t c = 0; c < q; c++)
                    for (size_t d = 0; d < q; d++)
                        x += L[a * q + c] * Minv[c * q + d] * L[b * q + d];
                C[a * q + b] = x;
            }
        for (size_t a = 0; a < q; a++) {
            double m = 0;
            for (size_t b = 0; b < q; b++)
                m += C[a * q + b] * e[b];
            r->mode[0][a][g] = m;
            r->cond_sd[0][a][g] = sqrt(r->sigma2 * C[a * q + a]);
        }
    }
}

/* Nested intercepts: û_k = d_k (b_yk − b_Xk'β), Var = σ² d_k; inner
 * r̂_j = c_j (Σ e_ij − n_j û_k), Var = σ² (c_j + (n_j c_j)² d_k). */
static int modes_nested(const lmm_nested_stats *in, const stats *s,
                        const double *theta, lmm_result *r)
{
    size_t p = s->p, J = in->ninner, K = in->nouter;
    double ti2 = theta[0] * theta[0], to2 = theta[1] * theta[1];
    double *d = calloc(K ? K : 1, sizeof *d);
    r->a_stat = calloc(K ? K : 1, sizeof *r->a_stat);
    if (!d || !r->a_stat) {
        free(d);
        return -1;
    }
    for (size_t k = 0; k < K; k++) {
        double a = 0, by = 0, bXb = 0;
        for (size_t e = s->first[k]; e < s->first[k + 1]; e++) {
            double w = 1 / (1 + s->e_n[e] * ti2), sx = 0;
            a += s->e_m[e] * s->e_n[e] * w;
            by += s->e_Sy[e] * w;
            for (size_t c = 0; c < p; c++)
                sx += s->e_SX[e * p + c] * r->beta[c];
            bXb += sx * w;
        }
        d[k] = to2 / (1 + to2 * a);
        r->a_stat[k] = a;
        r->mode[1][0][k] = d[k] * (by - bXb);
        r->cond_sd[1][0][k] = sqrt(r->sigma2 * d[k]);
    }
    for (size_t j = 0; j < J; j++) {
        double n = in->inner_n[j], c = ti2 / (1 + n * ti2),
               esum = in->inner_sy[j];
        size_t k = (size_t)in->inner_outer[j];
        for (size_t a = 0; a < p; a++)
            esum -= in->inner_sX[j * p + a] * r->beta[a];
        r->count[0][j] = (size_t)n;
        r->count[1][k] += (size_t)n;
        r->mode[0][0][j] = c * (esum - n * r->mode[1][0][k]);
        r->cond_sd[0][0][j] = sqrt(r->sigma2 * (c + (n * c) * (n * c) * d[k]));
    }
    free(d);
    return 0;
}

/* Everything after the statistics are gathered: the optimisation, the
 * estimates and the conditional modes. `nested` is NULL for one factor. */
static lmm_result *fit_stats(stats *s, const lmm_nested_stats *nested,
                             int intercept, error_buf *err)
{
    lmm_result *r = calloc(1, sizeof *r);
    evaluation o = {0};
    size_t p = s->p;
    if (r == NULL)
        goto oom;
    o.A = malloc(p * p * sizeof *o.A);
    o.r = malloc(p * sizeof *o.r);
    o.beta = malloc(p * sizeof *o.beta);
    r->beta = malloc(p * sizeof *r->beta);
    r->se = malloc(p * sizeof *r->se);
    if (!o.A || !o.r || !o.beta || !r->beta || !r->se)
        goto oom;
    size_t k = s->nested ? 2 : s->q == 1 ? 1 : 3;
    double theta[MAX_THETA] = {1, 1, 1};
    if (k == 3)
        theta[1] = 0; /* lme4's start: Λ = I */
    objective ob = {s, &o, 0};
    evaluate(s, theta, &o);
    if (!o.ok) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "the fixed-effect columns are linearly dependent (or the "
                "response is constant)");
        goto fail;
    }
    r->converged = simplex(&ob, theta, k, 0.5);
    r->converged &= simplex(&ob, theta, k, 0.05); /* a restart confirms */
    polish(&ob, theta, k);
    /* |θ| for the diagonal: the deviance depends on ΛΛ' only */
    theta[0] = fabs(theta[0]);
    if (k == 2)
        theta[1] = fabs(theta[1]);
    if (k == 3 && theta[2] < 0)
        theta[2] = -theta[2];
    evaluate(s, theta, &o);
    if (!o.ok) {
        err_set(err, ST_EDATA, NULL, 0, 0, "the model could not be fitted");
        goto fail;
    }
    r->iterations = ob.count;
    r->p = p;
    r->nfactors = s->nested ? 2 : 1;
    r->q = s->q;
    r->sigma2 = o.sigma2;
    memcpy(r->beta, o.beta, p * sizeof *r->beta);
    /* SE(β) = √diag(σ² (X'V*⁻¹X)⁻¹), from the Cholesky factor in o.A */
    gsl_matrix_view Av = gsl_matrix_view_array(o.A, p, p);
    gsl_linalg_cholesky_invert(&Av.matrix);
    for (size_t a = 0; a < p; a++)
        r->se[a] = sqrt(o.sigma2 * o.A[a * p + a]);
    double s2 = o.sigma2;
    r->tau00[0] = r->tau00[1] = r->tau11 = r->rho01 = (double)NAN;
    if (s->nested) {
        r->tau00[0] = s2 * theta[0] * theta[0];
        r->tau00[1] = s2 * theta[1] * theta[1];
        r->singular = theta[0] < 1e-4 || theta[1] < 1e-4;
    } else if (k == 1) {
        if (intercept)
            r->tau00[0] = s2 * theta[0] * theta[0];
        else
            r->tau11 = s2 * theta[0] * theta[0];
        r->singular = theta[0] < 1e-4;
    } else {
        double t00 = theta[0] * theta[0];
        double t11 = theta[1] * theta[1] + theta[2] * theta[2];
        r->tau00[0] = s2 * t00;
        r->tau11 = s2 * t11;
        r->rho01 = t00 > 0 && t11 > 0 ? theta[0] * theta[1] / sqrt(t00 * t11)
                                      : (double)NAN;
        r->singular = theta[0] < 1e-4 || theta[2] < 1e-4;
    }
    double npar = (double)p + (double)k + 1;
    r->criterion = o.dev;
    r->loglik = -o.dev / 2;
    r->aic = o.dev + 2 * npar;
    r->bic = o.dev + log((double)s->n) * npar;
    result_alloc_groups(r, 0, s->nested ? nested->ninner : s->G, s->q);
    if (s->nested)
        result_alloc_groups(r, 1, nested->nouter, 1);
    if (!r->count[0] || !r->mode[0][0] || (s->nested && !r->mode[1][0]))
        goto oom;
    if (s->nested) {
        if (modes_nested(nested, s, theta, r) != 0)
            goto oom;
    } else {
        modes_single(s, theta, r);
    }
    free(o.A);
    free(o.r);
    free(o.beta);
    return r;
oom:
    err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory fitting the model");
fail:
    free(o.A);
    free(o.r);
    free(o.beta);
    lmm_result_free(r);
    return NULL;
}

lmm_result *lmm_fit_nested(const lmm_nested_stats *in, error_buf *err)
{
    stats s = {0};
    s.n = in->n;
    s.p = in->p;
    s.q = 1;
    s.reml = in->reml;
    s.nested = 1;
    if (in->p == 0 || in->p > 64 || in->n <= in->p + 1) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                in->p > 64 ? "more than 64 fixed-effect columns"
                           : "too few rows for the model");
        return NULL;
    }
    s.XtX = malloc(in->p * in->p * sizeof *s.XtX);
    s.Xty = malloc(in->p * sizeof *s.Xty);
    if (!s.XtX || !s.Xty || aggregate_nested(in, &s) != 0) {
        stats_free(&s);
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory fitting the model");
        return NULL;
    }
    memcpy(s.XtX, in->XtX, in->p * in->p * sizeof *s.XtX);
    memcpy(s.Xty, in->Xty, in->p * sizeof *s.Xty);
    s.yty = in->yty;
    lmm_result *r = fit_stats(&s, in, 1, err);
    stats_free(&s);
    return r;
}

lmm_result *lmm_fit(const lmm_input *in, error_buf *err)
{
    stats s = {0};
    size_t p = in->p;
    s.n = in->n;
    s.p = p;
    s.reml = in->reml;
    s.nested = in->nfactors == 2;
    s.q = (size_t)(in->intercept != 0) + (in->slope != NULL);
    s.G = in->ngroups[0];
    if (p == 0 || p > 64 || in->n <= p + 1 || s.q == 0 ||
        (s.nested && (s.q != 1 || !in->intercept))) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                p > 64 ? "more than 64 fixed-effect columns"
                       : "too few rows for the model, or a random structure "
                         "that is not supported");
        return NULL;
    }
    if (gather_totals(in, &s) != 0) {
        stats_free(&s);
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory fitting the model");
        return NULL;
    }
    if (!s.nested) {
        lmm_result *r = NULL;
        if (gather_single(in, &s) != 0)
            err_set(err, ST_ENOMEM, NULL, 0, 0,
                    "out of memory fitting the model");
        else
            r = fit_stats(&s, NULL, in->intercept, err);
        stats_free(&s);
        return r;
    }
    inner_sums u = {0};
    lmm_result *r = NULL;
    int rc = gather_inner(in, &u, err);
    if (rc == -1)
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory fitting the model");
    if (rc == 0) {
        lmm_nested_stats ns = {
            in->n,          p,   s.XtX, s.Xty, s.yty,   in->ngroups[0],
            in->ngroups[1], u.n, u.sX,  u.sy,  u.outer, in->reml};
        for (size_t j = 0; j < in->ngroups[0] && rc == 0; j++)
            if (u.n[j] == 0)
                rc = -2, err_set(err, ST_EDATA, NULL, 0, 0,
                                 "an inner group has no rows");
        if (rc == 0)
            r = lmm_fit_nested(&ns, err);
    }
    inner_sums_free(&u);
    stats_free(&s);
    return r;
}
