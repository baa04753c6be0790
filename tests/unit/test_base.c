/*
 * test_base.c — the error buffer (base/error.h) and UTF-8 validation
 * (base/utf8.h).
 *
 * err_set must produce the GNU forms "file:line:col: msg", "file:line:
 * msg", "file: msg" and a bare "msg", keep the most severe status (a
 * usage error outranks a data error, even one past the ERR_MAX cap),
 * keep at most ERR_MAX messages and count the rest, and escape control
 * characters and invalid bytes in what it formats. err_quote must make
 * any bytes safe to print: quotes and backslashes escaped, control
 * characters and invalid UTF-8 as \xNN, valid multibyte UTF-8 kept
 * whole, and long values cut after 40 bytes with "...". utf8_seq_len
 * follows Unicode Table 3-7: overlongs, surrogates, code points past
 * U+10FFFF, truncated sequences and NUL are not well formed.
 */
#include "unit.h"

#include "../../base/error.h"
#include "../../base/utf8.h"

/* ---- err_set ------------------------------------------------------------ */

static void test_err_set_file_line_col(void **state)
{
    (void)state;
    error_buf e;
    err_clear(&e);
    status st =
        err_set(&e, ST_EDATA, "survey.csv", 118, 7,
                "%s: expected %s, found \"%d\"", "coh3", "an integer 1..5", 6);
    assert_int_equal(st, ST_EDATA);
    assert_int_equal(e.st, ST_EDATA);
    assert_int_equal(e.n, 1);
    assert_int_equal(e.dropped, 0);
    assert_string_equal(e.msg[0],
                        "survey.csv:118:7: coh3: expected an integer 1..5, "
                        "found \"6\"");
}

static void test_err_set_location_forms(void **state)
{
    (void)state;
    error_buf e;
    err_clear(&e);
    err_set(&e, ST_EUSAGE, "study.ini", 3, 0, "[survey] %s: unknown key",
            "colour");
    err_set(&e, ST_EDATA, "areas.csv", 0, 0, "empty file");
    /* A column without a line is not printed: "file:0:9:" means nothing. */
    err_set(&e, ST_EDATA, "areas.csv", 0, 9, "no line, column %d", 9);
    /* Without a file no location is printed at all. */
    err_set(&e, ST_EDATA, NULL, 42, 5, "no respondent scored %.3f", 2.385);
    assert_int_equal(e.n, 4);
    assert_string_equal(e.msg[0], "study.ini:3: [survey] colour: unknown key");
    assert_string_equal(e.msg[1], "areas.csv: empty file");
    assert_string_equal(e.msg[2], "areas.csv: no line, column 9");
    assert_string_equal(e.msg[3], "no respondent scored 2.385");
}

static void test_err_set_null_buffer(void **state)
{
    (void)state;
    /* The message is discarded but the status still comes back. */
    assert_int_equal(err_set(NULL, ST_EIO, "x.csv", 1, 2, "lost %d", 7),
                     ST_EIO);
}

static void test_err_severity(void **state)
{
    (void)state;
    error_buf e;
    err_clear(&e);
    assert_int_equal(e.st, ST_OK);
    err_set(&e, ST_EDATA, "a.csv", 2, 3, "bad cell");
    assert_int_equal(e.st, ST_EDATA);
    err_set(&e, ST_EUSAGE, "study.ini", 5, 0, "bad key");
    assert_int_equal(e.st, ST_EUSAGE);
    /* A later data error does not demote the usage error. */
    err_set(&e, ST_EDATA, "a.csv", 9, 1, "another bad cell");
    assert_int_equal(e.st, ST_EUSAGE);
    assert_int_equal(err_exit_code(e.st), 2);

    /* The usage error also wins when it comes first. */
    err_clear(&e);
    err_set(&e, ST_EUSAGE, "study.ini", 5, 0, "bad key");
    err_set(&e, ST_EDATA, "a.csv", 2, 3, "bad cell");
    assert_int_equal(e.st, ST_EUSAGE);

    /* Data and I/O errors both exit 1, whatever their order. */
    err_clear(&e);
    err_set(&e, ST_EDATA, "a.csv", 2, 3, "bad cell");
    err_set(&e, ST_EIO, "out", 0, 0, "write failed");
    assert_int_equal(err_exit_code(e.st), 1);
}

static void test_err_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(err_exit_code(ST_OK), 0);
    assert_int_equal(err_exit_code(ST_EDATA), 1);
    assert_int_equal(err_exit_code(ST_EUSAGE), 2);
    assert_int_equal(err_exit_code(ST_ENOMEM), 1);
    assert_int_equal(err_exit_code(ST_EIO), 1);
}

static void test_err_cap_counts_dropped(void **state)
{
    (void)state;
    error_buf *e = malloc(sizeof *e);
    assert_non_null(e);
    err_clear(e);
    for (int i = 0; i < ERR_MAX + 3; i++)
        err_set(e, ST_EDATA, "survey.csv", (size_t)i + 2, 4, "message %d", i);
    assert_int_equal(e->n, ERR_MAX);
    assert_int_equal(e->dropped, 3);
    assert_string_equal(e->msg[0], "survey.csv:2:4: message 0");
    assert_string_equal(e->msg[ERR_MAX - 1], "survey.csv:51:4: message 49");
    assert_int_equal(e->st, ST_EDATA);

    /* A dropped usage error still decides the exit status. */
    err_set(e, ST_EUSAGE, "study.ini", 1, 0, "dropped but counted");
    assert_int_equal(e->n, ERR_MAX);
    assert_int_equal(e->dropped, 4);
    assert_int_equal(e->st, ST_EUSAGE);

    /* Clearing empties everything and the buffer can be reused. */
    err_clear(e);
    assert_int_equal(e->n, 0);
    assert_int_equal(e->dropped, 0);
    assert_int_equal(e->st, ST_OK);
    err_set(e, ST_EDATA, "b.csv", 7, 0, "again");
    assert_string_equal(e->msg[0], "b.csv:7: again");
    free(e);
}

static void test_err_long_message_truncated(void **state)
{
    (void)state;
    error_buf e;
    err_clear(&e);
    char where[700];
    memset(where, 'w', sizeof where - 1);
    where[sizeof where - 1] = '\0';
    /* A location longer than the message slot: cut, still terminated. */
    err_set(&e, ST_EDATA, where, 12, 3, "detail %s", "lost");
    assert_int_equal(strlen(e.msg[0]), ERR_MSG - 1);
    assert_memory_equal(e.msg[0], where, ERR_MSG - 1);

    /* A long detail after a short location is cut the same way. */
    err_set(&e, ST_EDATA, "f.csv", 1, 1, "%s", where);
    assert_int_equal(strlen(e.msg[1]), ERR_MSG - 1);
    assert_memory_equal(e.msg[1], "f.csv:1:1: www", 14);
}

/* Names and ids from data reach messages through %s: their control
 * characters and invalid bytes come out escaped, valid UTF-8 whole, and
 * an escaped message that overflows is cut at a character. */
static void test_err_set_escapes_controls(void **state)
{
    (void)state;
    error_buf e;
    err_clear(&e);
    err_set(&e, ST_EUSAGE, "s\x07.ini", 7, 0, "[survey] %s: unknown key",
            "resp\x1b[31m\x7f\xff caf\xc3\xa9");
    assert_string_equal(e.msg[0], "s\\x07.ini:7: [survey] "
                                  "resp\\x1B[31m\\x7F\\xFF caf\xc3\xa9: "
                                  "unknown key");
    /* A message without anything to escape is left as it is. */
    err_set(&e, ST_EDATA, "a.csv", 2, 3, "area \"%s\"", "Z\xc3\xbcrich");
    assert_string_equal(e.msg[1], "a.csv:2:3: area \"Z\xc3\xbcrich\"");

    /* 500 tabs escape to 2000 bytes: cut whole, never inside an escape. */
    char tabs[501];
    memset(tabs, '\t', 500);
    tabs[500] = '\0';
    err_set(&e, ST_EDATA, NULL, 0, 0, "x%s", tabs);
    size_t len = strlen(e.msg[2]);
    assert_true(len < ERR_MSG && len > ERR_MSG - 5);
    assert_int_equal((len - 1) % 4, 0);
    assert_memory_equal(e.msg[2] + len - 4, "\\x09", 4);
}

/* ---- err_quote ---------------------------------------------------------- */

static void test_quote_escapes(void **state)
{
    (void)state;
    char out[128];
    const char in[] = "a\"b\\c";
    assert_string_equal(err_quote(out, sizeof out, in, strlen(in)),
                        "\"a\\\"b\\\\c\"");
    const char ctl[] = "x\ty\nz\r\x7f\x01";
    assert_string_equal(err_quote(out, sizeof out, ctl, sizeof ctl - 1),
                        "\"x\\x09y\\x0Az\\x0D\\x7F\\x01\"");
    /* An embedded NUL counts as a byte of the value and is escaped. */
    const char nul[] = "n/a\0b";
    assert_string_equal(err_quote(out, sizeof out, nul, sizeof nul - 1),
                        "\"n/a\\x00b\"");
    /* Returns out itself. */
    assert_ptr_equal(err_quote(out, sizeof out, "q", 1), out);
    assert_string_equal(out, "\"q\"");
    assert_string_equal(err_quote(out, sizeof out, "", 0), "\"\"");
}

static void test_quote_utf8(void **state)
{
    (void)state;
    char out[128];
    /* Valid multibyte UTF-8 (2, 3 and 4 bytes) is kept as it is. */
    const char ok[] = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
    assert_string_equal(err_quote(out, sizeof out, ok, sizeof ok - 1),
                        "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    /* Latin-1 é, an overlong '/', a lone continuation byte, a surrogate:
     * every byte of an invalid sequence is escaped on its own. */
    const char bad[] = "caf\xE9|\xC0\xAF|\x80|\xED\xA0\x80";
    assert_string_equal(err_quote(out, sizeof out, bad, sizeof bad - 1),
                        "\"caf\\xE9|\\xC0\\xAF|\\x80|\\xED\\xA0\\x80\"");
    /* A sequence cut short by the end of the value. */
    const char cut[] = "ab\xE2\x82";
    assert_string_equal(err_quote(out, sizeof out, cut, sizeof cut - 1),
                        "\"ab\\xE2\\x82\"");
}

static void test_quote_truncates_after_40_bytes(void **state)
{
    (void)state;
    char out[128], expect[64];
    const char *digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";
    /* Exactly 40 bytes: shown whole, no ellipsis. */
    snprintf(expect, sizeof expect, "\"%.40s\"", digits);
    assert_string_equal(err_quote(out, sizeof out, digits, 40), expect);
    /* 41 and more: the first 40 and "...". */
    snprintf(expect, sizeof expect, "\"%.40s...\"", digits);
    assert_string_equal(err_quote(out, sizeof out, digits, 41), expect);
    assert_string_equal(err_quote(out, sizeof out, digits, strlen(digits)),
                        expect);
    /* Only len bytes are read: a shorter len cuts the value. */
    assert_string_equal(err_quote(out, sizeof out, digits, 3), "\"012\"");
}

static void test_quote_never_splits_a_character(void **state)
{
    (void)state;
    char in[64], out[128];
    /* 39 ASCII bytes, then "é" straddling the 40-byte mark. */
    memset(in, 'a', 39);
    memcpy(in + 39, "\xC3\xA9zz", 4);
    err_quote(out, sizeof out, in, 43);
    size_t n = strlen(out);
    assert_int_equal(n, 1 + 39 + 2 + 3 + 1);
    assert_memory_equal(out + 40, "\xC3\xA9...\"", 6);
    /* What comes out is always valid UTF-8. */
    assert_int_equal(utf8_invalid_at(out, n), n);
}

static void test_quote_small_buffers(void **state)
{
    (void)state;
    char out[16];
    const char *v = "abcdefghijklmnopqrstuvwxyz";
    /* Whatever the cap, the result is terminated and fits. */
    for (size_t cap = 1; cap <= sizeof out; cap++) {
        memset(out, 'X', sizeof out);
        err_quote(out, cap, v, strlen(v));
        assert_true(memchr(out, '\0', cap) != NULL);
        if (cap >= 8) {
            assert_int_equal(out[0], '"');
            assert_int_equal(out[strlen(out) - 1], '"');
        }
    }
    /* Too small to say anything: an empty string. */
    err_quote(out, 7, v, strlen(v));
    assert_string_equal(out, "");
    /* A cut value in a small buffer ends with "..." before the quote. */
    err_quote(out, 16, v, strlen(v));
    assert_string_equal(out, "\"abcdefghij...\""); /* 15 bytes and NUL */
}

/* Regression test for a fixed bug (error.c, err_quote): when escapes fill the
 * buffer before 40 input bytes are shown, the value is cut without "...": 35
 * Latin-1 bytes in the 128-byte buffer that table.c and study.c use come out as
 * 31 escapes and a closing quote, which reads as the whole value. The loop
 * keeps room for one escape, the quote and the NUL, not for "...". */
static void test_quote_cut_by_escapes_shows_ellipsis(void **state)
{
    (void)state;
    char in[35], out[128];
    memset(in, 0xE9, sizeof in);
    err_quote(out, sizeof out, in, sizeof in);
    size_t n = strlen(out);
    assert_true(n < sizeof out);
    /* Either every byte is shown, or the cut is marked. */
    int whole = n == 2 + 4 * sizeof in;
    int marked = n >= 4 && memcmp(out + n - 4, "...\"", 4) == 0;
    assert_true(whole || marked);
}

/* ---- utf8 --------------------------------------------------------------- */

static size_t seq(const char *bytes, size_t len)
{
    return utf8_seq_len((const unsigned char *)bytes, len);
}

static void test_utf8_seq_len_valid(void **state)
{
    (void)state;
    assert_int_equal(seq("A", 1), 1);
    assert_int_equal(seq("\x7F", 1), 1);
    assert_int_equal(seq("\xC2\x80", 2), 2);         /* U+0080 */
    assert_int_equal(seq("\xC3\xA9", 2), 2);         /* é */
    assert_int_equal(seq("\xDF\xBF", 2), 2);         /* U+07FF */
    assert_int_equal(seq("\xE0\xA0\x80", 3), 3);     /* U+0800 */
    assert_int_equal(seq("\xE2\x82\xAC", 3), 3);     /* € */
    assert_int_equal(seq("\xED\x9F\xBF", 3), 3);     /* U+D7FF */
    assert_int_equal(seq("\xEE\x80\x80", 3), 3);     /* U+E000 */
    assert_int_equal(seq("\xEF\xBB\xBF", 3), 3);     /* the BOM */
    assert_int_equal(seq("\xF0\x90\x80\x80", 4), 4); /* U+10000 */
    assert_int_equal(seq("\xF0\x9F\x98\x80", 4), 4); /* 😀 */
    assert_int_equal(seq("\xF4\x8F\xBF\xBF", 4), 4); /* U+10FFFF */
    /* Only the first sequence counts; the rest of the buffer is ignored. */
    assert_int_equal(seq("\xC3\xA9\xFF", 3), 2);
}

static void test_utf8_seq_len_invalid(void **state)
{
    (void)state;
    /* Overlong forms. */
    assert_int_equal(seq("\xC0\x80", 2), 0);
    assert_int_equal(seq("\xC1\xBF", 2), 0);
    assert_int_equal(seq("\xE0\x80\x80", 3), 0);
    assert_int_equal(seq("\xE0\x9F\xBF", 3), 0);
    assert_int_equal(seq("\xF0\x80\x80\x80", 4), 0);
    assert_int_equal(seq("\xF0\x8F\xBF\xBF", 4), 0);
    /* UTF-16 surrogates U+D800..U+DFFF. */
    assert_int_equal(seq("\xED\xA0\x80", 3), 0);
    assert_int_equal(seq("\xED\xBF\xBF", 3), 0);
    /* Past U+10FFFF, and bytes that never start a sequence. */
    assert_int_equal(seq("\xF4\x90\x80\x80", 4), 0);
    assert_int_equal(seq("\xF5\x80\x80\x80", 4), 0);
    assert_int_equal(seq("\xFF", 1), 0);
    assert_int_equal(seq("\xFE", 1), 0);
    /* A continuation byte without a lead byte. */
    assert_int_equal(seq("\x80", 1), 0);
    assert_int_equal(seq("\xBF", 1), 0);
    /* Truncated: the buffer ends inside the sequence. */
    assert_int_equal(seq("\xC3\xA9", 1), 0);
    assert_int_equal(seq("\xE2\x82\xAC", 2), 0);
    assert_int_equal(seq("\xF0\x9F\x98\x80", 3), 0);
    /* A non-continuation byte inside the sequence. */
    assert_int_equal(seq("\xC3(", 2), 0);
    assert_int_equal(seq("\xE2\x28\xA1", 3), 0);
    assert_int_equal(seq("\xE2\x82\x28", 3), 0);
    assert_int_equal(seq("\xF0\x9F\x98\x28", 4), 0);
    assert_int_equal(seq("\xF0\x9F\xC3\xA9", 4), 0);
    /* NUL and an empty buffer. */
    assert_int_equal(seq("", 1), 0);
    assert_int_equal(seq("A", 0), 0);
}

static void test_utf8_invalid_at(void **state)
{
    (void)state;
    const char ascii[] = "resp_id,area_id";
    assert_int_equal(utf8_invalid_at(ascii, sizeof ascii - 1),
                     sizeof ascii - 1);
    assert_int_equal(utf8_invalid_at("", 0), 0);
    const char mixed[] = "Z\xC3\xBCrich \xE2\x82\xAC\xF0\x9F\x98\x80!";
    assert_int_equal(utf8_invalid_at(mixed, sizeof mixed - 1),
                     sizeof mixed - 1);
    assert_int_equal(utf8_invalid_at("ab\xC0\x80\x63", 5), 2); /* \x63 'c' */
    assert_int_equal(utf8_invalid_at("caf\xC3\xA9 \xED\xA0\x80", 9), 6);
    assert_int_equal(utf8_invalid_at("x\xF4\x90\x80\x80", 5), 1);
    /* A NUL byte is not text. */
    assert_int_equal(utf8_invalid_at("a\0b", 3), 1);
    /* Truncated at the end of the buffer. */
    assert_int_equal(utf8_invalid_at("ab\xE2\x82", 4), 2);
    /* len limits the scan: the bad byte after it is not seen. */
    assert_int_equal(utf8_invalid_at("abc\xFF", 3), 3);
    /* A valid sequence cut by len is invalid. */
    assert_int_equal(utf8_invalid_at("\xC3\xA9\xC3\xA9", 3), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_set_file_line_col),
        cmocka_unit_test(test_err_set_location_forms),
        cmocka_unit_test(test_err_set_null_buffer),
        cmocka_unit_test(test_err_severity),
        cmocka_unit_test(test_err_exit_codes),
        cmocka_unit_test(test_err_cap_counts_dropped),
        cmocka_unit_test(test_err_long_message_truncated),
        cmocka_unit_test(test_err_set_escapes_controls),
        cmocka_unit_test(test_quote_escapes),
        cmocka_unit_test(test_quote_utf8),
        cmocka_unit_test(test_quote_truncates_after_40_bytes),
        cmocka_unit_test(test_quote_never_splits_a_character),
        cmocka_unit_test(test_quote_small_buffers),
        cmocka_unit_test(test_quote_cut_by_escapes_shows_ellipsis),
        cmocka_unit_test(test_utf8_seq_len_valid),
        cmocka_unit_test(test_utf8_seq_len_invalid),
        cmocka_unit_test(test_utf8_invalid_at),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
