/*
 * test_csvout.c — the CSV cell writer (io/csvout.h), byte for byte.
 *
 * Numbers must use the fewest significant digits, 15 else 17, that read
 * back to the same double (0.1 → "0.1", 1/3 → 17 digits), -0 must print
 * "0" and NaN "NA". Text is quoted per RFC 4180 only when it holds a
 * comma, quote, CR or LF, with inner quotes doubled. Text a spreadsheet
 * would run as a formula (SPEC §5: not a number and starting with = + -
 * @, tab or CR) gets a leading "'", inside the quotes when quoted.
 * Booleans are TRUE/FALSE, rows end in LF, and a failed write is sticky.
 * Output goes to an open_memstream buffer and is compared whole.
 */
#include "unit.h"

#include <float.h>
#include <limits.h>

#include "../../io/csvout.h"

/* A writer over a memory buffer; finish() closes it and returns the
 * bytes, which the caller frees. */
typedef struct {
    FILE *f;
    char *buf;
    size_t len;
    csvout w;
} sink;

static void open_sink(sink *s)
{
    s->buf = NULL;
    s->len = 0;
    s->f = open_memstream(&s->buf, &s->len);
    assert_non_null(s->f);
    csvout_init(&s->w, s->f);
}

static char *finish(sink *s)
{
    assert_int_equal(csvout_error(&s->w), 0);
    assert_int_equal(fclose(s->f), 0);
    return s->buf;
}

/* The bytes csvout_text writes for one cell and a line end. */
static char *text_cell(const char *text)
{
    sink s;
    open_sink(&s);
    csvout_text(&s.w, text);
    csvout_end_row(&s.w);
    return finish(&s);
}

#define assert_text_cell(in, out)                                              \
    do {                                                                       \
        char *got_ = text_cell(in);                                            \
        assert_string_equal(got_, out "\n");                                   \
        free(got_);                                                            \
    } while (0)

/* ---- numbers ------------------------------------------------------------ */

static void test_format_shortest_round_trip(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(csvout_format_number(0.1, buf), "0.1");
    assert_string_equal(csvout_format_number(2.385, buf), "2.385");
    assert_string_equal(csvout_format_number(-17.25, buf), "-17.25");
    assert_string_equal(csvout_format_number(100, buf), "100");
    assert_string_equal(csvout_format_number(1e-300, buf), "1e-300");
    assert_string_equal(csvout_format_number(6.02214076e23, buf),
                        "6.02214076e+23");
    assert_string_equal(csvout_format_number(-2.5e-7, buf), "-2.5e-07");
    /* 15 significant digits are enough: printed as such. */
    assert_string_equal(csvout_format_number(123456789012345.0, buf),
                        "123456789012345");
    /* 0.1 + 0.2 is not 0.3: it needs 17 digits. */
    assert_string_equal(csvout_format_number(0.1 + 0.2, buf),
                        "0.30000000000000004");
    /* 16 digits do not fit in %.15g: the 17-digit form is used. */
    assert_string_equal(csvout_format_number(1234567890123456.0, buf),
                        "1234567890123456");
    assert_string_equal(csvout_format_number(123456789012345678.0, buf),
                        "1.2345678901234568e+17");
    assert_true(strtod(buf, NULL) == 123456789012345678.0);
    assert_ptr_equal(csvout_format_number(3.5, buf), buf);
}

static void test_format_one_third(void **state)
{
    (void)state;
    char buf[32];
    double third = 1.0 / 3.0;
    csvout_format_number(third, buf);
    assert_string_equal(buf, "0.33333333333333331");
    /* 17 significant digits, and they read back exactly. */
    assert_int_equal(strlen(buf) - 2, 17);
    assert_true(strtod(buf, NULL) == third);
    csvout_format_number(-2.0 / 3.0, buf);
    assert_string_equal(buf, "-0.66666666666666663");
    assert_true(strtod(buf, NULL) == -2.0 / 3.0);
}

static void test_format_zero_and_na(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(csvout_format_number(0.0, buf), "0");
    assert_string_equal(csvout_format_number(-0.0, buf), "0");
    assert_string_equal(csvout_format_number((double)NAN, buf), "NA");
    assert_string_equal(csvout_format_number(-(double)NAN, buf), "NA");
}

/* xorshift64*: reproducible bit patterns for the round-trip sweep. */
static uint64_t next_bits(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ULL;
}

static void test_format_round_trips_everywhere(void **state)
{
    (void)state;
    char buf[32], shorter[32];
    uint64_t seed = 0x2385ABCDEF017ULL;
    int fifteen = 0;
    for (int i = 0; i < 20000; i++) {
        double v;
        if (i % 2 == 0) {
            /* Any finite double, subnormals included. */
            uint64_t bits = next_bits(&seed);
            memcpy(&v, &bits, sizeof v);
            if (!isfinite(v))
                continue;
        } else {
            /* Decimal-looking values, which should print short. */
            v = (double)((int64_t)(next_bits(&seed) % 2000001) - 1000000) /
                1000.0;
        }
        csvout_format_number(v, buf);
        assert_true(strlen(buf) < 32);
        assert_true(strtod(buf, NULL) == v);
        /* When 15 digits suffice they are what is written. */
        snprintf(shorter, sizeof shorter, "%.15g", v);
        if (v != 0 && strtod(shorter, NULL) == v) {
            assert_string_equal(buf, shorter);
            fifteen++;
        }
    }
    /* All 10000 decimal values (but zeros) take the 15-digit form. */
    assert_true(fifteen > 9990);
    /* The extremes. */
    double extremes[] = {DBL_MAX,        -DBL_MAX,      DBL_MIN,
                         DBL_TRUE_MIN,   -DBL_TRUE_MIN, DBL_EPSILON,
                         1 + DBL_EPSILON};
    for (size_t i = 0; i < sizeof extremes / sizeof extremes[0]; i++) {
        csvout_format_number(extremes[i], buf);
        assert_true(strtod(buf, NULL) == extremes[i]);
    }
}

/* What csvout_format_number promises, written the slow way: "%.15g" when
 * it reads back, else "%.17g". */
static void format_by_printf(double v, char *buf)
{
    snprintf(buf, 32, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, 32, "%.17g", v);
}

/* The short-decimal fast path (n / 10^k without printf) must give the
 * same bytes as printf for every value, including the edges of its range
 * (1e-4, 1e15), 15-digit mantissas, trailing zeros and values one ulp away
 * from a short decimal. */
static void test_format_short_decimals_match_printf(void **state)
{
    (void)state;
    static const double pow10[] = {1,   1e1, 1e2, 1e3, 1e4,  1e5,
                                   1e6, 1e7, 1e8, 1e9, 1e10, 1e11};
    char got[32], want[32];
    uint64_t seed = 0x5EEDF00DULL;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = next_bits(&seed);
        int k = (int)(bits % 12);
        long long n =
            (long long)((bits >> 8) %
                        (i % 3 == 0 ? 1000000000000000ULL : 100000ULL));
        double v = (double)n / pow10[k];
        if (i % 5 == 1)
            v = nextafter(v, (double)INFINITY);
        if (i % 2 == 1)
            v = -v;
        if (v == 0)
            continue;
        csvout_format_number(v, got);
        format_by_printf(v, want);
        assert_string_equal(got, want);
    }
    static const double edges[] = {1e-4,
                                   9.9999e-5,
                                   0.0001234,
                                   1e15,
                                   999999999999999.0,
                                   99999999999999.9,
                                   0.5,
                                   1.5,
                                   2.25,
                                   10,
                                   100.001,
                                   12345678.9,
                                   0.00010000000000000001,
                                   1e-5,
                                   123456789012345.0};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        for (int sign = -1; sign <= 1; sign += 2) {
            csvout_format_number(sign * edges[i], got);
            format_by_printf(sign * edges[i], want);
            assert_string_equal(got, want);
        }
    }
}

/* The one-printf path for other numbers (17 digits rounded to 15) must
 * give printf's bytes for any double: random bit patterns over the whole
 * range, 16- and 17-digit decimals, values whose 16th and 17th digits
 * are "50" or "49"/"51" (next to a tie), and 15 nines that carry. */
static void test_format_long_numbers_match_printf(void **state)
{
    (void)state;
    char got[32], want[32];
    uint64_t seed = 0xC0FFEE1234ULL;
    for (int i = 0; i < 300000; i++) {
        uint64_t bits = next_bits(&seed);
        double v;
        if (i % 3 == 0) {
            memcpy(&v, &bits, sizeof v);
            if (!isfinite(v) || v == 0)
                continue;
        } else {
            /* 17-digit mantissas with a chosen tail, scaled widely */
            long long m = (long long)(bits % 900000000000000ULL) +
                          100000000000000LL; /* 15 digits */
            static const int tails[] = {50, 49, 51, 0, 99, 1};
            int tail =
                i % 2 ? tails[(bits >> 52) % 6] : (int)((bits >> 40) % 100);
            char text[48];
            snprintf(text, sizeof text, "%lld%02de%d", m, tail,
                     (int)((bits >> 56) % 40) - 25);
            v = strtod(text, NULL);
        }
        if (i % 7 == 3)
            v = -v;
        csvout_format_number(v, got);
        format_by_printf(v, want);
        assert_string_equal(got, want);
    }
    static const double edges[] = {999999999999999.5,
                                   9.9999999999999995e-5,
                                   0.99999999999999994,
                                   1.0000000000000002,
                                   9.999999999999999e22,
                                   1e23,
                                   5e-324,
                                   1.7976931348623157e308,
                                   0.1 + 0.2,
                                   123456789012345678.0,
                                   2.5e-5};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        csvout_format_number(edges[i], got);
        format_by_printf(edges[i], want);
        assert_string_equal(got, want);
    }
}

static void test_num_int_bool_na_cells(void **state)
{
    (void)state;
    sink s;
    open_sink(&s);
    csvout_num(&s.w, 2.385);
    csvout_num(&s.w, (double)NAN);
    csvout_num(&s.w, -0.0);
    csvout_int(&s.w, -42);
    csvout_int(&s.w, LLONG_MIN);
    csvout_bool(&s.w, 1);
    csvout_bool(&s.w, 0);
    csvout_bool(&s.w, 7); /* any nonzero value is true */
    csvout_na(&s.w);
    csvout_text(&s.w, NULL);
    csvout_end_row(&s.w);
    char *out = finish(&s);
    assert_string_equal(out, "2.385,NA,0,-42,-9223372036854775808,TRUE,FALSE,"
                             "TRUE,NA,NA\n");
    free(out);
}

static void test_rows_and_separators(void **state)
{
    (void)state;
    sink s;
    open_sink(&s);
    const char *names[] = {"area_id", "scale", "score"};
    for (size_t c = 0; c < 3; c++)
        csvout_text(&s.w, names[c]);
    csvout_end_row(&s.w);
    csvout_text(&s.w, "E01000001");
    csvout_text(&s.w, "cohesion");
    csvout_num(&s.w, 0.3125);
    csvout_end_row(&s.w);
    /* An empty row and an empty text cell. */
    csvout_end_row(&s.w);
    csvout_text(&s.w, "");
    csvout_text(&s.w, "");
    csvout_end_row(&s.w);
    char *out = finish(&s);
    assert_string_equal(out, "area_id,scale,score\n"
                             "E01000001,cohesion,0.3125\n"
                             "\n"
                             ",\n");
    free(out);
}

/* ---- quoting ------------------------------------------------------------ */

static void test_rfc4180_quoting(void **state)
{
    (void)state;
    assert_text_cell("North West", "North West");
    assert_text_cell("Smith, J.", "\"Smith, J.\"");
    assert_text_cell("say \"hi\"", "\"say \"\"hi\"\"\"");
    assert_text_cell("\"", "\"\"\"\"");
    assert_text_cell("\"\"x\"", "\"\"\"\"\"x\"\"\"");
    assert_text_cell("two\nlines", "\"two\nlines\"");
    assert_text_cell("cr\rhere", "\"cr\rhere\"");
    assert_text_cell("crlf\r\n", "\"crlf\r\n\"");
    /* Multibyte UTF-8 and other punctuation pass through untouched. */
    assert_text_cell("Zürich; 5€ 'q'", "Zürich; 5€ 'q'");
    assert_text_cell("tab\tinside", "tab\tinside");
}

/* ---- formula neutralisation (SPEC §5) ----------------------------------- */

static void test_formula_detection(void **state)
{
    (void)state;
    assert_true(csvout_is_formula("=1+1"));
    assert_true(csvout_is_formula("+x"));
    assert_true(csvout_is_formula("-x"));
    assert_true(csvout_is_formula("@a"));
    assert_true(csvout_is_formula("\tx"));
    assert_true(csvout_is_formula("\rx"));
    assert_true(csvout_is_formula("="));
    assert_true(csvout_is_formula("-"));
    assert_true(csvout_is_formula("+"));
    assert_true(csvout_is_formula("-3 "));
    assert_true(csvout_is_formula("-1+2"));
    assert_true(csvout_is_formula("=-3"));
    /* Numbers are not formulas, whatever their sign. */
    assert_false(csvout_is_formula("-3"));
    assert_false(csvout_is_formula("+4"));
    assert_false(csvout_is_formula("-2.385e3"));
    assert_false(csvout_is_formula("-0.125"));
    /* ... but a tab or CR in front makes it text to neutralise. */
    assert_true(csvout_is_formula("\t5"));
    assert_true(csvout_is_formula("\r-5"));
    /* Other text, and a sign that does not come first. */
    assert_false(csvout_is_formula(""));
    assert_false(csvout_is_formula("a=b"));
    assert_false(csvout_is_formula("x-1"));
    assert_false(csvout_is_formula(" =1"));
    assert_false(csvout_is_formula("3"));
}

static void test_formula_neutralised_in_output(void **state)
{
    (void)state;
    assert_text_cell("=1+1", "'=1+1");
    assert_text_cell("-3", "-3");
    assert_text_cell("+x", "'+x");
    assert_text_cell("@a", "'@a");
    assert_text_cell("-", "'-");
    assert_text_cell("\tcmd", "'\tcmd");
    /* A CR forces quotes; the ' goes inside them. */
    assert_text_cell("\rcmd", "\"'\rcmd\"");
    assert_text_cell("=SUM(A1,B2)", "\"'=SUM(A1,B2)\"");
    assert_text_cell("=\"x\"", "\"'=\"\"x\"\"\"");
    assert_text_cell("=HYPERLINK(\"http://x\")",
                     "\"'=HYPERLINK(\"\"http://x\"\")\"");
    /* Numbers written as numbers are never prefixed. */
    sink s;
    open_sink(&s);
    csvout_num(&s.w, -3);
    csvout_int(&s.w, -7);
    csvout_end_row(&s.w);
    char *out = finish(&s);
    assert_string_equal(out, "-3,-7\n");
    free(out);
}

/* Regression test for a fixed bug (csvout.c, csvout_is_formula): "a number" is
 * decided with strtod, which also takes "inf", "nan", "infinity", "nan(...)"
 * and hex
 * ("0x1A"). So "-inf", "+nan", "-0x1A" and "-nan(x)" are written without
 * the "'" although they are not numbers to ecometer's own reader
 * (table.c's parse_number rejects all of them) nor to a spreadsheet,
 * which runs "-inf" as the formula =-inf. */
static void test_formula_strtod_specials(void **state)
{
    (void)state;
    assert_true(csvout_is_formula("-inf"));
    assert_true(csvout_is_formula("+nan"));
    assert_true(csvout_is_formula("-infinity"));
    assert_true(csvout_is_formula("-0x1A"));
    assert_true(csvout_is_formula("-nan(x)"));
}

/* ---- errors ------------------------------------------------------------- */

static void test_failed_write_is_sticky(void **state)
{
    (void)state;
    /* A stream open for reading only: every write fails. */
    FILE *f = fopen("/dev/null", "r");
    assert_non_null(f);
    csvout w;
    csvout_init(&w, f);
    assert_int_equal(csvout_error(&w), 0);
    csvout_text(&w, "x");
    csvout_text(&w, "y");
    assert_true(csvout_error(&w));
    csvout_end_row(&w);
    assert_true(csvout_error(&w));
    assert_int_equal(w.column, 0);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_shortest_round_trip),
        cmocka_unit_test(test_format_one_third),
        cmocka_unit_test(test_format_zero_and_na),
        cmocka_unit_test(test_format_round_trips_everywhere),
        cmocka_unit_test(test_format_short_decimals_match_printf),
        cmocka_unit_test(test_format_long_numbers_match_printf),
        cmocka_unit_test(test_num_int_bool_na_cells),
        cmocka_unit_test(test_rows_and_separators),
        cmocka_unit_test(test_rfc4180_quoting),
        cmocka_unit_test(test_formula_detection),
        cmocka_unit_test(test_formula_neutralised_in_output),
        cmocka_unit_test(test_formula_strtod_specials),
        cmocka_unit_test(test_failed_write_is_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
