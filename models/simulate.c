/*
 * simulate.c — the generative model (see simulate.h and README.md,
 * "The simulation model").
 */
#include "simulate.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#include "rng.h"

const char *const sim_item_names[SIM_ITEMS] = {"coh1", "coh2", "coh3", "coh4",
                                               "coh5", "isc1", "isc2", "isc3",
                                               "isc4", "isc5"};
const int sim_item_reversed[SIM_ITEMS] = {0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
const char *const sim_categories[SIM_CATEGORIES] = {
    "gardening", "shopping",  "befriending", "transport",
    "repairs",   "childcare", "admin"};
const char *const sim_region_names[4] = {"North West", "North East",
                                         "South West", "South East"};

/* Parameters of the model (README.md lists them with their meaning). */
static const double item_difficulty[SIM_ITEMS] = {
    0.25, 0.00, -0.15, 0.10, -0.20, 0.20, -0.10, 0.00, -0.25, 0.15};
static const double EFFICACY_MEAN = 3.4; /* γ00 on the 1..5 answer scale */
static const double EFFICACY_SD = 0.30;  /* √τ_β */
static const double DISADVANTAGE_ON_EFFICACY = -0.4; /* corr(u, D) */
static const double SPATIAL_WEIGHT = 0.8; /* smoothing by rook neighbours */
static const double PERSON_SD = 0.45;     /* √τ_π */
static const double ITEM_SD = 0.75;       /* σ */
static const double MISSING_RATE = 0.03;
static const double WAVE_TREND = 0.05;      /* per wave, everywhere */
static const double TIMEBANK_EFFECT = 0.25; /* from wave 2 in timebank areas */
static const double TIMEBANK_SHARE = 0.3;
static const double TIMEBANK_RATE = 2.0; /* exchanges relative to the mean */
static const double PROFESSIONAL_SHARE = 0.10;
static const double RECIPROCATE = 0.35;

static double logistic(double x)
{
    return 1 / (1 + exp(-x));
}

size_t sim_grid_width(size_t areas)
{
    size_t w = (size_t)ceil(sqrt((double)areas));
    return w ? w : 1;
}

/* x + SPATIAL_WEIGHT · (mean of the rook neighbours' x), standardised. */
static void smooth(const double *x, double *out, size_t n, size_t w)
{
    double sum = 0, ss = 0;
    for (size_t k = 0; k < n; k++) {
        size_t row = k / w, col = k % w;
        double nb = 0;
        int m = 0;
        if (col > 0) {
            nb += x[k - 1];
            m++;
        }
        if (col + 1 < w && k + 1 < n) {
            nb += x[k + 1];
            m++;
        }
        if (row > 0) {
            nb += x[k - w];
            m++;
        }
        if (k + w < n) {
            nb += x[k + w];
            m++;
        }
        out[k] = x[k] + (m ? SPATIAL_WEIGHT * nb / m : 0);
        sum += out[k];
    }
    double mean = sum / (double)n;
    for (size_t k = 0; k < n; k++)
        ss += (out[k] - mean) * (out[k] - mean);
    double sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 1;
    for (size_t k = 0; k < n; k++)
        out[k] = sd > 0 ? (out[k] - mean) / sd : 0;
}

/* A negative binomial count as a gamma mixture of Poissons. */
static long neg_binomial(gsl_rng *r, double mu, double theta)
{
    double lambda = mu * gsl_ran_gamma(r, theta, 1 / theta);
    return (long)gsl_ran_poisson(r, lambda);
}

static double proportion(gsl_rng *r, double base, double slope, double d,
                         double noise)
{
    double v = logistic(base + slope * d + gsl_ran_gaussian(r, noise));
    return round(v * 10000) / 10000;
}

sim_area *sim_make_areas(const sim_params *p)
{
    size_t n = p->areas, w = sim_grid_width(n);
    size_t rows = (n + w - 1) / w;
    sim_area *a = calloc(n ? n : 1, sizeof *a);
    double *e = calloc(2 * (n ? n : 1), sizeof *e);
    double *f = calloc(2 * (n ? n : 1), sizeof *f);
    gsl_rng *r = rng_stream(p->seed, RNG_TAG(RNG_TAG_AREAS, 0));
    if (a == NULL || e == NULL || f == NULL || r == NULL) {
        free(a);
        a = NULL;
        goto done;
    }
    for (size_t k = 0; k < 2 * n; k++)
        e[k] = gsl_ran_gaussian(r, 1);
    smooth(e, f, n, w);
    smooth(e + n, f + n, n, w);
    double rho = DISADVANTAGE_ON_EFFICACY;
    for (size_t k = 0; k < n; k++) {
        sim_area *ar = &a[k];
        ar->row = k / w;
        ar->col = k % w;
        ar->region = (ar->row >= rows / 2 ? 2 : 0) + (ar->col >= w / 2 ? 1 : 0);
        ar->disadvantage = f[k];
        ar->effect = rho * f[k] + sqrt(1 - rho * rho) * f[n + k];
        ar->efficacy = EFFICACY_MEAN + EFFICACY_SD * ar->effect;
        ar->timebank = gsl_rng_uniform(r) < TIMEBANK_SHARE;
        ar->did_effect = ar->timebank && p->waves > 1 ? TIMEBANK_EFFECT : 0;
        ar->population = round(exp(log(8000) + gsl_ran_gaussian(r, 0.3)));
        double d = ar->disadvantage;
        ar->poverty = proportion(r, -1.6, 0.6, d, 0.2);
        ar->unemployment = proportion(r, -2.4, 0.5, d, 0.2);
        ar->public_assist = proportion(r, -2.2, 0.6, d, 0.2);
        ar->female_head = proportion(r, -1.8, 0.5, d, 0.2);
        ar->under18 = proportion(r, -1.2, 0.2, d, 0.1);
        ar->immigrant = proportion(r, -1.5, 0.0, d, 0.8);
        ar->owner_occ = proportion(r, 0.3, -0.6, d, 0.2);
        ar->same_house5 = proportion(r, 0.4, -0.2, d, 0.2);
        double per1000 = ar->population / 1000;
        ar->expected_violent = per1000 * 12 * exp(0.45 * d - 0.25 * ar->effect);
        ar->expected_homicides =
            per1000 * 0.12 * exp(0.6 * d - 0.3 * ar->effect);
        ar->violent_crimes = neg_binomial(r, ar->expected_violent, 6);
        ar->homicides = neg_binomial(r, ar->expected_homicides, 4);
    }
done:
    gsl_rng_free(r);
    free(e);
    free(f);
    return a;
}

size_t sim_respondents(const sim_params *p, const sim_area *areas, size_t k,
                       size_t wave, sim_respondent **out)
{
    const sim_area *ar = &areas[k];
    gsl_rng *r = rng_stream(
        p->seed, RNG_TAG(RNG_TAG_RESPONDENTS, ((uint64_t)wave << 32) | k));
    if (r == NULL)
        return (size_t)-1;
    size_t m =
        1 + gsl_ran_poisson(r, p->respondents > 1 ? p->respondents - 1 : 0);
    sim_respondent *res = calloc(m, sizeof *res);
    if (res == NULL) {
        gsl_rng_free(r);
        return (size_t)-1;
    }
    double level = ar->efficacy + WAVE_TREND * (double)(wave - 1) +
                   (wave >= 2 ? ar->did_effect : 0);
    for (size_t j = 0; j < m; j++) {
        sim_respondent *s = &res[j];
        s->age = 18 + (int)gsl_rng_uniform_int(r, 72);
        s->female = gsl_rng_uniform(r) < 0.52;
        s->owner = gsl_rng_uniform(r) < logistic(0.3 - 0.6 * ar->disadvantage);
        int years = (int)floor(gsl_ran_exponential(r, 9));
        s->years_resident = years < s->age - 18 ? years : s->age - 18;
        double person =
            level + 0.004 * (s->age - 50) + 0.15 * (s->owner - 0.5) +
            0.01 * (s->years_resident - 9) - 0.05 * (s->female - 0.5) +
            gsl_ran_gaussian(r, PERSON_SD);
        for (int i = 0; i < SIM_ITEMS; i++) {
            double y = round(person + item_difficulty[i] +
                             gsl_ran_gaussian(r, ITEM_SD));
            int v = y < 1 ? 1 : y > 5 ? 5 : (int)y;
            if (sim_item_reversed[i])
                v = 6 - v; /* the item is worded the other way round */
            s->answer[i] = gsl_rng_uniform(r) < MISSING_RATE ? 0 : v;
        }
    }
    gsl_rng_free(r);
    *out = res;
    return m;
}

size_t sim_exchanges(const sim_params *p, const sim_area *areas, size_t k,
                     sim_exchange **out, size_t *members, size_t *professionals)
{
    const sim_area *ar = &areas[k];
    gsl_rng *r = rng_stream(p->seed, RNG_TAG(RNG_TAG_EXCHANGES, k));
    if (r == NULL)
        return (size_t)-1;
    double other = (1 - TIMEBANK_SHARE * TIMEBANK_RATE) / (1 - TIMEBANK_SHARE);
    double rate = p->exchanges * (ar->timebank ? TIMEBANK_RATE : other);
    size_t n = gsl_ran_poisson(r, rate);
    size_t m = 3 + n / 3, pro = 1 + (n > 30);
    sim_exchange *x = calloc(n ? n : 1, sizeof *x);
    if (x == NULL) {
        gsl_rng_free(r);
        return (size_t)-1;
    }
    size_t peer = 0; /* member-to-member exchanges so far, to reciprocate */
    size_t *peers = malloc((n ? n : 1) * sizeof *peers);
    if (peers == NULL) {
        free(x);
        gsl_rng_free(r);
        return (size_t)-1;
    }
    for (size_t e = 0; e < n; e++) {
        sim_exchange *ex = &x[e];
        if (gsl_rng_uniform(r) < PROFESSIONAL_SHARE) {
            ex->professional = 1;
            ex->giver = (uint32_t)(m + gsl_rng_uniform_int(r, pro));
            ex->receiver = (uint32_t)gsl_rng_uniform_int(r, m);
        } else if (peer > 0 && gsl_rng_uniform(r) < RECIPROCATE) {
            const sim_exchange *back = &x[peers[gsl_rng_uniform_int(r, peer)]];
            ex->giver = back->receiver;
            ex->receiver = back->giver;
        } else {
            ex->giver = (uint32_t)gsl_rng_uniform_int(r, m);
            ex->receiver = (uint32_t)gsl_rng_uniform_int(r, m - 1);
            if (ex->receiver >= ex->giver)
                ex->receiver++; /* never oneself */
        }
        if (!ex->professional)
            peers[peer++] = e;
        ex->hours = 0.5 * (double)(1 + gsl_ran_poisson(r, 1.5));
        ex->day = (int)gsl_rng_uniform_int(r, 365);
        ex->category = (int)gsl_rng_uniform_int(r, SIM_CATEGORIES);
    }
    free(peers);
    gsl_rng_free(r);
    *members = m;
    *professionals = pro;
    *out = x;
    return n;
}
