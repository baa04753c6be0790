/*
 * compbench.c — times the comparison statistics for make bench (issue 6's
 * targets on 2 cores), on data generated in memory for AREAS areas:
 *   1. Moran's I with PERMS permutations on a planar neighbour list: the
 *      areas on a grid 189 wide, rook neighbours (both directions), a
 *      smooth field plus noise;
 *   2. funnel limits for the areas: ratios (counts against the
 *      population times the pooled rate, overdispersion multiplicative)
 *      and proportions (the same counts out of the population);
 *   3. rank intervals from DRAWS draws of the area scores.
 * Prints the median of REPEAT runs of each and the peak RSS.
 * Usage: compbench AREAS PERMS DRAWS REPEAT
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "../base/error.h"
#include "../engine/startup.h"
#include "../models/funnel.h"
#include "../models/moran.h"
#include "../models/rng.h"

enum { WIDTH = 189 };

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

/* Rook neighbours of area k on the grid (row-major, last row partial),
 * in ascending order. */
static size_t rook(size_t k, size_t n, int32_t *out)
{
    size_t r = k / WIDTH, c = k % WIDTH, m = 0;
    if (r > 0)
        out[m++] = (int32_t)(k - WIDTH);
    if (c > 0)
        out[m++] = (int32_t)(k - 1);
    if (c + 1 < WIDTH && k + 1 < n)
        out[m++] = (int32_t)(k + 1);
    if (k + WIDTH < n)
        out[m++] = (int32_t)(k + WIDTH);
    return m;
}

int main(int argc, char **argv)
{
    startup_reexec(argv); /* allocate as ecometer does */
    if (argc != 5) {
        fprintf(stderr, "usage: compbench AREAS PERMS DRAWS REPEAT\n");
        return 2;
    }
    gsl_set_error_handler_off();
    size_t n = strtoul(argv[1], NULL, 10), perms = strtoul(argv[2], NULL, 10);
    size_t draws = strtoul(argv[3], NULL, 10);
    int repeat = atoi(argv[4]);
    if (n < 4 || repeat < 1)
        return 2;
    size_t *start = malloc((n + 1) * sizeof *start);
    int32_t *nbr = malloc(4 * n * sizeof *nbr);
    double *x = malloc(n * sizeof *x), *pop = malloc(n * sizeof *pop);
    double *count = malloc(n * sizeof *count), *se = malloc(n * sizeof *se);
    double *rank = malloc(3 * n * sizeof *rank);
    double *times = malloc((size_t)repeat * sizeof *times);
    error_buf *err = calloc(1, sizeof *err);
    if (!start || !nbr || !x || !pop || !count || !se || !rank || !times ||
        !err)
        return 1;
    gsl_rng *g = rng_stream(1, 6);
    start[0] = 0;
    for (size_t k = 0; k < n; k++) {
        start[k + 1] = start[k] + rook(k, n, nbr + start[k]);
        double r = (double)(k / WIDTH), c = (double)(k % WIDTH);
        x[k] = sin(r / 20) + cos(c / 15) + gsl_ran_gaussian(g, 1);
        pop[k] = 1000 + floor(2000 * gsl_rng_uniform(g));
        count[k] = gsl_ran_poisson(g, pop[k] * 0.03 * exp(0.2 * x[k]));
        se[k] = 0.05 + 0.2 * gsl_rng_uniform(g);
    }
    gsl_rng_free(g);

    moran_input mi = {n, x, start, nbr, perms, 1};
    moran_result mr;
    for (int i = 0; i < repeat; i++) {
        double t0 = omp_get_wtime();
        if (moran_test(&mi, &mr, err) != 0)
            return 1;
        times[i] = omp_get_wtime() - t0;
    }
    printf("moran %.3f %zu %zu %zu %.4f\n", median(times, repeat), n, start[n],
           perms, mr.I);

    const funnel_type types[2] = {FUNNEL_RATIO, FUNNEL_PROPORTION};
    const char *const names[2] = {"funnel_ratio", "funnel_proportion"};
    for (int k = 0; k < 2; k++) {
        funnel_input fi = {types[k], n,    count, NULL,
                           pop,      NULL, NULL,  FUNNEL_OD_MULTIPLICATIVE};
        for (int i = 0; i < repeat; i++) {
            double t0 = omp_get_wtime();
            funnel_result *fr = funnel_compute(&fi, err);
            times[i] = omp_get_wtime() - t0;
            if (fr == NULL)
                return 1;
            funnel_result_free(fr);
        }
        printf("%s %.3f %zu\n", names[k], median(times, repeat), n);
    }

    for (int i = 0; i < repeat; i++) {
        double t0 = omp_get_wtime();
        if (funnel_ranks(n, x, se, draws, 1, rank, rank + n, rank + 2 * n,
                         err) != 0)
            return 1;
        times[i] = omp_get_wtime() - t0;
    }
    printf("ranks %.3f %zu %zu\n", median(times, repeat), n, draws);
    printf("peak_mb %ld\n", peak_mb());
    free(start);
    free(nbr);
    free(x);
    free(pop);
    free(count);
    free(se);
    free(rank);
    free(times);
    free(err);
    return 0;
}
