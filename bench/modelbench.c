/*
 * modelbench.c — times the mixed models for make bench, without the CSV
 * reading around them (csvread times that):
 *   1. the ecometric model (efficacy: ten items, four covariates) on a
 *      survey file, after loading it;
 *   2. a two-level random-intercept model, y ~ x + (1 | g), on ROWS rows
 *      in GROUPS groups generated in memory;
 *   3. OLS of the same y on x with cluster-robust (CR1) errors by group.
 * Prints the median of REPEAT fits and the peak RSS of the process.
 * Usage: modelbench SURVEY.csv ROWS GROUPS REPEAT
 */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "../base/error.h"
#include "../engine/startup.h"
#include "../io/table.h"
#include "../models/ecometric.h"
#include "../models/lmm.h"
#include "../models/regress.h"
#include "../models/rng.h"

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, by_value);
    return t[n / 2];
}

static long peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

/* Areas numbered in order of first appearance (enough for timing). */
static int32_t *area_index(const table *t, size_t col, size_t *nareas)
{
    size_t n = table_nrows(t), nc = table_ncodes(t);
    const int32_t *code = table_codes(t, col);
    int32_t *slot = malloc(nc * sizeof *slot), *idx = malloc(n * sizeof *idx);
    size_t k = 0;
    for (size_t c = 0; c < nc; c++)
        slot[c] = -1;
    for (size_t r = 0; r < n; r++) {
        if (code[r] >= 0 && slot[code[r]] < 0)
            slot[code[r]] = (int32_t)k++;
        idx[r] = code[r] >= 0 ? slot[code[r]] : -1;
    }
    free(slot);
    *nareas = k;
    return idx;
}

int main(int argc, char **argv)
{
    startup_reexec(argv); /* allocate as ecometer does */
    if (argc != 5) {
        fprintf(stderr, "usage: modelbench SURVEY.csv ROWS GROUPS REPEAT\n");
        return 2;
    }
    size_t rows = strtoul(argv[2], NULL, 10),
           groups = strtoul(argv[3], NULL, 10);
    int repeat = atoi(argv[4]);
    static const char *const names[] = {
        "area_id", "coh1", "coh2",   "coh3",  "coh4",
        "coh5",    "isc1", "isc2",   "isc3",  "isc4",
        "isc5",    "age",  "female", "owner", "years_resident"};
    enum { NCOLS = sizeof names / sizeof names[0] };
    col_spec cols[NCOLS];
    for (size_t c = 0; c < NCOLS; c++)
        cols[c] =
            (col_spec){names[c], c == 0 ? COL_TEXT : COL_NUMBER, 0, 0, 0, 0};
    static const char *const missing[] = {"NA"};
    table_request req = {argv[1], NULL, cols, NCOLS, missing, 1, 0};
    error_buf *err = calloc(1, sizeof *err);
    table *t = table_load(&req, err);
    if (t == NULL) {
        fprintf(stderr, "modelbench: %s\n", err->n ? err->msg[0] : "load");
        return 1;
    }
    size_t nareas;
    int32_t *area = area_index(t, 0, &nareas);
    const double *items[10], *covs[4];
    for (int i = 0; i < 10; i++)
        items[i] = table_numbers(t, 1 + (size_t)i);
    for (int q = 0; q < 4; q++)
        covs[q] = table_numbers(t, 11 + (size_t)q);
    static const int reversed[10] = {0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
    ecometric_input ei = {table_nrows(t), 10,     items, reversed, 1, 5,
                          area,           nareas, 4,     covs};
    double *times = malloc((size_t)repeat * sizeof *times);
    size_t answers = 0;
    for (int i = 0; i < repeat; i++) {
        double t0 = omp_get_wtime();
        ecometric_result *e = ecometric_fit(&ei, err);
        times[i] = omp_get_wtime() - t0;
        if (e == NULL)
            return 1;
        answers = e->n_answers;
        ecometric_result_free(e);
    }
    printf("ecometric %.3f %zu %zu %zu\n", median(times, repeat),
           table_nrows(t), answers, nareas);
    free(area);
    table_free(t);

    /* y = 1 + 0.5 x + u_g + e, u ~ N(0, 0.3²), e ~ N(0, 1) */
    double *X = malloc(rows * 2 * sizeof *X), *y = malloc(rows * sizeof *y);
    int32_t *g = malloc(rows * sizeof *g);
    double *u = malloc(groups * sizeof *u);
    gsl_rng *r = rng_stream(1, 99);
    for (size_t k = 0; k < groups; k++)
        u[k] = gsl_ran_gaussian(r, 0.3);
    for (size_t i = 0; i < rows; i++) {
        g[i] = (int32_t)(i % groups);
        X[2 * i] = 1;
        X[2 * i + 1] = gsl_ran_gaussian(r, 1);
        y[i] = 1 + 0.5 * X[2 * i + 1] + u[g[i]] + gsl_ran_gaussian(r, 1);
    }
    gsl_rng_free(r);
    lmm_input in = {rows, 2, X, y, NULL, 1, {g, NULL}, {groups, 0}, 1, NULL, 1};
    for (int i = 0; i < repeat; i++) {
        double t0 = omp_get_wtime();
        lmm_result *f = lmm_fit(&in, err);
        times[i] = omp_get_wtime() - t0;
        if (f == NULL)
            return 1;
        lmm_result_free(f);
    }
    printf("twolevel %.3f %zu %zu\n", median(times, repeat), rows, groups);
    reg_input ols = {rows,       2, X,     y, NULL, 1, FAMILY_GAUSSIAN,
                     SE_CLUSTER, g, groups};
    for (int i = 0; i < repeat; i++) {
        size_t dependent;
        double t0 = omp_get_wtime();
        reg_result *f = reg_fit(&ols, err, &dependent);
        times[i] = omp_get_wtime() - t0;
        if (f == NULL)
            return 1;
        reg_result_free(f);
    }
    printf("ols_cluster %.3f %zu %zu\n", median(times, repeat), rows, groups);
    printf("peak_mb %ld\n", peak_mb());
    free(X);
    free(y);
    free(g);
    free(u);
    free(times);
    free(err);
    return 0;
}
