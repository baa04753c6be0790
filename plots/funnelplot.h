/*
 * funnelplot.h — a funnel plot (SPEC §4 funnel_<comparison>): each area's
 * value against its precision (expected count, denominator or 1/SE), the
 * target as a line, the 95% and 99.8% limits as curves through the areas'
 * own limits, points coloured by where they fall (Okabe–Ito: blue above,
 * vermillion below, darker beyond 99.8%), and the most extreme areas
 * named.
 */
#ifndef ECOMETER_FUNNELPLOT_H
#define ECOMETER_FUNNELPLOT_H

#include <stddef.h>

#include "chart.h"

typedef struct {
    const char *title, *subtitle, *caption, *x_label, *y_label;
    size_t n;
    const double *x, *y; /* per area; NaN: left out */
    const double *lower95, *upper95, *lower998, *upper998;
    const signed char *flag95, *flag998; /* -1 low, 0 within, 1 high */
    const double *z;                     /* to pick the areas to name */
    const char *const *label;
    double target;
} funnelplot_data;

int funnelplot_draw(chart *c, const void *data);

#endif
