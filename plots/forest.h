/*
 * forest.h — a model's coefficients with their 95% intervals, one row per
 * term, against a dashed line of no effect (SPEC §4 forest_<model>).
 */
#ifndef ECOMETER_FOREST_H
#define ECOMETER_FOREST_H

#include <stddef.h>

#include "chart.h"

typedef struct {
    const char *title, *subtitle, *caption;
    const char *axis_label;
    size_t n;
    const char *const *term; /* top to bottom */
    const double *estimate, *low, *high;
    double null_value; /* 0 for differences, 1 for ratios */
} forest_data;

int forest_draw(chart *c, const void *data);

#endif
