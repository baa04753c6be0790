/*
 * likert.h — diverging stacked bars of the answers to each item of a scale
 * (SPEC §4 likert_<scale>): answers below the middle of the range extend
 * left of zero, answers above it right, and the middle answer straddles
 * zero; a diverging orange–purple palette that reads without colour
 * vision, and shares written on the bars where they fit.
 */
#ifndef ECOMETER_LIKERT_H
#define ECOMETER_LIKERT_H

#include <stddef.h>

#include "chart.h"

typedef struct {
    const char *title, *subtitle, *caption;
    size_t nitems, ncats;        /* ncats from 2 to 11 */
    const char *const *item;     /* top to bottom */
    const char *const *category; /* lowest answer first */
    const double *share;         /* nitems × ncats, each row sums to 1 */
} likert_data;

int likert_draw(chart *c, const void *data);

#endif
