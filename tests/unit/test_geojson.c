/*
 * test_geojson.c — area polygons from GeoJSON (io/geojson.h): a Polygon
 * and a MultiPolygon with a hole become features, rings and points with
 * their extent; numeric ids read as text; every malformed input gives an
 * error naming the file (with line and column for broken JSON) and leaves
 * nothing allocated.
 */
#include "unit.h"

#include "../../io/geojson.h"

static const char good[] =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"area_id\":\"A1\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[0,0],[1,0],[1,1],[0,0]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"area_id\":7},"
    "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
    "[[[[2,2],[4,2],[4,4],[2,2]],[[3,2.5],[3.5,2.5],[3.5,3],[3,2.5]]],"
    "[[[-1,-2],[-0.5,-2],[-0.5,-1],[-1,-2]]]]}}]}";

static void test_read(void **state)
{
    (void)state;
    char *dir = unit_tmpdir();
    char *path = unit_write_file(dir, "a.geojson", good);
    geo_areas g;
    error_buf err = {0};
    assert_int_equal(geojson_load(path, "a.geojson", "area_id", &g, &err),
                     ST_OK);
    assert_int_equal(g.nfeatures, 2);
    assert_string_equal(g.id[0], "A1");
    assert_string_equal(g.id[1], "7");
    assert_int_equal(g.nrings, 4); /* 1, then 2 (outer + hole) + 1 */
    assert_int_equal(g.ring_start[1], 1);
    assert_int_equal(g.ring_start[2], 4);
    assert_int_equal(g.npoints, 16);
    assert_int_equal(g.point_start[4], 16);
    assert_close(g.lon_min, -1, 1e-15);
    assert_close(g.lon_max, 4, 1e-15);
    assert_close(g.lat_min, -2, 1e-15);
    assert_close(g.lat_max, 4, 1e-15);
    assert_close(g.lon[5], 4, 1e-15); /* ring 1's second point */
    geo_areas_free(&g);
    free(path);
    unit_rmtree(dir);
}

static void expect_error(const char *text, const char *message)
{
    char *dir = unit_tmpdir();
    char *path = unit_write_file(dir, "b.geojson", text);
    geo_areas g;
    error_buf err = {0};
    assert_int_equal(geojson_load(path, "b.geojson", "area_id", &g, &err),
                     ST_EDATA);
    assert_int_equal(err.n, 1);
    if (strstr(err.msg[0], message) == NULL)
        fail_msg("\"%s\" lacks \"%s\"", err.msg[0], message);
    assert_null(g.id);
    free(path);
    unit_rmtree(dir);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\"type\":\"FeatureCollection\",\n\"features\":[}",
                 "b.geojson:2:13:");
    expect_error("{\"type\":\"Feature\"}", "expected a FeatureCollection");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                 "\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
                 "\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}]}",
                 "feature 1: no property \"area_id\"");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                 "\"Feature\",\"properties\":{\"area_id\":\"A\"},\"geometry\":"
                 "{\"type\":\"Point\",\"coordinates\":[0,0]}}]}",
                 "expected a Polygon or MultiPolygon");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                 "\"Feature\",\"properties\":{\"area_id\":\"A\"},\"geometry\":"
                 "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],"
                 "[1,200],[0,0]]]}}]}",
                 "expected [longitude, latitude]");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                 "\"Feature\",\"properties\":{\"area_id\":\"A\"},\"geometry\":"
                 "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],"
                 "[0,0]]]}}]}",
                 "at least 4 positions");
}

static void test_missing_file(void **state)
{
    (void)state;
    char *dir = unit_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/none.geojson", dir);
    geo_areas g;
    error_buf err = {0};
    assert_int_equal(geojson_load(path, "none.geojson", "area_id", &g, &err),
                     ST_EDATA);
    assert_int_equal(err.n, 1);
    assert_non_null(strstr(err.msg[0], "none.geojson: unable to open "));
    assert_non_null(strstr(err.msg[0], "No such file or directory"));
    assert_null(g.id);
    unit_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_read),
                                       cmocka_unit_test(test_errors),
                                       cmocka_unit_test(test_missing_file)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
