/*
 * report.c — the HTML and PDF reports (see report.h). The HTML body is
 * gathered in memory and written at the end, after its table of contents.
 */
#include "report.h"

#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../plots/document.h"

enum { MAX_SECTIONS = 32 };

/* A figure drawn, whose SVG and PNG files and HTML are written by tasks
 * while the report goes on (report_figure). */
typedef struct {
    char *name, *title, *caption; /* copies: the caller's may go */
    size_t number;                /* from 1, in order */
    size_t at;                    /* where its HTML goes in the body */
    char *raw;                    /* Cairo's SVG, until written */
    size_t raw_len;
    cairo_surface_t *image; /* the PNG's pixels, until written */
    FILE *svg_file, *png;
    char svg_rel[300], png_rel[300];
    char *html; /* <figure>...</figure> */
    size_t html_len;
    status st[2]; /* the SVG's and the PNG's writing */
    error_buf err[2];
} figure_out;

struct report {
    outdir *od;
    FILE *pdf_file;
    document *pdf;
    char *title;
    char *body; /* the HTML after the contents */
    size_t body_len;
    FILE *html; /* writes body */
    char *section[MAX_SECTIONS];
    size_t nsections;
    figure_out **figures; /* in order; each written by its own tasks */
    size_t nfigures, figures_cap;
    figure_out *unwritten;  /* the last figure, drawn, its tasks not made */
    double *figure_seconds; /* time spent drawing figures, accumulated */
    int failed;             /* memory ran out while building the HTML */
};

static const char css[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#222;"
    "max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}"
    "h1{font-size:1.8em}h2{border-bottom:1px solid #ccc;margin-top:2em}"
    "figure{margin:1.5em 0}figure svg{max-width:100%;height:auto}"
    "figcaption{color:#555;font-size:.9em}"
    "table{border-collapse:collapse;margin:1em 0;font-size:.85em}"
    "caption{text-align:left;font-weight:bold;margin-bottom:.3em}"
    "th,td{padding:.2em .6em;border-bottom:1px solid #e5e5e5}"
    "th{text-align:left;border-bottom:1px solid #999}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    "pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:.8em}"
    "nav ol{columns:2}"
    "@media print{h2{break-before:page}figure{break-inside:avoid}}";

/* Writes s with &, <, > and " escaped. */
static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            putc(*s, f);
        }
}

report *report_create(outdir *od, const char *title, const char *date,
                      double *figure_seconds, error_buf *err)
{
    report *r = calloc(1, sizeof *r);
    if (r == NULL || (r->title = strdup(title)) == NULL ||
        (r->html = open_memstream(&r->body, &r->body_len)) == NULL) {
        report_free(r);
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    r->od = od;
    r->figure_seconds = figure_seconds;
    r->pdf_file = outdir_open(od, "report.pdf", err);
    if (r->pdf_file == NULL) {
        report_free(r);
        return NULL;
    }
    r->pdf = document_create(r->pdf_file, title, date);
    if (r->pdf == NULL) {
        report_free(r);
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    document_heading(r->pdf, 1, title);
    return r;
}

static void figure_out_free(figure_out *f)
{
    if (f == NULL)
        return;
    free(f->raw);
    if (f->image != NULL)
        cairo_surface_destroy(f->image);
    free(f->name);
    free(f->title);
    free(f->caption);
    free(f->html);
    free(f);
}

/* Closes a figure's file, unwritten after a failure, keeping err. */
static void close_quietly(outdir *od, FILE *f, const char *rel)
{
    error_buf ignored;
    if (f != NULL)
        outdir_close(od, f, rel, &ignored);
}

void report_free(report *r)
{
    if (r == NULL)
        return;
    if (r->unwritten != NULL) { /* after a failure: left unwritten */
        close_quietly(r->od, r->unwritten->svg_file, r->unwritten->svg_rel);
        close_quietly(r->od, r->unwritten->png, r->unwritten->png_rel);
    }
    for (size_t i = 0; i < r->nfigures; i++)
        figure_out_free(r->figures[i]);
    free(r->figures);
    if (r->pdf != NULL) {
        error_buf ignored;
        document_finish(r->pdf, "report.pdf", &ignored);
    }
    if (r->pdf_file != NULL)
        fclose(r->pdf_file); /* the temporary folder goes too */
    if (r->html != NULL)
        fclose(r->html);
    free(r->body);
    for (size_t i = 0; i < r->nsections; i++)
        free(r->section[i]);
    free(r->title);
    free(r);
}

void report_heading(report *r, int level, const char *text)
{
    if (level == 2 && r->nsections < MAX_SECTIONS) {
        r->section[r->nsections] = strdup(text);
        r->failed |= r->section[r->nsections] == NULL;
        fprintf(r->html, "<h2 id=\"s%zu\">", ++r->nsections);
    } else {
        fprintf(r->html, "<h%d>", level);
    }
    put_escaped(r->html, text);
    fprintf(r->html, "</h%d>\n", level);
    document_heading(r->pdf, level, text);
}

void report_paragraph(report *r, const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (n < 0) {
        r->failed = 1;
        return;
    }
    fputs("<p>", r->html);
    put_escaped(r->html, text);
    fputs("</p>\n", r->html);
    document_paragraph(r->pdf, text);
    free(text);
}

void report_preformatted(report *r, const char *text)
{
    fputs("<pre>", r->html);
    put_escaped(r->html, text);
    fputs("</pre>\n", r->html);
    document_preformatted(r->pdf, text);
}

void report_table(report *r, const char *caption, size_t ncols,
                  const char *const *header, const char *const *cells,
                  size_t nrows)
{
    fputs("<table>\n<caption>", r->html);
    put_escaped(r->html, caption);
    fputs("</caption>\n<thead><tr>", r->html);
    for (size_t c = 0; c < ncols; c++) {
        fputs("<th scope=\"col\">", r->html);
        put_escaped(r->html, header[c]);
        fputs("</th>", r->html);
    }
    fputs("</tr></thead>\n<tbody>\n", r->html);
    for (size_t i = 0; i < nrows; i++) {
        fputs("<tr>", r->html);
        for (size_t c = 0; c < ncols; c++) {
            const char *cell = cells[i * ncols + c];
            fputs(document_is_number(cell) ? "<td class=\"n\">" : "<td>",
                  r->html);
            put_escaped(r->html, cell);
            fputs("</td>", r->html);
        }
        fputs("</tr>\n", r->html);
    }
    fputs("</tbody>\n</table>\n", r->html);
    document_table(r->pdf, caption, ncols, header, cells, nrows);
}

/* Writes Cairo's SVG into the page: without the XML declaration, and with
 * every id and reference to one prefixed "fN-". Text is written in runs
 * between the places that take a prefix (a figure has millions of
 * quotes and few ids). */
static void inline_svg(FILE *f, const char *svg, size_t n, size_t fig)
{
    const char *p = memmem(svg, n, "<svg", 4), *end = svg + n;
    if (p == NULL)
        return;
    static const char *const refs[] = {"id=\"", "href=\"#", "url(#"};
    static const size_t lens[] = {4, 7, 5};
    const char *written = p;
    /* every reference ends in '"' or '#': find those, then look back */
    while (p < end) {
        const char *q = p;
        while (q < end && *q != '"' && *q != '#')
            q++;
        if (q == end)
            break;
        q++;
        for (size_t k = 0; k < 3; k++)
            if ((size_t)(q - svg) >= lens[k] &&
                memcmp(q - lens[k], refs[k], lens[k]) == 0) {
                fwrite(written, 1, (size_t)(q - written), f);
                fprintf(f, "f%zu-", fig);
                written = q;
                break;
            }
        p = q;
    }
    fwrite(written, 1, (size_t)(end - written), f);
}

/* The first failure among the figures' files, in order, into err. */
static status figures_written(const report *r, error_buf *err)
{
    for (size_t i = 0; i < r->nfigures; i++)
        for (int k = 0; k < 2; k++)
            if (r->figures[i]->st[k] != ST_OK) {
                *err = r->figures[i]->err[k];
                return err->st;
            }
    return ST_OK;
}

/* A figure's SVG text, with its <title>, into figures/NAME.svg and its
 * HTML into f->html: the SVG inlined in a <figure>. Closes the file and
 * frees f->raw. A task: it touches no data of the report's but f. */
static void write_svg(figure_out *f, outdir *od)
{
    error_buf *err = &f->err[0];
    char *svg = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&svg, &len);
    status st =
        mem ? chart_write_svg(f->raw, f->raw_len, f->title, mem, f->name, err)
            : err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    if (mem != NULL && fclose(mem) != 0 && st == ST_OK)
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    free(f->raw);
    f->raw = NULL;
    size_t wrote = st == ST_OK ? fwrite(svg, 1, len, f->svg_file) : len;
    status closed = outdir_close(od, f->svg_file, f->svg_rel, err);
    f->svg_file = NULL;
    if (st == ST_OK && closed == ST_OK && wrote != len)
        closed = err_set(err, ST_EIO, f->svg_rel, 0, 0, "cannot write");
    st = st != ST_OK ? st : closed;
    FILE *html = st == ST_OK ? open_memstream(&f->html, &f->html_len) : NULL;
    if (st == ST_OK && html == NULL)
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    if (html != NULL) {
        fprintf(html, "<figure id=\"%s\">\n", f->name);
        inline_svg(html, svg, len, f->number);
        fputs("<figcaption>", html);
        put_escaped(html, f->caption);
        fputs("</figcaption>\n</figure>\n", html);
        if (fclose(html) != 0)
            st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    free(svg);
    f->st[0] = st;
}

/* The PNG's pixels into figures/NAME.png; closes the file and frees the
 * pixels. A task. */
static void write_png(figure_out *f, outdir *od)
{
    status st = chart_write_png(f->image, f->png, f->name, &f->err[1]);
    f->image = NULL;
    status closed = outdir_close(od, f->png, f->png_rel, &f->err[1]);
    f->png = NULL;
    f->st[1] = st != ST_OK ? st : closed;
}

/* Makes the tasks that write the last figure drawn, if not made yet. The
 * caller's taskgroup waits for them: the next figure's, so that they run
 * beside its drawing, or report_finish's. */
static void write_unwritten(report *r)
{
    figure_out *f = r->unwritten;
    outdir *od = r->od;
    r->unwritten = NULL;
    if (f == NULL)
        return;
#pragma omp task default(none) firstprivate(f, od)
    write_svg(f, od);
#pragma omp task default(none) firstprivate(f, od)
    write_png(f, od);
}

/* A figure's failure, st: an earlier figure's files that failed to be
 * written came first, and are reported instead. */
static status earlier_failure(report *r, status st, error_buf *err)
{
#pragma omp taskgroup
    write_unwritten(r);
    status earlier = figures_written(r, err);
    return earlier != ST_OK ? earlier : st;
}

status report_figure(report *r, const char *name, const char *title,
                     const char *caption, chart_draw_fn draw, const void *data,
                     double width, double height, error_buf *err)
{
    double start = omp_get_wtime();
    if (r->nfigures == r->figures_cap) {
        size_t cap = r->figures_cap ? 2 * r->figures_cap : 16;
        figure_out **more = realloc(r->figures, cap * sizeof *more);
        if (more == NULL)
            return earlier_failure(
                r, err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory"), err);
        r->figures = more;
        r->figures_cap = cap;
    }
    figure_out *f = calloc(1, sizeof *f);
    error_buf *errs = f != NULL ? calloc(3, sizeof *errs) : NULL;
    if (errs != NULL) {
        snprintf(f->svg_rel, sizeof f->svg_rel, "figures/%s.svg", name);
        snprintf(f->png_rel, sizeof f->png_rel, "figures/%s.png", name);
        f->name = strdup(name);
        f->title = strdup(title);
        f->caption = strdup(caption);
    }
    if (errs == NULL || f->name == NULL || f->title == NULL ||
        f->caption == NULL) {
        free(errs);
        figure_out_free(f);
        return earlier_failure(
            r, err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory"), err);
    }
    /* opened in this order, as the manifest lists them */
    f->svg_file = outdir_open(r->od, f->svg_rel, err);
    f->png = f->svg_file != NULL ? outdir_open(r->od, f->png_rel, err) : NULL;
    if (f->png == NULL) {
        status failed = err->st;
        close_quietly(r->od, f->svg_file, f->svg_rel);
        free(errs);
        figure_out_free(f);
        return earlier_failure(r, failed, err);
    }
    /* The SVG, the PNG and the PDF page are drawn side by side: separate
     * Cairo surfaces, each the same drawn alone. The SVG and the PNG are
     * tasks, taken by the team's free threads inside a parallel region
     * (run at once outside one), each thread with its own Pango font map;
     * they go before lower-priority tasks such as the tables' pieces,
     * since this thread waits for them. The previous figure's files are
     * written meanwhile, by tasks too. The PDF page is drawn here: the
     * PDF's text layout belongs to the thread that made the document,
     * this one. The taskgroup waits for them all (this thread runs them
     * itself when no other has taken them): the caller frees the data
     * when this returns. */
    status st[3] = {ST_OK, ST_OK, ST_OK};
#pragma omp taskgroup
    {
#pragma omp task priority(1) default(none) shared(st, errs)                    \
    firstprivate(f, draw, data, width, height, name)
        st[0] = chart_draw_svg(draw, data, width, height, name, &f->raw,
                               &f->raw_len, &errs[0]);
#pragma omp task priority(1) default(none) shared(st, errs)                    \
    firstprivate(f, draw, data, width, height, name)
        {
            f->image =
                chart_draw_png(draw, data, width, height, name, &errs[1]);
            st[1] = f->image != NULL ? ST_OK : errs[1].st;
        }
        write_unwritten(r);
        st[2] = document_figure(r->pdf, draw, data, width, height, caption,
                                name, &errs[2]);
    }
    status result = ST_OK;
    for (int i = 2; i >= 0; i--) /* the first failure, in that order */
        if (st[i] != ST_OK) {
            result = st[i];
            *err = errs[i];
        }
    free(errs);
    if (r->figure_seconds)
        *r->figure_seconds += omp_get_wtime() - start;
    if (result != ST_OK) {
        close_quietly(r->od, f->png, f->png_rel);
        close_quietly(r->od, f->svg_file, f->svg_rel);
        figure_out_free(f);
        return earlier_failure(r, result, err);
    }
    /* Written by tasks beside the next figure's drawing, which needs no
     * data of this one's; report_finish puts each figure's HTML in its
     * place. */
    fflush(r->html);
    f->at = r->body_len;
    r->figures[r->nfigures++] = f;
    f->number = r->nfigures;
    r->unwritten = f;
    return ST_OK;
}

/* The body with each figure's HTML in its place. */
static void write_body(FILE *f, const report *r)
{
    size_t at = 0;
    for (size_t i = 0; i < r->nfigures; i++) {
        const figure_out *fig = r->figures[i];
        fwrite(r->body + at, 1, fig->at - at, f);
        fwrite(fig->html, 1, fig->html_len, f);
        at = fig->at;
    }
    fwrite(r->body + at, 1, r->body_len - at, f);
}

status report_finish(report *r, error_buf *err)
{
    /* the PDF's last pages while the last figure's files are written; its
     * failure is reported after the figures', which came first */
    error_buf *pdf_err = calloc(1, sizeof *pdf_err);
    status pst = ST_OK;
#pragma omp taskgroup
    {
        write_unwritten(r);
        pst = pdf_err ? document_finish(r->pdf, "report.pdf", pdf_err)
                      : err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    r->pdf = NULL;
    status st = pdf_err ? figures_written(r, err) : pst;
    if (st == ST_OK && pst != ST_OK)
        *err = *pdf_err;
    st = st != ST_OK ? st : pst;
    free(pdf_err);
    if ((fclose(r->html) != 0 || r->failed) && st == ST_OK)
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    r->html = NULL;
    FILE *f = st == ST_OK ? outdir_open(r->od, "report.html", err) : NULL;
    if (st == ST_OK && f == NULL)
        st = err->st;
    if (f != NULL) {
        fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
              "charset=\"utf-8\">\n<title>",
              f);
        put_escaped(f, r->title);
        fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>",
                css);
        put_escaped(f, r->title);
        fputs("</h1></header>\n<nav aria-label=\"Contents\"><h2>Contents</h2>"
              "<ol>\n",
              f);
        for (size_t i = 0; i < r->nsections; i++) {
            fprintf(f, "<li><a href=\"#s%zu\">", i + 1);
            put_escaped(f, r->section[i] ? r->section[i] : "");
            fputs("</a></li>\n", f);
        }
        fputs("</ol></nav>\n<main>\n", f);
        write_body(f, r);
        fputs("</main>\n</body>\n</html>\n", f);
        st = outdir_close(r->od, f, "report.html", err);
    }
    if (st == ST_OK) { /* else report_free closes it, keeping err */
        st = outdir_close(r->od, r->pdf_file, "report.pdf", err);
        r->pdf_file = NULL;
    }
    report_free(r);
    return st;
}
