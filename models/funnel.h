/*
 * funnel.h — comparing areas fairly (METHODS §8): funnel-plot limits for
 * counts against expected counts (ratio), proportions (proportion) and
 * survey scores with standard errors (score); z-scores on a
 * variance-stabilising scale; overdispersion by a multiplicative φ or an
 * additive τ² (Spiegelhalter 2005); each area's own 95% interval (Byar,
 * Wilson, ±z·SE); rank intervals from posterior draws (Goldstein &
 * Spiegelhalter 1996); and the statistics of a spine chart.
 *
 * Everything takes plain arrays, one value per area, NaN = missing: an
 * area with a missing input is left out of every pooled quantity (the
 * target, φ, τ², the ranks) and gets NaN results and FUNNEL_FLAG_NA.
 */
#ifndef ECOMETER_FUNNEL_H
#define ECOMETER_FUNNEL_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef enum {
    FUNNEL_RATIO,      /* observed counts O against expected counts E:
                          value O/E, target 1, exact Poisson limits */
    FUNNEL_PROPORTION, /* O events in n trials: value O/n, target the
                          pooled proportion, exact binomial limits */
    FUNNEL_SCORE       /* a score with its SE: target the mean of all
                          areas' scores, normal limits */
} funnel_type;

typedef enum {
    FUNNEL_OD_NONE,           /* exact limits */
    FUNNEL_OD_MULTIPLICATIVE, /* target ± z·√φ·s when φ > 1 */
    FUNNEL_OD_ADDITIVE        /* target ± z·√(s² + τ²) when φ > 1 */
} funnel_od;

/* Where an area lies against limits or a target. */
typedef enum {
    FUNNEL_FLAG_NA = -2, /* the area was left out */
    FUNNEL_FLAG_LOW = -1,
    FUNNEL_FLAG_WITHIN = 0,
    FUNNEL_FLAG_HIGH = 1
} funnel_flag;

/* The input columns (borrowed for the call). Which are read depends on
 * the type:
 *   ratio:      observed, and expected (E > 0) or, when expected is NULL,
 *               denominator (> 0), with E = denominator × ΣO/Σdenominator
 *   proportion: observed and denominator (whole numbers, 0 ≤ O ≤ n, n ≥ 1)
 *   score:      score and se (> 0)
 * Counts (observed) are whole numbers ≥ 0. Unused pointers may be NULL. */
typedef struct {
    funnel_type type;
    size_t n;
    const double *observed, *expected, *denominator;
    const double *score, *se;
    funnel_od overdispersion;
} funnel_input;

/* Which input column a problem is in (funnel_check). */
typedef enum {
    FUNNEL_FIELD_OBSERVED,
    FUNNEL_FIELD_EXPECTED,
    FUNNEL_FIELD_DENOMINATOR,
    FUNNEL_FIELD_SCORE,
    FUNNEL_FIELD_SE
} funnel_field;

/* The results, one array entry per area in input order (each of length
 * n, kept by the result). */
typedef struct {
    funnel_type type;
    funnel_od overdispersion;
    size_t n;      /* areas given */
    size_t used;   /* areas with every input present */
    double target; /* 1, the pooled proportion ΣO/Σn, or the mean score */
    double rate;   /* ratio from denominators: ΣO/Σdenominator; else NaN */
    double phi;    /* mean squared winsorised z (always estimated; NaN
                      with no area) */
    double tau2;   /* the additive τ² (always estimated; NaN with fewer
                      than 2 areas) */
    int adjusted;  /* the limits were widened: overdispersion is not
                      none and φ > 1 */
    double *observed, *denominator, *expected; /* as given or derived:
                       expected is E for ratios and n × target for
                       proportions; NaN for scores */
    double *value;                             /* O/E, O/n, or the score */
    double *ci_low, *ci_high;                  /* the area's own 95% interval */
    double *lower95, *upper95, *lower998, *upper998; /* funnel limits */
    double *z; /* (Y − target)/s on the transformed scale (METHODS §8),
                  not adjusted for overdispersion */
    signed char *flag95, *flag998; /* value against the limits */
    signed char *versus_target;    /* the own 95% interval lies above the
                                      target (high), below it (low) or
                                      overlaps it (within): the spine
                                      chart's marker colour */
} funnel_result;

/* Checks area i's inputs. Returns NULL when they are fine (missing
 * values are fine: the area is left out), else what was expected, such
 * as "a whole number >= 0", with *field set to the offending column, so
 * that the caller can report it with its file, line and column. */
const char *funnel_check(const funnel_input *in, size_t i, funnel_field *field);

/* Computes everything for every area. NULL with err set when an input is
 * invalid (funnel_check), no area has every input, the pooled rate or
 * proportion is 0 for ratios from denominators, or memory runs out.
 * Free with funnel_result_free. */
funnel_result *funnel_compute(const funnel_input *in, error_buf *err);
void funnel_result_free(funnel_result *r);

/* Exact limit at probability p (METHODS §8, Spiegelhalter 2005): r_p is
 * the smallest r with F(r) ≥ p, α = (F(r_p) − p)/(F(r_p) − F(r_p − 1)),
 * and the limit is (r_p − α)/E for Poisson(E), (r_p − α)/n for
 * Binomial(n, theta), truncated at 0. NaN for invalid arguments. */
double funnel_poisson_limit(double E, double p);
double funnel_binomial_limit(double n, double theta, double p);

/* Byar's 95% interval for a count O (exact χ² below 10 events), as
 * England's public-health profiles; divide by E for a ratio. */
void funnel_byar(double O, double *low, double *high);

/* Wilson's 95% score interval for O events in n trials. */
void funnel_wilson(double O, double n, double *low, double *high);

/* Rank intervals (SPEC §4 "Ranks"). Areas with a missing (NaN) score or
 * SE are left out and get NaN. Among the others, rank 1 is the highest
 * score, ties broken by index (pass areas in id order). Draw b
 * (0..draws−1) gives every area score + se·N(0, 1) from the stream
 * rng_stream(seed, RNG_TAG(RNG_TAG_RANKS, b)), areas in index order;
 * rank_low and rank_high are the 2.5th and 97.5th percentiles of an
 * area's ranks over the draws (R's quantile type 7) rounded half to even
 * (R's round). The draws run in parallel (OpenMP) with the same results
 * for any number of threads. rank, rank_low and rank_high (n each,
 * caller-owned) are filled; with draws = 0 the intervals are NaN.
 * Returns 0, or -1 with err set (memory). */
int funnel_ranks(size_t n, const double *score, const double *se, size_t draws,
                 uint64_t seed, double *rank, double *rank_low,
                 double *rank_high, error_buf *err);

/* The spine chart's bar for one indicator: the worst and best area
 * values, the 25th and 75th percentiles of the values (R's quantile
 * type 7; q25 ≤ q75 whatever the polarity) and the overall value (the
 * target). Which end is worst depends on higher_is_better. */
typedef struct {
    size_t n; /* areas with a value */
    double worst, q25, overall, q75, best;
} funnel_spine;

/* Fills out from the n values (NaN = missing). Returns 0, or -1 with err
 * set when no value is present or memory runs out. */
int funnel_spine_stats(size_t n, const double *value, double overall,
                       int higher_is_better, funnel_spine *out, error_buf *err);

/* R's quantile(x, p, type = 7) of n sorted values (n ≥ 1). */
double funnel_quantile7(const double *sorted, size_t n, double p);

#endif
