/*
 * figcheck.c — checks figures as SPEC §4 wants them: for each NAME.svg
 * given, the SVG names its figure in a non-empty <title> right after the
 * <svg> tag, and NAME.png decodes at twice the SVG's size in points and is
 * not blank (some pixels differ from the first). Usage: figcheck
 * FILE.svg...; prints one line per problem and exits 1 if there is any.
 * `figcheck --screenshot SHOT.png` checks a browser's screenshot of a
 * report instead: each quarter of its height has drawing on it (at least
 * 2% of pixels that are not white), as a report with figures does.
 * (Well-formedness of the XML is checked by xmllint in the tests.)
 */
#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = (n + 4096 + 1) * 2;
            char *p = realloc(buf, cap);
            if (p == NULL)
                break;
            buf = p;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* Returns the number of problems found with one figure. */
static int check(const char *svg_path)
{
    char *svg = slurp(svg_path);
    if (svg == NULL) {
        printf("%s: cannot read\n", svg_path);
        return 1;
    }
    int problems = 0;
    double w = 0, h = 0;
    char *tag = strstr(svg, "<svg"), *close = tag ? strchr(tag, '>') : NULL;
    char *wa = tag ? strstr(tag, "width=\"") : NULL;
    char *ha = tag ? strstr(tag, "height=\"") : NULL;
    if (close == NULL || wa == NULL || ha == NULL ||
        sscanf(wa, "width=\"%lfpt\"", &w) != 1 ||
        sscanf(ha, "height=\"%lfpt\"", &h) != 1) {
        printf("%s: no <svg> tag with a width and height\n", svg_path);
        free(svg);
        return 1;
    }
    if (strncmp(close + 1, "\n<title>", 8) != 0 ||
        strncmp(close + 9, "</title>", 8) == 0) {
        printf("%s: no <title> after the <svg> tag\n", svg_path);
        problems++;
    }
    free(svg);
    char png[4096];
    snprintf(png, sizeof png, "%.*s.png", (int)(strlen(svg_path) - 4),
             svg_path);
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        printf("%s: does not decode\n", png);
        cairo_surface_destroy(s);
        return problems + 1;
    }
    int pw = cairo_image_surface_get_width(s);
    int ph = cairo_image_surface_get_height(s);
    if (pw != (int)ceil(2 * w) || ph != (int)ceil(2 * h)) {
        printf("%s: %dx%d pixels, expected %dx%d\n", png, pw, ph,
               (int)ceil(2 * w), (int)ceil(2 * h));
        problems++;
    }
    cairo_surface_flush(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t first = *(const uint32_t *)px;
    size_t differ = 0;
    for (int y = 0; y < ph; y++)
        for (int x = 0; x < pw; x++)
            differ +=
                ((const uint32_t *)(px + (size_t)y * (size_t)stride))[x] !=
                first;
    if (differ < (size_t)pw * (size_t)ph / 100) {
        printf("%s: blank (%zu pixels differ from the ground)\n", png, differ);
        problems++;
    }
    cairo_surface_destroy(s);
    return problems;
}

static int screenshot(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        printf("%s: does not decode\n", path);
        cairo_surface_destroy(s);
        return 1;
    }
    cairo_surface_flush(s);
    int w = cairo_image_surface_get_width(s);
    int h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s), problems = 0;
    const unsigned char *px = cairo_image_surface_get_data(s);
    for (int q = 0; q < 4; q++) {
        size_t inked = 0, all = 0;
        for (int y = q * h / 4; y < (q + 1) * h / 4; y++)
            for (int x = 0; x < w; x++, all++)
                inked +=
                    (((const uint32_t *)(px + (size_t)y * (size_t)stride))[x] &
                     0xffffffu) != 0xffffffu;
        if (inked * 50 < all) {
            printf("%s: quarter %d of the page is blank (%zu of %zu pixels "
                   "drawn)\n",
                   path, q + 1, inked, all);
            problems++;
        }
    }
    cairo_surface_destroy(s);
    return problems;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--screenshot") == 0)
        return screenshot(argv[2]) ? 1 : 0;
    int problems = 0;
    for (int i = 1; i < argc; i++)
        problems += check(argv[i]);
    return problems ? 1 : 0;
}
