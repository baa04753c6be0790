/*
 * csvread.c — times the CSV reader (io/table) on one file for make bench:
 * loads every column named on the command line (text for the first two,
 * numbers for the rest, as a survey's ids and answers; NA is missing),
 * REPEAT times, and
 * prints the median wall time, MB/s and rows/s.
 * Usage: csvread FILE REPEAT TEXTCOL TEXTCOL NUMCOL...
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/error.h"
#include "../engine/startup.h"
#include "../io/table.h"

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    startup_reexec(argv); /* allocate as ecometer does */
    if (argc < 5) {
        fprintf(stderr, "usage: csvread FILE REPEAT TEXTCOL TEXTCOL NUMCOL... "
                        "(NAME:text reads any column as text)\n");
        return 2;
    }
    int repeat = atoi(argv[2]);
    size_t ncols = (size_t)argc - 3;
    col_spec *cols = calloc(ncols, sizeof *cols);
    double *times = calloc((size_t)repeat, sizeof *times);
    error_buf *err = calloc(1, sizeof *err);
    if (cols == NULL || times == NULL || err == NULL || repeat < 1)
        return 1;
    for (size_t c = 0; c < ncols; c++) {
        char *name = argv[3 + c], *colon = strrchr(name, ':');
        int text = c < 2 || (colon != NULL && strcmp(colon, ":text") == 0);
        if (colon != NULL && strcmp(colon, ":text") == 0)
            *colon = '\0';
        cols[c] = (col_spec){name, text ? COL_TEXT : COL_NUMBER, 1, 0, 0, 0};
    }
    static const char *const missing[] = {"NA"};
    table_request req = {argv[1], NULL, cols, ncols, missing, 1, 0};
    size_t rows = 0;
    for (int i = 0; i < repeat; i++) {
        double t0 = omp_get_wtime();
        table *t = table_load(&req, err);
        times[i] = omp_get_wtime() - t0;
        if (t == NULL) {
            for (size_t k = 0; k < err->n; k++)
                fprintf(stderr, "csvread: %s\n", err->msg[k]);
            return 1;
        }
        rows = table_nrows(t);
        table_free(t);
    }
    qsort(times, (size_t)repeat, sizeof *times, by_value);
    struct stat sb;
    stat(argv[1], &sb);
    double median = times[repeat / 2];
    printf("%.3f %.1f %.0f %zu\n", median, (double)sb.st_size / 1e6 / median,
           (double)rows / median, rows);
    free(cols);
    free(times);
    free(err);
    return 0;
}
