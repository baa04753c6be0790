/*
 * geojson.h — area polygons from a GeoJSON FeatureCollection (SPEC §3:
 * Polygon and MultiPolygon features with a property naming the area),
 * read with jansson into flat arrays for drawing: every ring of every
 * polygon as a run of (longitude, latitude) points. Holes are kept as
 * rings (drawn with the even-odd rule they cut out of their polygon).
 */
#ifndef ECOMETER_GEOJSON_H
#define ECOMETER_GEOJSON_H

#include <stddef.h>

#include "../base/error.h"

typedef struct {
    size_t nfeatures;
    char **id;          /* per feature: the id property (text) */
    size_t *ring_start; /* per feature: its first ring; nfeatures + 1 */
    size_t nrings;
    size_t *point_start; /* per ring: its first point; nrings + 1 */
    double *lon, *lat;   /* per point */
    size_t npoints;
    double lon_min, lon_max, lat_min, lat_max;
} geo_areas;

/* Reads path (`display` names it in messages) whose features carry the
 * area id in property `key` (a string, or a number written as text).
 * Errors name the file and, for parse errors, line and column, else the
 * feature's index: not a FeatureCollection, a feature without the key or
 * a geometry, a geometry other than Polygon or MultiPolygon, coordinates
 * that are not finite longitude/latitude pairs (|lon| <= 180, |lat| <=
 * 90), a ring of fewer than 4 points, more than 50 million points.
 * ST_OK and *out filled (free with geo_areas_free), or the status with
 * err set. */
status geojson_load(const char *path, const char *display, const char *key,
                    geo_areas *out, error_buf *err);

void geo_areas_free(geo_areas *g);

#endif
