/*
 * funnel.c — funnel limits, intervals, overdispersion, rank intervals and
 * spine-chart statistics (see funnel.h; METHODS §8).
 *
 * The exact limits need the smallest r with F(r) ≥ p for four p. Each
 * search starts from the Cornish–Fisher guess (as R's qpois and qbinom
 * do), evaluates the CDF there once with GSL, and walks to r_p with the
 * probability-mass recurrences, so an area costs two CDF evaluations (one
 * for the lower pair of p, one for the upper pair) whatever its size.
 *
 * Rank intervals keep, per area, only the ranks that the 2.5th and 97.5th
 * percentiles can need (the 26 smallest and 26 largest of 1,000 draws) in
 * bounded heaps, one set per thread, merged at the end: the kept values
 * are a multiset that does not depend on which thread saw which draw.
 * Each draw is ranked with a stable radix sort of the drawn values
 * rounded to floats, then exact order within runs of equal floats, so
 * ties fall to the lower index as SPEC §4 wants.
 */
#include "funnel.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* Probabilities of the limits, in the order lower998, lower95, upper95,
 * upper998. */
static const double limit_p[4] = {0.001, 0.025, 0.975, 0.999};

/* The largest count or expected count the exact limits take (GSL's
 * discrete CDFs count in unsigned int). */
static const double max_count = 1e9;

static int whole(double v)
{
    return v == floor(v);
}

const char *funnel_check(const funnel_input *in, size_t i, funnel_field *field)
{
    double O = in->observed ? in->observed[i] : (double)NAN;
    double E = in->expected ? in->expected[i] : (double)NAN;
    double d = in->denominator ? in->denominator[i] : (double)NAN;
    switch (in->type) {
    case FUNNEL_RATIO:
        *field = FUNNEL_FIELD_OBSERVED;
        if (!isnan(O) && (O < 0 || !whole(O) || O > max_count))
            return "a whole number 0..1e9";
        if (in->expected != NULL) {
            *field = FUNNEL_FIELD_EXPECTED;
            if (!isnan(E) && !(E > 0 && E <= max_count))
                return "a number > 0 and <= 1e9";
        } else {
            *field = FUNNEL_FIELD_DENOMINATOR;
            if (!isnan(d) && !(d > 0))
                return "a number > 0";
        }
        return NULL;
    case FUNNEL_PROPORTION:
        *field = FUNNEL_FIELD_OBSERVED;
        if (!isnan(O) && (O < 0 || !whole(O)))
            return "a whole number >= 0";
        *field = FUNNEL_FIELD_DENOMINATOR;
        if (!isnan(d) && (d < 1 || !whole(d) || d > max_count))
            return "a whole number 1..1e9";
        *field = FUNNEL_FIELD_OBSERVED;
        if (!isnan(O) && !isnan(d) && O > d)
            return "a count no greater than the denominator";
        return NULL;
    case FUNNEL_SCORE:
        *field = FUNNEL_FIELD_SE;
        if (in->se != NULL && !isnan(in->se[i]) && !(in->se[i] > 0))
            return "a number > 0";
        return NULL;
    }
    return NULL;
}

/* ---- exact limits ------------------------------------------------------ */

/* A discrete distribution's CDF F and mass f at r, walked by recurrence. */
typedef struct {
    int binomial;
    double mean, n, theta; /* Poisson(mean) or Binomial(n, theta) */
    double r, F, f;
} walker;

static void walk_start(walker *w, double r)
{
    w->r = r;
    if (w->binomial) {
        w->F = gsl_cdf_binomial_P((unsigned)r, w->theta, (unsigned)w->n);
        w->f = gsl_ran_binomial_pdf((unsigned)r, w->theta, (unsigned)w->n);
    } else {
        w->F = gsl_cdf_poisson_P((unsigned)r, w->mean);
        w->f = gsl_ran_poisson_pdf((unsigned)r, w->mean);
    }
}

/* f(r + 1) / f(r) and f(r − 1) / f(r). */
static double up_ratio(const walker *w)
{
    if (w->binomial)
        return (w->n - w->r) / (w->r + 1) * (w->theta / (1 - w->theta));
    return w->mean / (w->r + 1);
}

static double down_ratio(const walker *w)
{
    if (w->binomial)
        return w->r / (w->n - w->r + 1) * ((1 - w->theta) / w->theta);
    return w->r / w->mean;
}

/* Moves to the smallest r with F(r) ≥ p. */
static void walk_to(walker *w, double p)
{
    double top = w->binomial ? w->n : (double)INFINITY;
    while (w->F < p && w->r < top) {
        w->f *= up_ratio(w);
        w->r += 1;
        w->F += w->f;
    }
    while (w->r > 0 && w->F - w->f >= p) {
        w->F -= w->f;
        w->f *= down_ratio(w);
        w->r -= 1;
    }
}

/* Cornish–Fisher start, as R's qpois and qbinom. */
static double guess(double mu, double sigma, double gamma, double p, double top)
{
    double z = gsl_cdf_ugaussian_Pinv(p);
    double y = floor(mu + sigma * (z + gamma * (z * z - 1) / 6) + 0.5);
    return y < 0 ? 0 : y > top ? top : y;
}

/* The four exact limits (limit_p order) of Poisson(E) or Binomial(n, θ),
 * divided by E or n and truncated at 0. */
static void exact_limits(int binomial, double size, double theta, double out[4])
{
    walker w = {binomial, size, size, theta, 0, 0, 0};
    double mu = size, sigma = sqrt(size), gamma = 1 / sigma,
           top = (double)INFINITY;
    if (binomial) {
        if (theta <= 0 || theta >= 1) {
            /* a point mass at 0 or n: r_p is it for every p */
            double r = theta <= 0 ? 0 : size;
            for (int k = 0; k < 4; k++)
                out[k] = fmax(0, (r - (1 - limit_p[k])) / size);
            return;
        }
        mu = size * theta;
        sigma = sqrt(size * theta * (1 - theta));
        gamma = (1 - 2 * theta) / sigma;
        top = size;
    }
    for (int k = 0; k < 4; k++) {
        if (k == 0 || k == 2)
            walk_start(&w, guess(mu, sigma, gamma, limit_p[k], top));
        walk_to(&w, limit_p[k]);
        double alpha = (w.F - limit_p[k]) / w.f;
        out[k] = fmax(0, (w.r - alpha) / size);
    }
}

double funnel_poisson_limit(double E, double p)
{
    if (!(E > 0 && E <= max_count && p > 0 && p < 1))
        return (double)NAN;
    walker w = {0, E, E, 0, 0, 0, 0};
    double sigma = sqrt(E);
    walk_start(&w, guess(E, sigma, 1 / sigma, p, (double)INFINITY));
    walk_to(&w, p);
    return fmax(0, (w.r - (w.F - p) / w.f) / E);
}

double funnel_binomial_limit(double n, double theta, double p)
{
    if (!(n >= 1 && n <= max_count && whole(n) && theta >= 0 && theta <= 1 &&
          p > 0 && p < 1))
        return (double)NAN;
    if (theta <= 0 || theta >= 1)
        return fmax(0, ((theta <= 0 ? 0 : n) - (1 - p)) / n);
    walker w = {1, n * theta, n, theta, 0, 0, 0};
    double sigma = sqrt(n * theta * (1 - theta));
    walk_start(&w, guess(n * theta, sigma, (1 - 2 * theta) / sigma, p, n));
    walk_to(&w, p);
    return fmax(0, (w.r - (w.F - p) / w.f) / n);
}

/* ---- the areas' own intervals ------------------------------------------ */

void funnel_byar(double O, double *low, double *high)
{
    double z = gsl_cdf_ugaussian_Pinv(0.975);
    if (O < 10) {
        /* exact: the χ² quantiles of Garwood's interval */
        *low = O > 0 ? gsl_cdf_chisq_Pinv(0.025, 2 * O) / 2 : 0;
        *high = gsl_cdf_chisq_Pinv(0.975, 2 * O + 2) / 2;
        return;
    }
    double a = 1 - 1 / (9 * O) - z / (3 * sqrt(O));
    double b = 1 - 1 / (9 * (O + 1)) + z / (3 * sqrt(O + 1));
    *low = O * a * a * a;
    *high = (O + 1) * b * b * b;
}

void funnel_wilson(double O, double n, double *low, double *high)
{
    double z = gsl_cdf_ugaussian_Pinv(0.975), z2 = z * z;
    double root = z * sqrt(z2 + 4 * O * (1 - O / n));
    *low = (2 * O + z2 - root) / (2 * (n + z2));
    *high = (2 * O + z2 + root) / (2 * (n + z2));
}

/* ---- quantiles ------------------------------------------------------------
 */

double funnel_quantile7(const double *sorted, size_t n, double p)
{
    double index = 1 + (double)(n - 1) * p;
    double lo = floor(index), hi = ceil(index);
    double q = sorted[(size_t)lo - 1];
    double h = index - lo, xh = sorted[(size_t)hi - 1];
    if (index > lo && xh != q)
        q = (1 - h) * q + h * xh;
    return q;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- funnel_compute ------------------------------------------------------ */

static const char *const field_names[] = {"observed", "expected", "denominator",
                                          "score", "se"};

enum { NARRAYS = 14 };

static funnel_result *result_alloc(const funnel_input *in)
{
    funnel_result *r = calloc(1, sizeof *r);
    size_t n = in->n ? in->n : 1;
    double *block = malloc(NARRAYS * n * sizeof *block);
    signed char *flags = malloc(3 * n);
    if (r == NULL || block == NULL || flags == NULL) {
        free(r);
        free(block);
        free(flags);
        return NULL;
    }
    double **arrays[NARRAYS - 3] = {
        &r->observed, &r->denominator, &r->expected, &r->value,
        &r->ci_low,   &r->ci_high,     &r->lower95,  &r->upper95,
        &r->lower998, &r->upper998,    &r->z};
    for (size_t a = 0; a < NARRAYS - 3; a++)
        *arrays[a] = block + a * n;
    r->flag95 = flags;
    r->flag998 = flags + n;
    r->versus_target = flags + 2 * n;
    r->type = in->type;
    r->overdispersion = in->overdispersion;
    r->n = in->n;
    return r;
}

void funnel_result_free(funnel_result *r)
{
    if (r == NULL)
        return;
    free(r->observed); /* the head of the block of doubles */
    free(r->flag95);
    free(r);
}

/* Whether area i has every input its type needs. */
static int complete(const funnel_input *in, size_t i)
{
    switch (in->type) {
    case FUNNEL_RATIO:
        return !isnan(in->observed[i]) &&
               !isnan(in->expected ? in->expected[i] : in->denominator[i]);
    case FUNNEL_PROPORTION:
        return !isnan(in->observed[i]) && !isnan(in->denominator[i]);
    case FUNNEL_SCORE:
        return !isnan(in->score[i]) && !isnan(in->se[i]);
    }
    return 0;
}

/* The transformed value Y, its SD s and the transformed target of area i
 * (METHODS §8, as FunnelPlotR). */
static void transformed(const funnel_result *r, size_t i, const double *se,
                        double *Y, double *s, double *target)
{
    switch (r->type) {
    case FUNNEL_RATIO:
        *Y = sqrt(r->value[i]);
        *s = 1 / (2 * sqrt(r->expected[i]));
        *target = 1;
        return;
    case FUNNEL_PROPORTION:
        *Y = asin(sqrt(r->value[i]));
        *s = 1 / (2 * sqrt(r->denominator[i]));
        *target = asin(sqrt(r->target));
        return;
    case FUNNEL_SCORE:
        *Y = r->value[i];
        *s = se[i];
        *target = r->target;
        return;
    }
}

/* A limit on the transformed scale back on the value's scale. */
static double back(funnel_type type, double y)
{
    switch (type) {
    case FUNNEL_RATIO:
        y = fmax(0, y);
        return y * y;
    case FUNNEL_PROPORTION:
        y = sin(fmin(fmax(0, y), M_PI / 2));
        return y * y;
    case FUNNEL_SCORE:
        return y;
    }
    return y;
}

static signed char flag(double v, double low, double high)
{
    return v > high  ? FUNNEL_FLAG_HIGH
           : v < low ? FUNNEL_FLAG_LOW
                     : FUNNEL_FLAG_WITHIN;
}

/* Pooled rate or proportion, or the mean score: sums in index order. */
static int pool(const funnel_input *in, funnel_result *r,
                const unsigned char *used, error_buf *err)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (!used[i])
            continue;
        switch (in->type) {
        case FUNNEL_RATIO:
            num += in->observed[i];
            den += in->expected ? 0 : in->denominator[i];
            break;
        case FUNNEL_PROPORTION:
            num += in->observed[i];
            den += in->denominator[i];
            break;
        case FUNNEL_SCORE:
            num += in->score[i];
            den += 1;
            break;
        }
    }
    r->rate = (double)NAN;
    r->target = in->type == FUNNEL_RATIO ? 1 : num / den;
    if (in->type == FUNNEL_RATIO && in->expected == NULL) {
        r->rate = num / den;
        if (!(r->rate > 0)) {
            err_set(err, ST_EDATA, NULL, 0, 0,
                    "no events: the pooled rate is 0, so no area has an "
                    "expected count");
            return -1;
        }
    }
    return 0;
}

/* Area i's value, intervals, z and exact (or normal) limits. */
static void area_compute(const funnel_input *in, funnel_result *r, size_t i,
                         double z975, double z999)
{
    double O = in->observed ? in->observed[i] : (double)NAN;
    double lim[4] = {(double)NAN, (double)NAN, (double)NAN, (double)NAN};
    r->observed[i] = r->denominator[i] = r->expected[i] = (double)NAN;
    switch (in->type) {
    case FUNNEL_RATIO: {
        double E =
            in->expected ? in->expected[i] : in->denominator[i] * r->rate;
        r->observed[i] = O;
        r->expected[i] = E;
        if (in->expected == NULL)
            r->denominator[i] = in->denominator[i];
        r->value[i] = O / E;
        funnel_byar(O, &r->ci_low[i], &r->ci_high[i]);
        r->ci_low[i] /= E;
        r->ci_high[i] /= E;
        if (E <= max_count)
            exact_limits(0, E, 0, lim);
        else
            lim[0] = lim[1] = lim[2] = lim[3] = (double)NAN;
        break;
    }
    case FUNNEL_PROPORTION: {
        double n = in->denominator[i];
        r->observed[i] = O;
        r->denominator[i] = n;
        r->expected[i] = n * r->target;
        r->value[i] = O / n;
        funnel_wilson(O, n, &r->ci_low[i], &r->ci_high[i]);
        exact_limits(1, n, r->target, lim);
        break;
    }
    case FUNNEL_SCORE: {
        double v = in->score[i], s = in->se[i];
        r->value[i] = v;
        r->ci_low[i] = v - z975 * s;
        r->ci_high[i] = v + z975 * s;
        lim[0] = r->target - z999 * s;
        lim[1] = r->target - z975 * s;
        lim[2] = r->target + z975 * s;
        lim[3] = r->target + z999 * s;
        break;
    }
    }
    r->lower998[i] = lim[0];
    r->lower95[i] = lim[1];
    r->upper95[i] = lim[2];
    r->upper998[i] = lim[3];
    double Y, s, t;
    transformed(r, i, in->se, &Y, &s, &t);
    r->z[i] = (Y - t) / s;
}

/* φ from the winsorised z and the additive τ² (METHODS §8). */
static int overdispersion(const funnel_input *in, funnel_result *r,
                          const unsigned char *used)
{
    size_t I = r->used;
    double *zs = malloc(I * sizeof *zs);
    if (zs == NULL)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < in->n; i++)
        if (used[i])
            zs[k++] = r->z[i];
    qsort(zs, I, sizeof *zs, by_double);
    double lz = funnel_quantile7(zs, I, 0.1), uz = funnel_quantile7(zs, I, 0.9);
    double sum = 0, sw = 0, sw2 = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (!used[i])
            continue;
        double zw = fmin(fmax(r->z[i], lz), uz), Y, s, t;
        sum += zw * zw;
        transformed(r, i, in->se, &Y, &s, &t);
        double w = 1 / (s * s);
        sw += w;
        sw2 += w * w;
    }
    free(zs);
    r->phi = sum / (double)I;
    double dI = (double)I;
    r->tau2 = I < 2 ? (double)NAN
                    : fmax(0, (dI * r->phi - (dI - 1)) / (sw - sw2 / sw));
    return 0;
}

/* Limits widened for overdispersion on the transformed scale. */
static void widen(const funnel_input *in, funnel_result *r, size_t i,
                  double z975, double z999)
{
    double Y, s, t;
    transformed(r, i, in->se, &Y, &s, &t);
    double sd = in->overdispersion == FUNNEL_OD_MULTIPLICATIVE
                    ? sqrt(r->phi) * s
                    : sqrt(s * s + r->tau2);
    r->lower998[i] = back(r->type, t - z999 * sd);
    r->lower95[i] = back(r->type, t - z975 * sd);
    r->upper95[i] = back(r->type, t + z975 * sd);
    r->upper998[i] = back(r->type, t + z999 * sd);
}

funnel_result *funnel_compute(const funnel_input *in, error_buf *err)
{
    funnel_result *r = NULL;
    unsigned char *used = malloc(in->n ? in->n : 1);
    if (used == NULL)
        goto oom;
    if ((in->type != FUNNEL_SCORE && in->observed == NULL) ||
        (in->type == FUNNEL_RATIO && !in->expected && !in->denominator) ||
        (in->type == FUNNEL_PROPORTION && !in->denominator) ||
        (in->type == FUNNEL_SCORE && (!in->score || !in->se))) {
        err_set(err, ST_EUSAGE, NULL, 0, 0,
                "funnel: a column that the type needs is missing");
        goto fail;
    }
    size_t nused = 0;
    for (size_t i = 0; i < in->n; i++) {
        funnel_field field;
        const char *what = funnel_check(in, i, &field);
        if (what != NULL) {
            err_set(err, ST_EDATA, NULL, 0, 0, "area %zu: %s: expected %s",
                    i + 1, field_names[field], what);
            goto fail;
        }
        used[i] = (unsigned char)complete(in, i);
        nused += used[i];
    }
    if (nused == 0) {
        err_set(err, ST_EDATA, NULL, 0, 0,
                "no area has every value the funnel needs");
        goto fail;
    }
    r = result_alloc(in);
    if (r == NULL)
        goto oom;
    r->used = nused;
    if (pool(in, r, used, err) != 0)
        goto fail;
    double z975 = gsl_cdf_ugaussian_Pinv(0.975);
    double z999 = gsl_cdf_ugaussian_Pinv(0.999);
    size_t n = in->n;
#pragma omp parallel for schedule(dynamic, 256) default(none)                  \
    shared(in, r, used, n, z975, z999)
    for (size_t i = 0; i < n; i++) {
        if (used[i]) {
            area_compute(in, r, i, z975, z999);
            continue;
        }
        r->observed[i] = in->observed ? in->observed[i] : (double)NAN;
        r->denominator[i] = in->denominator ? in->denominator[i] : (double)NAN;
        r->expected[i] = in->expected ? in->expected[i] : (double)NAN;
        r->value[i] = r->ci_low[i] = r->ci_high[i] = r->z[i] = (double)NAN;
        r->lower95[i] = r->upper95[i] = (double)NAN;
        r->lower998[i] = r->upper998[i] = (double)NAN;
    }
    if (overdispersion(in, r, used) != 0)
        goto oom;
    r->adjusted =
        in->overdispersion != FUNNEL_OD_NONE && r->phi > 1 &&
        (in->overdispersion == FUNNEL_OD_MULTIPLICATIVE || !isnan(r->tau2));
    for (size_t i = 0; i < n; i++) {
        if (!used[i]) {
            r->flag95[i] = r->flag998[i] = FUNNEL_FLAG_NA;
            r->versus_target[i] = FUNNEL_FLAG_NA;
            continue;
        }
        if (r->adjusted)
            widen(in, r, i, z975, z999);
        r->flag95[i] = flag(r->value[i], r->lower95[i], r->upper95[i]);
        r->flag998[i] = flag(r->value[i], r->lower998[i], r->upper998[i]);
        r->versus_target[i] = r->ci_low[i] > r->target    ? FUNNEL_FLAG_HIGH
                              : r->ci_high[i] < r->target ? FUNNEL_FLAG_LOW
                                                          : FUNNEL_FLAG_WITHIN;
    }
    free(used);
    return r;
oom:
    err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
fail:
    funnel_result_free(r);
    free(used);
    return NULL;
}

/* ---- rank intervals --------------------------------------------------------
 */

/* An order-preserving map of a double, rounded to a float (rounding is
 * monotone), to an unsigned key; −0 maps as +0. */
static uint32_t float_key(double x)
{
    float f = (float)x + 0.0F;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return (u >> 31) ? ~u : u | 0x80000000U;
}

/* What a thread needs to draw and rank one draw. */
typedef struct {
    uint64_t *item, *item2; /* sort items: key << 32 | index */
    double *values;         /* m drawn values */
    gsl_rng *g;             /* the thread's generator, reseeded each draw */
} rank_ws;

/* Every area's smallest and largest ranks so far, and the ranks of the
 * draws not yet folded in. */
typedef struct {
    int32_t *lo;     /* m × kl: max-heaps of the smallest ranks */
    int32_t *hi;     /* m × kh: max-heaps of the negated largest ranks */
    int32_t *lo_top; /* m: each lo heap's root, packed for a quick test */
    int32_t *hi_top;
    int32_t *batch; /* RANK_BATCH × m */
} rank_heaps;

/* Draws are made and ranked a batch at a time, side by side, then
 * folded into the heaps, areas side by side: each area's heaps meet the
 * draws in order, whatever the threads, and there is one set of heaps
 * however many threads. */
enum { RANK_BATCH = 64 };

/* Stable LSD radix sort of the m items by their top 32 bits, 11 bits a
 * pass; a pass whose digit is the same for every item is skipped. */
static void radix_sort(rank_ws *ws, size_t m)
{
    enum { BITS = 11, BUCKETS = 1 << BITS };
    static const int shift[3] = {32, 43, 54};
    size_t hist[3][BUCKETS];
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < m; i++)
        for (int p = 0; p < 3; p++)
            hist[p][(ws->item[i] >> shift[p]) & (BUCKETS - 1)]++;
    for (int p = 0; p < 3; p++) {
        size_t *h = hist[p], sum = 0;
        if (h[(ws->item[0] >> shift[p]) & (BUCKETS - 1)] == m)
            continue;
        for (int v = 0; v < BUCKETS; v++) {
            size_t c = h[v];
            h[v] = sum;
            sum += c;
        }
        for (size_t i = 0; i < m; i++) {
            uint64_t it = ws->item[i];
            ws->item2[h[(it >> shift[p]) & (BUCKETS - 1)]++] = it;
        }
        uint64_t *t = ws->item;
        ws->item = ws->item2;
        ws->item2 = t;
    }
}

/* Ranks (1 = highest, ties by index) of m values into rank: a radix
 * sort on the values rounded to floats, then runs of equal floats put in
 * order of the full values by a stable insertion sort. */
static void rank_values(rank_ws *ws, const double *v, size_t m, int32_t *rank)
{
    for (size_t i = 0; i < m; i++)
        ws->item[i] = (uint64_t)~float_key(v[i]) << 32 | (uint64_t)i;
    radix_sort(ws, m);
    uint64_t *it = ws->item;
    for (size_t s = 0; s < m;) {
        size_t e = s + 1;
        while (e < m && it[e] >> 32 == it[s] >> 32)
            e++;
        for (size_t a = s + 1; a < e; a++) {
            uint64_t x = it[a];
            double vx = v[(uint32_t)x];
            size_t b = a;
            while (b > s && v[(uint32_t)it[b - 1]] < vx) {
                it[b] = it[b - 1];
                b--;
            }
            it[b] = x;
        }
        s = e;
    }
    for (size_t p = 0; p < m; p++)
        rank[(uint32_t)it[p]] = (int32_t)(p + 1);
}

/* Keeps the k smallest values seen in a max-heap h holding `have`. */
static void heap_keep(int32_t *h, size_t k, size_t have, int32_t v)
{
    size_t i;
    if (have < k) {
        i = have;
        while (i > 0 && h[(i - 1) / 2] < v) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h[i] = v;
        return;
    }
    if (v >= h[0])
        return;
    i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= k)
            break;
        if (c + 1 < k && h[c + 1] > h[c])
            c++;
        if (h[c] <= v)
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = v;
}

/* heap_keep with the root mirrored in *top, tested first: once a heap is
 * full, most draws leave it alone, and the packed roots stay in cache. */
static void keep(int32_t *h, int32_t *top, size_t k, size_t have, int32_t v)
{
    if (have >= k && v >= *top)
        return;
    heap_keep(h, k, have, v);
    *top = h[0];
}

static int by_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Sorts a copy of an area's heap, n ranks: by insertion while small
 * (26 at 1000 draws; this runs twice per area, so its cost counts),
 * else with qsort. */
static void sort_pool(int32_t *pool, size_t n)
{
    if (n > 128) {
        qsort(pool, n, sizeof *pool, by_int32);
        return;
    }
    for (size_t a = 1; a < n; a++) {
        int32_t x = pool[a];
        size_t b = a;
        for (; b > 0 && pool[b - 1] > x; b--)
            pool[b] = pool[b - 1];
        pool[b] = x;
    }
}

/* R's type-7 quantile at p of B ranks, given the order statistics from
 * `first` (1-based) onwards in ascending order, rounded half to even. */
static double rank_quantile(const int32_t *from_first, size_t first, size_t B,
                            double p)
{
    double index = 1 + (double)(B - 1) * p;
    double lo = floor(index), hi = ceil(index);
    double q = from_first[(size_t)lo - first];
    double h = index - lo, xh = from_first[(size_t)hi - first];
    if (index > lo && xh != q)
        q = (1 - h) * q + h * xh;
    return nearbyint(q);
}

static void rank_ws_free(rank_ws *ws)
{
    free(ws->item);
    free(ws->item2);
    free(ws->values);
    gsl_rng_free(ws->g);
}

static int rank_ws_alloc(rank_ws *ws, size_t m)
{
    ws->item = malloc(m * sizeof *ws->item);
    ws->item2 = malloc(m * sizeof *ws->item2);
    ws->values = malloc(m * sizeof *ws->values);
    ws->g = gsl_rng_alloc(gsl_rng_mt19937);
    return ws->item && ws->item2 && ws->values && ws->g ? 0 : -1;
}

static void rank_heaps_free(rank_heaps *h)
{
    free(h->lo);
    free(h->hi);
    free(h->lo_top);
    free(h->hi_top);
    free(h->batch);
}

static int rank_heaps_alloc(rank_heaps *h, size_t m, size_t kl, size_t kh)
{
    h->lo = malloc(m * kl * sizeof *h->lo);
    h->hi = malloc(m * kh * sizeof *h->hi);
    h->lo_top = malloc(m * sizeof *h->lo_top);
    h->hi_top = malloc(m * sizeof *h->hi_top);
    h->batch = malloc(RANK_BATCH * m * sizeof *h->batch);
    return h->lo && h->hi && h->lo_top && h->hi_top && h->batch ? 0 : -1;
}

/* Folds the batch's nb draws, the first of them draw number `count`,
 * into the heaps of areas from..to−1: the block's heaps stay in cache
 * through the batch, and the batch is read in runs. */
static void fold(rank_heaps *h, size_t m, size_t kl, size_t kh, size_t nb,
                 size_t count, size_t from, size_t to)
{
    for (size_t d = 0; d < nb; d++) {
        const int32_t *r = h->batch + d * m;
        for (size_t i = from; i < to; i++) {
            keep(h->lo + i * kl, &h->lo_top[i], kl, count + d, r[i]);
            keep(h->hi + i * kh, &h->hi_top[i], kh, count + d, -r[i]);
        }
    }
}

/* Folds the draws into the heaps (workspaces allocated by the caller,
 * one per thread). */
static void rank_draws(size_t m, const double *mu, const double *sd,
                       size_t draws, uint64_t seed, size_t kl, size_t kh,
                       rank_ws *ws, rank_heaps *h, int nthreads)
{
    enum { BLOCK = 512 };
    size_t nblocks = (m + BLOCK - 1) / BLOCK;
#pragma omp parallel num_threads(nthreads) default(none)                       \
    shared(m, mu, sd, draws, seed, kl, kh, ws, h, nblocks)
    {
        rank_ws *w = &ws[omp_get_thread_num()];
        for (size_t first = 0; first < draws; first += RANK_BATCH) {
            size_t nb = draws - first < RANK_BATCH ? draws - first : RANK_BATCH;
#pragma omp for schedule(dynamic, 1)
            for (size_t d = 0; d < nb; d++) {
                gsl_rng_set(w->g, rng_stream_seed(
                                      seed, RNG_TAG(RNG_TAG_RANKS, first + d)));
                for (size_t i = 0; i < m; i++)
                    w->values[i] =
                        mu[i] + sd[i] * gsl_ran_gaussian_ziggurat(w->g, 1);
                rank_values(w, w->values, m, h->batch + d * m);
            }
#pragma omp for schedule(dynamic, 1)
            for (size_t b = 0; b < nblocks; b++)
                fold(h, m, kl, kh, nb, first, b * BLOCK,
                     m - b * BLOCK < BLOCK ? m : (b + 1) * BLOCK);
        }
    }
}

int funnel_ranks(size_t n, const double *score, const double *se, size_t draws,
                 uint64_t seed, double *rank, double *rank_low,
                 double *rank_high, error_buf *err)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        rank[i] = rank_low[i] = rank_high[i] = (double)NAN;
        m += !isnan(score[i]) && !isnan(se[i]);
    }
    if (m == 0)
        return 0;
    if (m > INT32_MAX) {
        err_set(err, ST_EDATA, NULL, 0, 0, "too many areas to rank");
        return -1;
    }
    int nthreads = omp_get_max_threads();
    /* order statistics needed: (1-based) lo1..hi1 and lo2..hi2 */
    double ilo = 1 + (double)(draws ? draws - 1 : 0) * 0.025;
    double ihi = 1 + (double)(draws ? draws - 1 : 0) * 0.975;
    size_t kl = (size_t)ceil(ilo), first_hi = (size_t)floor(ihi);
    size_t kh = draws ? draws - first_hi + 1 : 1;
    size_t *where = calloc(n, sizeof *where);
    double *mu = calloc(n, sizeof *mu), *sd = calloc(n, sizeof *sd);
    int32_t *point = malloc(m * sizeof *point);
    rank_ws *ws = calloc((size_t)nthreads, sizeof *ws);
    rank_heaps h = {0};
    int32_t *pool = malloc((kl > kh ? kl : kh) * sizeof *pool);
    int rc = -1;
    if (!where || !mu || !sd || !point || !ws || !pool ||
        rank_ws_alloc(&ws[0], m) != 0)
        goto done;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(score[i]) && !isnan(se[i])) {
            where[k] = i;
            mu[k] = score[i];
            sd[k++] = se[i];
        }
    rank_values(&ws[0], mu, m, point);
    for (size_t j = 0; j < m; j++)
        rank[where[j]] = point[j];
    if (draws == 0) {
        rc = 0;
        goto done;
    }
    for (int t = 1; t < nthreads; t++)
        if (rank_ws_alloc(&ws[t], m) != 0)
            goto done;
    if (rank_heaps_alloc(&h, m, kl, kh) != 0)
        goto done;
    rank_draws(m, mu, sd, draws, seed, kl, kh, ws, &h, nthreads);
    for (size_t j = 0; j < m; j++) {
        memcpy(pool, h.lo + j * kl, kl * sizeof *pool);
        sort_pool(pool, kl);
        rank_low[where[j]] = rank_quantile(pool, 1, draws, 0.025);
        for (size_t q = 0; q < kh; q++)
            pool[q] = -h.hi[j * kh + q];
        sort_pool(pool, kh);
        rank_high[where[j]] = rank_quantile(pool, first_hi, draws, 0.975);
    }
    rc = 0;
done:
    if (rc != 0)
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    for (int t = 0; ws != NULL && t < nthreads; t++)
        rank_ws_free(&ws[t]);
    rank_heaps_free(&h);
    free(ws);
    free(pool);
    free(point);
    free(where);
    free(mu);
    free(sd);
    return rc;
}

/* ---- spine chart ------------------------------------------------------------
 */

int funnel_spine_stats(size_t n, const double *value, double overall,
                       int higher_is_better, funnel_spine *out, error_buf *err)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(value[i]))
            v[m++] = value[i];
    if (m == 0) {
        free(v);
        err_set(err, ST_EDATA, NULL, 0, 0, "no area has a value");
        return -1;
    }
    qsort(v, m, sizeof *v, by_double);
    out->n = m;
    out->overall = overall;
    out->q25 = funnel_quantile7(v, m, 0.25);
    out->q75 = funnel_quantile7(v, m, 0.75);
    out->worst = higher_is_better ? v[0] : v[m - 1];
    out->best = higher_is_better ? v[m - 1] : v[0];
    free(v);
    return 0;
}
