/*
 * contact.c — a contact sheet for reviewing figures: every PNG given,
 * scaled into a grid of three columns on one PNG, each under its file
 * name. Usage: contact OUT.png IN.png...
 */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { COLS = 3, CELL_W = 600, CELL_H = 420, LABEL = 22 };

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: contact OUT.png IN.png...\n");
        return 2;
    }
    int n = argc - 2, rows = (n + COLS - 1) / COLS;
    cairo_surface_t *sheet = cairo_image_surface_create(
        CAIRO_FORMAT_RGB24, COLS * CELL_W, rows * (CELL_H + LABEL));
    cairo_t *cr = cairo_create(sheet);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_paint(cr);
    for (int i = 0; i < n; i++) {
        const char *path = argv[i + 2];
        double x = (i % COLS) * CELL_W, y = (i / COLS) * (CELL_H + LABEL);
        cairo_surface_t *img = cairo_image_surface_create_from_png(path);
        if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
            fprintf(stderr, "contact: %s: cannot read\n", path);
            return 1;
        }
        double w = cairo_image_surface_get_width(img);
        double h = cairo_image_surface_get_height(img);
        double k = fmin((CELL_W - 8) / w, (CELL_H - 8) / h);
        cairo_save(cr);
        cairo_translate(cr, x + 4, y + LABEL);
        cairo_scale(cr, k, k);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_surface_destroy(img);
        const char *base = strrchr(path, '/');
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(cr, 13);
        cairo_move_to(cr, x + 6, y + 16);
        cairo_show_text(cr, base ? base + 1 : path);
    }
    cairo_destroy(cr);
    int rc = cairo_surface_write_to_png(sheet, argv[1]) == CAIRO_STATUS_SUCCESS
                 ? 0
                 : 1;
    cairo_surface_destroy(sheet);
    return rc;
}
