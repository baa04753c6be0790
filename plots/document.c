/*
 * document.c — the paginated PDF (see document.h).
 */
#include "document.h"

#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

enum { PAGE_W = 595, PAGE_H = 842, MARGIN = 56 };
#define TEXT_W ((double)(PAGE_W - 2 * MARGIN))
#define BOTTOM ((double)(PAGE_H - MARGIN))

struct document {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoLayout *layout;
    double y;  /* where the next block starts */
    int page;  /* the current page's number */
    int blank; /* nothing drawn on the current page yet */
};

document *document_create(FILE *f, const char *title, const char *date)
{
    document *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->surface = cairo_pdf_surface_create_for_stream(chart_write_stream, f,
                                                     PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR,
                                   "ecometer");
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                   date);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_MOD_DATE,
                                   date);
    d->cr = cairo_create(d->surface);
    PangoContext *pc = pango_cairo_create_context(d->cr);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pc, fo);
    pango_cairo_context_set_resolution(pc, 72);
    cairo_font_options_destroy(fo);
    d->layout = pango_layout_new(pc);
    g_object_unref(pc);
    d->y = MARGIN;
    d->page = 1;
    d->blank = 1;
    return d;
}

/* Lays out text in the given face and size, wrapped at width. */
static void set_text(document *d, const char *text, const char *family,
                     double size, int bold, double width)
{
    PangoFontDescription *f = pango_font_description_new();
    pango_font_description_set_family(f, family);
    pango_font_description_set_absolute_size(f, size * PANGO_SCALE);
    pango_font_description_set_weight(f, bold ? PANGO_WEIGHT_BOLD
                                              : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(d->layout, f);
    pango_font_description_free(f);
    pango_layout_set_width(d->layout,
                           width > 0 ? (int)(width * PANGO_SCALE) : -1);
    pango_layout_set_wrap(d->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(d->layout, text, -1);
}

static double text_height(document *d)
{
    int w, h;
    pango_layout_get_size(d->layout, &w, &h);
    return (double)h / PANGO_SCALE;
}

static double text_width(document *d)
{
    int w, h;
    pango_layout_get_size(d->layout, &w, &h);
    return (double)w / PANGO_SCALE;
}

static void show(document *d, double x, double y, double grey)
{
    cairo_set_source_rgb(d->cr, grey, grey, grey);
    cairo_move_to(d->cr, x, y);
    pango_cairo_show_layout(d->cr, d->layout);
    cairo_new_path(d->cr);
}

static void end_page(document *d)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%d", d->page);
    set_text(d, buf, "DejaVu Sans", 8, 0, 0);
    show(d, (PAGE_W - text_width(d)) / 2, PAGE_H - MARGIN / 2.0 - 8, 0.4);
    cairo_show_page(d->cr);
    d->page++;
    d->y = MARGIN;
    d->blank = 1;
}

/* Starts a new page unless h more points fit on this one. */
static void need(document *d, double h)
{
    if (!d->blank && d->y + h > BOTTOM)
        end_page(d);
    d->blank = 0;
}

void document_heading(document *d, int level, const char *text)
{
    static const double size[] = {20, 15, 11.5};
    int k = level < 1 ? 0 : level > 3 ? 2 : level - 1;
    if (level == 2 && d->y > PAGE_H / 3.0) /* sections start high on a page */
        end_page(d);
    set_text(d, text, "DejaVu Sans", size[k], 1, TEXT_W);
    double h = text_height(d);
    need(d, h + 40); /* keep a heading with what follows */
    d->y += k == 2 ? 6 : 0;
    show(d, MARGIN, d->y, 0.1);
    d->y += h + (k == 0 ? 14 : 8);
}

void document_paragraph(document *d, const char *text)
{
    set_text(d, text, "DejaVu Sans", 9.5, 0, TEXT_W);
    pango_layout_set_spacing(d->layout, 2 * PANGO_SCALE);
    double h = text_height(d);
    need(d, h);
    show(d, MARGIN, d->y, 0.13);
    pango_layout_set_spacing(d->layout, 0);
    d->y += h + 8;
}

void document_preformatted(document *d, const char *text)
{
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char *copy = strndup(line, n);
        if (copy == NULL)
            return;
        set_text(d, n ? copy : " ", "DejaVu Sans Mono", 7.5, 0, TEXT_W);
        free(copy);
        double h = text_height(d);
        need(d, h);
        show(d, MARGIN, d->y, 0.2);
        d->y += h;
        line += n + (end != NULL);
    }
    d->y += 8;
}

int document_is_number(const char *s)
{
    char *end;
    if (*s == '\0')
        return 0;
    strtod(s, &end);
    return *end == '\0' || strcmp(s, "NA") == 0;
}

void document_table(document *d, const char *caption, size_t ncols,
                    const char *const *header, const char *const *cells,
                    size_t nrows)
{
    double *w = calloc(ncols ? ncols : 1, sizeof *w), total = 0;
    if (w == NULL)
        return;
    for (size_t c = 0; c < ncols; c++) {
        set_text(d, header[c], "DejaVu Sans", 7.5, 1, 0);
        w[c] = text_width(d);
        for (size_t r = 0; r < nrows; r++) {
            set_text(d, cells[r * ncols + c], "DejaVu Sans", 7.5, 0, 0);
            w[c] = fmax(w[c], text_width(d));
        }
        w[c] += 8;
        total += w[c];
    }
    double k = total > TEXT_W ? TEXT_W / total : 1;
    set_text(d, caption, "DejaVu Sans", 8.5, 1, TEXT_W);
    need(d, text_height(d) + 40);
    show(d, MARGIN, d->y, 0.1);
    d->y += text_height(d) + 4;
    for (size_t r = 0; r <= nrows; r++) {
        const char *const *row = r == 0 ? header : cells + (r - 1) * ncols;
        double h = 0;
        for (size_t c = 0; c < ncols; c++) {
            set_text(d, row[c], "DejaVu Sans", 7.5, r == 0, w[c] * k - 6);
            h = fmax(h, text_height(d));
        }
        need(d, h + 3);
        double x = MARGIN;
        for (size_t c = 0; c < ncols; c++) {
            set_text(d, row[c], "DejaVu Sans", 7.5, r == 0, w[c] * k - 6);
            double dx = r > 0 && document_is_number(row[c])
                            ? w[c] * k - 6 - text_width(d)
                            : 0;
            show(d, x + dx, d->y, 0.13);
            x += w[c] * k;
        }
        d->y += h + 3;
        if (r == 0) { /* a rule under the header */
            cairo_set_source_rgb(d->cr, 0.6, 0.6, 0.6);
            cairo_set_line_width(d->cr, 0.5);
            cairo_move_to(d->cr, MARGIN, d->y - 1.5);
            cairo_line_to(d->cr, MARGIN + total * k, d->y - 1.5);
            cairo_stroke(d->cr);
        }
    }
    d->y += 10;
    free(w);
}

status document_figure(document *d, chart_draw_fn draw, const void *data,
                       double width, double height, const char *caption,
                       const char *name, error_buf *err)
{
    double k = fmin(1, TEXT_W / width), h = height * k;
    set_text(d, caption, "DejaVu Sans", 8, 0, TEXT_W);
    double ch = text_height(d);
    if (h + ch > BOTTOM - MARGIN) { /* taller than a page: shrink */
        k *= (BOTTOM - MARGIN - ch - 8) / (h + 8);
        h = height * k;
    }
    need(d, h + ch + 8);
    cairo_save(d->cr);
    cairo_translate(d->cr, MARGIN, d->y);
    cairo_scale(d->cr, k, k);
    status st = chart_draw_on(d->cr, draw, data, width, height, name, err);
    cairo_restore(d->cr);
    d->y += h + 4;
    set_text(d, caption, "DejaVu Sans", 8, 0, TEXT_W);
    show(d, MARGIN, d->y, 0.35);
    d->y += ch + 14;
    return st;
}

status document_finish(document *d, const char *name, error_buf *err)
{
    end_page(d);
    g_object_unref(d->layout);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    cairo_status_t cs = cairo_surface_status(d->surface);
    cairo_surface_destroy(d->surface);
    free(d);
    if (cs != CAIRO_STATUS_SUCCESS)
        return err_set(err, ST_EIO, name, 0, 0, "cannot write the PDF: %s",
                       cairo_status_to_string(cs));
    return ST_OK;
}
