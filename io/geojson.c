/*
 * geojson.c — GeoJSON polygons (see geojson.h).
 */
#include "geojson.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_POINTS = 50000000 };

void geo_areas_free(geo_areas *g)
{
    for (size_t i = 0; g->id && i < g->nfeatures; i++)
        free(g->id[i]);
    free(g->id);
    free(g->ring_start);
    free(g->point_start);
    free(g->lon);
    free(g->lat);
    memset(g, 0, sizeof *g);
}

/* Growing arrays; returns -1 when memory runs out. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need)
        cap2 *= 2;
    void *q = realloc(*p, cap2 * size);
    if (q == NULL)
        return -1;
    *p = q;
    *cap = cap2;
    return 0;
}

typedef struct {
    geo_areas *g;
    size_t cap_rings, cap_points;
    const char *name;
    error_buf *err;
} reader;

/* One ring: an array of [lon, lat] positions. */
static status add_ring(reader *rd, const json_t *ring, size_t feature)
{
    geo_areas *g = rd->g;
    size_t n = json_is_array(ring) ? json_array_size(ring) : 0;
    if (n < 4)
        return err_set(rd->err, ST_EDATA, rd->name, 0, 0,
                       "feature %zu: a ring needs at least 4 positions",
                       feature + 1);
    if (g->npoints + n > MAX_POINTS)
        return err_set(rd->err, ST_EDATA, rd->name, 0, 0, "more than %d points",
                       MAX_POINTS);
    size_t cp = rd->cap_points;
    if (grow((void **)&g->lon, &cp, g->npoints + n, sizeof *g->lon) ||
        grow((void **)&g->lat, &rd->cap_points, g->npoints + n,
             sizeof *g->lat) ||
        grow((void **)&g->point_start, &rd->cap_rings, g->nrings + 2,
             sizeof *g->point_start))
        return err_set(rd->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    g->point_start[g->nrings] = g->npoints;
    for (size_t k = 0; k < n; k++) {
        const json_t *pos = json_array_get(ring, k);
        const json_t *x = json_array_get(pos, 0), *y = json_array_get(pos, 1);
        double lon = json_number_value(x), lat = json_number_value(y);
        if (!json_is_number(x) || !json_is_number(y) || !isfinite(lon) ||
            !isfinite(lat) || fabs(lon) > 180 || fabs(lat) > 90)
            return err_set(rd->err, ST_EDATA, rd->name, 0, 0,
                           "feature %zu: expected [longitude, latitude] "
                           "positions in degrees",
                           feature + 1);
        g->lon[g->npoints] = lon;
        g->lat[g->npoints++] = lat;
        g->lon_min = fmin(g->lon_min, lon);
        g->lon_max = fmax(g->lon_max, lon);
        g->lat_min = fmin(g->lat_min, lat);
        g->lat_max = fmax(g->lat_max, lat);
    }
    g->nrings++;
    g->point_start[g->nrings] = g->npoints;
    return ST_OK;
}

/* A Polygon's rings (an array of rings). */
static status add_polygon(reader *rd, const json_t *rings, size_t feature)
{
    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return err_set(rd->err, ST_EDATA, rd->name, 0, 0,
                       "feature %zu: expected an array of rings", feature + 1);
    size_t i;
    const json_t *ring;
    json_array_foreach(rings, i, ring)
    {
        status st = add_ring(rd, ring, feature);
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

static status add_feature(reader *rd, const json_t *f, const char *key,
                          size_t k)
{
    geo_areas *g = rd->g;
    const json_t *props = json_object_get(f, "properties");
    const json_t *id = json_object_get(props, key);
    const json_t *geom = json_object_get(f, "geometry");
    const char *type = json_string_value(json_object_get(geom, "type"));
    const json_t *coords = json_object_get(geom, "coordinates");
    char buf[64];
    const char *text = json_string_value(id);
    if (text == NULL && json_is_integer(id)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(id));
        text = buf;
    }
    if (text == NULL)
        return err_set(rd->err, ST_EDATA, rd->name, 0, 0,
                       "feature %zu: no property \"%s\"", k + 1, key);
    if (type == NULL || coords == NULL)
        return err_set(rd->err, ST_EDATA, rd->name, 0, 0,
                       "feature %zu: no geometry", k + 1);
    if ((g->id[k] = strdup(text)) == NULL)
        return err_set(rd->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    g->ring_start[k] = g->nrings;
    if (strcmp(type, "Polygon") == 0)
        return add_polygon(rd, coords, k);
    if (strcmp(type, "MultiPolygon") != 0 || !json_is_array(coords))
        return err_set(rd->err, ST_EDATA, rd->name, 0, 0,
                       "feature %zu: expected a Polygon or MultiPolygon",
                       k + 1);
    size_t i;
    const json_t *poly;
    json_array_foreach(coords, i, poly)
    {
        status st = add_polygon(rd, poly, k);
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

/* Gives jansson the file a buffer at a time: json_load_file reads it a
 * character at a time through getc, taking the stream's lock for each
 * (a fifth of a second on a national map). */
static size_t read_some(void *buf, size_t len, void *data)
{
    FILE *f = data;
    size_t got = fread(buf, 1, len, f);
    return got == 0 && ferror(f) ? (size_t)-1 : got;
}

status geojson_load(const char *path, const char *display, const char *key,
                    geo_areas *out, error_buf *err)
{
    memset(out, 0, sizeof *out);
    const char *name = display ? display : path;
    FILE *f = fopen(path, "rb");
    if (f == NULL) /* worded as json_load_file words it */
        return err_set(err, ST_EDATA, name, 0, 0, "unable to open %s: %s", path,
                       strerror(errno));
    json_error_t je;
    json_t *doc = json_load_callback(read_some, f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (doc == NULL)
        return err_set(err, ST_EDATA, name, (size_t)(je.line > 0 ? je.line : 0),
                       (size_t)(je.column > 0 ? je.column : 0), "%s", je.text);
    const json_t *features = json_object_get(doc, "features");
    const char *type = json_string_value(json_object_get(doc, "type"));
    status st = ST_OK;
    if (type == NULL || strcmp(type, "FeatureCollection") != 0 ||
        !json_is_array(features))
        st = err_set(err, ST_EDATA, name, 0, 0,
                     "expected a FeatureCollection with features");
    size_t n = st == ST_OK ? json_array_size(features) : 0;
    out->lon_min = out->lat_min = (double)INFINITY;
    out->lon_max = out->lat_max = -(double)INFINITY;
    if (st == ST_OK &&
        ((out->id = calloc(n + 1, sizeof *out->id)) == NULL ||
         (out->ring_start = calloc(n + 1, sizeof *out->ring_start)) == NULL))
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    out->nfeatures = n;
    reader rd = {out, 0, 0, name, err};
    for (size_t k = 0; st == ST_OK && k < n; k++)
        st = add_feature(&rd, json_array_get(features, k), key, k);
    if (st == ST_OK) {
        out->ring_start[n] = out->nrings;
        if (out->point_start == NULL &&
            (out->point_start = calloc(1, sizeof *out->point_start)) == NULL)
            st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    json_decref(doc);
    if (st != ST_OK)
        geo_areas_free(out);
    return st;
}
