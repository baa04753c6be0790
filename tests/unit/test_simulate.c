/*
 * test_simulate.c — random streams (models/rng.h) and the generative
 * model behind `ecometer simulate` (models/simulate.h).
 *
 * rng: the stream seed is the documented low 32 bits of
 * splitmix64(splitmix64(seed) XOR stream), recomputed here
 * independently; the same (seed, stream) gives the same sequence and
 * different streams, tags or seeds give different ones. Simulation:
 * sim_make_areas is deterministic, its disadvantage is standardised
 * (mean 0, SD 1 over 400 areas), the effect correlates with it about as
 * designed, and regions split the grid in quadrants; respondents'
 * answers are 1..5 or 0 (missing) with about 3% missing, reverse-worded
 * items run the other way, and each (area, wave) gives the same
 * respondents whatever the call order; exchanges never have giver ==
 * receiver, and professionals only give, with ids from `members` up.
 */
#include "unit.h"

#include "../../models/rng.h"
#include "../../models/simulate.h"

/* ---- rng ---------------------------------------------------------------- */

/* Vigna's splitmix64 finaliser, as rng.h documents it. */
static uint64_t reference_splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static void test_stream_seed_derivation(void **state)
{
    (void)state;
    /* splitmix64(0) is the first output of Vigna's reference generator
     * seeded with 0: 0xE220A8397B1DCDAF. */
    assert_true(reference_splitmix64(0) == 0xE220A8397B1DCDAFULL);
    const uint64_t seeds[] = {1, 20250101, 0xFFFFFFFFFFFFFFFFULL};
    const uint64_t streams[] = {
        0, 7, RNG_TAG(RNG_TAG_RESPONDENTS, ((uint64_t)2 << 32) | 35671)};
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++) {
            uint64_t want = reference_splitmix64(
                                reference_splitmix64(seeds[i]) ^ streams[j]) &
                            0xFFFFFFFFu;
            assert_true(rng_stream_seed(seeds[i], streams[j]) == want);
        }
    /* rng_stream is MT19937 seeded with that value. */
    gsl_rng *a = rng_stream(2385, 17);
    gsl_rng *b = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(gsl_rng_name(a), "mt19937");
    gsl_rng_set(b, rng_stream_seed(2385, 17));
    for (int i = 0; i < 50; i++)
        assert_true(gsl_rng_get(a) == gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* Whether two streams give the same first 64 draws. */
static int same_sequence(uint64_t seed1, uint64_t stream1, uint64_t seed2,
                         uint64_t stream2)
{
    gsl_rng *a = rng_stream(seed1, stream1), *b = rng_stream(seed2, stream2);
    assert_non_null(a);
    assert_non_null(b);
    int same = 1;
    for (int i = 0; i < 64; i++)
        same &= gsl_rng_get(a) == gsl_rng_get(b);
    gsl_rng_free(a);
    gsl_rng_free(b);
    return same;
}

static void test_streams_repeat_and_differ(void **state)
{
    (void)state;
    assert_true(same_sequence(2385, 12, 2385, 12));
    assert_true(same_sequence(1, RNG_TAG(RNG_TAG_AREAS, 0), 1,
                              RNG_TAG(RNG_TAG_AREAS, 0)));
    assert_false(same_sequence(2385, 12, 2385, 13));
    assert_false(same_sequence(2385, 12, 2386, 12));
    /* The same index under different purpose tags. */
    assert_false(same_sequence(7, RNG_TAG(RNG_TAG_RESPONDENTS, 5), 7,
                               RNG_TAG(RNG_TAG_EXCHANGES, 5)));
    /* Neighbouring streams give unrelated seeds: no two of 2000 equal. */
    enum { N = 2000 };
    unsigned long *s = malloc(N * sizeof *s);
    assert_non_null(s);
    for (size_t i = 0; i < N; i++) {
        s[i] = rng_stream_seed(42, i);
        assert_true(s[i] <= 0xFFFFFFFFul);
        for (size_t j = 0; j < i; j++)
            assert_true(s[i] != s[j]);
    }
    free(s);
}

/* ---- areas -------------------------------------------------------------- */

static const sim_params params = {
    .areas = 400, .respondents = 25, .exchanges = 20, .waves = 2, .seed = 2385};

static void mean_sd(const double *x, size_t n, double *mean, double *sd)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    *sd = sqrt(ss / (double)(n - 1));
}

static void test_areas(void **state)
{
    (void)state;
    sim_area *a = sim_make_areas(&params);
    sim_area *b = sim_make_areas(&params);
    assert_non_null(a);
    assert_non_null(b);
    size_t n = params.areas;
    assert_int_equal(sim_grid_width(n), 20);
    double *dis = malloc(n * sizeof *dis), *eff = malloc(n * sizeof *eff);
    assert_non_null(dis);
    assert_non_null(eff);
    for (size_t k = 0; k < n; k++) {
        dis[k] = a[k].disadvantage;
        eff[k] = a[k].effect;
    }

    /* Deterministic: the same parameters, the same areas. */
    for (size_t k = 0; k < n; k++) {
        assert_true(a[k].disadvantage == b[k].disadvantage);
        assert_true(a[k].effect == b[k].effect);
        assert_true(a[k].population == b[k].population);
        assert_true(a[k].poverty == b[k].poverty);
        assert_int_equal(a[k].violent_crimes, b[k].violent_crimes);
        assert_int_equal(a[k].timebank, b[k].timebank);
    }

    /* Disadvantage is standardised over the areas. */
    double m, sd;
    mean_sd(dis, n, &m, &sd);
    assert_true(fabs(m) < 1e-12);
    assert_close(sd, 1, 1e-12);
    /* The effect is a mix of two standardised fields with weight −0.4 on
     * disadvantage: SD near 1, correlation near −0.4. */
    double me, sde;
    mean_sd(eff, n, &me, &sde);
    assert_true(fabs(me) < 1e-9);
    assert_true(sde > 0.8 && sde < 1.2);
    double cov = 0;
    for (size_t k = 0; k < n; k++)
        cov += (eff[k] - me) * (dis[k] - m);
    double corr = cov / (double)(n - 1) / (sd * sde);
    assert_true(corr > -0.6 && corr < -0.2);

    size_t per_region[4] = {0}, timebanks = 0;
    for (size_t k = 0; k < n; k++) {
        const sim_area *ar = &a[k];
        assert_int_equal(ar->row, k / 20);
        assert_int_equal(ar->col, k % 20);
        /* Quadrants: rows 0..9 north, columns 0..9 west. */
        assert_int_equal(ar->region, (ar->row >= 10) * 2 + (ar->col >= 10));
        per_region[ar->region]++;
        assert_close(ar->efficacy, 3.4 + 0.3 * ar->effect, 1e-12);
        timebanks += (size_t)ar->timebank;
        /* Two waves: the programme effect applies where it runs. */
        assert_true(ar->did_effect == (ar->timebank ? 0.25 : 0));
        assert_true(ar->population > 0);
        const double prop[] = {
            ar->poverty, ar->unemployment, ar->public_assist, ar->female_head,
            ar->under18, ar->immigrant,    ar->owner_occ,     ar->same_house5};
        for (int i = 0; i < 8; i++)
            assert_true(prop[i] >= 0 && prop[i] <= 1);
        assert_true(ar->violent_crimes >= 0 && ar->homicides >= 0);
        assert_true(ar->expected_violent > 0);
    }
    for (int r = 0; r < 4; r++)
        assert_int_equal(per_region[r], 100);
    /* About 30% of areas run the programme (binomial SD 0.023). */
    double share = (double)timebanks / (double)n;
    assert_true(share > 0.2 && share < 0.4);

    /* Another seed, other areas; one wave, no programme effect. */
    sim_params p2 = params;
    p2.seed = 2386;
    p2.waves = 1;
    sim_area *c = sim_make_areas(&p2);
    assert_non_null(c);
    size_t same = 0;
    for (size_t k = 0; k < n; k++) {
        same += c[k].disadvantage == a[k].disadvantage;
        assert_true(c[k].did_effect == 0);
    }
    assert_int_equal(same, 0);
    free(dis);
    free(eff);
    free(a);
    free(b);
    free(c);
}

/* ---- respondents -------------------------------------------------------- */

static double correlation(const sim_respondent *r, size_t n, int i, int j)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        int x = r[k].answer[i], y = r[k].answer[j];
        if (x == 0 || y == 0)
            continue;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
        m++;
    }
    double dm = (double)m;
    return (sxy - sx * sy / dm) /
           sqrt((sxx - sx * sx / dm) * (syy - sy * sy / dm));
}

static void test_respondents(void **state)
{
    (void)state;
    sim_area *areas = sim_make_areas(&params);
    assert_non_null(areas);
    size_t total = 0, answers = 0, missing = 0;
    sim_respondent *all = NULL;
    for (size_t k = 0; k < params.areas; k++) {
        sim_respondent *r;
        size_t m = sim_respondents(&params, areas, k, 1, &r);
        assert_true(m != (size_t)-1);
        assert_true(m >= 1);
        all = realloc(all, (total + m) * sizeof *all);
        assert_non_null(all);
        memcpy(all + total, r, m * sizeof *r);
        for (size_t j = 0; j < m; j++) {
            const sim_respondent *s = &r[j];
            assert_in_range(s->age, 18, 89);
            assert_in_range(s->female, 0, 1);
            assert_in_range(s->owner, 0, 1);
            assert_in_range(s->years_resident, 0, s->age - 18);
            for (int i = 0; i < SIM_ITEMS; i++) {
                assert_in_range(s->answer[i], 0, 5);
                missing += s->answer[i] == 0;
                answers++;
            }
        }
        total += m;
        free(r);
    }
    /* Mean respondents per area 25 (1 + Poisson(24)): ±0.25 is 1 SD. */
    double per_area = (double)total / (double)params.areas;
    assert_true(per_area > 23.5 && per_area < 26.5);
    /* About 3% of answers missing; over ~100000 answers SD is 0.05%. */
    double rate = (double)missing / (double)answers;
    assert_true(rate > 0.025 && rate < 0.035);
    /* All items measure one trait; coh4 and coh5 are worded the other
     * way round, so they correlate negatively with the rest. */
    assert_true(correlation(all, total, 0, 1) > 0.1);
    assert_true(correlation(all, total, 0, 5) > 0.1);
    assert_true(correlation(all, total, 0, 3) < -0.1);
    assert_true(correlation(all, total, 4, 6) < -0.1);
    assert_true(correlation(all, total, 3, 4) > 0.1);
    assert_string_equal(sim_item_names[3], "coh4");
    assert_int_equal(sim_item_reversed[3], 1);
    assert_int_equal(sim_item_reversed[5], 0);
    free(all);
    free(areas);
}

static void test_respondents_deterministic(void **state)
{
    (void)state;
    sim_area *areas = sim_make_areas(&params);
    assert_non_null(areas);
    sim_respondent *first, *again, *other_wave, *other_area;
    /* Area 7 wave 2, drawn before and after other areas. */
    size_t n1 = sim_respondents(&params, areas, 7, 2, &first);
    size_t no = sim_respondents(&params, areas, 8, 2, &other_area);
    size_t nw = sim_respondents(&params, areas, 7, 1, &other_wave);
    size_t n2 = sim_respondents(&params, areas, 7, 2, &again);
    assert_int_equal(n1, n2);
    assert_memory_equal(first, again, n1 * sizeof *first);
    /* Another wave or another area: other respondents. */
    size_t m = nw < n1 ? nw : n1;
    assert_memory_not_equal(first, other_wave, m * sizeof *first);
    m = no < n1 ? no : n1;
    assert_memory_not_equal(first, other_area, m * sizeof *first);
    free(first);
    free(again);
    free(other_wave);
    free(other_area);
    free(areas);
}

/* ---- exchanges ---------------------------------------------------------- */

static void test_exchanges(void **state)
{
    (void)state;
    sim_area *areas = sim_make_areas(&params);
    assert_non_null(areas);
    size_t total = 0, professional = 0, reciprocated = 0;
    for (size_t k = 0; k < params.areas; k++) {
        sim_exchange *x;
        size_t members = 0, pros = 0;
        size_t n = sim_exchanges(&params, areas, k, &x, &members, &pros);
        assert_true(n != (size_t)-1);
        assert_true(members >= 3);
        assert_true(pros >= 1);
        for (size_t e = 0; e < n; e++) {
            const sim_exchange *ex = &x[e];
            assert_true(ex->giver != ex->receiver);
            /* Members are 0..members-1; professionals follow them and
             * only ever give. */
            assert_true(ex->receiver < members);
            assert_true(ex->giver < members + pros);
            assert_int_equal(ex->professional, ex->giver >= members);
            professional += (size_t)ex->professional;
            assert_true(ex->hours >= 0.5);
            assert_true(ex->hours * 2 == floor(ex->hours * 2));
            assert_in_range(ex->day, 0, 364);
            assert_in_range(ex->category, 0, SIM_CATEGORIES - 1);
            /* Count the exchanges that answer an earlier one. */
            for (size_t f = 0; f < e; f++)
                if (x[f].giver == ex->receiver && x[f].receiver == ex->giver) {
                    reciprocated++;
                    break;
                }
        }
        /* Deterministic per area. */
        sim_exchange *y;
        size_t m2, p2;
        size_t n2 = sim_exchanges(&params, areas, k, &y, &m2, &p2);
        assert_int_equal(n2, n);
        assert_int_equal(m2, members);
        assert_int_equal(p2, pros);
        for (size_t e = 0; e < n; e++) {
            assert_int_equal(y[e].giver, x[e].giver);
            assert_int_equal(y[e].receiver, x[e].receiver);
            assert_true(y[e].hours == x[e].hours);
            assert_int_equal(y[e].day, x[e].day);
        }
        total += n;
        free(x);
        free(y);
    }
    /* 20 per area on average; 10% by professionals. */
    double per_area = (double)total / (double)params.areas;
    assert_true(per_area > 18 && per_area < 22);
    double pro_share = (double)professional / (double)total;
    assert_true(pro_share > 0.07 && pro_share < 0.13);
    /* Reciprocation happens (35% of peer exchanges answer one). */
    assert_true((double)reciprocated / (double)total > 0.2);
    free(areas);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_seed_derivation),
        cmocka_unit_test(test_streams_repeat_and_differ),
        cmocka_unit_test(test_areas),
        cmocka_unit_test(test_respondents),
        cmocka_unit_test(test_respondents_deterministic),
        cmocka_unit_test(test_exchanges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
