/*
 * test_ecometric.c — the three-level ecometric model (models/ecometric.h)
 * on a tiny made-up survey.
 *
 * Six areas of four respondents answer three items on 1..5, some answers
 * missing, with one covariate (age). Three respondents stay out: one in
 * area 2 with no age, one in area 6 who answered nothing (area 6 thus
 * has nobody in the model), and one with no area. Checked: the counts
 * of answers, respondents and dropped respondents; the covariate mean
 * over respondents with an area and an age (the one without answers
 * included, the one without an area not); base = β0 + (β1 + β2)/3; the
 * area scores, SEs and reliabilities λ_k = τ_β/(τ_β + (τ_π + σ²/n̄_k)/J_k)
 * from the result's own fields, with J_k and n̄_k counted here; an empty
 * area's NaNs; the same fit from lmm_fit on the long data built here
 * (one row per answer); reversing an item through `reversed` equals
 * passing L + H − x; and too few respondents is an error.
 */
#include "unit.h"

#include "../../models/ecometric.h"

#include <gsl/gsl_errno.h>
#include <omp.h>

#define NA ((double)NAN)

enum { NRESP = 26, NITEMS = 3, NAREAS = 7 };

/* Respondent r: area, three answers, age. */
static const int32_t area[NRESP] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3,
                                    3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, -1};
static const double item1[NRESP] = {2, 1,  2, 3, 3, 2, 4, 3, 4, 3, 5, 3,  2,
                                    4, NA, 3, 5, 4, 5, 4, 1, 3, 2, 2, NA, 4};
static const double item2[NRESP] = {1, 2, 2, 2, 2, NA, 3,  3, 3, 3, 4, 4,  3,
                                    3, 2, 3, 4, 4, 5,  NA, 2, 2, 1, 3, NA, 4};
static const double item3[NRESP] = {2, NA, 1, 2, 3, 3, 3, 2, 4, NA, 4, 3,  2,
                                    4, 3,  3, 5, 3, 4, 5, 1, 2, 1,  2, NA, 4};
static const double age[NRESP] = {23.5, 41.2, 35.8, 62.1, 29.4, 51.7, 44.3,
                                  38.6, 27.9, NA,   56.2, 33.1, 47.5, 21.8,
                                  39.9, 58.4, 31.6, 45.0, 36.7, 52.3, 28.8,
                                  64.9, 42.1, 30.2, 41.3, 99.0};

/* Respondents out of the model: 9 (no age), 24 (no answers), 25 (no
 * area). */
static int left_out(size_t r)
{
    return r == 9 || r == 24 || r == 25;
}

static const double *const items[NITEMS] = {item1, item2, item3};
static const int forward[NITEMS] = {0, 0, 0};
static const double *const covs[1] = {age};

static ecometric_input survey(const double *const *it, const int *reversed)
{
    ecometric_input in = {.n = NRESP,
                          .p = NITEMS,
                          .item = it,
                          .reversed = reversed,
                          .low = 1,
                          .high = 5,
                          .area = area,
                          .nareas = NAREAS,
                          .ncov = 1,
                          .cov = covs};
    return in;
}

static ecometric_result *fit_ok(const ecometric_input *in)
{
    error_buf err;
    err_clear(&err);
    ecometric_result *r = ecometric_fit(in, &err);
    if (r == NULL)
        print_error("%s\n", err.n ? err.msg[0] : "(no message)");
    assert_non_null(r);
    assert_int_equal(err.n, 0);
    return r;
}

/* ---- counts and centring ------------------------------------------------ */

static void test_counts(void **state)
{
    (void)state;
    ecometric_input in = survey(items, forward);
    ecometric_result *r = fit_ok(&in);
    size_t answers = 0, resp = 0;
    for (size_t j = 0; j < NRESP; j++) {
        assert_int_equal(r->in_model[j], !left_out(j));
        if (left_out(j))
            continue;
        resp++;
        for (size_t i = 0; i < NITEMS; i++)
            answers += !isnan(items[i][j]);
    }
    assert_int_equal(resp, 23);
    assert_int_equal(answers, 65);
    assert_int_equal(r->n_respondents, 23);
    assert_int_equal(r->n_answers, 65);
    assert_int_equal(r->dropped, 3);
    assert_int_equal(r->nareas, NAREAS);
    /* The fit: respondents within areas; intercept, items 2 and 3, age. */
    assert_int_equal(r->fit->nfactors, 2);
    assert_int_equal(r->fit->ngroups[0], 23);
    assert_int_equal(r->fit->ngroups[1], NAREAS);
    assert_int_equal(r->fit->p, 4);
    ecometric_result_free(r);
}

static void test_covariate_mean(void **state)
{
    (void)state;
    ecometric_input in = survey(items, forward);
    ecometric_result *r = fit_ok(&in);
    /* Over respondents with an area and an age: all but 9 (no age) and
     * 25 (no area) — respondent 24, who answered nothing, counts. */
    double sum = 0;
    size_t k = 0;
    for (size_t j = 0; j < NRESP; j++)
        if (area[j] >= 0 && !isnan(age[j])) {
            sum += age[j];
            k++;
        }
    assert_int_equal(k, 24);
    assert_close(r->cov_mean[0], sum / 24, 1e-12);
    ecometric_result_free(r);
}

/* ---- scores ------------------------------------------------------------- */

static void test_scores_and_reliability(void **state)
{
    (void)state;
    ecometric_input in = survey(items, forward);
    ecometric_result *r = fit_ok(&in);
    const lmm_result *f = r->fit;
    assert_close(r->tau_person, f->tau00[0], 1e-15);
    assert_close(r->tau_area, f->tau00[1], 1e-15);
    assert_close(r->sigma2, f->sigma2, 1e-15);
    assert_true(r->tau_area > 0 && r->tau_person > 0 && r->sigma2 > 0);
    assert_close(r->base, f->beta[0] + (f->beta[1] + f->beta[2]) / 3, 1e-12);

    /* J_k and n̄_k counted here. */
    size_t J[NAREAS] = {0};
    double answers[NAREAS] = {0};
    for (size_t j = 0; j < NRESP; j++) {
        if (left_out(j))
            continue;
        J[area[j]]++;
        for (size_t i = 0; i < NITEMS; i++)
            answers[area[j]] += !isnan(items[i][j]);
    }
    assert_int_equal(J[2], 3);
    assert_int_equal(J[6], 0);
    for (size_t k = 0; k < 6; k++) {
        double nbar = answers[k] / (double)J[k];
        assert_int_equal(r->area_respondents[k], J[k]);
        assert_close(r->area_items[k], nbar, 1e-12);
        assert_close(r->score[k], r->base + f->mode[1][0][k], 1e-12);
        assert_close(r->se[k], f->cond_sd[1][0][k], 1e-12);
        double lambda =
            r->tau_area /
            (r->tau_area + (r->tau_person + r->sigma2 / nbar) / (double)J[k]);
        assert_close(r->reliability[k], lambda, 1e-12);
        assert_true(lambda > 0 && lambda < 1);
    }
    /* Area 6: nobody in the model. */
    assert_int_equal(r->area_respondents[6], 0);
    assert_nan(r->score[6]);
    assert_nan(r->se[6]);
    assert_nan(r->reliability[6]);
    /* Areas 4 (high answers) and 0 (low) are ordered. */
    assert_true(r->score[4] > r->score[0]);
    ecometric_result_free(r);
}

/* ---- the long data ------------------------------------------------------ */

static void test_equals_long_data_fit(void **state)
{
    (void)state;
    ecometric_input in = survey(items, forward);
    ecometric_result *e = fit_ok(&in);
    /* One row per answer: [1, item 2, item 3, age − mean], grouped by
     * respondent (inner, numbered in data order) within area. */
    enum { P = 4, MAXROWS = NRESP * NITEMS };
    double X[MAXROWS * P], y[MAXROWS];
    int32_t inner[MAXROWS], outer[MAXROWS];
    size_t n = 0, j = 0;
    for (size_t r = 0; r < NRESP; r++) {
        if (left_out(r))
            continue;
        for (size_t i = 0; i < NITEMS; i++) {
            if (isnan(items[i][r]))
                continue;
            X[n * P] = 1;
            X[n * P + 1] = i == 1;
            X[n * P + 2] = i == 2;
            X[n * P + 3] = age[r] - e->cov_mean[0];
            y[n] = items[i][r];
            inner[n] = (int32_t)j;
            outer[n] = area[r];
            n++;
        }
        j++;
    }
    lmm_input li = {.n = n,
                    .p = P,
                    .X = X,
                    .y = y,
                    .nfactors = 2,
                    .group = {inner, outer},
                    .ngroups = {j, NAREAS},
                    .intercept = 1,
                    .reml = 1};
    error_buf err;
    err_clear(&err);
    lmm_result *l = lmm_fit(&li, &err);
    assert_non_null(l);
    const lmm_result *f = e->fit;
    for (size_t c = 0; c < P; c++) {
        assert_close(f->beta[c], l->beta[c], 1e-6);
        assert_close(f->se[c], l->se[c], 1e-6);
    }
    assert_close(f->sigma2, l->sigma2, 1e-6);
    assert_close(f->tau00[0], l->tau00[0], 1e-6);
    assert_close(f->tau00[1], l->tau00[1], 1e-6);
    assert_close(f->criterion, l->criterion, 1e-9);
    for (size_t k = 0; k < 6; k++)
        assert_close(f->mode[1][0][k], l->mode[1][0][k], 1e-6);
    lmm_result_free(l);
    ecometric_result_free(e);
}

/* ---- reverse coding ----------------------------------------------------- */

static void assert_same_fit(const ecometric_result *a,
                            const ecometric_result *b)
{
    const lmm_result *f = a->fit, *g = b->fit;
    for (size_t c = 0; c < f->p; c++) {
        assert_close(f->beta[c], g->beta[c], 1e-12);
        assert_close(f->se[c], g->se[c], 1e-12);
    }
    assert_close(a->sigma2, b->sigma2, 1e-12);
    assert_close(a->tau_person, b->tau_person, 1e-12);
    assert_close(a->tau_area, b->tau_area, 1e-12);
    assert_close(a->base, b->base, 1e-12);
    assert_close(f->criterion, g->criterion, 1e-12);
    assert_int_equal(a->n_answers, b->n_answers);
    for (size_t k = 0; k < 6; k++) {
        assert_close(a->score[k], b->score[k], 1e-12);
        assert_close(a->se[k], b->se[k], 1e-12);
        assert_close(a->reliability[k], b->reliability[k], 1e-12);
    }
}

static void test_reversed_item(void **state)
{
    (void)state;
    /* Item 2 reversed on [1, 5], or given as 6 − x. */
    double flipped[NRESP];
    for (size_t r = 0; r < NRESP; r++)
        flipped[r] = 1 + 5 - item2[r]; /* NaN stays NaN */
    const double *const by_hand[NITEMS] = {item1, flipped, item3};
    const int second[NITEMS] = {0, 1, 0};
    ecometric_input in_rev = survey(items, second);
    ecometric_input in_hand = survey(by_hand, forward);
    ecometric_result *a = fit_ok(&in_rev);
    ecometric_result *b = fit_ok(&in_hand);
    assert_same_fit(a, b);
    /* Reversing changes the answers: not the forward fit. */
    ecometric_input in_fwd = survey(items, forward);
    ecometric_result *c = fit_ok(&in_fwd);
    assert_true(fabs(a->fit->beta[1] - c->fit->beta[1]) > 0.1);
    ecometric_result_free(a);
    ecometric_result_free(b);
    ecometric_result_free(c);
}

/* ---- errors ------------------------------------------------------------- */

static void test_too_few_respondents(void **state)
{
    (void)state;
    /* Only respondents 0 and 1 have an area. */
    int32_t two[NRESP];
    for (size_t r = 0; r < NRESP; r++)
        two[r] = r < 2 ? 0 : -1;
    ecometric_input in = survey(items, forward);
    in.area = two;
    error_buf err;
    err_clear(&err);
    assert_null(ecometric_fit(&in, &err));
    assert_int_equal(err.st, ST_EDATA);
    assert_string_equal(
        err.msg[0], "too few respondents with answers for the ecometric model");
    ecometric_result_free(NULL);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_covariate_mean),
        cmocka_unit_test(test_scores_and_reliability),
        cmocka_unit_test(test_equals_long_data_fit),
        cmocka_unit_test(test_reversed_item),
        cmocka_unit_test(test_too_few_respondents),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* End OpenMP's worker threads, so that valgrind does not count their
     * thread-local storage as possibly lost. */
    omp_pause_resource_all(omp_pause_hard);
    return failed;
}
