/*
 * fuzz_geojson.c — libFuzzer harness for the GeoJSON reader
 * (io/geojson.h), with the area id in property "area_id". Loaded polygons
 * are checked: rings and points in order, every point a finite position
 * inside the bounding box.
 */
#include <math.h>

#include "../../io/geojson.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static error_buf err;
    geo_areas g;
    const char *path = fuzz_file(0, data, size);
    err_clear(&err);
    status st = geojson_load(path, "areas.geojson", "area_id", &g, &err);
    fuzz_check_errors(&err, st != ST_OK);
    if (st != ST_OK)
        return 0;
    if (g.ring_start[0] != 0 || g.ring_start[g.nfeatures] != g.nrings ||
        g.point_start[0] != 0 || g.point_start[g.nrings] != g.npoints)
        __builtin_trap();
    for (size_t f = 0; f < g.nfeatures; f++)
        if (g.id[f] == NULL || g.ring_start[f] > g.ring_start[f + 1])
            __builtin_trap();
    for (size_t r = 0; r < g.nrings; r++)
        if (g.point_start[r + 1] < g.point_start[r] + 4)
            __builtin_trap(); /* a ring has at least 4 positions */
    for (size_t i = 0; i < g.npoints; i++)
        if (!isfinite(g.lon[i]) || !isfinite(g.lat[i]) ||
            g.lon[i] < g.lon_min || g.lon[i] > g.lon_max ||
            g.lat[i] < g.lat_min || g.lat[i] > g.lat_max ||
            fabs(g.lon[i]) > 180 || fabs(g.lat[i]) > 90)
            __builtin_trap();
    geo_areas_free(&g);
    return 0;
}
