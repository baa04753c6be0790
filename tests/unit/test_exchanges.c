/*
 * test_exchanges.c — loading service-use records (io/exchanges.h).
 *
 * exchanges_parse_date: ISO 8601 dates to days since 1970-01-01 (checked
 * against Python's datetime.date), leap years (2024-02-29 and
 * 2000-02-29 exist, 2025-02-29 and 1900-02-29 do not), a time after 'T'
 * or a blank ignored, other forms rejected. exchanges_load on small
 * files written to a scratch folder: the rows layout with the default
 * column names, ids interned across the giver and receiver columns,
 * areas coded in order of first appearance, the professional role,
 * self-exchanges kept, the window (inclusive, in days) leaving rows out
 * and counting them, no date column needed without a window; the
 * movements layout, pairing each transfer's negative (giver) and
 * positive (receiver) movement, seconds to hours, area and role from the
 * members file. Every error message is compared whole.
 */
#include "unit.h"

#include "../../io/exchanges.h"

/* Each test gets its own scratch folder. */
static int setup(void **state)
{
    *state = unit_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    unit_rmtree(*state);
    return 0;
}

/* ---- dates -------------------------------------------------------------- */

/* The days of a date that must parse. */
static int32_t days_of(const char *s)
{
    int32_t days = -999999;
    assert_int_equal(exchanges_parse_date(s, strlen(s), &days), 1);
    return days;
}

static void expect_bad_date(const char *s)
{
    int32_t days;
    if (exchanges_parse_date(s, strlen(s), &days) != 0) {
        print_error("\"%s\" parsed as a date\n", s);
        fail();
    }
}

static void test_parse_date(void **state)
{
    (void)state;
    /* Days since 1970-01-01, as Python's date.toordinal() differences. */
    assert_int_equal(days_of("1970-01-01"), 0);
    assert_int_equal(days_of("1969-12-31"), -1);
    assert_int_equal(days_of("2000-03-01"), 11017);
    assert_int_equal(days_of("2000-02-29"), 11016);
    assert_int_equal(days_of("2024-02-29"), 19782);
    assert_int_equal(days_of("2024-03-01"), 19783);
    assert_int_equal(days_of("2025-03-14"), 20161);
    assert_int_equal(days_of("1600-03-01"), -135080);
    /* A time after 'T' or a blank is ignored. */
    assert_int_equal(days_of("2025-03-14T09:30:00Z"), 20161);
    assert_int_equal(days_of("2025-03-14 09:30"), 20161);
    /* Only len bytes are read. */
    int32_t days;
    assert_int_equal(exchanges_parse_date("2025-03-14junk", 10, &days), 1);
    assert_int_equal(days, 20161);
    assert_int_equal(exchanges_parse_date("2025-03-14", 9, &days), 0);
}

static void test_parse_date_rejected(void **state)
{
    (void)state;
    expect_bad_date("2025-02-29"); /* not a leap year */
    expect_bad_date("1900-02-29"); /* a century, not divisible by 400 */
    expect_bad_date("2025-04-31");
    expect_bad_date("2025-13-01");
    expect_bad_date("2025-00-10");
    expect_bad_date("2025-01-00");
    expect_bad_date("2025-01-32");
    expect_bad_date("2025-3-14");
    expect_bad_date("2025-03-4");
    expect_bad_date("14/03/2025");
    expect_bad_date("2025/03/14");
    expect_bad_date("20250314");
    expect_bad_date("2025-03-14x");
    expect_bad_date("2025-03-1a");
    expect_bad_date(" 2025-03-14");
    expect_bad_date("");
}

/* ---- the rows layout ---------------------------------------------------- */

/* The default column names (SPEC §3), professional = "professional", no
 * window; path and display set by the caller. */
static exchanges_request rows_request(void)
{
    exchanges_request req = {.giver = "giver_id",
                             .receiver = "receiver_id",
                             .hours = "hours",
                             .area = "area_id",
                             .role = "giver_role",
                             .date = "date",
                             .professional = "professional"};
    return req;
}

/* Writes text to dir/exchanges.csv and loads it with req (its path and
 * display set here). */
static exchanges *load_rows(const char *dir, const char *text,
                            exchanges_request req, error_buf *err)
{
    char *path = unit_write_file(dir, "exchanges.csv", text);
    req.path = path;
    req.display = "exchanges.csv";
    err_clear(err);
    exchanges *x = exchanges_load(&req, err);
    free(path);
    return x;
}

/* Loads a file that must fail with exactly one message. */
static void expect_rows_error(const char *dir, const char *text,
                              exchanges_request req, const char *message)
{
    error_buf *err = malloc(sizeof *err);
    assert_non_null(err);
    exchanges *x = load_rows(dir, text, req, err);
    assert_null(x);
    assert_int_equal(err->st, ST_EDATA);
    assert_int_equal(err->n, 1);
    assert_string_equal(err->msg[0], message);
    free(err);
}

static const char rows_csv[] =
    "exchange_id,date,giver_id,receiver_id,giver_role,hours,category,"
    "area_id\n"
    "e1,2025-03-01,M07,M12,member,1.5,garden,N2\n"
    "e2,2025-03-02,M12,M07,member,2.25,care,N2\n"
    "e3,2025-03-05T10:00:00Z,S01,M07,professional,0.75,care,N1\n"
    "e4,2025-03-09,M03,M03,member,1.125,care,N1\n"
    "e5,2025-03-09,M12,M03,Professional,3,visit,N3\n";

/* What a load returned: the exchanges in order, with their ids and
 * areas as text. */
typedef struct {
    const char *giver, *receiver, *area;
    unsigned char professional;
    double hours;
} row;

static void expect_rows(const exchanges *x, const row *want, size_t n)
{
    assert_int_equal(exchanges_count(x), n);
    const int32_t *g = exchanges_giver(x), *r = exchanges_receiver(x);
    const int32_t *a = exchanges_area(x);
    const unsigned char *p = exchanges_professional(x);
    const double *h = exchanges_hours(x);
    for (size_t i = 0; i < n; i++) {
        assert_true(g[i] >= 0 && (size_t)g[i] < exchanges_nids(x));
        assert_true(r[i] >= 0 && (size_t)r[i] < exchanges_nids(x));
        assert_true(a[i] >= 0 && (size_t)a[i] < exchanges_nareas(x));
        assert_string_equal(exchanges_id(x, g[i]), want[i].giver);
        assert_string_equal(exchanges_id(x, r[i]), want[i].receiver);
        assert_string_equal(exchanges_area_id(x, a[i]), want[i].area);
        assert_int_equal(p[i], want[i].professional);
        assert_close(h[i], want[i].hours, 1e-15);
    }
}

static void test_rows_layout(void **state)
{
    const char *dir = *state;
    error_buf err;
    exchanges *x = load_rows(dir, rows_csv, rows_request(), &err);
    assert_non_null(x);
    assert_int_equal(err.n, 0);
    /* The self-exchange e4 is kept; "Professional" is not the role. */
    const row want[] = {{"M07", "M12", "N2", 0, 1.5},
                        {"M12", "M07", "N2", 0, 2.25},
                        {"S01", "M07", "N1", 1, 0.75},
                        {"M03", "M03", "N1", 0, 1.125},
                        {"M12", "M03", "N3", 0, 3}};
    expect_rows(x, want, 5);
    /* Ids share one numbering across both columns, first come first
     * numbered (giver before receiver); areas likewise. */
    assert_int_equal(exchanges_nids(x), 4);
    const int32_t giver[] = {0, 1, 2, 3, 1}, receiver[] = {1, 0, 0, 3, 3};
    const int32_t area[] = {0, 0, 1, 1, 2};
    assert_memory_equal(exchanges_giver(x), giver, sizeof giver);
    assert_memory_equal(exchanges_receiver(x), receiver, sizeof receiver);
    assert_memory_equal(exchanges_area(x), area, sizeof area);
    assert_string_equal(exchanges_id(x, 0), "M07");
    assert_string_equal(exchanges_id(x, 3), "M03");
    assert_int_equal(exchanges_nareas(x), 3);
    assert_string_equal(exchanges_area_id(x, 0), "N2");
    assert_string_equal(exchanges_area_id(x, 1), "N1");
    assert_string_equal(exchanges_area_id(x, 2), "N3");
    assert_int_equal(exchanges_outside_window(x), 0);
    exchanges_free(x);
    exchanges_free(NULL);
}

static void test_rows_other_names(void **state)
{
    const char *dir = *state;
    /* Other column names, another professional value, no role column
     * and no date column. */
    exchanges_request req = rows_request();
    req.giver = "from";
    req.receiver = "to";
    req.hours = "time";
    req.area = "ward";
    req.role = NULL;
    req.professional = "staff";
    error_buf err;
    exchanges *x = load_rows(dir,
                             "to,ward,from,time\n"
                             "b,W1,a,0.5\n"
                             "a,W2,c,4.75\n",
                             req, &err);
    assert_non_null(x);
    const row want[] = {{"a", "b", "W1", 0, 0.5}, {"c", "a", "W2", 0, 4.75}};
    expect_rows(x, want, 2);
    assert_int_equal(exchanges_nids(x), 3);
    exchanges_free(x);
}

static void test_rows_window(void **state)
{
    const char *dir = *state;
    error_buf err;
    /* From 2025-03-02 to 2025-03-05, both inclusive: e2 and e3 (its date
     * with a time) are in, e1, e4 and e5 out. Codes come from the rows
     * kept. */
    exchanges_request req = rows_request();
    req.has_from = 1;
    req.from = days_of("2025-03-02");
    req.has_to = 1;
    req.to = days_of("2025-03-05");
    exchanges *x = load_rows(dir, rows_csv, req, &err);
    assert_non_null(x);
    assert_int_equal(err.n, 0);
    const row want[] = {{"M12", "M07", "N2", 0, 2.25},
                        {"S01", "M07", "N1", 1, 0.75}};
    expect_rows(x, want, 2);
    assert_int_equal(exchanges_outside_window(x), 3);
    assert_int_equal(exchanges_nids(x), 3);
    assert_int_equal(exchanges_nareas(x), 2);
    assert_string_equal(exchanges_id(x, 0), "M12");
    assert_string_equal(exchanges_area_id(x, 0), "N2");
    exchanges_free(x);

    /* Only a start: from 2025-03-09 keeps e4 and e5. */
    req.has_to = 0;
    req.from = days_of("2025-03-09");
    x = load_rows(dir, rows_csv, req, &err);
    assert_non_null(x);
    assert_int_equal(exchanges_count(x), 2);
    assert_int_equal(exchanges_outside_window(x), 3);
    exchanges_free(x);

    /* Only an end: to 2025-03-01 keeps e1. */
    req.has_from = 0;
    req.has_to = 1;
    req.to = days_of("2025-03-01");
    x = load_rows(dir, rows_csv, req, &err);
    assert_non_null(x);
    const row first[] = {{"M07", "M12", "N2", 0, 1.5}};
    expect_rows(x, first, 1);
    assert_int_equal(exchanges_outside_window(x), 4);
    exchanges_free(x);
}

/* 200,000 rows, every third outside the window: the rows kept are
 * copied a block of rows at a time, side by side, and must land in
 * order with codes numbered as the ids first appear in the kept rows. */
static void test_rows_many_blocks(void **state)
{
    const char *dir = *state;
    enum { N = 200000 };
    size_t cap = (size_t)N * 64 + 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap,
                            "giver_id,receiver_id,hours,area_id,giver_role,"
                            "date\n");
    for (size_t r = 0; r < N; r++)
        len += (size_t)snprintf(
            text + len, cap - len, "G%zu,R%zu,%zu.5,A%zu,%s,2025-03-%02d\n",
            r % 5003, r % 7001, r % 9, r % 11,
            r % 4 == 0 ? "professional" : "volunteer", r % 3 == 2 ? 20 : 2);
    exchanges_request req = rows_request();
    req.has_to = 1;
    req.to = days_of("2025-03-10");
    error_buf err;
    exchanges *x = load_rows(dir, text, req, &err);
    free(text);
    assert_non_null(x);
    assert_int_equal(err.n, 0);
    assert_int_equal(exchanges_outside_window(x), N / 3);
    assert_int_equal(exchanges_count(x), N - N / 3);
    const int32_t *g = exchanges_giver(x), *rc = exchanges_receiver(x);
    const int32_t *a = exchanges_area(x);
    size_t i = 0;
    char want[32];
    for (size_t r = 0; r < N; r++) {
        if (r % 3 == 2)
            continue;
        snprintf(want, sizeof want, "G%zu", r % 5003);
        assert_string_equal(exchanges_id(x, g[i]), want);
        snprintf(want, sizeof want, "R%zu", r % 7001);
        assert_string_equal(exchanges_id(x, rc[i]), want);
        snprintf(want, sizeof want, "A%zu", r % 11);
        assert_string_equal(exchanges_area_id(x, a[i]), want);
        assert_int_equal(exchanges_professional(x)[i], r % 4 == 0);
        assert_close(exchanges_hours(x)[i], (double)(r % 9) + 0.5, 0);
        i++;
    }
    /* first appearances in the kept rows: G0 R0 G1 R1 (row 2 is out) G3 */
    assert_string_equal(exchanges_id(x, 0), "G0");
    assert_string_equal(exchanges_id(x, 1), "R0");
    assert_string_equal(exchanges_id(x, 3), "R1");
    assert_string_equal(exchanges_id(x, 4), "G3");
    exchanges_free(x);
}

static void test_rows_no_date_column(void **state)
{
    const char *dir = *state;
    /* Without a window the date column may be absent. */
    error_buf err;
    exchanges *x = load_rows(dir,
                             "giver_id,receiver_id,giver_role,hours,area_id\n"
                             "a,b,member,2.5,A1\n"
                             "b,a,professional,0.25,A1\n",
                             rows_request(), &err);
    assert_non_null(x);
    assert_int_equal(err.n, 0);
    const row want[] = {{"a", "b", "A1", 0, 2.5}, {"b", "a", "A1", 1, 0.25}};
    expect_rows(x, want, 2);
    assert_int_equal(exchanges_outside_window(x), 0);
    exchanges_free(x);
}

/* Regression test for a fixed bug: without a window, dates are not read,
 * so a date in another form (or none) is no error. */
static void test_rows_dates_ignored_without_window(void **state)
{
    const char *dir = *state;
    error_buf err;
    exchanges *x = load_rows(dir,
                             "giver_id,receiver_id,giver_role,hours,area_id,"
                             "date\n"
                             "a,b,member,1,A1,05/01/2025\n"
                             "b,a,member,2,A1,\n",
                             rows_request(), &err);
    assert_non_null(x);
    assert_int_equal(err.n, 0);
    assert_int_equal(exchanges_count(x), 2);
    exchanges_free(x);
}

/* Without a role column under its default name, everyone is a member. */
static void test_rows_default_role_optional(void **state)
{
    const char *dir = *state;
    error_buf err;
    exchanges_request req = rows_request();
    req.role_optional = 1;
    exchanges *x = load_rows(dir,
                             "giver_id,receiver_id,hours,area_id\n"
                             "a,b,1.5,A1\n",
                             req, &err);
    assert_non_null(x);
    assert_int_equal(exchanges_professional(x)[0], 0);
    exchanges_free(x);
}

static void test_rows_errors(void **state)
{
    const char *dir = *state;
    expect_rows_error(dir,
                      "exchange_id,date,giver_id,receiver_id,giver_role,"
                      "hours,category,area_id\n"
                      "e1,2025-01-05,a,b,member,2,visit,A1\n"
                      "e2,2025-01-06,b,a,member,-1.5,visit,A1\n",
                      rows_request(),
                      "exchanges.csv:3:6: hours: expected a number in [0, "
                      "1000000000], found \"-1.5\"");
    expect_rows_error(dir,
                      "exchange_id,date,giver_id,receiver_id,giver_role,"
                      "hours,category,area_id\n"
                      "e1,2025-01-05,a,b,member,2,visit,A1\n"
                      "e2,2025-01-06,,a,member,1,visit,A1\n",
                      rows_request(),
                      "exchanges.csv:3:3: giver_id: missing value");
    /* A date that does not parse, with a window. (Without one it should
     * not be checked at all; in_window checks it all the same, so that
     * case is left out until the loader is fixed.) */
    exchanges_request req = rows_request();
    req.has_from = 1;
    req.from = days_of("2025-01-01");
    expect_rows_error(dir,
                      "exchange_id,date,giver_id,receiver_id,giver_role,"
                      "hours,category,area_id\n"
                      "e1,2025-01-05,a,b,member,2,visit,A1\n"
                      "e2,2025-02-29,b,a,member,1,visit,A1\n",
                      req,
                      "exchanges.csv:3:2: date: expected a date YYYY-MM-DD, "
                      "found \"2025-02-29\"");
    /* A window needs the date column. */
    error_buf err;
    exchanges *x = load_rows(dir,
                             "giver_id,receiver_id,giver_role,hours,area_id\n"
                             "a,b,member,2.5,A1\n",
                             req, &err);
    assert_null(x);
    assert_int_equal(err.n, 1);
    assert_string_equal(err.msg[0],
                        "exchanges.csv:1: no column 'date' in the header");
}

static void test_rows_every_error(void **state)
{
    const char *dir = *state;
    /* Every problem is reported, each at its cell. */
    exchanges_request req = rows_request();
    req.has_to = 1;
    req.to = days_of("2025-12-31");
    error_buf err;
    exchanges *x = load_rows(dir,
                             "giver_id,receiver_id,hours,area_id,date,"
                             "giver_role\n"
                             "a,b,1,A1,2025-01-05,member\n"
                             "a,,1,A1,2025-01-06,member\n"
                             "b,a,2,,05/01/2025,member\n",
                             req, &err);
    assert_null(x);
    assert_int_equal(err.st, ST_EDATA);
    assert_int_equal(err.n, 3);
    assert_string_equal(err.msg[0],
                        "exchanges.csv:3:2: receiver_id: missing value");
    assert_string_equal(err.msg[1],
                        "exchanges.csv:4:4: area_id: missing value");
    assert_string_equal(err.msg[2], "exchanges.csv:4:5: date: expected a date "
                                    "YYYY-MM-DD, found \"05/01/2025\"");
}

/* ---- the movements layout ----------------------------------------------- */

/* Writes the ledger and the members file and loads them. */
static exchanges *load_window(const char *dir, const char *ledger,
                              const char *members, int has_from, int32_t from,
                              int has_to, int32_t to, error_buf *err)
{
    char *path = unit_write_file(dir, "exchanges.csv", ledger);
    char *mpath = unit_write_file(dir, "members.csv", members);
    exchanges_request req = {.path = path,
                             .display = "exchanges.csv",
                             .movements = 1,
                             .transfer = "transfer_id",
                             .account = "account_id",
                             .amount = "amount",
                             .date = "date",
                             .members_path = mpath,
                             .members_display = "members.csv",
                             .professional = "professional",
                             .has_from = has_from,
                             .from = from,
                             .has_to = has_to,
                             .to = to};
    err_clear(err);
    exchanges *x = exchanges_load(&req, err);
    free(path);
    free(mpath);
    return x;
}

static exchanges *load_movements(const char *dir, const char *ledger,
                                 const char *members, error_buf *err)
{
    return load_window(dir, ledger, members, 0, 0, 0, 0, err);
}

static const char ledger_csv[] = "transfer_id,account_id,amount,date\n"
                                 "t1,M07,-5400,2025-03-01\n"
                                 "t1,M12,5400,2025-03-01\n"
                                 "t2,M12,900,2025-03-02\n"
                                 "t2,S01,-900,2025-03-02\n"
                                 "t3,S01,-2700,2025-03-05\n"
                                 "t3,M03,2700,2025-03-05\n";

static const char members_csv[] = "member_id,area_id,role\n"
                                  "M07,N2,member\n"
                                  "M12,N2,member\n"
                                  "S01,N1,professional\n"
                                  "M03,N1,member\n";

static void test_movements_layout(void **state)
{
    const char *dir = *state;
    /* t1: M07 gives M12 5400 s = 1.5h (area N2). t2: its positive
     * movement first; S01 (paid, area N1) gives M12 900 s = 0.25h, in the
     * giver's area N1. t3: S01 gives M03 2700 s = 0.75h. */
    error_buf err;
    exchanges *x = load_movements(dir, ledger_csv, members_csv, &err);
    assert_non_null(x);
    assert_int_equal(err.n, 0);
    const row want[] = {{"M07", "M12", "N2", 0, 1.5},
                        {"S01", "M12", "N1", 1, 0.25},
                        {"S01", "M03", "N1", 1, 0.75}};
    expect_rows(x, want, 3);
    assert_int_equal(exchanges_nids(x), 4);
    assert_int_equal(exchanges_nareas(x), 2);
    assert_string_equal(exchanges_area_id(x, 0), "N2");
    assert_string_equal(exchanges_area_id(x, 1), "N1");
    exchanges_free(x);
}

static void test_movements_window(void **state)
{
    const char *dir = *state;
    /* From 2025-03-02 to 2025-03-04: t2 only; t1 and t3 counted out. */
    error_buf err;
    exchanges *x =
        load_window(dir, ledger_csv, members_csv, 1, days_of("2025-03-02"), 1,
                    days_of("2025-03-04"), &err);
    assert_non_null(x);
    assert_int_equal(err.n, 0);
    const row want[] = {{"S01", "M12", "N1", 1, 0.25}};
    expect_rows(x, want, 1);
    assert_int_equal(exchanges_outside_window(x), 2);
    assert_int_equal(exchanges_nids(x), 2);
    assert_int_equal(exchanges_nareas(x), 1);
    exchanges_free(x);
}

static void test_movements_interleaved(void **state)
{
    const char *dir = *state;
    /* A transfer's movements need not be adjacent. */
    error_buf err;
    exchanges *x = load_movements(dir,
                                  "transfer_id,account_id,amount\n"
                                  "t9,M03,-4500\n"
                                  "t4,M12,-1800\n"
                                  "t9,M07,4500\n"
                                  "t4,M03,1800\n",
                                  members_csv, &err);
    assert_non_null(x);
    assert_int_equal(err.n, 0);
    const row want[] = {{"M03", "M07", "N1", 0, 1.25},
                        {"M12", "M03", "N2", 0, 0.5}};
    expect_rows(x, want, 2);
    exchanges_free(x);
}

static void expect_movements_error(const char *dir, const char *ledger,
                                   const char *message)
{
    error_buf *err = malloc(sizeof *err);
    assert_non_null(err);
    exchanges *x = load_movements(dir, ledger, members_csv, err);
    assert_null(x);
    assert_int_equal(err->st, ST_EDATA);
    assert_int_equal(err->n, 1);
    assert_string_equal(err->msg[0], message);
    free(err);
}

static void test_movements_errors(void **state)
{
    const char *dir = *state;
    /* A transfer with one movement. */
    expect_movements_error(dir,
                           "transfer_id,account_id,amount\n"
                           "t1,M07,-5400\n"
                           "t1,M12,5400\n"
                           "t2,M12,-900\n",
                           "exchanges.csv:4: transfer \"t2\": its movements "
                           "do not pair (expected one negative and one "
                           "positive movement of the same size, found 1 "
                           "movement(s))");
    /* Two movements of different sizes. */
    expect_movements_error(dir,
                           "transfer_id,account_id,amount\n"
                           "t1,M07,-5400\n"
                           "t1,M12,5400\n"
                           "t2,M12,-900\n"
                           "t2,M07,1800\n",
                           "exchanges.csv:4: transfer \"t2\": its movements "
                           "do not pair (expected one negative and one "
                           "positive movement of the same size, found 2 "
                           "movement(s))");
    /* Three movements. */
    expect_movements_error(dir,
                           "transfer_id,account_id,amount\n"
                           "t3,M07,-600\n"
                           "t3,M12,600\n"
                           "t3,M03,600\n",
                           "exchanges.csv:2: transfer \"t3\": its movements "
                           "do not pair (expected one negative and one "
                           "positive movement of the same size, found 3 "
                           "movement(s))");
    /* An account missing from the members file: the receiver, then the
     * giver (the line is the giver's movement). */
    expect_movements_error(dir,
                           "transfer_id,account_id,amount\n"
                           "t1,M07,-5400\n"
                           "t1,zz,5400\n",
                           "exchanges.csv:2: transfer \"t1\": account \"zz\" "
                           "is not in members.csv");
    expect_movements_error(dir,
                           "transfer_id,account_id,amount\n"
                           "t1,M07,5400\n"
                           "t1,yy,-5400\n",
                           "exchanges.csv:3: transfer \"t1\": account \"yy\" "
                           "is not in members.csv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_parse_date_rejected),
        cmocka_unit_test_setup_teardown(test_rows_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_other_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_many_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_no_date_column, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rows_dates_ignored_without_window,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_default_role_optional, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rows_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_every_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_movements_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_movements_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_movements_interleaved, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_movements_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
