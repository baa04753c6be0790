/*
 * recipbench.c — times the reciprocity indices for make bench, after
 * loading: every index of METHODS §7 for every area and overall, REPEAT
 * times; prints the median seconds, the exchanges, areas and ids, and the
 * peak RSS of the process (loaded data included).
 * Usage: recipbench EXCHANGES.csv REPEAT
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "../base/error.h"
#include "../engine/startup.h"
#include "../io/exchanges.h"
#include "../models/reciprocity.h"

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    startup_reexec(argv); /* allocate as ecometer does */
    if (argc != 3) {
        fprintf(stderr, "usage: recipbench EXCHANGES.csv REPEAT\n");
        return 2;
    }
    int repeat = atoi(argv[2]);
    error_buf *err = calloc(1, sizeof *err);
    exchanges_request req = {.path = argv[1],
                             .giver = "giver_id",
                             .receiver = "receiver_id",
                             .hours = "hours",
                             .area = "area_id",
                             .role = "giver_role",
                             .date = "date",
                             .professional = "professional"};
    double t0 = omp_get_wtime();
    exchanges *x = exchanges_load(&req, err);
    double load = omp_get_wtime() - t0;
    if (x == NULL) {
        fprintf(stderr, "recipbench: %s\n", err->n ? err->msg[0] : "load");
        return 1;
    }
    recip_input in = {exchanges_count(x),        exchanges_giver(x),
                      exchanges_receiver(x),     exchanges_area(x),
                      exchanges_professional(x), exchanges_hours(x),
                      exchanges_nids(x),         exchanges_nareas(x)};
    double *times = malloc((size_t)repeat * sizeof *times);
    for (int i = 0; i < repeat; i++) {
        t0 = omp_get_wtime();
        recip_result *r = recip_compute(&in, err);
        times[i] = omp_get_wtime() - t0;
        if (r == NULL)
            return 1;
        recip_result_free(r);
    }
    qsort(times, (size_t)repeat, sizeof *times, by_value);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%.3f %zu %zu %zu %.3f %ld\n", times[repeat / 2], exchanges_count(x),
           exchanges_nareas(x), exchanges_nids(x), load, ru.ru_maxrss / 1024);
    exchanges_free(x);
    free(times);
    free(err);
    return 0;
}
