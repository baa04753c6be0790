/*
 * scatter.h — an outcome against a predictor with the fitted line and its
 * 95% band (SPEC §4 scatter_<model>). Up to HEX_ABOVE points are drawn as
 * points; beyond, as hexagonal bins shaded by how many points fall in
 * each, so that 40,000 areas read as a density, not a blot.
 */
#ifndef ECOMETER_SCATTER_H
#define ECOMETER_SCATTER_H

#include <stddef.h>

#include "chart.h"

enum { SCATTER_HEX_ABOVE = 3000 };

typedef struct {
    const char *title, *subtitle, *caption, *x_label, *y_label;
    size_t n;
    const double *x, *y; /* NaN pairs are skipped */
    size_t nline;        /* points of the line, in increasing x */
    const double *line_x, *line_y, *band_low, *band_high;
} scatter_data;

int scatter_draw(chart *c, const void *data);

#endif
