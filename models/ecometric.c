/*
 * ecometric.c — the ecometric model from sufficient statistics
 * (see ecometric.h).
 *
 * Row x of the long data for respondent j answering item i is
 * [1, D_2..D_p (item dummies, item 1 the reference), c_j (centred
 * covariates)]. For respondent j with answered set S_j (n_j answers) the
 * sums lmm_fit_nested needs follow in O(p + ncov) without the rows:
 * s_j = X_j'1 = [n_j, 1{i∈S_j}, n_j c_j], s_yj = Σ_{i∈S_j} y_ij, and the
 * total X'X adds [n_j, 1_S', n_j c'; 1_S, diag(1_S), 1_S c';
 * n_j c, c 1_S', n_j c c'].
 */
#include "ecometric.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 4096 };

static double answer(const ecometric_input *in, size_t i, size_t r)
{
    double x = in->item[i][r];
    return in->reversed[i] ? in->low + in->high - x : x;
}

void ecometric_result_free(ecometric_result *r)
{
    if (r == NULL)
        return;
    lmm_result_free(r->fit);
    free(r->in_model);
    free(r->cov_mean);
    free(r->area_respondents);
    free(r->area_items);
    free(r->score);
    free(r->se);
    free(r->reliability);
    free(r);
}

/* Whether respondent r enters the model. */
static int usable(const ecometric_input *in, size_t r)
{
    if (in->area[r] < 0)
        return 0;
    for (size_t q = 0; q < in->ncov; q++)
        if (isnan(in->cov[q][r]))
            return 0;
    for (size_t i = 0; i < in->p; i++)
        if (!isnan(in->item[i][r]))
            return 1;
    return 0;
}

/* Adds respondent r's contribution to X'X, X'y, y'y and its own sums. */
static void fold(const ecometric_input *in, const double *mean, size_t r,
                 size_t k, double *XtX, double *Xty, double *yty, double *sx,
                 double *sy, double *nj)
{
    size_t p = in->p, nc = in->ncov;
    double c[64];
    for (size_t q = 0; q < nc; q++)
        c[q] = in->cov[q][r] - mean[q];
    double n = 0, sum = 0;
    memset(sx, 0, k * sizeof *sx);
    for (size_t i = 0; i < p; i++) {
        double y = in->item[i][r];
        if (isnan(y))
            continue;
        y = answer(in, i, r);
        n += 1;
        sum += y;
        *yty += y * y;
        if (i > 0) {
            sx[i] = 1;
            Xty[i] += y;
            XtX[i * k + i] += 1;
            XtX[i] += 1; /* with the intercept, row 0 */
            for (size_t q = 0; q < nc; q++)
                XtX[i * k + p + q] += c[q];
        }
        for (size_t q = 0; q < nc; q++)
            Xty[p + q] += c[q] * y;
    }
    sx[0] = n;
    for (size_t q = 0; q < nc; q++) {
        sx[p + q] = n * c[q];
        XtX[p + q] += n * c[q];
        for (size_t t = 0; t <= q; t++)
            XtX[(p + q) * k + p + t] += n * c[q] * c[t];
    }
    XtX[0] += n;
    Xty[0] += sum;
    *sy = sum;
    *nj = n;
}

ecometric_result *ecometric_fit(const ecometric_input *in, error_buf *err)
{
    size_t p = in->p, nc = in->ncov, k = p + nc, n = in->n;
    ecometric_result *res = calloc(1, sizeof *res);
    int32_t *idx = malloc((n ? n : 1) * sizeof *idx); /* respondent -> inner */
    double *XtX = NULL, *Xty = NULL, *sx = NULL, *sy = NULL, *nj = NULL;
    int32_t *outer = NULL;
    int ok = 0;
    if (res == NULL || idx == NULL || nc > 48 || p > 16)
        goto fail_setup;
    res->cov_mean = calloc(nc ? nc : 1, sizeof *res->cov_mean);
    res->in_model = malloc(n ? n : 1);
    if (res->cov_mean == NULL || res->in_model == NULL)
        goto fail_setup;
    /* the covariates' grand means over respondents with an area and every
     * covariate (as the reference centres them, before respondents
     * without answers leave), and the respondents in the model */
    size_t J = 0, with_covariates = 0;
    for (size_t r = 0; r < n; r++) {
        int complete = in->area[r] >= 0;
        for (size_t q = 0; complete && q < nc; q++)
            complete = !isnan(in->cov[q][r]);
        with_covariates += complete;
        for (size_t q = 0; complete && q < nc; q++)
            res->cov_mean[q] += in->cov[q][r];
        idx[r] = usable(in, r) ? (int32_t)J++ : -1;
        res->in_model[r] = idx[r] >= 0;
    }
    res->n_respondents = J;
    res->dropped = n - J;
    if (J < 3) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "too few respondents with answers for the ecometric model");
        goto fail;
    }
    for (size_t q = 0; q < nc; q++)
        res->cov_mean[q] /= (double)with_covariates;
    /* per-chunk totals, combined in chunk order: the same sums for any
     * number of threads */
    size_t nchunks = (n + CHUNK - 1) / CHUNK, width = k * k + k + 1;
    double *parts = calloc((nchunks ? nchunks : 1) * width, sizeof *parts);
    sx = calloc(J * k, sizeof *sx);
    sy = malloc(J * sizeof *sy);
    nj = malloc(J * sizeof *nj);
    outer = malloc(J * sizeof *outer);
    if (!parts || !sx || !sy || !nj || !outer) {
        free(parts);
        goto fail_setup;
    }
    const double *mean = res->cov_mean;
#pragma omp parallel for schedule(static) default(none)                        \
    shared(in, mean, parts, nchunks, width, n, k, idx, sx, sy, nj, outer)
    for (size_t c = 0; c < nchunks; c++) {
        double *part = parts + c * width;
        size_t r1 = (c + 1) * CHUNK < n ? (c + 1) * CHUNK : n;
        for (size_t r = c * CHUNK; r < r1; r++) {
            if (idx[r] < 0)
                continue;
            size_t j = (size_t)idx[r];
            fold(in, mean, r, k, part, part + k * k, part + k * k + k,
                 sx + j * k, &sy[j], &nj[j]);
            outer[j] = in->area[r];
        }
    }
    XtX = calloc(k * k, sizeof *XtX);
    Xty = calloc(k, sizeof *Xty);
    double yty = 0;
    if (!XtX || !Xty) {
        free(parts);
        goto fail_setup;
    }
    for (size_t c = 0; c < nchunks; c++) {
        const double *part = parts + c * width;
        for (size_t a = 0; a < k * k; a++)
            XtX[a] += part[a];
        for (size_t a = 0; a < k; a++)
            Xty[a] += part[k * k + a];
        yty += part[k * k + k];
    }
    free(parts);
    for (size_t a = 0; a < k; a++) /* fold fills the lower triangle */
        for (size_t b = a + 1; b < k; b++)
            XtX[a * k + b] = XtX[b * k + a] = XtX[a * k + b] + XtX[b * k + a];
    for (size_t j = 0; j < J; j++)
        res->n_answers += (size_t)nj[j];
    lmm_nested_stats st = {res->n_answers, k,  XtX, Xty, yty,   J,
                           in->nareas,     nj, sx,  sy,  outer, 1};
    res->fit = lmm_fit_nested(&st, err);
    if (res->fit == NULL)
        goto fail;
    const lmm_result *f = res->fit;
    res->tau_person = f->tau00[0];
    res->tau_area = f->tau00[1];
    res->sigma2 = f->sigma2;
    res->base = f->beta[0];
    for (size_t i = 1; i < p; i++)
        res->base += f->beta[i] / (double)p;
    size_t K = in->nareas;
    res->nareas = K;
    res->area_respondents = calloc(K ? K : 1, sizeof *res->area_respondents);
    res->area_items = calloc(K ? K : 1, sizeof *res->area_items);
    res->score = malloc((K ? K : 1) * sizeof *res->score);
    res->se = malloc((K ? K : 1) * sizeof *res->se);
    res->reliability = malloc((K ? K : 1) * sizeof *res->reliability);
    if (!res->area_respondents || !res->area_items || !res->score || !res->se ||
        !res->reliability)
        goto fail_setup;
    for (size_t j = 0; j < J; j++) {
        res->area_respondents[outer[j]]++;
        res->area_items[outer[j]] += nj[j];
    }
    for (size_t a = 0; a < K; a++) {
        double Jk = (double)res->area_respondents[a];
        res->score[a] = res->se[a] = res->reliability[a] = (double)NAN;
        if (Jk == 0)
            continue;
        res->area_items[a] /= Jk;
        res->score[a] = res->base + f->mode[1][0][a];
        res->se[a] = f->cond_sd[1][0][a];
        res->reliability[a] =
            res->tau_area /
            (res->tau_area +
             (res->tau_person + res->sigma2 / res->area_items[a]) / Jk);
    }
    ok = 1;
    goto done;
fail_setup:
    err_set(err, ST_ENOMEM, NULL, 0, 0,
            nc > 48 || p > 16 ? "at most 16 items and 48 covariates"
                              : "out of memory in the ecometric model");
fail:
done:
    free(idx);
    free(XtX);
    free(Xty);
    free(sx);
    free(sy);
    free(nj);
    free(outer);
    if (!ok) {
        ecometric_result_free(res);
        return NULL;
    }
    return res;
}
