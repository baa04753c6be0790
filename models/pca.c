/*
 * pca.c — principal components of the correlation matrix (see pca.h).
 * The eigenvectors of the correlation matrix are prcomp's rotation for
 * standardised data; each component is signed so that the first variable
 * loads positively (prcomp's own signs are arbitrary).
 */
#include "pca.h"

#include <gsl/gsl_eigen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void pca_result_free(pca_result *r)
{
    if (r == NULL)
        return;
    free(r->loading);
    free(r->eigenvalue);
    free(r->index);
    free(r);
}

pca_result *pca_compute(const pca_input *in, error_buf *err)
{
    size_t n = in->n, k = in->k;
    pca_result *r = calloc(1, sizeof *r);
    unsigned char *ok = malloc(n ? n : 1);
    double *mean = calloc(k ? k : 1, sizeof *mean);
    double *sd = calloc(k ? k : 1, sizeof *sd);
    gsl_matrix *C = k ? gsl_matrix_calloc(k, k) : NULL;
    gsl_matrix *E = k ? gsl_matrix_alloc(k, k) : NULL;
    gsl_vector *val = k ? gsl_vector_alloc(k) : NULL;
    gsl_eigen_symmv_workspace *ws = k ? gsl_eigen_symmv_alloc(k) : NULL;
    if (!r || !ok || !mean || !sd || !C || !E || !val || !ws) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory in an index");
        goto fail;
    }
    r->k = k;
    for (size_t i = 0; i < n; i++) { /* complete rows only (na.omit) */
        ok[i] = 1;
        for (size_t v = 0; v < k; v++)
            ok[i] &= !isnan(in->col[v][i]);
        r->used += ok[i];
    }
    if (r->used < 3) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "fewer than 3 rows have every variable of the index");
        goto fail;
    }
    double m = (double)r->used;
    for (size_t v = 0; v < k; v++) {
        for (size_t i = 0; i < n; i++)
            if (ok[i])
                mean[v] += in->col[v][i];
        mean[v] /= m;
        for (size_t i = 0; i < n; i++)
            if (ok[i])
                sd[v] += (in->col[v][i] - mean[v]) * (in->col[v][i] - mean[v]);
        sd[v] = sqrt(sd[v] / (m - 1));
        if (!(sd[v] > 0)) {
            err_set(err, ST_EDATA, NULL, 0, 0,
                    "variable %zu of the index is constant", v + 1);
            goto fail;
        }
    }
    for (size_t a = 0; a < k; a++)
        for (size_t b = a; b < k; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                if (ok[i])
                    s += (in->col[a][i] - mean[a]) / sd[a] *
                         ((in->col[b][i] - mean[b]) / sd[b]);
            gsl_matrix_set(C, a, b, s / (m - 1));
            gsl_matrix_set(C, b, a, s / (m - 1));
        }
    if (gsl_eigen_symmv(C, val, E, ws) != 0 ||
        gsl_eigen_symmv_sort(val, E, GSL_EIGEN_SORT_VAL_DESC) != 0) {
        err_set(err, ST_EDATA, NULL, 0, 0, "the eigen decomposition failed");
        goto fail;
    }
    r->loading = malloc(k * k * sizeof *r->loading);
    r->eigenvalue = malloc(k * sizeof *r->eigenvalue);
    r->index = malloc((n ? n : 1) * sizeof *r->index);
    if (!r->loading || !r->eigenvalue || !r->index) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory in an index");
        goto fail;
    }
    for (size_t c = 0; c < k; c++) {
        double sign = gsl_matrix_get(E, 0, c) < 0 ? -1 : 1;
        r->eigenvalue[c] = gsl_vector_get(val, c);
        for (size_t v = 0; v < k; v++)
            r->loading[c * k + v] = sign * gsl_matrix_get(E, v, c);
    }
    /* the first component's scores, divided by their SD (√λ1) */
    double root = sqrt(r->eigenvalue[0]);
    for (size_t i = 0; i < n; i++) {
        r->index[i] = (double)NAN;
        if (!ok[i])
            continue;
        double s = 0;
        for (size_t v = 0; v < k; v++)
            s += r->loading[v] * (in->col[v][i] - mean[v]) / sd[v];
        r->index[i] = s / root;
    }
    goto done;
fail:
    pca_result_free(r);
    r = NULL;
done:
    free(ok);
    free(mean);
    free(sd);
    gsl_matrix_free(C);
    gsl_matrix_free(E);
    gsl_vector_free(val);
    if (ws)
        gsl_eigen_symmv_free(ws);
    return r;
}
