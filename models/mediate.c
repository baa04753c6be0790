/*
 * mediate.c — the three regressions of a mediation analysis and their
 * bootstrap (see mediate.h). The point estimates and their SEs come from
 * OLS by QR (regress.h); a bootstrap replicate needs only two slopes, so
 * it solves the small normal equations of its resample by Cholesky.
 */
#include "mediate.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "regress.h"
#include "rng.h"

enum { MAXP = 40 }; /* columns of a regression, intercept included */

/* Columns for one regression: intercept, then the given predictors. */
typedef struct {
    size_t n, p;
    double *X;
} design_rows;

static int build(const med_input *in, const size_t *rows, size_t n,
                 const double *const *pred, size_t npred, design_rows *d)
{
    d->n = n;
    d->p = 1 + npred + in->ncov;
    d->X = malloc(n * d->p * sizeof *d->X);
    if (d->X == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        double *row = d->X + i * d->p;
        size_t r = rows[i], j = 0;
        row[j++] = 1;
        for (size_t k = 0; k < npred; k++)
            row[j++] = pred[k][r];
        for (size_t k = 0; k < in->ncov; k++)
            row[j++] = in->cov[k][r];
    }
    return 0;
}

/* OLS coefficient `which` and its classical SE. */
static int ols(const design_rows *d, const double *y, size_t which, double *est,
               double *se, error_buf *err)
{
    reg_input ri = {d->n,         d->p, d->X, y, NULL, 1, FAMILY_GAUSSIAN,
                    SE_CLASSICAL, NULL, 0};
    size_t dep;
    reg_result *r = reg_fit(&ri, err, &dep);
    if (r == NULL)
        return -1;
    *est = r->beta[which];
    *se = r->se[which];
    reg_result_free(r);
    return 0;
}

/* Solves the normal equations of the regression of column `y` on the
 * columns `cols` (k of them) of the cross products S (q × q, lower
 * triangle filled) and returns coefficient `which`; NaN when singular. */
static double normal_slope(const double *S, size_t q, const size_t *cols,
                           size_t k, size_t y, size_t which)
{
    double A[MAXP * MAXP], b[MAXP], x[MAXP];
    for (size_t i = 0; i < k; i++) {
        size_t ci = cols[i];
        b[i] = ci > y ? S[ci * q + y] : S[y * q + ci];
        for (size_t j = 0; j < k; j++) {
            size_t cj = cols[j];
            A[i * k + j] = ci >= cj ? S[ci * q + cj] : S[cj * q + ci];
        }
    }
    gsl_matrix_view Av = gsl_matrix_view_array(A, k, k);
    gsl_vector_view bv = gsl_vector_view_array(b, k);
    gsl_vector_view xv = gsl_vector_view_array(x, k);
    if (gsl_linalg_cholesky_decomp1(&Av.matrix) != 0 ||
        gsl_linalg_cholesky_solve(&Av.matrix, &bv.vector, &xv.vector) != 0)
        return (double)NAN;
    return x[which];
}

/* One replicate's indirect effect a·b. Each used row enters the cross
 * products of z = (1, x, m, covariates, y) once, weighted by how often
 * the resample drew it: one pass in row order serves both regressions,
 * m on (1, x, covariates) for a and y on (1, x, m, covariates) for b. */
static double replicate(const med_input *in, const size_t *rows,
                        const unsigned *count, size_t n)
{
    size_t q = 4 + in->ncov, cols[MAXP];
    double S[(MAXP + 1) * (MAXP + 1)] = {0}, z[MAXP + 1];
    for (size_t i = 0; i < n; i++) {
        if (count[i] == 0)
            continue;
        size_t r = rows[i];
        z[0] = 1;
        z[1] = in->x[r];
        z[2] = in->m[r];
        for (size_t k = 0; k < in->ncov; k++)
            z[3 + k] = in->cov[k][r];
        z[q - 1] = in->y[r];
        for (size_t a = 0; a < q; a++) {
            double wz = count[i] * z[a];
            for (size_t c = 0; c <= a; c++)
                S[a * q + c] += wz * z[c];
        }
    }
    size_t k = 0;
    cols[k++] = 0;
    cols[k++] = 1;
    for (size_t j = 0; j < in->ncov; j++)
        cols[k++] = 3 + j;
    double a = normal_slope(S, q, cols, k, 2, 1);
    k = 0;
    for (size_t j = 0; j < q - 1; j++)
        cols[k++] = j;
    return a * normal_slope(S, q, cols, k, q - 1, 2);
}

/* The percentile interval of the B indirect effects (R's quantile type 7). */
static void percentile(double *v, size_t B, double *lo, double *hi)
{
    gsl_sort(v, 1, B);
    *lo = gsl_stats_quantile_from_sorted_data(v, 1, B, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(v, 1, B, 0.975);
}

int mediate(const med_input *in, med_result *out, error_buf *err)
{
    size_t n = 0, p = 3 + in->ncov;
    size_t *rows = malloc((in->n ? in->n : 1) * sizeof *rows);
    design_rows dx = {0}, dxm = {0};
    double *boot = NULL;
    int rc = -1;
    memset(out, 0, sizeof *out);
    out->ci_low = out->ci_high = (double)NAN;
    if (rows == NULL || p > MAXP) {
        err_set(err, ST_ENOMEM, NULL, 0, 0,
                p > MAXP ? "too many covariates" : "out of memory");
        goto done;
    }
    for (size_t r = 0; r < in->n; r++) {
        int ok = !isnan(in->x[r]) && !isnan(in->m[r]) && !isnan(in->y[r]);
        for (size_t k = 0; ok && k < in->ncov; k++)
            ok = !isnan(in->cov[k][r]);
        if (ok)
            rows[n++] = r;
    }
    out->n = n;
    const double *x_only[] = {in->x}, *x_and_m[] = {in->x, in->m};
    /* y and m restricted to the rows used, for the QR fits */
    double *ym = malloc((n ? n : 1) * 2 * sizeof *ym);
    if (ym == NULL || build(in, rows, n, x_only, 1, &dx) != 0 ||
        build(in, rows, n, x_and_m, 2, &dxm) != 0) {
        free(ym);
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    double *yy = ym, *mm = ym + n, unused;
    for (size_t i = 0; i < n; i++) {
        yy[i] = in->y[rows[i]];
        mm[i] = in->m[rows[i]];
    }
    int fits = ols(&dx, mm, 1, &out->a, &out->a_se, err) == 0 &&
               ols(&dxm, yy, 2, &out->b, &out->b_se, err) == 0 &&
               ols(&dxm, yy, 1, &out->direct, &unused, err) == 0 &&
               ols(&dx, yy, 1, &out->total, &unused, err) == 0;
    free(ym);
    if (!fits)
        goto done;
    out->indirect = out->a * out->b;
    out->sobel_se = sqrt(out->a * out->a * out->b_se * out->b_se +
                         out->b * out->b * out->a_se * out->a_se);
    out->sobel_z = out->indirect / out->sobel_se;
    out->proportion_mediated = out->indirect / out->total;
    if (in->bootstrap > 0) {
        size_t B = in->bootstrap;
        boot = malloc(B * sizeof *boot);
        if (boot == NULL) {
            err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        int failed = 0;
#pragma omp parallel default(none) shared(in, rows, n, B, boot, failed)
        {
            unsigned *count = malloc((n ? n : 1) * sizeof *count);
#pragma omp for schedule(dynamic, 16)
            for (size_t r = 0; r < B; r++) {
                gsl_rng *g =
                    rng_stream(in->seed, RNG_TAG(RNG_TAG_BOOTSTRAP, r));
                if (g == NULL || count == NULL) {
                    gsl_rng_free(g);
#pragma omp atomic write
                    failed = 1;
                    continue;
                }
                memset(count, 0, n * sizeof *count);
                for (size_t i = 0; i < n; i++)
                    count[gsl_rng_uniform_int(g, n)]++;
                gsl_rng_free(g);
                boot[r] = replicate(in, rows, count, n);
            }
            free(count);
        }
        size_t valid = 0;
        for (size_t r = 0; r < B; r++)
            if (!isnan(boot[r]))
                boot[valid++] = boot[r];
        if (failed || valid == 0) {
            err_set(err, ST_EDATA, NULL, 0, 0,
                    "the bootstrap could not be run");
            goto done;
        }
        percentile(boot, valid, &out->ci_low, &out->ci_high);
    }
    rc = 0;
done:
    free(rows);
    free(dx.X);
    free(dxm.X);
    free(boot);
    return rc;
}
