/*
 * profile.h — the co-production profile (SPEC §4 profile_coproduction):
 * one row per characteristic (METHODS §7), a dot per group of areas (a
 * region) at its value on a 0–100 percentile axis, groups told apart by
 * colour (Okabe–Ito) and by a legend, the middle (50) marked.
 */
#ifndef ECOMETER_PROFILE_H
#define ECOMETER_PROFILE_H

#include <stddef.h>

#include "chart.h"

typedef struct {
    const char *title, *subtitle, *caption, *axis_label;
    size_t nrows, ngroups;    /* ngroups up to CHART_NCOLOURS */
    const char *const *row;   /* top to bottom */
    const char *const *group; /* legend order */
    const double *value;      /* ngroups × nrows, 0..100; NaN: none */
} profile_data;

int profile_draw(chart *c, const void *data);

#endif
