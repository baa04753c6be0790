/*
 * did.c — two-way fixed effects by demeaning within units (see did.h).
 */
#include "did.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAXT = 64 };

int did_fit(const did_input *in, did_result *out, error_buf *err)
{
    size_t T = in->ntimes, p = T; /* D and the time dummies 2..T */
    size_t n = in->n, G = in->nunits;
    memset(out, 0, sizeof *out);
    if (T < 2 || T > MAXT) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "difference-in-differences needs 2 to %d periods", MAXT);
        return -1;
    }
    double *mean = calloc(G * (p + 1), sizeof *mean); /* per unit: y, x */
    size_t *count = calloc(G ? G : 1, sizeof *count);
    double *X = malloc((n ? n : 1) * p * sizeof *X);
    double *y = malloc((n ? n : 1) * sizeof *y);
    int32_t *unit = malloc((n ? n : 1) * sizeof *unit);
    unsigned char *seen_time = calloc(T, 1);
    int rc = -1;
    if (!mean || !count || !X || !y || !unit || !seen_time) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t m = 0;
    for (size_t r = 0; r < n; r++) {
        if (isnan(in->y[r]) || in->unit[r] < 0 || in->time[r] < 0)
            continue;
        double *x = X + m * p;
        x[0] = in->treated_after[r];
        for (size_t t = 1; t < T; t++)
            x[t] = in->time[r] == (int32_t)t;
        y[m] = in->y[r];
        unit[m] = in->unit[r];
        seen_time[in->time[r]] = 1;
        count[unit[m]]++;
        double *u = mean + (size_t)unit[m] * (p + 1);
        u[0] += y[m];
        for (size_t j = 0; j < p; j++)
            u[1 + j] += x[j];
        m++;
    }
    size_t units = 0, times = 0;
    for (size_t g = 0; g < G; g++)
        units += count[g] > 0;
    for (size_t t = 0; t < T; t++)
        times += seen_time[t];
    /* demean within units */
    for (size_t i = 0; i < m; i++) {
        const double *u = mean + (size_t)unit[i] * (p + 1);
        double c = (double)count[unit[i]];
        y[i] -= u[0] / c;
        for (size_t j = 0; j < p; j++)
            X[i * p + j] -= u[1 + j] / c;
    }
    /* OLS of the demeaned y on the demeaned columns by QR */
    double k = (double)units + (double)(times - 1) + 1;
    if ((double)m <= k || units < 2) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "too few observations for the fixed effects");
        goto done;
    }
    gsl_matrix_view A = gsl_matrix_view_array(X, m, p);
    gsl_matrix *Q = gsl_matrix_alloc(m, p);
    gsl_vector *tau = gsl_vector_alloc(p), *beta = gsl_vector_alloc(p);
    gsl_vector *res = gsl_vector_alloc(m);
    gsl_vector_view yv = gsl_vector_view_array(y, m);
    if (!Q || !tau || !beta || !res) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto free_gsl;
    }
    gsl_matrix_memcpy(Q, &A.matrix);
    if (gsl_linalg_QR_decomp(Q, tau) != 0 ||
        gsl_linalg_QR_lssolve(Q, tau, &yv.vector, beta, res) != 0) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "D is collinear with the fixed effects (is every unit "
                "treated, or none?)");
        goto free_gsl;
    }
    /* bread (X̃'X̃)⁻¹ from R, meat by unit: Σ_g u_g u_g', u_g = Σ x̃ e */
    double B[MAXT * MAXT] = {0}, Rinv[MAXT * MAXT] = {0};
    for (size_t i = 0; i < p; i++)
        for (size_t j = i; j < p; j++)
            Rinv[i * p + j] = gsl_matrix_get(Q, i, j);
    gsl_matrix_view Rv = gsl_matrix_view_array(Rinv, p, p);
    if (gsl_linalg_tri_upper_invert(&Rv.matrix) != 0) {
        err_set(err, ST_EDATA, NULL, 0, 0, "a singular design");
        goto free_gsl;
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            for (size_t l = (i > j ? i : j); l < p; l++)
                B[i * p + j] += Rinv[i * p + l] * Rinv[j * p + l];
    double *u = calloc(G * p, sizeof *u);
    if (u == NULL) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto free_gsl;
    }
    for (size_t i = 0; i < m; i++) {
        double e = gsl_vector_get(res, i);
        for (size_t j = 0; j < p; j++)
            u[(size_t)unit[i] * p + j] += X[i * p + j] * e;
    }
    /* δ is the first coefficient: Var = (B M B)_00 */
    double v = 0;
    for (size_t g = 0; g < G; g++) {
        double s = 0;
        for (size_t j = 0; j < p; j++)
            s += B[j] * u[g * p + j];
        v += s * s;
    }
    free(u);
    double N = (double)m, Gn = (double)units;
    v *= Gn / (Gn - 1) * (N - 1) / (N - k);
    out->n = m;
    out->units = units;
    out->times = times;
    out->delta = gsl_vector_get(beta, 0);
    out->se = sqrt(v);
    out->k = k;
    out->df_residual = N - k;
    rc = 0;
free_gsl:
    gsl_matrix_free(Q);
    gsl_vector_free(tau);
    gsl_vector_free(beta);
    gsl_vector_free(res);
done:
    free(mean);
    free(count);
    free(X);
    free(y);
    free(unit);
    free(seen_time);
    return rc;
}
