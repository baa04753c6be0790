/*
 * exchanges.c — loading exchanges in either layout (see exchanges.h).
 */
#include "exchanges.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

struct exchanges {
    table *main, *members; /* kept: ids and areas point into them */
    size_t n, cap;
    int32_t *giver, *receiver, *area;
    unsigned char *professional;
    double *hours;
    size_t nids, nareas, outside;
    const char **id_text, **area_text;
};

void exchanges_free(exchanges *x)
{
    if (x == NULL)
        return;
    table_free(x->main);
    table_free(x->members);
    free(x->giver);
    free(x->receiver);
    free(x->area);
    free(x->professional);
    free(x->hours);
    free(x->id_text);
    free(x->area_text);
    free(x);
}

size_t exchanges_count(const exchanges *x)
{
    return x->n;
}
const int32_t *exchanges_giver(const exchanges *x)
{
    return x->giver;
}
const int32_t *exchanges_receiver(const exchanges *x)
{
    return x->receiver;
}
const int32_t *exchanges_area(const exchanges *x)
{
    return x->area;
}
const double *exchanges_hours(const exchanges *x)
{
    return x->hours;
}
size_t exchanges_nids(const exchanges *x)
{
    return x->nids;
}
size_t exchanges_nareas(const exchanges *x)
{
    return x->nareas;
}
size_t exchanges_outside_window(const exchanges *x)
{
    return x->outside;
}

const unsigned char *exchanges_professional(const exchanges *x)
{
    return x->professional;
}

const char *exchanges_id(const exchanges *x, int32_t code)
{
    return x->id_text[code];
}

const char *exchanges_area_id(const exchanges *x, int32_t code)
{
    return x->area_text[code];
}

/* Days from the civil date (Hinnant's algorithm, proleptic Gregorian). */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int exchanges_parse_date(const char *s, size_t len, int32_t *days)
{
    if (len < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
        s[7] != '-' || !digits(s + 8, 2))
        return 0;
    if (len > 10 && s[10] != 'T' && s[10] != ' ')
        return 0;
    int y = atoi(s), m = (s[5] - '0') * 10 + (s[6] - '0'),
        d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int month_days[] = {31, 29, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > month_days[m - 1] ||
        (m == 2 && d == 29 && !leap))
        return 0;
    *days = days_from_civil(y, m, d);
    return 1;
}

/* Dense codes for a table's text codes, first come first numbered. */
typedef struct {
    int32_t *dense; /* table code -> dense code, -1 unseen */
    const char **text;
    size_t n;
} coder;

static int coder_init(coder *c, size_t ncodes)
{
    c->dense = malloc((ncodes ? ncodes : 1) * sizeof *c->dense);
    c->text = malloc((ncodes ? ncodes : 1) * sizeof *c->text);
    c->n = 0;
    if (c->dense == NULL || c->text == NULL)
        return -1;
    for (size_t i = 0; i < ncodes; i++)
        c->dense[i] = -1;
    return 0;
}

static int32_t coder_code(coder *c, const table *t, int32_t code)
{
    if (c->dense[code] < 0) {
        c->text[c->n] = table_text(t, code);
        c->dense[code] = (int32_t)c->n++;
    }
    return c->dense[code];
}

/* The exchange list takes the codes' texts; the coders' maps go. */
static void keep_codes(exchanges *x, coder *ids, coder *areas)
{
    x->nids = ids->n;
    x->id_text = ids->text;
    x->nareas = areas->n;
    x->area_text = areas->text;
    free(ids->dense);
    free(areas->dense);
}

static void append(exchanges *x, int32_t giver, int32_t receiver, int32_t area,
                   int professional, double hours)
{
    x->giver[x->n] = giver;
    x->receiver[x->n] = receiver;
    x->area[x->n] = area;
    x->professional[x->n] = (unsigned char)professional;
    x->hours[x->n] = hours;
    x->n++;
}

static int reserve(exchanges *x, size_t n)
{
    x->giver = malloc((n ? n : 1) * sizeof *x->giver);
    x->receiver = malloc((n ? n : 1) * sizeof *x->receiver);
    x->area = malloc((n ? n : 1) * sizeof *x->area);
    x->professional = malloc(n ? n : 1);
    x->hours = malloc((n ? n : 1) * sizeof *x->hours);
    return x->giver && x->receiver && x->area && x->professional && x->hours
               ? 0
               : -1;
}

/* The row's date, checked against the window: 1 inside, 0 outside, -1
 * (error recorded) when it does not parse. Without a date column every
 * row is inside. */
static int in_window(const exchanges_request *req, const table *t, size_t col,
                     size_t r, const char *name, error_buf *err)
{
    if (!(req->has_from || req->has_to) || !table_present(t, col))
        return 1; /* without a window, dates are not read at all */
    int32_t code = table_codes(t, col)[r];
    int32_t day;
    const char *s = code >= 0 ? table_text(t, code) : "";
    if (!exchanges_parse_date(s, strlen(s), &day)) {
        char found[128];
        err_quote(found, sizeof found, s, strlen(s));
        err_set(err, ST_EDATA, table_display(t), table_line(t, r),
                table_field(t, col), "%s: expected a date YYYY-MM-DD, found %s",
                name, found);
        return -1;
    }
    return !(req->has_from && day < req->from) &&
           !(req->has_to && day > req->to);
}

enum { COPY_BLOCK = 1 << 16 };

/* Copies the kept rows of t into x with their dense codes, a block of
 * rows at a time, side by side: the arrays are touched for the first
 * time here, which on one thread took longer than numbering the ids. */
static void copy_kept(exchanges *x, const table *t,
                      const exchanges_request *req, const unsigned char *kept,
                      const size_t *first_kept, size_t nblocks,
                      const coder *ids, const coder *areas)
{
    size_t n = table_nrows(t);
    const int32_t *g = table_codes(t, 0), *rc = table_codes(t, 1);
    const int32_t *a = table_codes(t, 3), *role = table_codes(t, 4);
    const double *h = table_numbers(t, 2);
    int32_t prof = req->professional ? table_lookup(t, req->professional) : -1;
#pragma omp parallel for schedule(static) default(none) shared(                \
    x, kept, first_kept, nblocks, ids, areas, n, g, rc, a, role, h, prof)
    for (size_t b = 0; b < nblocks; b++) {
        size_t i = first_kept[b], end = (b + 1) * COPY_BLOCK;
        for (size_t r = b * COPY_BLOCK; r < end && r < n; r++) {
            if (!kept[r])
                continue;
            x->giver[i] = ids->dense[g[r]];
            x->receiver[i] = ids->dense[rc[r]];
            x->area[i] = areas->dense[a[r]];
            x->professional[i] = prof >= 0 && role[r] == prof;
            x->hours[i] = h[r];
            i++;
        }
    }
}

static status load_rows(const exchanges_request *req, exchanges *x,
                        error_buf *err)
{
    int window = req->has_from || req->has_to;
    col_spec cols[] = {
        {req->giver, COL_TEXT, 0, 0, 0, 0},
        {req->receiver, COL_TEXT, 0, 0, 0, 0},
        {req->hours, COL_NUMBER, 0, 1, 0, 1e9},
        {req->area, COL_TEXT, 0, 0, 0, 0},
        {req->role ? req->role : "", COL_TEXT,
         req->role == NULL || req->role_optional, 0, 0, 0},
        /* without a window, dates are not read at all */
        {req->date && window ? req->date : "", COL_TEXT, !window, 0, 0, 0}};
    table_request tr = {req->path, req->display, cols, 6, NULL, 0, 0};
    x->main = table_load(&tr, err);
    if (x->main == NULL)
        return err->st;
    const table *t = x->main;
    size_t n = table_nrows(t), nc = table_ncodes(t);
    coder ids = {0}, areas = {0};
    status st = ST_OK;
    if (reserve(x, n) != 0 || coder_init(&ids, nc) != 0 ||
        coder_init(&areas, nc) != 0) {
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    const int32_t *g = table_codes(t, 0), *rc = table_codes(t, 1);
    const int32_t *a = table_codes(t, 3);
    const double *h = table_numbers(t, 2);
    const char *names[] = {req->giver, req->receiver, req->hours, req->area};
    /* kept[r]: row r is an exchange (no value missing, inside the
     * window); first_kept[b]: the kept rows before block b */
    size_t nblocks = (n + COPY_BLOCK - 1) / COPY_BLOCK;
    unsigned char *kept = malloc(n ? n : 1);
    size_t *first_kept = malloc((nblocks ? nblocks : 1) * sizeof *first_kept);
    if (kept == NULL || first_kept == NULL) {
        free(kept);
        free(first_kept);
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* In order, on one thread: the messages, and codes numbered as the
     * ids first appear. */
    size_t nkept = 0;
    for (size_t r = 0; r < n; r++) {
        if (r % COPY_BLOCK == 0)
            first_kept[r / COPY_BLOCK] = nkept;
        int bad = 0;
        for (size_t c = 0; c < 4; c++) {
            int missing = c == 2 ? isnan(h[r]) : table_codes(t, c)[r] < 0;
            if (missing) {
                st = err_set(err, ST_EDATA, table_display(t), table_line(t, r),
                             table_field(t, c), "%s: missing value", names[c]);
                bad = 1;
            }
        }
        int inside =
            in_window(req, t, 5, r, req->date ? req->date : "date", err);
        if (inside < 0)
            st = ST_EDATA;
        kept[r] = !bad && inside > 0;
        x->outside += inside == 0;
        if (kept[r]) {
            coder_code(&ids, t, g[r]);
            coder_code(&ids, t, rc[r]);
            coder_code(&areas, t, a[r]);
            nkept++;
        }
    }
    copy_kept(x, t, req, kept, first_kept, nblocks, &ids, &areas);
    x->n = nkept;
    free(kept);
    free(first_kept);
done:
    keep_codes(x, &ids, &areas);
    return st;
}

typedef struct {
    int32_t transfer;
    size_t row;
} movement;

static int by_transfer(const void *a, const void *b)
{
    const movement *x = a, *y = b;
    if (x->transfer != y->transfer)
        return x->transfer < y->transfer ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* Pairs each transfer's negative and positive movement. */
static status load_movements(const exchanges_request *req, exchanges *x,
                             error_buf *err)
{
    int window = req->has_from || req->has_to;
    col_spec cols[] = {
        {req->transfer, COL_TEXT, 0, 0, 0, 0},
        {req->account, COL_TEXT, 0, 0, 0, 0},
        {req->amount, COL_NUMBER, 0, 0, 0, 0},
        {req->date ? req->date : "", COL_TEXT, !window, 0, 0, 0}};
    col_spec mcols[] = {{"member_id", COL_TEXT, 0, 0, 0, 0},
                        {"area_id", COL_TEXT, 0, 0, 0, 0},
                        {"role", COL_TEXT, 0, 0, 0, 0}};
    table_request tr = {req->path, req->display, cols, 4, NULL, 0, 0};
    table_request mr = {
        req->members_path, req->members_display, mcols, 3, NULL, 0, 0};
    x->main = table_load(&tr, err);
    x->members = table_load(&mr, err);
    if (x->main == NULL || x->members == NULL)
        return err->st;
    const table *t = x->main, *m = x->members;
    size_t n = table_nrows(t), nm = table_nrows(m);
    movement *mv = malloc((n ? n : 1) * sizeof *mv);
    int32_t *member_row =
        malloc((table_ncodes(m) ? table_ncodes(m) : 1) * sizeof *member_row);
    coder ids = {0}, areas = {0};
    status st = ST_OK;
    if (mv == NULL || member_row == NULL || reserve(x, n / 2 + 1) != 0 ||
        coder_init(&ids, table_ncodes(t)) != 0 ||
        coder_init(&areas, table_ncodes(m)) != 0) {
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < table_ncodes(m); c++)
        member_row[c] = -1;
    for (size_t r = 0; r < nm; r++) {
        int32_t id = table_codes(m, 0)[r];
        if (id >= 0 && member_row[id] < 0)
            member_row[id] = (int32_t)r;
    }
    const int32_t *tcode = table_codes(t, 0), *acct = table_codes(t, 1);
    const double *amount = table_numbers(t, 2);
    size_t k = 0;
    for (size_t r = 0; r < n; r++) {
        if (tcode[r] < 0 || acct[r] < 0 || isnan(amount[r])) {
            st = err_set(err, ST_EDATA, table_display(t), table_line(t, r), 0,
                         "a movement needs a transfer, an account and an "
                         "amount");
            continue;
        }
        mv[k++] = (movement){tcode[r], r};
    }
    qsort(mv, k, sizeof *mv, by_transfer);
    for (size_t i = 0; i < k;) {
        size_t j = i;
        while (j < k && mv[j].transfer == mv[i].transfer)
            j++;
        size_t a = mv[i].row, b = j - i == 2 ? mv[i + 1].row : a;
        if (j - i == 2 && amount[a] > 0) { /* the giver first */
            size_t tmp = a;
            a = b;
            b = tmp;
        }
        if (j - i != 2 || !(amount[a] < 0) || !(amount[b] > 0) ||
            amount[a] + amount[b] != 0) {
            st = err_set(err, ST_EDATA, table_display(t),
                         table_line(t, mv[i].row), 0,
                         "transfer \"%s\": its movements do not pair (expected "
                         "one negative and one positive movement of the same "
                         "size, found %zu movement(s))",
                         table_text(t, mv[i].transfer), j - i);
            i = j;
            continue;
        }
        i = j;
        int inside =
            in_window(req, t, 3, a, req->date ? req->date : "date", err);
        if (inside < 0)
            st = ST_EDATA;
        if (inside <= 0) {
            x->outside += inside == 0;
            continue;
        }
        int32_t giver_member = table_lookup(m, table_text(t, acct[a]));
        int32_t receiver_member = table_lookup(m, table_text(t, acct[b]));
        if (giver_member < 0 || member_row[giver_member] < 0 ||
            receiver_member < 0 || member_row[receiver_member] < 0) {
            st = err_set(
                err, ST_EDATA, table_display(t), table_line(t, a), 0,
                "transfer \"%s\": account \"%s\" is not in %s",
                table_text(t, tcode[a]),
                table_text(t, giver_member < 0 || member_row[giver_member] < 0
                                  ? acct[a]
                                  : acct[b]),
                table_display(m));
            continue;
        }
        size_t gr = (size_t)member_row[giver_member];
        int32_t area = table_codes(m, 1)[gr], role = table_codes(m, 2)[gr];
        if (area < 0) {
            st = err_set(err, ST_EDATA, table_display(m), table_line(m, gr),
                         table_field(m, 1), "area_id: missing value");
            continue;
        }
        int32_t giver = coder_code(&ids, t, acct[a]);
        append(x, giver, coder_code(&ids, t, acct[b]),
               coder_code(&areas, m, area),
               req->professional && role >= 0 &&
                   strcmp(table_text(m, role), req->professional) == 0,
               amount[b] / 3600 /* seconds to hours */);
    }
done:
    keep_codes(x, &ids, &areas);
    free(mv);
    free(member_row);
    return st;
}

exchanges *exchanges_load(const exchanges_request *req, error_buf *err)
{
    exchanges *x = calloc(1, sizeof *x);
    if (x == NULL) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    status st =
        req->movements ? load_movements(req, x, err) : load_rows(req, x, err);
    if (st != ST_OK) {
        exchanges_free(x);
        return NULL;
    }
    return x;
}
