/*
 * test_chart.c — the chart kit's data-to-point mapping with known answers
 * (linear scales both ways, nice ticks, nice ranges, tick labels), and its
 * outputs: an SVG that carries the figure's <title> (escaped) right after
 * the <svg> tag, a PNG at twice the size in pixels that decodes and is not
 * blank, both identical when drawn twice.
 */
#include "unit.h"

#include <cairo.h>

#include "../../plots/caterpillar.h"
#include "../../plots/chart.h"
#include "../../plots/map.h"
#include "../../plots/scatter.h"

static void test_map(void **state)
{
    (void)state;
    chart_scale x = {0, 10, 100, 300};
    assert_close(chart_map(&x, 0), 100, 1e-15);
    assert_close(chart_map(&x, 2.5), 150, 1e-15);
    assert_close(chart_map(&x, 10), 300, 1e-15);
    chart_scale y = {2, 5, 400, 100}; /* vertical: grows downwards */
    assert_close(chart_map(&y, 2), 400, 1e-15);
    assert_close(chart_map(&y, 4), 200, 1e-15);
    chart_scale flat = {3, 3, 0, 10};
    assert_close(chart_map(&flat, 3), 5, 1e-15);
}

static void test_ticks(void **state)
{
    (void)state;
    double t[24], step;
    size_t n = chart_ticks(0.13, 0.87, 4, t, 24, &step);
    assert_close(step, 0.2, 1e-12);
    assert_int_equal(n, 4);
    assert_close(t[0], 0.2, 1e-12);
    assert_close(t[3], 0.8, 1e-12);
    n = chart_ticks(-3, 1, 4, t, 24, &step);
    assert_close(step, 1, 1e-12);
    assert_int_equal(n, 5);
    assert_true(t[3] == 0 && !signbit(t[3])); /* 0, not -0 */
    n = chart_ticks(0, 35672, 5, t, 24, &step);
    assert_close(step, 10000, 1e-12);
    assert_int_equal(n, 4);
    n = chart_ticks(2, 2, 5, t, 24, &step);
    assert_int_equal(n, 1);
    n = chart_ticks(0, 1, 1000, t, 3, &step); /* never past max */
    assert_int_equal(n, 3);
}

static void test_nice_range(void **state)
{
    (void)state;
    double lo = 2.49, hi = 4.64;
    chart_nice_range(&lo, &hi, 6);
    assert_close(lo, 2.0, 1e-12);
    assert_close(hi, 5.0, 1e-12);
    lo = hi = 3; /* a single value gets a range around it */
    chart_nice_range(&lo, &hi, 6);
    assert_true(lo < 3 && hi > 3);
}

/* The map projection with known answers: at latitude 60° a degree of
 * longitude is half a degree of latitude wide; the extent is centred and
 * fills the box on its limiting side. */
static void test_map_projection(void **state)
{
    (void)state;
    chart_box b = {0, 0, 200, 100};
    map_projection p = map_fit(10, 14, 59, 61, &b); /* 4° × 2° at 60° */
    double x, y;
    map_project(&p, 12, 60, &x, &y); /* the centre */
    assert_close(x, 100, 1e-12);
    assert_close(y, 50, 1e-12);
    /* width 4 × cos 60° = 2 "degrees", height 2: k = min(200/2, 100/2) */
    assert_close(p.k, 50, 1e-12);
    map_project(&p, 14, 61, &x, &y); /* north-east corner */
    assert_close(x, 150, 1e-12);
    assert_close(y, 0, 1e-9);
    map_project(&p, 10, 59, &x, &y); /* south-west corner */
    assert_close(x, 50, 1e-12);
    assert_close(y, 100, 1e-12);
}

static void test_tick_label(void **state)
{
    (void)state;
    char buf[32];
    chart_tick_label(0.25, 0.05, buf, sizeof buf);
    assert_string_equal(buf, "0.25");
    chart_tick_label(2, 0.5, buf, sizeof buf);
    assert_string_equal(buf, "2.0");
    chart_tick_label(-1e-17, 0.1, buf, sizeof buf);
    assert_string_equal(buf, "0.0");
    chart_tick_label(20000, 10000, buf, sizeof buf);
    assert_string_equal(buf, "20000");
}

static const double value[] = {3.1, 2.7, 3.9, (double)NAN, 3.3};
static const double low[] = {2.9, 2.4, 3.6, (double)NAN, 3.0};
static const double high[] = {3.3, 3.0, 4.2, (double)NAN, 3.6};
static const char *const label[] = {"A", "B", "C", "D", "E"};

static char *render(const char *title, int png, size_t *len)
{
    caterpillar_data d = {title, "sub", "caption", "score", 5,
                          value, low,   high,      label,   3.2};
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    error_buf err = {0};
    assert_int_equal(chart_render(caterpillar_draw, &d, 300, 200, title,
                                  png ? NULL : f, png ? f : NULL, "t", &err),
                     ST_OK);
    assert_int_equal(fclose(f), 0);
    return buf;
}

typedef struct {
    const unsigned char *p;
    size_t n;
} reader;

static cairo_status_t read_mem(void *closure, unsigned char *data,
                               unsigned int length)
{
    reader *r = closure;
    if (length > r->n)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p, length);
    r->p += length;
    r->n -= length;
    return CAIRO_STATUS_SUCCESS;
}

static void test_render(void **state)
{
    (void)state;
    size_t n1, n2;
    char *svg = render("Scores <A&B>", 0, &n1);
    char *again = render("Scores <A&B>", 0, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(svg, again, n1); /* byte-deterministic */
    char *tag = strstr(svg, "<svg");
    assert_non_null(tag);
    char *close = strchr(tag, '>');
    assert_non_null(close);
    assert_int_equal(
        strncmp(close + 1, "\n<title>Scores &lt;A&amp;B&gt;</title>", 38), 0);
    free(svg);
    free(again);

    char *png = render("t", 1, &n1);
    reader r = {(const unsigned char *)png, n1};
    cairo_surface_t *s =
        cairo_image_surface_create_from_png_stream(read_mem, &r);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), 600);
    assert_int_equal(cairo_image_surface_get_height(s), 400);
    cairo_surface_flush(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    size_t inked = 0;
    for (int y = 0; y < 400; y++)
        for (int x = 0; x < 600; x++)
            inked += ((const uint32_t *)(px + (size_t)y * (size_t)stride))[x] !=
                     0xffffffffu;
    assert_true(inked > 600 * 400 / 50); /* something drawn */
    assert_true(inked < 600 * 400 / 2);  /* but mostly white ground */
    cairo_surface_destroy(s);
    free(png);
}

/* Beyond SCATTER_HEX_ABOVE points the scatter bins into hexagons: the
 * PNG of 5,000 points on a line is drawn, and identical twice. */
static void test_scatter_hexes(void **state)
{
    (void)state;
    enum { N = 5000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)i / N;
        y[i] = 2 * x[i] + (double)(i % 7) / 20;
    }
    double lx[2] = {0, 1}, ly[2] = {0.15, 2.15}, lo[2] = {0.1, 2.1},
           hi[2] = {0.2, 2.2};
    scatter_data d = {"t", "s", "c", "x", "y", N, x, y, 2, lx, ly, lo, hi};
    char *buf[2] = {NULL, NULL};
    size_t len[2];
    for (int k = 0; k < 2; k++) {
        FILE *f = open_memstream(&buf[k], &len[k]);
        error_buf err = {0};
        assert_int_equal(
            chart_render(scatter_draw, &d, 300, 200, "t", NULL, f, "t", &err),
            ST_OK);
        assert_int_equal(fclose(f), 0);
    }
    assert_int_equal(len[0], len[1]);
    assert_memory_equal(buf[0], buf[1], len[0]);
    assert_true(len[0] > 2000); /* more than a blank PNG */
    free(buf[0]);
    free(buf[1]);
    free(x);
    free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_ticks),
        cmocka_unit_test(test_nice_range),
        cmocka_unit_test(test_tick_label),
        cmocka_unit_test(test_map_projection),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_scatter_hexes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
