/*
 * scale.h — reliability and agreement of a multi-item scale
 * (METHODS §1–2): reverse coding, the prorated respondent score,
 * Cronbach's alpha (raw and standardised, as psych::alpha), item
 * statistics, ICC(1) and ICC(2) from a one-way ANOVA, and rwg(j) per
 * group (as the R package multilevel).
 *
 * Pure computation over columns in memory; the caller owns the data.
 */
#ifndef ECOMETER_SCALE_H
#define ECOMETER_SCALE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef struct {
    size_t n;                  /* respondents (rows) */
    size_t p;                  /* items */
    const double *const *item; /* p columns of n answers, NaN = missing */
    const int *reversed;       /* p flags: reverse-code this item */
    double low, high;          /* the response range, e.g. 1 and 5 */
    const int32_t *group;      /* n group indices in [0, ngroups), or -1;
                                  NULL when there are no groups */
    size_t ngroups;
} scale_input;

typedef struct {
    size_t n;        /* answers given */
    double mean, sd; /* over the answers given, after reversing */
    double r_drop;   /* item against the sum of the others */
    double alpha_if_dropped;
} scale_item;

typedef struct {
    size_t n_respondents; /* respondents with a score */
    double raw_mean;      /* mean of their scores; NaN when none */
    double rwg_j;         /* NaN when fewer than 2 complete respondents */
} scale_group;

typedef struct {
    size_t n_items, n_respondents;
    double alpha, std_alpha; /* NaN with fewer than 2 items */
    double icc1, icc2;       /* NaN without groups */
    double rwg_j_mean, rwg_j_median;
    scale_item *items;   /* n_items entries */
    scale_group *groups; /* ngroups entries, NULL without groups */
    double *score;       /* n respondent scores, NaN when too few answers */
} scale_result;

/* Computes everything above. Returns NULL with err set (ST_ENOMEM, or
 * ST_EDATA when no respondent has a score). in is borrowed for the call;
 * the caller frees the result with scale_result_free. */
scale_result *scale_compute(const scale_input *in, error_buf *err);

void scale_result_free(scale_result *r);

/* rwg(j) of one group from its mean item variance (METHODS §2): the
 * variance ratio is truncated at 1; p items; A response options. */
double scale_rwg_j(double mean_item_variance, size_t p, double options);

#endif
