/*
 * table.c — the streaming CSV loader (see table.h).
 *
 * libcsv calls back once per field and once per row end. It reports no
 * positions, so lines are counted here: a row ends on CR, LF or CRLF
 * (CSV_REPALL_NL makes libcsv report the line ends outside records too,
 * and the LF of a CRLF is folded into its CR), and newlines inside quoted
 * fields are counted from the field's bytes. Strict mode turns stray
 * quotes into parse errors instead of silently accepting them.
 */
#include "table.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/utf8.h"
#include "intern.h"
#include "number.h"

/* The fuzzing build (make fuzz) reads in chunks of a few bytes, so that
 * short inputs cross chunk boundaries (quotes, line ends, the BOM). */
#ifndef TABLE_READ_CHUNK
#define TABLE_READ_CHUNK (1 << 20)
#endif
enum { READ_CHUNK = TABLE_READ_CHUNK, MAX_LIST = 10 };

typedef struct {
    col_kind kind; /* as requested, AUTO resolved at the end */
    int present;   /* found in the header */
    size_t field;  /* 1-based field number in the file */
    double *num;   /* numeric columns */
    int32_t *code; /* text and AUTO columns */
} column;

struct table {
    char *display;
    size_t nrows, cap;
    size_t *line; /* first line of each row */
    size_t ncols;
    column *cols;
    intern *strings;
    size_t pieces; /* read in this many pieces side by side; 0: streamed */
};

/* Everything the libcsv callbacks need while parsing. */
typedef struct {
    table *t;
    const table_request *req;
    error_buf *err;
    const char *name;
    int header_done;
    size_t nheader;  /* fields in the header */
    int *field_col;  /* header field -> requested column or -1 */
    size_t field;    /* fields seen in the current row */
    size_t line;     /* current line */
    size_t row_line; /* line where the current row started */
    int last_term;   /* terminator that ended the previous row */
    int stop;        /* a structural error: stop reading */
    int failed;      /* a structural error was recorded */
    int bad_cells;   /* a cell error was recorded */
    int oom;
} loader;

static void free_columns(table *t)
{
    for (size_t c = 0; t->cols != NULL && c < t->ncols; c++) {
        free(t->cols[c].num);
        free(t->cols[c].code);
    }
    free(t->cols);
}

void table_free(table *t)
{
    if (t == NULL)
        return;
    free_columns(t);
    free(t->line);
    free(t->display);
    intern_free(t->strings);
    free(t);
}

size_t table_pieces(const table *t)
{
    return t->pieces;
}

size_t table_nrows(const table *t)
{
    return t->nrows;
}
const char *table_display(const table *t)
{
    return t->display;
}
int table_present(const table *t, size_t c)
{
    return t->cols[c].present;
}
col_kind table_kind(const table *t, size_t c)
{
    return t->cols[c].kind;
}
size_t table_field(const table *t, size_t c)
{
    return t->cols[c].field;
}
size_t table_line(const table *t, size_t r)
{
    return t->line[r];
}
const double *table_numbers(const table *t, size_t c)
{
    return t->cols[c].num;
}
const int32_t *table_codes(const table *t, size_t c)
{
    return t->cols[c].code;
}
size_t table_ncodes(const table *t)
{
    return intern_count(t->strings);
}

const char *table_text(const table *t, int32_t code)
{
    return intern_text(t->strings, code);
}

int32_t table_lookup(const table *t, const char *s)
{
    return intern_find(t->strings, s, strlen(s));
}

static int is_missing(const loader *ld, const char *s, size_t len)
{
    size_t blanks = 0;
    while (blanks < len && (s[blanks] == ' ' || s[blanks] == '\t'))
        blanks++;
    if (blanks == len) /* empty, or only blanks (libcsv trims unquoted) */
        return 1;
    for (size_t m = 0; m < ld->req->nmissing; m++) {
        const char *code = ld->req->missing[m];
        if (code[0] == s[0] && strlen(code) == len && memcmp(code, s, len) == 0)
            return 1;
    }
    return 0;
}

/* Whether a field is printable ASCII (or tab): no line ends to count and
 * nothing to validate as UTF-8. Almost every field is; this is the hot
 * path of the reader. */
static int plain_ascii(const char *s, size_t len)
{
    unsigned char any = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        any |= (unsigned char)((c < 0x20 && c != '\t') | (c >= 0x7f));
    }
    return !any;
}

static size_t count_newlines(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' ||
            (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')))
            n++;
    return n;
}

/* Records a message; stops the reading when the buffer is full. */
__attribute__((format(printf, 5, 0))) static void
vrecord(loader *ld, status st, size_t line, size_t col, const char *fmt,
        va_list ap)
{
    err_vset(ld->err, st, ld->name, line, col, fmt, ap);
    if (ld->err == NULL) { /* a piece read in parallel: see load_parallel */
        ld->stop = 1;
        return;
    }
    /* A full buffer stops the reading, unless a lenient reader is still
     * building a table: then the cells go on being read (as missing) and
     * further problems are counted, not kept. */
    if (ld->err != NULL && ld->err->n >= ERR_MAX &&
        (!ld->req->lenient || ld->failed))
        ld->stop = 1;
}

/* A problem with the file itself: no table comes back. */
__attribute__((format(printf, 5, 6))) static void
fail(loader *ld, status st, size_t line, size_t col, const char *fmt, ...)
{
    ld->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vrecord(ld, st, line, col, fmt, ap);
    if (ld->err != NULL && ld->err->n >= ERR_MAX)
        ld->stop = 1;
    va_end(ap);
}

/* A problem with one cell: the reading goes on (see table_request). */
__attribute__((format(printf, 4, 5))) static void
bad_cell(loader *ld, size_t line, size_t col, const char *fmt, ...)
{
    ld->bad_cells = 1;
    va_list ap;
    va_start(ap, fmt);
    vrecord(ld, ST_EDATA, line, col, fmt, ap);
    va_end(ap);
}

/* Room for `need` rows in every column. Returns 1, or 0 when out of
 * memory. */
static int reserve_rows(table *t, size_t need)
{
    if (need <= t->cap)
        return 1;
    size_t cap = t->cap ? t->cap : 1024;
    while (cap < need)
        cap *= 2;
    size_t *line = realloc(t->line, cap * sizeof *line);
    if (line == NULL)
        return 0;
    t->line = line;
    for (size_t c = 0; c < t->ncols; c++) {
        column *col = &t->cols[c];
        if (col->num != NULL) {
            double *p = realloc(col->num, cap * sizeof *p);
            if (p == NULL)
                return 0;
            col->num = p;
        }
        if (col->code != NULL) {
            int32_t *p = realloc(col->code, cap * sizeof *p);
            if (p == NULL)
                return 0;
            col->code = p;
        }
    }
    t->cap = cap;
    return 1;
}

/* Reserves room for the rows a file of file_bytes likely holds, judged
 * from the rows in the first bytes_read bytes, so that the columns grow
 * once instead of doubling: a column below the allocator's mmap
 * threshold that doubles is copied into memory touched for the first
 * time, which is slow on virtual machines (README, Speed). Room never
 * used is never touched. The strings' table likewise, for as many new
 * strings per byte as the first bytes had (ids all distinct, as a
 * survey's respondents, would otherwise resize it a dozen times, each
 * a pass over every string so far on the one thread that adds them).
 * Only a guess: too little means growing as before, and running out of
 * memory here is left to the next row. */
static void reserve_for_file(table *t, size_t file_bytes, size_t bytes_read)
{
    if (t->nrows == 0 || bytes_read == 0 || bytes_read >= file_bytes)
        return;
    double scale = (double)file_bytes / (double)bytes_read;
    double rows = scale * (double)t->nrows;
    double strings = scale * (double)intern_count(t->strings);
    if (rows < 1e9)
        (void)reserve_rows(t, (size_t)(rows * 1.02) + 1024);
    if (strings < 1e9)
        (void)intern_reserve(t->strings, (size_t)(strings * 1.02) + 1024);
}

static int reserve_row(loader *ld)
{
    return reserve_rows(ld->t, ld->t->nrows + 1);
}

static void header_field(loader *ld, const char *s, size_t len)
{
    int *fc = realloc(ld->field_col, (ld->nheader + 1) * sizeof *fc);
    if (fc == NULL) {
        ld->oom = ld->stop = 1;
        return;
    }
    ld->field_col = fc;
    size_t f = ld->nheader++;
    fc[f] = -1;
    for (size_t c = 0; c < ld->req->ncols; c++) {
        const char *name = ld->req->cols[c].name;
        if (strlen(name) != len || memcmp(name, s, len) != 0)
            continue;
        column *col = &ld->t->cols[c];
        if (col->present) {
            fail(ld, ST_EDATA, 1, f + 1,
                 "column '%s' appears twice (fields %zu and %zu)", name,
                 col->field, f + 1);
            ld->stop = 1;
            return;
        }
        col->present = 1;
        col->field = f + 1;
        fc[f] = (int)c;
    }
}

static void data_field(loader *ld, const char *s, size_t len, size_t line)
{
    size_t f = ld->field;
    if (f >= ld->nheader || ld->field_col[f] < 0)
        return;
    size_t c = (size_t)ld->field_col[f];
    column *col = &ld->t->cols[c];
    const col_spec *spec = &ld->req->cols[c];
    size_t r = ld->t->nrows;
    if (is_missing(ld, s, len)) {
        if (col->num != NULL)
            col->num[r] = (double)NAN;
        if (col->code != NULL)
            col->code[r] = -1;
        return;
    }
    if (col->kind == COL_TEXT || col->kind == COL_AUTO) {
        int32_t code = intern_add(ld->t->strings, s, len);
        if (code < 0)
            ld->oom = ld->stop = 1;
        col->code[r] = code;
        return;
    }
    double v;
    int ok = number_parse(s, len, &v);
    int integral = ok == NUMBER_WHOLE || (ok && v == floor(v));
    int in_range = !spec->ranged || (ok && v >= spec->min && v <= spec->max);
    if (ok && (col->kind != COL_INTEGER || integral) && in_range) {
        col->num[r] = v;
        return;
    }
    col->num[r] = (double)NAN;
    char expected[96], found[128];
    const char *what = col->kind == COL_INTEGER ? "an integer" : "a number";
    if (spec->ranged && col->kind == COL_INTEGER)
        snprintf(expected, sizeof expected, "%s %.15g..%.15g", what, spec->min,
                 spec->max);
    else if (spec->ranged)
        snprintf(expected, sizeof expected, "%s in [%.15g, %.15g]", what,
                 spec->min, spec->max);
    else
        snprintf(expected, sizeof expected, "%s", what);
    err_quote(found, sizeof found, s, len);
    bad_cell(ld, line, f + 1, "%s: expected %s, found %s", spec->name, expected,
             found);
}

static void on_field(void *data, size_t len, void *arg)
{
    loader *ld = arg;
    const char *s = data != NULL ? (const char *)data : "";
    if (ld->stop)
        return;
    if (ld->field == 0)
        ld->row_line = ld->line;
    size_t line = ld->line;
    int plain = plain_ascii(s, len);
    if (!plain)
        ld->line += count_newlines(s, len);
    if (ld->header_done && ld->field == 0 && !reserve_row(ld)) {
        ld->oom = ld->stop = 1;
        return;
    }
    if (!plain && utf8_invalid_at(s, len) < len) {
        char found[128];
        err_quote(found, sizeof found, s, len);
        fail(ld, ST_EDATA, line, ld->field + 1,
             "not UTF-8 text: %s; save the file as UTF-8", found);
        ld->field++;
        return;
    }
    if (!ld->header_done) {
        header_field(ld, s, len);
    } else if (ld->field < ld->nheader) {
        data_field(ld, s, len, line);
    }
    ld->field++;
}

static void check_header(loader *ld)
{
    for (size_t c = 0; c < ld->req->ncols; c++) {
        const col_spec *spec = &ld->req->cols[c];
        if (ld->t->cols[c].present || spec->optional)
            continue;
        fail(ld, ST_EDATA, 1, 0, "no column '%s' in the header", spec->name);
        ld->stop = 1;
    }
}

static void on_row(int term, void *arg)
{
    loader *ld = arg;
    size_t nfields = ld->field;
    ld->field = 0;
    if (nfields == 0) {
        /* A line end outside any record: count it, unless it is the LF of
         * a CRLF that just ended a row. */
        if (term == '\n' && ld->last_term == '\r') {
            ld->last_term = 0;
            return;
        }
        ld->line++;
        ld->last_term = term;
        return;
    }
    if (term == '\n' || term == '\r')
        ld->line++;
    ld->last_term = term;
    if (ld->stop)
        return;
    if (!ld->header_done) {
        ld->header_done = 1;
        check_header(ld);
        return;
    }
    if (nfields != ld->nheader) {
        fail(ld, ST_EDATA, ld->row_line,
             (nfields < ld->nheader ? nfields : ld->nheader) + 1,
             "expected %zu fields as in the header, found %zu", ld->nheader,
             nfields);
        return;
    }
    ld->t->line[ld->t->nrows++] = ld->row_line;
}

static table *table_alloc(const table_request *req)
{
    table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    const char *name = req->display ? req->display : req->path;
    t->display = strdup(name);
    t->ncols = req->ncols;
    t->cols = calloc(req->ncols ? req->ncols : 1, sizeof *t->cols);
    t->strings = intern_create();
    if (t->display == NULL || t->cols == NULL || t->strings == NULL) {
        table_free(t);
        return NULL;
    }
    for (size_t c = 0; c < req->ncols; c++) {
        column *col = &t->cols[c];
        col->kind = req->cols[c].kind;
        /* A dummy element keeps both pointers valid for empty tables. */
        if (col->kind == COL_TEXT || col->kind == COL_AUTO)
            col->code = malloc(sizeof *col->code);
        else
            col->num = malloc(sizeof *col->num);
        if (col->code == NULL && col->num == NULL) {
            table_free(t);
            return NULL;
        }
    }
    return t;
}

/* Absent optional columns read as all missing. */
static void fill_absent(table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        column *col = &t->cols[c];
        if (col->present)
            continue;
        for (size_t r = 0; r < t->nrows; r++) {
            if (col->num != NULL)
                col->num[r] = (double)NAN;
            if (col->code != NULL)
                col->code[r] = -1;
        }
    }
}

/* An AUTO column becomes numeric when every string in it parses. */
static int resolve_auto(table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        column *col = &t->cols[c];
        if (col->kind != COL_AUTO)
            continue;
        int numeric = 1;
        for (size_t r = 0; r < t->nrows && numeric; r++) {
            double v;
            int32_t k = col->code[r];
            numeric = k < 0 || number_parse(intern_text(t->strings, k),
                                            intern_len(t->strings, k), &v);
        }
        if (!numeric) {
            col->kind = COL_TEXT;
            continue;
        }
        double *num = malloc((t->nrows ? t->nrows : 1) * sizeof *num);
        if (num == NULL)
            return 0;
        for (size_t r = 0; r < t->nrows; r++) {
            int32_t k = col->code[r];
            num[r] = (double)NAN;
            if (k >= 0)
                number_parse(intern_text(t->strings, k),
                             intern_len(t->strings, k), &num[r]);
        }
        free(col->code);
        col->code = NULL;
        col->num = num;
        col->kind = COL_NUMBER;
    }
    return 1;
}

static void parse_error(loader *ld, struct csv_parser *p, int at_end)
{
    if (csv_error(p) == CSV_ENOMEM || csv_error(p) == CSV_ETOOBIG) {
        ld->oom = 1;
    } else if (at_end) {
        /* No field of this row was seen when its first field is the
         * open one: the row starts on the current line. */
        fail(ld, ST_EDATA, ld->field == 0 ? ld->line : ld->row_line,
             ld->field + 1,
             "unterminated quoted field (is the file truncated?)");
    } else {
        fail(ld, ST_EDATA, ld->field == 0 ? ld->line : ld->row_line,
             ld->field + 1,
             "malformed quoted field: a quote must open a field and its "
             "closing quote must be followed by a comma or a line end");
    }
    ld->stop = 1;
}

static table *load_streaming(const table_request *req, error_buf *err)
{
    const char *name = req->display ? req->display : req->path;
    FILE *f = fopen(req->path, "rb");
    if (f == NULL) {
        err_set(err, ST_EDATA, name, 0, 0, "cannot open: %s",
                errno == ENOENT ? "no such file"
                                : "permission denied or not a file");
        return NULL;
    }
    table *t = table_alloc(req);
    char *buf = malloc(READ_CHUNK);
    struct csv_parser p;
    int parser_ok = csv_init(&p, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI |
                                     CSV_APPEND_NULL) == 0;
    loader ld = {.t = t, .req = req, .err = err, .name = name, .line = 1};
    if (t == NULL || buf == NULL || !parser_ok) {
        ld.oom = 1;
        goto done;
    }
    struct stat st;
    size_t file_bytes = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)
                            ? (size_t)st.st_size
                            : 0;
    size_t total = 0;
    int reserved = 0;
    while (!ld.stop) {
        size_t n = fread(buf, 1, READ_CHUNK, f);
        if (n == 0)
            break;
        if (total > 0 && !reserved) { /* judged by the first chunk */
            reserve_for_file(t, file_bytes, total);
            reserved = 1;
        }
        const char *data = buf;
        /* A UTF-8 byte-order mark is skipped before libcsv sees it, so a
         * quoted first header field still opens with its quote. */
        if (total == 0 && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            data += 3;
            n -= 3;
        }
        total += n;
        if (csv_parse(&p, data, n, on_field, on_row, &ld) != n && !ld.stop)
            parse_error(&ld, &p, 0);
    }
    if (ferror(f)) {
        fail(&ld, ST_EIO, 0, 0, "read error");
    } else if (!ld.stop && csv_fini(&p, on_field, on_row, &ld) != 0) {
        parse_error(&ld, &p, 1);
    }
    if (!ld.failed && !ld.bad_cells && !ld.oom) {
        if (total == 0 || !ld.header_done)
            fail(&ld, ST_EDATA, 0, 0, "empty file (expected a header row)");
        else if (t->nrows == 0)
            fail(&ld, ST_EDATA, 2, 0, "no data rows after the header");
    }
    if (!ld.failed && !ld.oom) {
        fill_absent(t);
        if (!resolve_auto(t))
            ld.oom = 1;
    }
done:
    if (ld.oom)
        err_set(err, ST_ENOMEM, name, 0, 0, "out of memory while reading");
    if (parser_ok)
        csv_free(&p);
    free(buf);
    free(ld.field_col);
    fclose(f);
    if (ld.failed || ld.oom || (ld.bad_cells && !req->lenient)) {
        table_free(t);
        return NULL;
    }
    return t;
}

/* ---- reading in parallel --------------------------------------------------
 * A big file is read in windows. Each window is cut into pieces at line
 * ends outside quoted fields (those with an even number of quotes before
 * them: exact for every file that strict RFC 4180 accepts, and a file it
 * rejects fails in the same place either way); the pieces are parsed side
 * by side, each into a table of its own, and appended in order while the
 * next window is parsed, their strings interned again in order of first
 * appearance. Codes, numbers and lines are therefore those of the
 * streaming reader. A piece that meets any problem at all sends the whole
 * file back to the streaming reader, which reports exactly what it always
 * reports. */

static struct {
    size_t min_bytes;   /* smaller files are streamed */
    size_t piece_bytes; /* the most a piece aims at (less in small files) */
} parallel = {8u << 20, 4u << 20};

enum { MIN_WINDOWS = 12 };

void table_tune_parallel(size_t min_bytes, size_t piece_bytes)
{
    parallel.min_bytes = min_bytes;
    parallel.piece_bytes = piece_bytes ? piece_bytes : 1;
}

typedef struct {
    const char *data;
    size_t len;
    int last;     /* ends the file: its last row may lack a line end */
    table *t;     /* its rows, with lines counted from 1 */
    size_t lines; /* lines it spans */
    int32_t *map; /* per string of t: its code in the whole table, or -1 */
    int ok;
    size_t row0, line0; /* where its rows go in the whole table */
} piece;

enum {
    CSV_OPTIONS = CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI | CSV_APPEND_NULL
};

static size_t count_quotes(const char *s, size_t len)
{
    size_t n = 0;
    const char *end = s + len;
    while ((s = memchr(s, '"', (size_t)(end - s))) != NULL) {
        n++;
        s++;
    }
    return n;
}

/* The end (one past its line end) of the first line end at or after
 * `from` that lies outside quotes, data[0] being outside them; 0 when
 * there is none in [from, len). */
static size_t safe_cut(const char *data, size_t len, size_t from)
{
    int inside = (int)(count_quotes(data, from) & 1);
    for (size_t i = from; i < len; i++) {
        if (data[i] == '"')
            inside = !inside;
        else if (data[i] == '\n' && !inside)
            return i + 1;
    }
    return 0;
}

/* Parses one piece with the header's field map; never records messages. */
static void parse_piece(piece *p, const table_request *req, const loader *head)
{
    p->t = table_alloc(req);
    struct csv_parser parser;
    if (p->t == NULL || csv_init(&parser, CSV_OPTIONS) != 0)
        return;
    loader ld = {.t = p->t,
                 .req = req,
                 .name = head->name,
                 .header_done = 1,
                 .nheader = head->nheader,
                 .field_col = head->field_col,
                 .line = 1};
    if (csv_parse(&parser, p->data, p->len, on_field, on_row, &ld) != p->len)
        ld.failed = 1;
    else if (p->last && !ld.stop &&
             csv_fini(&parser, on_field, on_row, &ld) != 0)
        ld.failed = 1;
    csv_free(&parser);
    p->lines = ld.line - 1;
    p->ok = !ld.failed && !ld.bad_cells && !ld.oom && !ld.stop;
}

/* Looks up a parsed piece's strings in the whole table's, as they stand
 * before the piece is appended: read only, so the pieces of a window do
 * it side by side, and the appends, in turn, add only the strings new to
 * the table. */
static void find_strings(piece *p, const table *t)
{
    const intern *local = p->t->strings;
    size_t ncodes = intern_count(local);
    p->map = malloc((ncodes ? ncodes : 1) * sizeof *p->map);
    if (p->map == NULL) {
        p->ok = 0;
        return;
    }
    for (size_t k = 0; k < ncodes; k++)
        p->map[k] = intern_find(t->strings, intern_text(local, (int32_t)k),
                                intern_len(local, (int32_t)k));
}

/* Adds a parsed piece's strings that are new to t, in the order they
 * first appear, completing its map. Returns 1, or 0 when out of memory. */
static int add_new_strings(table *t, const piece *p)
{
    const intern *local = p->t->strings;
    size_t ncodes = intern_count(local);
    for (size_t k = 0; k < ncodes; k++) {
        if (p->map[k] < 0)
            p->map[k] = intern_add(t->strings, intern_text(local, (int32_t)k),
                                   intern_len(local, (int32_t)k));
        if (p->map[k] < 0)
            return 0;
    }
    return 1;
}

/* Copies a piece's rows into t at row p->row0, their lines from
 * p->line0 on, and its codes through its map: the rows are reserved and
 * the strings added, so pieces copy side by side. */
static void copy_rows(table *t, const piece *p)
{
    const table *src = p->t;
    size_t n = src->nrows, at = p->row0;
    for (size_t r = 0; r < n; r++)
        t->line[at + r] = p->line0 + src->line[r] - 1;
    for (size_t c = 0; c < t->ncols; c++) {
        const column *from = &src->cols[c];
        column *to = &t->cols[c];
        if (!to->present) /* filled at the end, as missing */
            continue;
        if (to->num != NULL)
            memcpy(to->num + at, from->num, n * sizeof *to->num);
        for (size_t r = 0; to->code != NULL && r < n; r++)
            to->code[at + r] = from->code[r] < 0 ? -1 : p->map[from->code[r]];
    }
}

/* Cuts buf[0, have) into at most `most` pieces of about piece_bytes at
 * safe line ends; the rest waits for more of the file unless at_eof.
 * Returns the number of pieces and the bytes they cover in *used. */
static size_t cut_pieces(const char *buf, size_t have, int at_eof,
                         size_t piece_bytes, piece *pieces, size_t most,
                         size_t *used)
{
    size_t n = 0, start = 0;
    while (n < most && start < have) {
        size_t target = start + piece_bytes;
        size_t end = target < have
                         ? safe_cut(buf + start, have - start, target - start)
                         : 0;
        if (end == 0 && !at_eof)
            break;
        end = end == 0 ? have : start + end;
        pieces[n++] = (piece){.data = buf + start,
                              .len = end - start,
                              .last = end == have && at_eof};
        start = end;
    }
    *used = start;
    return n;
}

/* The header: the first line, buf[0, end) (end from safe_cut), parsed by
 * the streaming code into ld's table. Returns whether it was read this
 * way. */
static int parse_header(const char *buf, size_t end, loader *ld)
{
    struct csv_parser parser;
    if (csv_init(&parser, CSV_OPTIONS) != 0)
        return 0;
    size_t got = csv_parse(&parser, buf, end, on_field, on_row, ld);
    csv_free(&parser);
    return got == end && ld->header_done && !ld->failed && !ld->oom &&
           !ld->stop;
}

/* The pieces of one window. */
typedef struct {
    piece *p;
    size_t n;
} window;

/* Appends w's parsed pieces to t in order (lines from *line on), and
 * frees them: the strings new to t are added in order, by this thread,
 * then the pieces' rows are copied as tasks. Returns ok, cleared by a
 * piece that failed or by running out of memory. */
static int append_window(table *t, window *w, size_t *line, int ok)
{
    size_t rows = t->nrows;
    for (size_t k = 0; k < w->n && ok; k++) {
        piece *p = &w->p[k];
        ok = p->ok && add_new_strings(t, p);
        p->row0 = rows;
        p->line0 = *line;
        rows += ok ? p->t->nrows : 0;
        *line += p->lines;
    }
    ok = ok && reserve_rows(t, rows);
    if (ok) {
#pragma omp taskgroup
        for (size_t k = 0; k < w->n; k++) {
            const piece *p = &w->p[k];
#pragma omp task default(none) firstprivate(p) shared(t)
            copy_rows(t, p);
        }
        t->nrows = rows;
    }
    for (size_t k = 0; k < w->n; k++) {
        piece *p = &w->p[k];
        t->pieces++;
        table_free(p->t);
        free(p->map);
        p->t = NULL;
        p->map = NULL;
    }
    w->n = 0;
    return ok;
}

/* Parses next's pieces while this thread appends done's: a pipeline.
 * Adding a window's new strings is one thread's work, in order, and
 * copying its rows the first touch of the table's memory: both hide
 * behind the next window's parse (the copies are tasks that any thread
 * may take). Then next's pieces look their strings up in t, done's now
 * in it, side by side. Returns ok as append_window. */
static int parse_beside_append(table *t, window *next, window *done,
                               const table_request *req, const loader *head,
                               size_t *line, int ok)
{
    piece *pieces = next->p;
    size_t n = next->n;
#pragma omp parallel default(none)                                             \
    shared(t, pieces, n, done, req, head, line, ok)
#pragma omp single
    {
        for (size_t k = 0; k < n; k++) {
#pragma omp task default(none) firstprivate(k) shared(pieces, req, head)
            parse_piece(&pieces[k], req, head);
        }
        ok = append_window(t, done, line, ok);
    } /* the region ends when its tasks are done */
#pragma omp parallel for schedule(dynamic, 1) default(none) shared(pieces, n, t)
    for (size_t k = 0; k < n; k++)
        if (pieces[k].ok)
            find_strings(&pieces[k], t);
    return ok;
}

/* Loads a big file in parallel; NULL when it must be streamed instead.
 * Window k is parsed while window k - 1 is appended (parse_beside_append);
 * w[cur] is the window being read. */
static table *load_parallel(const table_request *req, FILE *f,
                            size_t file_bytes, int threads)
{
    table *t = table_alloc(req);
    /* four pieces a thread in a window: the threads finish a window's
     * parse closer together than with two (survey and exchanges read
     * 5-10% faster on two threads) */
    size_t most = (size_t)threads * 4;
    /* Pieces small enough for the file to make MIN_WINDOWS windows, but
     * not below a quarter of piece_bytes: the first window's parse and
     * the last one's strings are one thread's work. */
    size_t piece_bytes = file_bytes / (most * MIN_WINDOWS);
    size_t least = parallel.piece_bytes / 4 ? parallel.piece_bytes / 4 : 1;
    if (piece_bytes > parallel.piece_bytes)
        piece_bytes = parallel.piece_bytes;
    if (piece_bytes < least)
        piece_bytes = least;
    size_t cap = piece_bytes * most;
    char *buf = malloc(cap);
    window w[2] = {{calloc(most, sizeof(piece)), 0},
                   {calloc(most, sizeof(piece)), 0}};
    loader head = {.t = t,
                   .req = req,
                   .name = req->display ? req->display : req->path,
                   .line = 1};
    int ok = t != NULL && buf != NULL && w[0].p != NULL && w[1].p != NULL;
    size_t have = 0, line = 0, first_bytes = 0;
    int at_eof = 0, first = 1, cur = 0, reserved = 0;
    while (ok && !(at_eof && have == 0)) {
        size_t got = fread(buf + have, 1, cap - have, f);
        at_eof = have + got < cap;
        have += got;
        size_t skip = 0;
        if (first && have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
            skip = 3; /* the byte-order mark, as the streaming reader */
        size_t used = 0, n = 0;
        size_t header_end = first ? safe_cut(buf + skip, have - skip, 0) : 0;
        if (header_end > 0) {
            ok = parse_header(buf + skip, header_end, &head);
            skip += header_end;
            line = head.line;
            first = 0;
        } else if (first) {
            ok = !at_eof; /* no line end after the header: stream it */
        }
        if (ok && !first)
            n = cut_pieces(buf + skip, have - skip, at_eof, piece_bytes,
                           w[cur].p, most, &used);
        if (ok && n == 0 && !at_eof) { /* a row longer than the window */
            char *bigger = realloc(buf, cap * 2);
            ok = bigger != NULL;
            buf = ok ? bigger : buf;
            cap *= 2;
        }
        w[cur].n = ok ? n : 0;
        if (ok) {
            size_t rows = t->nrows;
            ok = parse_beside_append(t, &w[cur], &w[!cur], req, &head, &line,
                                     ok);
            if (ok && !reserved && t->nrows > rows) {
                /* the first window's rows, from first_bytes of the file */
                reserve_for_file(t, file_bytes, first_bytes);
                reserved = 1;
            }
        }
        if (first_bytes == 0 && n > 0)
            first_bytes = skip + used;
        if (n > 0)
            cur = !cur;
        if (first)
            skip = 0; /* the header is read again with more of the file */
        memmove(buf, buf + skip + used, have - skip - used);
        have -= skip + used;
    }
#pragma omp parallel default(none) shared(t, w, cur, line, ok)
#pragma omp single
    {
        ok = append_window(t, &w[!cur], &line, ok);
        ok = append_window(t, &w[cur], &line, ok); /* frees what is left */
    }
    ok = ok && !ferror(f) && t->nrows > 0;
    if (ok) {
        fill_absent(t);
        ok = resolve_auto(t);
    }
    free(buf);
    free(w[0].p);
    free(w[1].p);
    free(head.field_col);
    if (!ok) {
        table_free(t);
        return NULL;
    }
    return t;
}

table *table_load(const table_request *req, error_buf *err)
{
    /* inside a parallel region, nested regions get one thread: stream */
    int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    struct stat st;
    FILE *f = threads > 1 ? fopen(req->path, "rb") : NULL;
    if (f != NULL) {
        table *t = NULL;
        if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
            (size_t)st.st_size >= parallel.min_bytes)
            t = load_parallel(req, f, (size_t)st.st_size, threads);
        fclose(f);
        if (t != NULL)
            return t;
    }
    return load_streaming(req, err);
}
