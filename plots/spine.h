/*
 * spine.h — a spine chart for one area (SPEC §4 spine_<area_id>), after
 * England's public-health profiles: one row per indicator; a bar from the
 * lowest to the highest area with the middle half darker, centred on the
 * overall value; the area's value as a circle coloured by whether its own
 * 95% interval lies above (blue), below (vermillion) or across (white)
 * the overall value; the values written at the left.
 */
#ifndef ECOMETER_SPINE_H
#define ECOMETER_SPINE_H

#include <stddef.h>

#include "chart.h"

typedef struct {
    const char *title, *subtitle, *caption;
    size_t n;                /* indicators */
    const char *const *name; /* per indicator */
    const double *lowest, *q25, *overall, *q75, *highest;
    const double *value;       /* the area's; NaN: none */
    const signed char *versus; /* -1 below, 0 across, 1 above */
} spine_data;

int spine_draw(chart *c, const void *data);

#endif
