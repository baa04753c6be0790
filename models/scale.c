/*
 * scale.c — alpha, item statistics, ICC and rwg(j) (see scale.h).
 *
 * Alpha follows psych::alpha: the item covariance matrix C is built from
 * pairwise-complete cases, so a respondent who skipped one item still
 * counts for every pair of items they answered. ICC and rwg(j) follow the
 * R package multilevel, including its group size k = N/G and its use of
 * complete cases only for rwg(j).
 */
#include "scale.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The answer of row r to item i after reverse coding (METHODS §1). */
static double answer(const scale_input *in, size_t i, size_t r)
{
    double x = in->item[i][r];
    return in->reversed[i] ? in->low + in->high - x : x;
}

/* Prorated score: the mean of answered items when at least ceil(p/2) of
 * the p items are answered (METHODS §1). */
static void respondent_scores(const scale_input *in, double *score)
{
    size_t need = (in->p + 1) / 2;
    for (size_t r = 0; r < in->n; r++) {
        double sum = 0;
        size_t k = 0;
        for (size_t i = 0; i < in->p; i++) {
            double x = answer(in, i, r);
            if (!isnan(x)) {
                sum += x;
                k++;
            }
        }
        score[r] = k >= need && k > 0 ? sum / (double)k : (double)NAN;
    }
}

/* Pairwise-complete covariance matrix (p × p, row-major), as R's
 * cov(use = "pairwise.complete.obs"): each entry uses the means of the
 * rows where both items are present. Two passes per pair for accuracy. */
static void pairwise_covariance(const scale_input *in, double *cov)
{
    size_t p = in->p;
    for (size_t i = 0; i < p; i++) {
        for (size_t j = i; j < p; j++) {
            double si = 0, sj = 0;
            size_t m = 0;
            for (size_t r = 0; r < in->n; r++) {
                double a = answer(in, i, r), b = answer(in, j, r);
                if (isnan(a) || isnan(b))
                    continue;
                si += a;
                sj += b;
                m++;
            }
            double c = (double)NAN;
            if (m > 1) {
                double mi = si / (double)m, mj = sj / (double)m, s = 0;
                for (size_t r = 0; r < in->n; r++) {
                    double a = answer(in, i, r), b = answer(in, j, r);
                    if (!isnan(a) && !isnan(b))
                        s += (a - mi) * (b - mj);
                }
                c = s / (double)(m - 1);
            }
            cov[i * p + j] = cov[j * p + i] = c;
        }
    }
}

/* Cronbach's alpha of the items not excluded (skip = p: none excluded):
 * α = q/(q−1) · (1 − tr C / 1'C1) over the q kept items. */
static double alpha_of(const double *c, size_t p, size_t skip)
{
    size_t q = skip < p ? p - 1 : p;
    if (q < 2)
        return (double)NAN;
    double trace = 0, total = 0;
    for (size_t i = 0; i < p; i++) {
        if (i == skip)
            continue;
        trace += c[i * p + i];
        for (size_t j = 0; j < p; j++)
            if (j != skip)
                total += c[i * p + j];
    }
    return (double)q / (double)(q - 1) * (1 - trace / total);
}

/* r_drop_i = Σ_{j≠i} C_ij / √(C_ii · Σ_{j,k≠i} C_jk) (METHODS §1). */
static double r_drop(const double *c, size_t p, size_t i)
{
    if (p < 2)
        return (double)NAN;
    double cross = 0, rest = 0;
    for (size_t j = 0; j < p; j++) {
        if (j == i)
            continue;
        cross += c[i * p + j];
        for (size_t k = 0; k < p; k++)
            if (k != i)
                rest += c[j * p + k];
    }
    return cross / sqrt(c[i * p + i] * rest);
}

static void item_statistics(const scale_input *in, const double *cov,
                            scale_result *res)
{
    for (size_t i = 0; i < in->p; i++) {
        scale_item *it = &res->items[i];
        double sum = 0;
        size_t k = 0;
        for (size_t r = 0; r < in->n; r++) {
            double x = answer(in, i, r);
            if (!isnan(x)) {
                sum += x;
                k++;
            }
        }
        it->n = k;
        it->mean = k > 0 ? sum / (double)k : (double)NAN;
        it->sd = sqrt(cov[i * in->p + i]);
        it->r_drop = r_drop(cov, in->p, i);
        /* With two items psych reports C12 / C_jj for item i, the
         * "alpha" of the one item left; we follow the reference. */
        it->alpha_if_dropped =
            in->p == 2 ? cov[1] / cov[(1 - i) * 3] : alpha_of(cov, in->p, i);
    }
}

/* Standardised alpha: alpha on the correlation matrix cov2cor(C). */
static double standardised_alpha(const double *cov, size_t p)
{
    if (p < 2)
        return (double)NAN;
    double total = 0;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            total += cov[i * p + j] / sqrt(cov[i * p + i] * cov[j * p + j]);
    return (double)p / (double)(p - 1) * (1 - (double)p / total);
}

double scale_rwg_j(double mean_item_variance, size_t p, double options)
{
    double expected = (options * options - 1) / 12; /* σ²_EU */
    double ratio = mean_item_variance / expected;
    if (ratio > 1)
        ratio = 1;
    double q = (double)p;
    return q * (1 - ratio) / (q * (1 - ratio) + ratio);
}

/* ICC(1) and ICC(2) from the one-way ANOVA of the score on the group
 * (METHODS §2), with k = N/G as multilevel::ICC1 uses. */
static int intraclass(const scale_input *in, const double *score,
                      scale_result *res)
{
    size_t G = in->ngroups;
    double *sum = calloc(G, sizeof *sum);
    size_t *count = calloc(G, sizeof *count);
    int ok = sum != NULL && count != NULL;
    if (!ok)
        goto done;
    size_t N = 0;
    double grand = 0;
    for (size_t r = 0; r < in->n; r++) {
        int32_t g = in->group[r];
        if (g < 0 || isnan(score[r]))
            continue;
        sum[g] += score[r];
        count[g]++;
        grand += score[r];
        N++;
    }
    size_t used = 0;
    for (size_t g = 0; g < G; g++) {
        res->groups[g].n_respondents = count[g];
        res->groups[g].raw_mean =
            count[g] > 0 ? sum[g] / (double)count[g] : (double)NAN;
        used += count[g] > 0;
    }
    if (used < 2 || N <= used)
        goto done;
    grand /= (double)N;
    double ssb = 0, ssw = 0;
    for (size_t g = 0; g < G; g++)
        if (count[g] > 0) {
            double d = res->groups[g].raw_mean - grand;
            ssb += (double)count[g] * d * d;
        }
    for (size_t r = 0; r < in->n; r++) {
        int32_t g = in->group[r];
        if (g < 0 || isnan(score[r]))
            continue;
        double d = score[r] - res->groups[g].raw_mean;
        ssw += d * d;
    }
    double msb = ssb / (double)(used - 1), msw = ssw / (double)(N - used);
    double k = (double)N / (double)used;
    res->icc1 = (msb - msw) / (msb + (k - 1) * msw);
    res->icc2 = (msb - msw) / msb;
done:
    free(sum);
    free(count);
    return ok;
}

/* rwg(j) per group over the respondents who answered every item, each
 * item's variance with the n − 1 denominator (METHODS §2). */
static int agreement(const scale_input *in, scale_result *res)
{
    size_t G = in->ngroups, p = in->p;
    size_t *count = calloc(G ? G : 1, sizeof *count);
    size_t cells = G * p > 0 ? G * p : 1;
    double *mean = calloc(cells, sizeof *mean);
    double *ss = calloc(cells, sizeof *ss);
    double *valid = malloc((G ? G : 1) * sizeof *valid);
    int ok = count != NULL && mean != NULL && ss != NULL && valid != NULL;
    if (!ok)
        goto done;
    /* Welford's update per group and item, in row order. */
    for (size_t r = 0; r < in->n; r++) {
        int32_t g = in->group[r];
        if (g < 0)
            continue;
        int complete = 1;
        for (size_t i = 0; i < p && complete; i++)
            complete = !isnan(in->item[i][r]);
        if (!complete)
            continue;
        size_t c = ++count[g];
        for (size_t i = 0; i < p; i++) {
            double x = answer(in, i, r), *m = &mean[(size_t)g * p + i];
            double d = x - *m;
            *m += d / (double)c;
            ss[(size_t)g * p + i] += d * (x - *m);
        }
    }
    size_t nvalid = 0;
    double options = in->high - in->low + 1;
    for (size_t g = 0; g < G; g++) {
        res->groups[g].rwg_j = (double)NAN;
        if (count[g] < 2)
            continue;
        double v = 0;
        for (size_t i = 0; i < p; i++)
            v += ss[g * p + i] / (double)(count[g] - 1);
        res->groups[g].rwg_j = scale_rwg_j(v / (double)p, p, options);
        valid[nvalid++] = res->groups[g].rwg_j;
    }
    if (nvalid > 0) {
        res->rwg_j_mean = gsl_stats_mean(valid, 1, nvalid);
        gsl_sort(valid, 1, nvalid);
        res->rwg_j_median = gsl_stats_median_from_sorted_data(valid, 1, nvalid);
    }
done:
    free(count);
    free(mean);
    free(ss);
    free(valid);
    return ok;
}

void scale_result_free(scale_result *r)
{
    if (r == NULL)
        return;
    free(r->items);
    free(r->groups);
    free(r->score);
    free(r);
}

scale_result *scale_compute(const scale_input *in, error_buf *err)
{
    scale_result *res = calloc(1, sizeof *res);
    double *cov = calloc(in->p ? in->p * in->p : 1, sizeof *cov);
    if (res == NULL || cov == NULL)
        goto oom;
    res->n_items = in->p;
    res->alpha = res->std_alpha = (double)NAN;
    res->icc1 = res->icc2 = (double)NAN;
    res->rwg_j_mean = res->rwg_j_median = (double)NAN;
    res->items = calloc(in->p ? in->p : 1, sizeof *res->items);
    res->score = malloc((in->n ? in->n : 1) * sizeof *res->score);
    if (res->items == NULL || res->score == NULL)
        goto oom;
    respondent_scores(in, res->score);
    for (size_t r = 0; r < in->n; r++)
        res->n_respondents += !isnan(res->score[r]);
    if (res->n_respondents == 0) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "no respondent answered enough items for a score");
        goto fail;
    }
    pairwise_covariance(in, cov);
    res->alpha = alpha_of(cov, in->p, in->p);
    res->std_alpha = standardised_alpha(cov, in->p);
    item_statistics(in, cov, res);
    if (in->group != NULL && in->ngroups > 0) {
        res->groups = calloc(in->ngroups, sizeof *res->groups);
        if (res->groups == NULL)
            goto oom;
        if (!intraclass(in, res->score, res) || !agreement(in, res))
            goto oom;
    }
    free(cov);
    return res;
oom:
    err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory computing a scale");
fail:
    free(cov);
    scale_result_free(res);
    return NULL;
}
