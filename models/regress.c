/*
 * regress.c — OLS and log-link GLMs (see regress.h).
 *
 * Every fit is a weighted least-squares problem solved by QR (GSL) on
 * √w·X: OLS once with w = 1; a GLM by IRLS, with working response
 * z = η − offset + (y − μ)/μ and weights w = μ²/V(μ), V = μ (Poisson) or
 * μ + μ²/θ (NB2). Robust covariances are sandwiches B M B with
 * B = (X'WX)⁻¹ and M built from the score contributions x_i w_i r_i
 * (r the working residual): HC0; HC1 = HC0·n/(n−k); HC3 with r_i/(1−h_i);
 * CR1 summing the contributions within clusters, times G/(G−1) and, for
 * OLS only, (n−1)/(n−k) (METHODS §5, as sandwich::vcovCL).
 */
#include "regress.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_IRLS = 100, MAX_OUTER = 50 };

typedef struct {
    size_t n, p;
    double *A;   /* √w X, then its QR */
    double *tau; /* QR's Householder coefficients */
    double *zw;  /* √w z, then residuals */
    double *B;   /* (X'WX)⁻¹ */
} wls;

static void wls_free(wls *s)
{
    free(s->A);
    free(s->tau);
    free(s->zw);
    free(s->B);
}

static int wls_alloc(wls *s, size_t n, size_t p)
{
    s->n = n;
    s->p = p;
    s->A = malloc(n * p * sizeof *s->A);
    s->tau = malloc(p * sizeof *s->tau);
    s->zw = malloc(n * sizeof *s->zw);
    s->B = malloc(p * p * sizeof *s->B);
    return s->A && s->tau && s->zw && s->B ? 0 : -1;
}

/* Solves the weighted least-squares problem for β and (X'WX)⁻¹. */
static int wls_solve(wls *s, const double *X, const double *z, const double *w,
                     double *beta)
{
    size_t n = s->n, p = s->p;
    for (size_t i = 0; i < n; i++) {
        double r = sqrt(w ? w[i] : 1);
        for (size_t j = 0; j < p; j++)
            s->A[i * p + j] = r * X[i * p + j];
        s->zw[i] = r * z[i];
    }
    gsl_matrix_view A = gsl_matrix_view_array(s->A, n, p);
    gsl_vector_view tau = gsl_vector_view_array(s->tau, p);
    gsl_vector_view b = gsl_vector_view_array(beta, p);
    gsl_vector *res = gsl_vector_alloc(n);
    gsl_vector_view zw = gsl_vector_view_array(s->zw, n);
    if (res == NULL || gsl_linalg_QR_decomp(&A.matrix, &tau.vector) != 0 ||
        gsl_linalg_QR_lssolve(&A.matrix, &tau.vector, &zw.vector, &b.vector,
                              res) != 0) {
        gsl_vector_free(res);
        return -1;
    }
    gsl_vector_free(res);
    /* (X'WX)⁻¹ = R⁻¹ R⁻ᵀ from the upper triangle of the QR */
    double *Rinv = calloc(p * p, sizeof *Rinv);
    if (Rinv == NULL)
        return -1;
    for (size_t i = 0; i < p; i++)
        for (size_t j = i; j < p; j++)
            Rinv[i * p + j] = s->A[i * p + j];
    gsl_matrix_view Rv = gsl_matrix_view_array(Rinv, p, p);
    int rc = gsl_linalg_tri_upper_invert(&Rv.matrix);
    for (size_t i = 0; rc == 0 && i < p; i++)
        for (size_t j = 0; j < p; j++) {
            double x = 0;
            for (size_t k = (i > j ? i : j); k < p; k++)
                x += Rinv[i * p + k] * Rinv[j * p + k];
            s->B[i * p + j] = x;
        }
    free(Rinv);
    return rc == 0 ? 0 : -1;
}

/* The first column (in order) that is a linear combination of the ones
 * before it, by modified Gram–Schmidt with R's tolerance (1e-7 of the
 * column's norm); p when there is none. */
static size_t dependent_column(const double *X, size_t n, size_t p)
{
    double *Q = malloc(n * p * sizeof *Q);
    size_t found = p, kept = 0;
    if (Q == NULL)
        return p;
    for (size_t j = 0; j < p && found == p; j++) {
        double *q = Q + kept * n, norm0 = 0;
        for (size_t i = 0; i < n; i++) {
            q[i] = X[i * p + j];
            norm0 += q[i] * q[i];
        }
        for (size_t k = 0; k < kept; k++) {
            const double *u = Q + k * n;
            double d = 0;
            for (size_t i = 0; i < n; i++)
                d += u[i] * q[i];
            for (size_t i = 0; i < n; i++)
                q[i] -= d * u[i];
        }
        double norm = 0;
        for (size_t i = 0; i < n; i++)
            norm += q[i] * q[i];
        if (norm0 == 0 || sqrt(norm) < 1e-7 * sqrt(norm0)) {
            found = j;
            break;
        }
        for (size_t i = 0; i < n; i++)
            q[i] /= sqrt(norm);
        kept++;
    }
    free(Q);
    return found;
}

/* The covariance of β: classical or a sandwich (see the file comment).
 * r holds the working residuals, w the working weights (NULL: 1), scale
 * the classical dispersion. */
static int covariance(const reg_input *in, const wls *s, const double *r,
                      const double *w, double scale, double *V)
{
    size_t n = in->n, p = in->p;
    const double *B = s->B;
    if (in->se == SE_CLASSICAL) {
        for (size_t a = 0; a < p * p; a++)
            V[a] = scale * B[a];
        return 0;
    }
    size_t groups = in->se == SE_CLUSTER ? in->nclusters : n;
    double *u = calloc(groups * p, sizeof *u);
    if (u == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1, ri = r[i];
        const double *x = in->X + i * p;
        if (in->se == SE_HC3) { /* h_i = w_i x_i' B x_i */
            double h = 0;
            for (size_t a = 0; a < p; a++)
                for (size_t b = 0; b < p; b++)
                    h += x[a] * B[a * p + b] * x[b];
            ri /= 1 - wi * h;
        }
        size_t g = in->se == SE_CLUSTER ? (size_t)in->cluster[i] : i;
        for (size_t a = 0; a < p; a++)
            u[g * p + a] += x[a] * wi * ri;
    }
    double *M = calloc(p * p, sizeof *M);
    if (M == NULL) {
        free(u);
        return -1;
    }
    for (size_t g = 0; g < groups; g++)
        for (size_t a = 0; a < p; a++)
            for (size_t b = 0; b < p; b++)
                M[a * p + b] += u[g * p + a] * u[g * p + b];
    free(u);
    double k = (double)p, N = (double)n, G = (double)groups, adj = 1;
    if (in->se == SE_HC1)
        adj = N / (N - k);
    if (in->se == SE_CLUSTER) {
        adj = G / (G - 1);
        if (in->family == FAMILY_GAUSSIAN)
            adj *= (N - 1) / (N - k);
    }
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++) {
            double x = 0;
            for (size_t c = 0; c < p; c++)
                for (size_t d = 0; d < p; d++)
                    x += B[a * p + c] * M[c * p + d] * B[d * p + b];
            V[a * p + b] = adj * x;
        }
    free(M);
    return 0;
}

static double offset_of(const reg_input *in, size_t i)
{
    return in->offset ? in->offset[i] : 0;
}

static double variance(reg_family f, double mu, double theta)
{
    return f == FAMILY_NEGBIN ? mu + mu * mu / theta : mu;
}

static double deviance(const reg_input *in, const double *mu, double theta,
                       reg_family f)
{
    double d = 0;
    for (size_t i = 0; i < in->n; i++) {
        double y = in->y[i], m = mu[i];
        double ylog = y > 0 ? y * log(y / m) : 0;
        if (f == FAMILY_NEGBIN)
            d += 2 * (ylog - (y + theta) * log((y + theta) / (m + theta)));
        else
            d += 2 * (ylog - (y - m));
    }
    return d;
}

static double log_lik(const reg_input *in, const double *mu, double theta,
                      reg_family f)
{
    double l = 0;
    for (size_t i = 0; i < in->n; i++) {
        double y = in->y[i], m = mu[i], ylogm = y > 0 ? y * log(m) : 0;
        if (f == FAMILY_NEGBIN)
            l += lgamma(theta + y) - lgamma(theta) - lgamma(y + 1) +
                 theta * log(theta) + ylogm - (theta + y) * log(theta + m);
        else
            l += ylogm - m - lgamma(y + 1);
    }
    return l;
}

/* IRLS at a fixed θ from the current μ (X may be the intercept alone).
 * Leaves β, μ and the solver's (X'WX)⁻¹; returns the iterations used, or
 * 0 when the solve failed. */
static size_t irls(const reg_input *in, const double *X, size_t p, wls *s,
                   reg_family f, double theta, double *beta, double *mu,
                   double *z, double *w, int *converged)
{
    size_t n = in->n;
    double dev_old = deviance(in, mu, theta, f);
    *converged = 0;
    for (size_t it = 1; it <= MAX_IRLS; it++) {
        for (size_t i = 0; i < n; i++) {
            double eta = log(mu[i]);
            w[i] = mu[i] * mu[i] / variance(f, mu[i], theta);
            z[i] = eta - offset_of(in, i) + (in->y[i] - mu[i]) / mu[i];
        }
        s->p = p;
        if (wls_solve(s, X, z, w, beta) != 0)
            return 0;
        for (size_t i = 0; i < n; i++) {
            double eta = offset_of(in, i);
            for (size_t j = 0; j < p; j++)
                eta += X[i * p + j] * beta[j];
            mu[i] = exp(eta);
        }
        double dev = deviance(in, mu, theta, f);
        if (fabs(dev - dev_old) / (fabs(dev) + 0.1) < 1e-12) {
            *converged = 1;
            return it;
        }
        dev_old = dev;
    }
    return MAX_IRLS;
}

/* θ by Newton on its profile score (MASS::theta.ml), run to convergence;
 * *info gets the information at the answer. Returns a negative value
 * when θ runs off (no overdispersion). */
static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double theta_ml(const reg_input *in, const double *mu, double *info)
{
    size_t n = in->n;
    double t = 0;
    for (size_t i = 0; i < n; i++) {
        double d = in->y[i] / mu[i] - 1;
        t += d * d;
    }
    t = (double)n / t;
    /* The digamma terms depend on y alone: counts repeat, so they are
     * summed over the distinct values, each times its frequency. */
    double *v = malloc((n ? n : 1) * sizeof *v);
    double *freq = malloc((n ? n : 1) * sizeof *freq);
    if (v == NULL || freq == NULL) {
        free(v);
        free(freq);
        return -1;
    }
    memcpy(v, in->y, n * sizeof *v);
    qsort(v, n, sizeof *v, by_value);
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        if (nv == 0 || v[i] != v[nv - 1]) {
            v[nv] = v[i];
            freq[nv++] = 0;
        }
        freq[nv - 1] += 1;
    }
    for (int it = 0; it < 100; it++) {
        double score = 0, inf = 0;
        t = fabs(t);
        for (size_t j = 0; j < nv; j++) {
            score += freq[j] * (gsl_sf_psi(t + v[j]) - gsl_sf_psi(t));
            inf += freq[j] * (gsl_sf_psi_1(t) - gsl_sf_psi_1(t + v[j]));
        }
        for (size_t i = 0; i < n; i++) {
            double y = in->y[i], m = mu[i];
            score += log(t) + 1 - log(t + m) - (y + t) / (m + t);
            inf += -1 / t + 2 / (m + t) - (y + t) / ((m + t) * (m + t));
        }
        *info = inf;
        double del = score / inf;
        t += del;
        if (!isfinite(t) || t > 1e6) { /* no overdispersion left */
            t = -1;
            break;
        }
        if (fabs(del) < 1e-12 * fabs(t))
            break;
    }
    free(v);
    free(freq);
    return t;
}

void reg_result_free(reg_result *r)
{
    if (r == NULL)
        return;
    free(r->beta);
    free(r->se);
    free(r->vcov);
    free(r);
}

static void ols_statistics(const reg_input *in, const wls *s,
                           const double *beta, reg_result *r, double *resid)
{
    size_t n = in->n, p = in->p;
    double rss = 0, mean = 0, tss = 0;
    for (size_t i = 0; i < n; i++) {
        double fit = 0;
        for (size_t j = 0; j < p; j++)
            fit += in->X[i * p + j] * beta[j];
        double y = in->y[i] - offset_of(in, i);
        resid[i] = y - fit;
        rss += resid[i] * resid[i];
        mean += y;
    }
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = in->y[i] - offset_of(in, i) - (in->intercept ? mean : 0);
        tss += d * d;
    }
    (void)s;
    double N = (double)n, k = (double)p, df_int = in->intercept ? 1 : 0;
    r->df_residual = N - k;
    r->sigma = sqrt(rss / (N - k));
    r->r_squared = 1 - rss / tss;
    r->adj_r_squared = 1 - (1 - r->r_squared) * (N - df_int) / (N - k);
    r->f_statistic = k > df_int ? ((tss - rss) / (k - df_int)) / (rss / (N - k))
                                : (double)NAN;
    r->log_lik = -0.5 * N * (log(2 * M_PI) + 1 - log(N) + log(rss));
    r->aic = -2 * r->log_lik + 2 * (k + 1);
    r->bic = -2 * r->log_lik + log(N) * (k + 1);
}

reg_result *reg_fit(const reg_input *in, error_buf *err, size_t *dependent)
{
    size_t n = in->n, p = in->p;
    reg_result *r = calloc(1, sizeof *r);
    wls s = {0};
    double *mu = malloc((n ? n : 1) * sizeof *mu);
    double *z = malloc((n ? n : 1) * sizeof *z);
    double *w = malloc((n ? n : 1) * sizeof *w);
    double *V = malloc((p ? p * p : 1) * sizeof *V);
    double *ones = malloc((n ? n : 1) * sizeof *ones);
    double *b0 = malloc(sizeof *b0);
    *dependent = p;
    if (!r || !mu || !z || !w || !V || !ones || !b0 || p == 0 ||
        wls_alloc(&s, n, p) != 0 || !(r->beta = malloc(p * sizeof *r->beta)) ||
        !(r->se = malloc(p * sizeof *r->se))) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory in a regression");
        goto fail;
    }
    r->p = p;
    r->r_squared = r->adj_r_squared = r->f_statistic = r->sigma = (double)NAN;
    r->deviance = r->null_deviance = r->theta = r->theta_se = (double)NAN;
    if (n <= p) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "%zu rows are too few for %zu coefficients", n, p);
        goto fail;
    }
    *dependent = dependent_column(in->X, n, p);
    if (*dependent < p) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "a coefficient is not estimable: its column is a linear "
                "combination of the ones before it");
        goto fail;
    }
    if (in->se == SE_CLUSTER && in->nclusters < 2) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "cluster-robust errors need at least two clusters");
        goto fail;
    }
    if (in->family == FAMILY_GAUSSIAN) {
        for (size_t i = 0; i < n; i++)
            z[i] = in->y[i] - offset_of(in, i);
        if (wls_solve(&s, in->X, z, NULL, r->beta) != 0)
            goto singular;
        ols_statistics(in, &s, r->beta, r, z); /* z: the residuals now */
        if (covariance(in, &s, z, NULL, r->sigma * r->sigma, V) != 0)
            goto oom;
        r->t_dist = 1;
        r->converged = 1;
        r->iterations = 1;
    } else {
        for (size_t i = 0; i < n; i++)
            if (in->y[i] < 0 || in->y[i] != floor(in->y[i])) {
                err_set(err, ST_EDATA, NULL, 0, 0,
                        "data row %zu: a count must be a whole number >= 0",
                        i + 1);
                goto fail;
            }
        reg_family f = FAMILY_POISSON;
        double theta = (double)INFINITY, info = 0;
        for (size_t i = 0; i < n; i++)
            mu[i] = in->y[i] + 0.1; /* glm's start for Poisson */
        int conv;
        size_t its = irls(in, in->X, p, &s, f, theta, r->beta, mu, z, w, &conv);
        if (its == 0)
            goto singular;
        r->iterations = its;
        if (in->family == FAMILY_NEGBIN) {
            /* MASS::glm.nb: alternate θ and the fit until both settle */
            double t = theta_ml(in, mu, &info), ll_old = 0;
            for (int outer = 0; t > 0 && outer < MAX_OUTER; outer++) {
                its = irls(in, in->X, p, &s, FAMILY_NEGBIN, t, r->beta, mu, z,
                           w, &conv);
                if (its == 0)
                    goto singular;
                r->iterations += its;
                double t_new = theta_ml(in, mu, &info);
                double ll =
                    log_lik(in, mu, t_new > 0 ? t_new : t, FAMILY_NEGBIN);
                double change = fabs(t_new - t) / t +
                                (outer ? fabs(ll - ll_old) / fabs(ll) : 1);
                t = t_new;
                ll_old = ll;
                if (t > 0 && change < 1e-12)
                    break;
            }
            if (t > 0) {
                f = FAMILY_NEGBIN;
                theta = t;
                r->theta = t;
                r->theta_se = 1 / sqrt(info);
            } else {
                r->poisson_fallback = 1; /* θ ran off: refit as Poisson */
                for (size_t i = 0; i < n; i++)
                    mu[i] = in->y[i] + 0.1;
                if (irls(in, in->X, p, &s, f, theta, r->beta, mu, z, w,
                         &conv) == 0)
                    goto singular;
            }
        }
        r->converged = conv;
        r->deviance = deviance(in, mu, theta, f);
        r->log_lik = log_lik(in, mu, theta, f);
        double k = (double)p + (f == FAMILY_NEGBIN);
        r->aic = -2 * r->log_lik + 2 * k;
        r->bic = -2 * r->log_lik + log((double)n) * k;
        r->df_residual = (double)n - (double)p;
        /* (X'WX)⁻¹ at the final μ: IRLS's last solve used the weights of
         * the step before (as glm's vcov does); one more solve refreshes
         * it, its β discarded. Then the working residuals (y − μ)/μ for
         * the sandwich, and the null model for the null deviance. */
        double *refresh = malloc(p * sizeof *refresh);
        for (size_t i = 0; i < n; i++) {
            w[i] = mu[i] * mu[i] / variance(f, mu[i], theta);
            z[i] = log(mu[i]) - offset_of(in, i) + (in->y[i] - mu[i]) / mu[i];
        }
        s.p = p;
        int solved = refresh && wls_solve(&s, in->X, z, w, refresh) == 0;
        free(refresh);
        if (!solved)
            goto singular;
        for (size_t i = 0; i < n; i++)
            z[i] = (in->y[i] - mu[i]) / mu[i];
        if (covariance(in, &s, z, w, 1, V) != 0)
            goto oom;
        double *nmu = ones; /* reused: the null model's μ */
        if (in->intercept) {
            double *one = malloc(n * sizeof *one);
            wls s0 = {0};
            if (one == NULL || wls_alloc(&s0, n, 1) != 0) {
                free(one);
                wls_free(&s0);
                goto oom;
            }
            for (size_t i = 0; i < n; i++) {
                one[i] = 1;
                nmu[i] = in->y[i] + 0.1;
            }
            int c0;
            size_t ok = irls(in, one, 1, &s0, f, theta, b0, nmu, z, w, &c0);
            free(one);
            wls_free(&s0);
            if (ok == 0)
                goto singular;
        } else {
            for (size_t i = 0; i < n; i++)
                nmu[i] = exp(offset_of(in, i));
        }
        r->null_deviance = deviance(in, nmu, theta, f);
    }
    for (size_t j = 0; j < p; j++)
        r->se[j] = sqrt(V[j * p + j]);
    r->vcov = V;
    wls_free(&s);
    free(mu);
    free(z);
    free(w);
    free(ones);
    free(b0);
    return r;
singular:
    err_set(err, ST_EDATA, NULL, 0, 0, "the model could not be fitted");
    goto fail;
oom:
    err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory in a regression");
fail:
    wls_free(&s);
    free(mu);
    free(z);
    free(w);
    free(V);
    free(ones);
    free(b0);
    reg_result_free(r);
    return NULL;
}
