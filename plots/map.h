/*
 * map.h — a choropleth (SPEC §4 map_<variable>): areas filled by class
 * from a perceptually uniform sequential palette (viridis, light = low,
 * dark = high), outlined, with a legend of the
 * classes and a grey for areas without a value. The projection is
 * equirectangular corrected for latitude (x = longitude × cos φ0 at the
 * middle latitude φ0), which keeps shapes and areas true near φ0 — right
 * for the extent of a city or a country.
 */
#ifndef ECOMETER_MAP_H
#define ECOMETER_MAP_H

#include <stddef.h>

#include "chart.h"

enum { MAP_MAX_CLASSES = 7 };

/* Longitude/latitude to points inside a box, aspect kept. */
typedef struct {
    double lon0, lat0, k, x0, y0, coslat;
} map_projection;

/* The projection that fits [lon_min, lon_max] × [lat_min, lat_max] into b,
 * centred. */
map_projection map_fit(double lon_min, double lon_max, double lat_min,
                       double lat_max, const chart_box *b);
void map_project(const map_projection *p, double lon, double lat, double *x,
                 double *y);

typedef struct {
    const char *title, *subtitle, *caption, *legend_title;
    size_t nfeatures;
    const size_t *ring_start, *point_start; /* as io/geojson's */
    const double *lon, *lat;
    double lon_min, lon_max, lat_min, lat_max;
    const int *cls;            /* per feature: its class, -1 no value */
    size_t nclasses;           /* 1..MAP_MAX_CLASSES */
    const char *const *labels; /* per class: its range, for the legend */
} map_data;

int map_draw(chart *c, const void *data);

#endif
