/*
 * caterpillar.h — area scores with their intervals, ordered from lowest to
 * highest (SPEC §4 caterpillar_<scale>). Legible from 20 areas (points,
 * interval bars, every area named when there is room) to 40,000 (thin
 * interval lines, no points; the highest and lowest areas named).
 */
#ifndef ECOMETER_CATERPILLAR_H
#define ECOMETER_CATERPILLAR_H

#include <stddef.h>

#include "chart.h"

typedef struct {
    const char *title, *subtitle, *caption;
    const char *axis_label; /* the score's name and unit */
    size_t n;
    const double *value, *low, *high; /* per area; NaN values are skipped */
    const char *const *label;         /* per area: its name or id */
    double reference;                 /* a dashed line (the mean), or NaN */
} caterpillar_data;

/* Draws it (a chart_draw_fn; data is a caterpillar_data); -1 when out
 * of memory. */
int caterpillar_draw(chart *c, const void *data);

#endif
