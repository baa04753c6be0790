/*
 * test_reciprocity.c — the reciprocity and co-production indices of
 * METHODS §7 (models/reciprocity.h) against answers worked out by hand.
 *
 * Small exchange lists are built by hand (ids and areas as int codes).
 * Checked: every index of a members-only area and of an area where only
 * professionals give (catalyst 0, Gini undefined, isolated receivers);
 * self-exchanges dropped and counted; repeated exchanges between one pair
 * as one edge; an area of more than 1024 ids, so that the edges are
 * sorted and merged with their reverses instead of kept in a bit matrix
 * (also with enough repeated exchanges for the radix sort); an area with
 * no exchanges; the overall row from the areas' counts (no id in two
 * areas) and from the pooled graph (an id in two areas), both equal to
 * the same exchanges coded as one area; the member table; results the
 * same bit for bit with one thread or two and with the rows of the areas
 * interleaved; recip_profile's percentiles (R's ecdf, ties included, NaN
 * where an area has no value). Hours are exact binary fractions, so sums
 * taken in another order are equal and sums can be compared exactly.
 */
#include "unit.h"

#include "../../models/reciprocity.h"

#include <omp.h>

/* ---- building inputs ---------------------------------------------------- */

/* One exchange: giver → receiver, in an area, the giver paid or not. */
typedef struct {
    int32_t giver, receiver, area;
    unsigned char professional;
    double hours;
} ex;

/* Computes the indices of rows[0..n), with nids ids and nareas areas. */
static recip_result *compute(const ex *rows, size_t n, size_t nids,
                             size_t nareas)
{
    size_t m = n ? n : 1;
    int32_t *giver = malloc(m * sizeof *giver);
    int32_t *receiver = malloc(m * sizeof *receiver);
    int32_t *area = malloc(m * sizeof *area);
    unsigned char *professional = malloc(m);
    double *hours = malloc(m * sizeof *hours);
    assert_non_null(giver);
    assert_non_null(receiver);
    assert_non_null(area);
    assert_non_null(professional);
    assert_non_null(hours);
    for (size_t i = 0; i < n; i++) {
        giver[i] = rows[i].giver;
        receiver[i] = rows[i].receiver;
        area[i] = rows[i].area;
        professional[i] = rows[i].professional;
        hours[i] = rows[i].hours;
    }
    recip_input in = {.n = n,
                      .giver = giver,
                      .receiver = receiver,
                      .area = area,
                      .professional = professional,
                      .hours = hours,
                      .nids = nids,
                      .nareas = nareas};
    error_buf err;
    err_clear(&err);
    recip_result *r = recip_compute(&in, &err);
    assert_non_null(r);
    assert_int_equal(err.n, 0);
    free(giver);
    free(receiver);
    free(area);
    free(professional);
    free(hours);
    return r;
}

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* A double index: NaN where the expected value is NaN, else equal to
 * 1e-12 (relative). */
static void check_value(double got, double want, const char *what)
{
    if (isnan(want)) {
        if (!isnan(got)) {
            print_error("%s = %.17g, expected NaN\n", what, got);
            fail();
        }
        return;
    }
    unit_assert_close(got, want, 1e-12, what, __FILE__, __LINE__);
}

/* Every field of an area row against the expected one. */
static void check_area(const recip_area *a, const recip_area *w)
{
    assert_int_equal(a->members, w->members);
    assert_int_equal(a->professionals, w->professionals);
    assert_int_equal(a->givers, w->givers);
    assert_int_equal(a->receivers, w->receivers);
    assert_int_equal(a->reciprocators, w->reciprocators);
    assert_int_equal(a->exchanges, w->exchanges);
    assert_int_equal(a->mutual_dyads, w->mutual_dyads);
    assert_int_equal(a->edges, w->edges);
    assert_int_equal(a->reciprocated_edges, w->reciprocated_edges);
    assert_int_equal(a->largest_component, w->largest_component);
    check_value(a->hours, w->hours, "hours");
    check_value(a->member_hours, w->member_hours, "member_hours");
    check_value(a->professional_hours, w->professional_hours,
                "professional_hours");
    check_value(a->hours_per_member, w->hours_per_member, "hours_per_member");
    check_value(a->share_givers, w->share_givers, "share_givers");
    check_value(a->share_reciprocators, w->share_reciprocators,
                "share_reciprocators");
    check_value(a->dyadic_reciprocity, w->dyadic_reciprocity,
                "dyadic_reciprocity");
    check_value(a->gini_hours, w->gini_hours, "gini_hours");
    check_value(a->peer_hours_share, w->peer_hours_share, "peer_hours_share");
    check_value(a->catalyst_ratio, w->catalyst_ratio, "catalyst_ratio");
    check_value(a->largest_component_share, w->largest_component_share,
                "largest_component_share");
}

/* Two rows equal bit for bit (a recip_area is all 8-byte fields, so it
 * has no padding and memcmp is exact). */
static void check_same_area(const recip_area *a, const recip_area *b)
{
    assert_int_equal(sizeof *a, 21 * 8);
    assert_memory_equal(a, b, sizeof *a);
}

/* Two member tables equal field by field (recip_member has padding
 * after `professional`, whose bytes are unspecified). */
static void check_same_members(const recip_result *a, const recip_result *b)
{
    assert_int_equal(a->nmembers, b->nmembers);
    for (size_t i = 0; i < a->nmembers; i++) {
        const recip_member *p = &a->members[i], *q = &b->members[i];
        assert_int_equal(p->id, q->id);
        assert_int_equal(p->area, q->area);
        assert_int_equal(p->professional, q->professional);
        assert_memory_equal(&p->given_hours, &q->given_hours, sizeof(double));
        assert_memory_equal(&p->received_hours, &q->received_hours,
                            sizeof(double));
        assert_int_equal(p->given_count, q->given_count);
        assert_int_equal(p->received_count, q->received_count);
    }
}

static void check_same_result(const recip_result *a, const recip_result *b)
{
    assert_int_equal(a->nareas, b->nareas);
    for (size_t k = 0; k < a->nareas; k++)
        check_same_area(&a->areas[k], &b->areas[k]);
    check_same_area(&a->overall, &b->overall);
    assert_int_equal(a->self_exchanges, b->self_exchanges);
    check_same_members(a, b);
}

/* ---- one area ----------------------------------------------------------- */

enum { C, D, E, F, G, P, Q };

/* c → d 1h, d → c 2h, d → e 1h (members only). */
static const ex members_only[] = {
    {C, D, 0, 0, 1}, {D, C, 0, 0, 2}, {D, E, 0, 0, 1}};

/* Members c, d, e; givers c, d; receivers d, c, e; reciprocators c, d.
 * Edges c→d, d→c, d→e: 2 of 3 reciprocated, one mutual dyad. Given
 * hours (1, 3, 0): sorted (0, 1, 3), G = Σ(2i − n − 1)x_i / (n Σx)
 * = (−2·0 + 0·1 + 2·3) / (3 · 4) = 0.5. Every hour is member to member;
 * no professional hours, so no catalyst ratio; c, d, e form one
 * component. */
static const recip_area members_only_want = {.members = 3,
                                             .professionals = 0,
                                             .givers = 2,
                                             .receivers = 3,
                                             .reciprocators = 2,
                                             .exchanges = 3,
                                             .mutual_dyads = 1,
                                             .hours = 4,
                                             .member_hours = 4,
                                             .professional_hours = 0,
                                             .hours_per_member = 4.0 / 3,
                                             .share_givers = 2.0 / 3,
                                             .share_reciprocators = 2.0 / 3,
                                             .dyadic_reciprocity = 2.0 / 3,
                                             .gini_hours = 0.5,
                                             .peer_hours_share = 1,
                                             .catalyst_ratio = (double)NAN,
                                             .largest_component_share = 1,
                                             .edges = 3,
                                             .reciprocated_edges = 2,
                                             .largest_component = 3};

static void test_members_only_area(void **state)
{
    (void)state;
    recip_result *r = compute(members_only, NROWS(members_only), 3, 1);
    assert_int_equal(r->nareas, 1);
    assert_int_equal(r->self_exchanges, 0);
    check_area(&r->areas[0], &members_only_want);
    /* One area: the overall row is the area's. */
    check_area(&r->overall, &members_only_want);
    recip_result_free(r);
    recip_result_free(NULL);
}

static void test_professionals_only_give(void **state)
{
    (void)state;
    /* p (paid) gives c 1.5h, q (paid) gives d 2.5h. Members c, d, who
     * never give: givers 0, receivers 2, reciprocators 0, member hours 0
     * so hours per member 0 and catalyst ratio 0 / 4 = 0; peer share
     * 0 / 4 = 0. Given hours (0, 0) sum to 0: Gini undefined. Edges p→c
     * and q→d, neither reciprocated. No member-to-member edge: c and d
     * are components of one, 1 / 2 of the members. */
    const ex rows[] = {{P, C, 0, 1, 1.5}, {Q, D, 0, 1, 2.5}};
    const recip_area want = {.members = 2,
                             .professionals = 2,
                             .givers = 0,
                             .receivers = 2,
                             .reciprocators = 0,
                             .exchanges = 2,
                             .mutual_dyads = 0,
                             .hours = 4,
                             .member_hours = 0,
                             .professional_hours = 4,
                             .hours_per_member = 0,
                             .share_givers = 0,
                             .share_reciprocators = 0,
                             .dyadic_reciprocity = 0,
                             .gini_hours = (double)NAN,
                             .peer_hours_share = 0,
                             .catalyst_ratio = 0,
                             .largest_component_share = 0.5,
                             .edges = 2,
                             .reciprocated_edges = 0,
                             .largest_component = 1};
    recip_result *r = compute(rows, NROWS(rows), Q + 1, 1);
    check_area(&r->areas[0], &want);
    check_area(&r->overall, &want);
    recip_result_free(r);
}

static void test_professional_mixed_roles(void **state)
{
    (void)state;
    /* p gives c 2h as staff and d 0.75h without the role: p is a
     * professional all the same (ever gave as staff), so both are
     * professional hours; c gives d 1.25h. Members c, d: givers 1 (c),
     * receivers 2, reciprocators 1 (c). Member hours 1.25, professional
     * hours 2.75, hours 4: per member 0.625, peer share 1.25 / 4 =
     * 0.3125, catalyst 1.25 / 2.75 = 5/11. Given hours (1.25, 0): sorted
     * (0, 1.25), G = (−1·0 + 1·1.25) / (2 · 1.25) = 0.5. Edges p→c, p→d,
     * c→d, none reciprocated; c–d one component of 2. */
    const ex rows[] = {{P, C, 0, 1, 2}, {P, D, 0, 0, 0.75}, {C, D, 0, 0, 1.25}};
    const recip_area want = {.members = 2,
                             .professionals = 1,
                             .givers = 1,
                             .receivers = 2,
                             .reciprocators = 1,
                             .exchanges = 3,
                             .mutual_dyads = 0,
                             .hours = 4,
                             .member_hours = 1.25,
                             .professional_hours = 2.75,
                             .hours_per_member = 0.625,
                             .share_givers = 0.5,
                             .share_reciprocators = 0.5,
                             .dyadic_reciprocity = 0,
                             .gini_hours = 0.5,
                             .peer_hours_share = 0.3125,
                             .catalyst_ratio = 5.0 / 11,
                             .largest_component_share = 1,
                             .edges = 3,
                             .reciprocated_edges = 0,
                             .largest_component = 2};
    recip_result *r = compute(rows, NROWS(rows), P + 1, 1);
    check_area(&r->areas[0], &want);
    recip_result_free(r);
}

static void test_self_exchanges_dropped(void **state)
{
    (void)state;
    /* The members-only area with c → c 5h and e → e 0.5h added, between
     * its rows: both dropped (not in hours, exchanges or edges) and
     * counted. */
    const ex rows[] = {{C, D, 0, 0, 1},
                       {C, C, 0, 0, 5},
                       {D, C, 0, 0, 2},
                       {E, E, 0, 0, 0.5},
                       {D, E, 0, 0, 1}};
    recip_result *r = compute(rows, NROWS(rows), 3, 1);
    assert_int_equal(r->self_exchanges, 2);
    check_area(&r->areas[0], &members_only_want);
    check_area(&r->overall, &members_only_want);
    recip_result_free(r);
}

static void test_repeated_exchanges_one_edge(void **state)
{
    (void)state;
    /* c gives d three times (1.5, 0.25, 2h), d gives c once (0.75h): two
     * edges, both reciprocated, one mutual dyad; four exchanges. Given
     * hours (3.75, 0.75): G = (−1·0.75 + 1·3.75) / (2 · 4.5) = 1/3. */
    const ex rows[] = {{C, D, 0, 0, 1.5},
                       {C, D, 0, 0, 0.25},
                       {D, C, 0, 0, 0.75},
                       {C, D, 0, 0, 2}};
    const recip_area want = {.members = 2,
                             .professionals = 0,
                             .givers = 2,
                             .receivers = 2,
                             .reciprocators = 2,
                             .exchanges = 4,
                             .mutual_dyads = 1,
                             .hours = 4.5,
                             .member_hours = 4.5,
                             .professional_hours = 0,
                             .hours_per_member = 2.25,
                             .share_givers = 1,
                             .share_reciprocators = 1,
                             .dyadic_reciprocity = 1,
                             .gini_hours = 1.0 / 3,
                             .peer_hours_share = 1,
                             .catalyst_ratio = (double)NAN,
                             .largest_component_share = 1,
                             .edges = 2,
                             .reciprocated_edges = 2,
                             .largest_component = 2};
    recip_result *r = compute(rows, NROWS(rows), 2, 1);
    check_area(&r->areas[0], &want);
    assert_int_equal(r->nmembers, 2);
    assert_int_equal(r->members[0].id, C);
    assert_int_equal(r->members[0].given_count, 3);
    assert_close(r->members[0].given_hours, 3.75, 1e-15);
    recip_result_free(r);
}

static void test_empty_area(void **state)
{
    (void)state;
    /* Area 1 has no exchanges: every count 0 and every index NaN. */
    const ex rows[] = {{C, D, 0, 0, 1}};
    const recip_area want = {.hours_per_member = (double)NAN,
                             .share_givers = (double)NAN,
                             .share_reciprocators = (double)NAN,
                             .dyadic_reciprocity = (double)NAN,
                             .gini_hours = (double)NAN,
                             .peer_hours_share = (double)NAN,
                             .catalyst_ratio = (double)NAN,
                             .largest_component_share = (double)NAN};
    recip_result *r = compute(rows, NROWS(rows), 2, 2);
    check_area(&r->areas[1], &want);
    assert_int_equal(r->overall.members, 2);
    assert_int_equal(r->nmembers, 2);
    recip_result_free(r);
    /* No exchanges at all. */
    r = compute(NULL, 0, 0, 0);
    assert_int_equal(r->nareas, 0);
    assert_int_equal(r->nmembers, 0);
    check_area(&r->overall, &want);
    recip_result_free(r);
}

/* ---- a large area: sorted and merged edges ------------------------------ */

enum { RING = 1500, BACK = 100 };

/* A ring of RING members, each giving the next 1h, and the first BACK
 * also receiving back: i + 1 → i 1h for i < BACK. Each row `copies`
 * times over. */
static ex *ring(size_t copies, size_t *n)
{
    *n = copies * (RING + BACK);
    ex *rows = malloc(*n * sizeof *rows);
    assert_non_null(rows);
    size_t k = 0;
    for (size_t c = 0; c < copies; c++) {
        for (int32_t i = 0; i < RING; i++)
            rows[k++] = (ex){i, (i + 1) % RING, 0, 0, 1};
        for (int32_t i = 0; i < BACK; i++)
            rows[k++] = (ex){i + 1, i, 0, 0, 1};
    }
    return rows;
}

/* 1500 members, each gives and receives. Edges: 1500 around the ring
 * and 100 back, 200 of 1600 reciprocated (both directions of 100
 * pairs). One component. Given hours per copy: member 0 gives 1,
 * members 1..100 give 2, members 101..1499 give 1 — 1400 ones and 100
 * twos, total 1600: Σ_a Σ_b |x_a − x_b| = 2 · 1400 · 100 · 1 = 280000,
 * G = 280000 / (2 · 1500² · 1600/1500) = 7/120 (scale-free, so the same
 * for any number of copies). */
static recip_area ring_want(size_t copies)
{
    double h = (double)copies;
    recip_area w = {.members = RING,
                    .professionals = 0,
                    .givers = RING,
                    .receivers = RING,
                    .reciprocators = RING,
                    .exchanges = copies * (RING + BACK),
                    .mutual_dyads = BACK,
                    .hours = 1600 * h,
                    .member_hours = 1600 * h,
                    .professional_hours = 0,
                    .hours_per_member = 1600 * h / RING,
                    .share_givers = 1,
                    .share_reciprocators = 1,
                    .dyadic_reciprocity = 200.0 / 1600,
                    .gini_hours = 7.0 / 120,
                    .peer_hours_share = 1,
                    .catalyst_ratio = (double)NAN,
                    .largest_component_share = 1,
                    .edges = RING + BACK,
                    .reciprocated_edges = 2 * BACK,
                    .largest_component = RING};
    return w;
}

static void test_large_area(void **state)
{
    (void)state;
    size_t n;
    ex *rows = ring(1, &n);
    recip_result *r = compute(rows, n, RING, 1);
    recip_area want = ring_want(1);
    check_area(&r->areas[0], &want);
    check_area(&r->overall, &want);
    assert_int_equal(r->nmembers, RING);
    recip_result_free(r);
    free(rows);
}

static void test_large_area_repeated(void **state)
{
    (void)state;
    /* Three copies of every exchange: 4800 keys, enough for the radix
     * sort, and the duplicates collapse to the same 1600 edges. */
    size_t n;
    ex *rows = ring(3, &n);
    recip_result *r = compute(rows, n, RING, 1);
    recip_area want = ring_want(3);
    check_area(&r->areas[0], &want);
    recip_result_free(r);
    free(rows);
}

/* ---- the overall row ---------------------------------------------------- */

/* Area 0: the members-only area (c, d, e). Area 1: f → g 2.5h,
 * g → f 0.5h, p (paid) → f 1h. */
static const ex two_areas[] = {{C, D, 0, 0, 1},   {D, C, 0, 0, 2},
                               {D, E, 0, 0, 1},   {F, G, 1, 0, 2.5},
                               {G, F, 1, 0, 0.5}, {P, F, 1, 1, 1}};

/* The same exchanges as one area. */
static ex *as_one_area(const ex *rows, size_t n)
{
    ex *one = malloc(n * sizeof *one);
    assert_non_null(one);
    for (size_t i = 0; i < n; i++) {
        one[i] = rows[i];
        one[i].area = 0;
    }
    return one;
}

static void test_overall_disjoint_areas(void **state)
{
    (void)state;
    /* No id in both areas: the overall row comes from the areas' counts.
     * Members c, d, e, f, g (5), professional p. Givers c, d, f, g;
     * receivers all five; reciprocators c, d, f, g. Hours 8, member
     * hours 7, professional 1: per member 1.4, peer share 7/8, catalyst
     * 7. Edges c→d, d→c, d→e, f→g, g→f, p→f: 4 of 6 reciprocated, two
     * mutual dyads. Given hours (1, 3, 0, 2.5, 0.5): sorted
     * (0, 0.5, 1, 2.5, 3), weights (−4, −2, 0, 2, 4):
     * G = (−1 + 5 + 12) / (5 · 7) = 16/35. Components {c, d, e} and
     * {f, g}: largest 3 of 5. */
    const recip_area want = {.members = 5,
                             .professionals = 1,
                             .givers = 4,
                             .receivers = 5,
                             .reciprocators = 4,
                             .exchanges = 6,
                             .mutual_dyads = 2,
                             .hours = 8,
                             .member_hours = 7,
                             .professional_hours = 1,
                             .hours_per_member = 1.4,
                             .share_givers = 0.8,
                             .share_reciprocators = 0.8,
                             .dyadic_reciprocity = 4.0 / 6,
                             .gini_hours = 16.0 / 35,
                             .peer_hours_share = 7.0 / 8,
                             .catalyst_ratio = 7,
                             .largest_component_share = 0.6,
                             .edges = 6,
                             .reciprocated_edges = 4,
                             .largest_component = 3};
    recip_result *r = compute(two_areas, NROWS(two_areas), P + 1, 2);
    check_area(&r->areas[0], &members_only_want);
    check_area(&r->overall, &want);
    /* The pooled graph's indices, computed directly as one area, are the
     * same bit for bit. */
    ex *one = as_one_area(two_areas, NROWS(two_areas));
    recip_result *p = compute(one, NROWS(two_areas), P + 1, 1);
    check_same_area(&r->overall, &p->areas[0]);
    check_same_area(&r->overall, &p->overall);
    recip_result_free(p);
    free(one);
    recip_result_free(r);
}

static void test_overall_shared_id(void **state)
{
    (void)state;
    /* As above with d (of area 0) also giving g 0.25h in area 1, so the
     * overall row is computed from the pooled graph. Members c, d, e, f,
     * g; givers c, d, f, g; receivers all five; reciprocators c, d, f, g.
     * Hours 8.25, member hours 7.25, professional 1: per member 1.45,
     * peer share 7.25 / 8.25 = 29/33, catalyst 7.25. Edges c→d, d→c,
     * d→e, f→g, g→f, p→f, d→g: 4 of 7 reciprocated, two mutual dyads.
     * Given hours (1, 3.25, 0, 2.5, 0.5): sorted (0, 0.5, 1, 2.5, 3.25),
     * G = (−1 + 5 + 13) / (5 · 7.25) = 17/36.25. d–g joins the two
     * components: all 5 members in one. */
    ex rows[NROWS(two_areas) + 1];
    memcpy(rows, two_areas, sizeof two_areas);
    rows[NROWS(two_areas)] = (ex){D, G, 1, 0, 0.25};
    const recip_area want = {.members = 5,
                             .professionals = 1,
                             .givers = 4,
                             .receivers = 5,
                             .reciprocators = 4,
                             .exchanges = 7,
                             .mutual_dyads = 2,
                             .hours = 8.25,
                             .member_hours = 7.25,
                             .professional_hours = 1,
                             .hours_per_member = 1.45,
                             .share_givers = 0.8,
                             .share_reciprocators = 0.8,
                             .dyadic_reciprocity = 4.0 / 7,
                             .gini_hours = 17 / 36.25,
                             .peer_hours_share = 29.0 / 33,
                             .catalyst_ratio = 7.25,
                             .largest_component_share = 1,
                             .edges = 7,
                             .reciprocated_edges = 4,
                             .largest_component = 5};
    recip_result *r = compute(rows, NROWS(rows), P + 1, 2);
    check_area(&r->overall, &want);
    /* Area 0 is unchanged; area 1 gains d as a giver who never
     * receives there: members f, g, d; givers 3; reciprocators f, g. */
    check_area(&r->areas[0], &members_only_want);
    assert_int_equal(r->areas[1].members, 3);
    assert_int_equal(r->areas[1].givers, 3);
    assert_int_equal(r->areas[1].reciprocators, 2);
    assert_int_equal(r->areas[1].largest_component, 3);
    ex *one = as_one_area(rows, NROWS(rows));
    recip_result *p = compute(one, NROWS(rows), P + 1, 1);
    check_same_area(&r->overall, &p->areas[0]);
    recip_result_free(p);
    free(one);
    recip_result_free(r);
}

/* ---- the member table --------------------------------------------------- */

static void test_member_table(void **state)
{
    (void)state;
    /* Area 1's rows come first in the input; the table is by area code,
     * then by first appearance within the area. d appears in both areas
     * and so has a row in each. */
    const ex rows[] = {{F, D, 1, 0, 0.5},  {C, D, 0, 0, 1.25},
                       {D, C, 0, 0, 2},    {P, C, 0, 1, 0.75},
                       {P, D, 0, 0, 1.5},  {C, D, 0, 0, 0.25},
                       {D, F, 1, 0, 0.125}};
    const recip_member want[] = {
        /* id, area, professional, given, received, counts */
        {C, 0, 0, 1.5, 2.75, 2, 2},  {D, 0, 0, 2, 3, 1, 3},
        {P, 0, 1, 2.25, 0, 2, 0},    {F, 1, 0, 0.5, 0.125, 1, 1},
        {D, 1, 0, 0.125, 0.5, 1, 1},
    };
    recip_result *r = compute(rows, NROWS(rows), P + 1, 2);
    assert_int_equal(r->nmembers, NROWS(want));
    for (size_t i = 0; i < NROWS(want); i++) {
        const recip_member *m = &r->members[i], *w = &want[i];
        assert_int_equal(m->id, w->id);
        assert_int_equal(m->area, w->area);
        assert_int_equal(m->professional, w->professional);
        assert_close(m->given_hours, w->given_hours, 1e-15);
        assert_close(m->received_hours, w->received_hours, 1e-15);
        assert_int_equal(m->given_count, w->given_count);
        assert_int_equal(m->received_count, w->received_count);
    }
    /* Area 0: members c, d and professional p. */
    assert_int_equal(r->areas[0].members, 2);
    assert_int_equal(r->areas[0].professionals, 1);
    recip_result_free(r);
}

/* ---- the same results whatever the threads and row order ---------------- */

enum { KAREAS = 300, PER_AREA = 9 };

/* A deterministic pseudo-random stream (Knuth's MMIX LCG). */
static uint32_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*s >> 33);
}

/* KAREAS areas of 3..12 exchanges each, grouped by area in code order;
 * ids of area k are 9k..9k+8 (the last one paid), and with `shared` one
 * exchange in seven takes its giver from another area. Hours are
 * multiples of 0.25, some exchanges are self-exchanges. */
static ex *many_areas(int shared, size_t *n, size_t *start)
{
    ex *rows = malloc(KAREAS * 12 * sizeof *rows);
    assert_non_null(rows);
    uint64_t s = 20250314;
    size_t k = 0;
    for (int32_t a = 0; a < KAREAS; a++) {
        start[a] = k;
        size_t m = 3 + next(&s) % 10;
        for (size_t i = 0; i < m; i++) {
            int32_t g = a * PER_AREA + (int32_t)(next(&s) % PER_AREA);
            int32_t c = a * PER_AREA + (int32_t)(next(&s) % PER_AREA);
            if (shared && next(&s) % 7 == 0)
                g = (int32_t)(next(&s) % (KAREAS * PER_AREA));
            unsigned char prof = g % PER_AREA == PER_AREA - 1;
            double h = 0.25 * (1 + next(&s) % 12);
            rows[k++] = (ex){g, c, a, prof, h};
        }
    }
    start[KAREAS] = k;
    *n = k;
    return rows;
}

/* The same rows interleaved: the first row of each area (last area
 * first), then the second of each, and so on; each area's rows keep
 * their order, so first appearances within an area are unchanged. */
static ex *interleave(const ex *rows, const size_t *start, size_t n)
{
    ex *out = malloc(n * sizeof *out);
    assert_non_null(out);
    size_t k = 0;
    for (size_t i = 0; k < n; i++)
        for (size_t a = KAREAS; a-- > 0;)
            if (start[a] + i < start[a + 1])
                out[k++] = rows[start[a] + i];
    return out;
}

static void check_stable(int shared)
{
    size_t n, start[KAREAS + 1];
    ex *rows = many_areas(shared, &n, start);
    ex *mixed = interleave(rows, start, n);
    size_t nids = KAREAS * PER_AREA;
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    recip_result *one = compute(rows, n, nids, KAREAS);
    omp_set_num_threads(2);
    recip_result *two = compute(rows, n, nids, KAREAS);
    recip_result *two_mixed = compute(mixed, n, nids, KAREAS);
    omp_set_num_threads(1);
    recip_result *one_mixed = compute(mixed, n, nids, KAREAS);
    omp_set_num_threads(threads);
    assert_true(one->self_exchanges > 0);
    assert_true(one->overall.professionals > 0);
    check_same_result(one, two);
    check_same_result(one, two_mixed);
    check_same_result(one, one_mixed);
    recip_result_free(one);
    recip_result_free(two);
    recip_result_free(two_mixed);
    recip_result_free(one_mixed);
    free(mixed);
    free(rows);
}

static void test_stable_disjoint_areas(void **state)
{
    (void)state;
    check_stable(0);
}

static void test_stable_shared_ids(void **state)
{
    (void)state;
    check_stable(1);
}

/* ---- the co-production profile ------------------------------------------ */

static void test_profile(void **state)
{
    (void)state;
    /* Area 0: c → d 1h. Per member 0.5, givers 1/2, reciprocators 0,
     *   component 2/2 = 1, peer share 1, no catalyst.
     * Area 1: c → d 1h, d → c 1h. 1, 1, 1, 1, 1, no catalyst.
     * Area 2: p (paid) → c 2h, c → d 1h. 1/2 = 0.5, 1/2, 1/2 (c),
     *   1, 1/3, catalyst 1/2.
     * Area 3: p → c 1h, p → d 1h, c → e 3h. 3/3 = 1, 1/3, 1/3 (c),
     *   {c, e} 2/3, 3/5, catalyst 3/2.
     * Percentiles: 100 × #(values ≤ the area's) / #values.
     *   assets (0.5, 1, 0.5, 1): 50, 100, 50, 100;
     *   capacity (0.5, 1, 0.5, 1/3): 75, 100, 75, 25;
     *   mutuality (0, 1, 0.5, 1/3): 25, 100, 75, 50;
     *   networks (1, 1, 1, 2/3): 100, 100, 100, 25;
     *   shared roles (1, 1, 1/3, 0.6): 100, 100, 25, 50;
     *   catalysts (NaN, NaN, 0.5, 1.5): NaN, NaN, 50, 100. */
    const ex rows[] = {{C, D, 0, 0, 1}, {C, D, 1, 0, 1}, {D, C, 1, 0, 1},
                       {P, C, 2, 1, 2}, {C, D, 2, 0, 1}, {P, C, 3, 1, 1},
                       {P, D, 3, 1, 1}, {C, E, 3, 0, 3}};
    const double want[4][RECIP_PROFILE] = {
        {50, 75, 25, 100, 100, (double)NAN},
        {100, 100, 100, 100, 100, (double)NAN},
        {50, 75, 75, 100, 25, 50},
        {100, 25, 50, 25, 50, 100}};
    recip_result *r = compute(rows, NROWS(rows), P + 1, 4);
    double out[4 * RECIP_PROFILE];
    assert_int_equal(recip_profile(r, out), 0);
    for (size_t k = 0; k < 4; k++)
        for (size_t c = 0; c < RECIP_PROFILE; c++)
            check_value(out[k * RECIP_PROFILE + c], want[k][c],
                        recip_profile_names[c]);
    recip_result_free(r);
    const char *const names[RECIP_PROFILE] = {"assets",       "capacity",
                                              "mutuality",    "networks",
                                              "shared_roles", "catalysts"};
    for (size_t c = 0; c < RECIP_PROFILE; c++)
        assert_string_equal(recip_profile_names[c], names[c]);
}

static void test_profile_one_area(void **state)
{
    (void)state;
    /* A lone area with a value is at the 100th percentile. */
    recip_result *r = compute(members_only, NROWS(members_only), 3, 1);
    double out[RECIP_PROFILE];
    assert_int_equal(recip_profile(r, out), 0);
    for (size_t c = 0; c < RECIP_PROFILE - 1; c++)
        assert_close(out[c], 100, 1e-15);
    assert_nan(out[RECIP_PROFILE - 1]);
    recip_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members_only_area),
        cmocka_unit_test(test_professionals_only_give),
        cmocka_unit_test(test_professional_mixed_roles),
        cmocka_unit_test(test_self_exchanges_dropped),
        cmocka_unit_test(test_repeated_exchanges_one_edge),
        cmocka_unit_test(test_empty_area),
        cmocka_unit_test(test_large_area),
        cmocka_unit_test(test_large_area_repeated),
        cmocka_unit_test(test_overall_disjoint_areas),
        cmocka_unit_test(test_overall_shared_id),
        cmocka_unit_test(test_member_table),
        cmocka_unit_test(test_stable_disjoint_areas),
        cmocka_unit_test(test_stable_shared_ids),
        cmocka_unit_test(test_profile),
        cmocka_unit_test(test_profile_one_area),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* End OpenMP's worker threads, so that valgrind does not count their
     * thread-local storage as possibly lost. */
    omp_pause_resource_all(omp_pause_hard);
    return failed;
}
