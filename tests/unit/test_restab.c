/*
 * test_restab.c — result tables (io/restab.h) in their three formats.
 *
 * A small table with every kind of cell (text, integer, number, boolean,
 * missing) is written as CSV and compared byte for byte (SPEC §4: NA,
 * TRUE/FALSE, shortest round-trip numbers, RFC quoting, formulas
 * neutralised); as JSON, parsed back with jansson to check the array of
 * row objects, the key order, nulls for missing cells, booleans, integers
 * as JSON integers and numbers that read back exactly; and as the text
 * table for people (aligned columns, numbers right-aligned to 4
 * significant digits). A failed write must give ST_EIO naming the output.
 * Appending one table to another copies its rows.
 */
#include "unit.h"

#include <jansson.h>

#include "../../io/restab.h"

static const char *const names[] = {"area_id", "n", "score", "flag", "note"};
enum { NCOLS = 5 };

/* Three rows covering every cell kind; caller frees. */
static restab *sample(void)
{
    restab *t = restab_create(names, NCOLS);
    assert_non_null(t);
    assert_int_equal(restab_ncols(t), NCOLS);
    assert_int_equal(restab_nrows(t), 0);

    assert_int_equal(restab_text(t, "E01000001"), 0);
    assert_int_equal(restab_int(t, 25), 0);
    assert_int_equal(restab_num(t, 2.385), 0);
    assert_int_equal(restab_bool(t, 1), 0);
    assert_int_equal(restab_text(t, "Smith, J."), 0);

    assert_int_equal(restab_text(t, "E01000002"), 0);
    assert_int_equal(restab_int(t, -3), 0);
    assert_int_equal(restab_num(t, (double)NAN), 0);
    assert_int_equal(restab_bool(t, 0), 0);
    assert_int_equal(restab_text(t, NULL), 0);

    assert_int_equal(restab_text(t, "=cmd"), 0);
    assert_int_equal(restab_na(t), 0);
    assert_int_equal(restab_num(t, 1.0 / 3.0), 0);
    /* Missing in the middle of a row does not shift the later cells. */
    assert_int_equal(restab_bool(t, 5), 0);
    assert_int_equal(restab_text(t, "q\"x"), 0);
    assert_int_equal(restab_nrows(t), 3);
    return t;
}

/* The bytes restab_write produces; caller frees. */
static char *written(const restab *t, restab_format fmt, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    error_buf err;
    err_clear(&err);
    assert_int_equal(restab_write(t, f, fmt, "out", &err), ST_OK);
    assert_int_equal(err.n, 0);
    assert_int_equal(fclose(f), 0);
    if (len != NULL)
        *len = n;
    return buf;
}

static void test_csv(void **state)
{
    (void)state;
    restab *t = sample();
    char *csv = written(t, FORMAT_CSV, NULL);
    assert_string_equal(csv, "area_id,n,score,flag,note\n"
                             "E01000001,25,2.385,TRUE,\"Smith, J.\"\n"
                             "E01000002,-3,NA,FALSE,NA\n"
                             "'=cmd,NA,0.33333333333333331,TRUE,\"q\"\"x\"\n");
    free(csv);
    restab_free(t);
}

/* Appending copies every row and cell (text included) after dst's own;
 * tables of another width are refused. */
static void test_append(void **state)
{
    (void)state;
    restab *a = sample(), *b = sample();
    assert_int_equal(restab_append(a, b), 0);
    restab_free(b); /* a's copies must not borrow b's text */
    assert_int_equal(restab_nrows(a), 6);
    char *csv = written(a, FORMAT_CSV, NULL);
    const char *rows = "E01000001,25,2.385,TRUE,\"Smith, J.\"\n"
                       "E01000002,-3,NA,FALSE,NA\n"
                       "'=cmd,NA,0.33333333333333331,TRUE,\"q\"\"x\"\n";
    char want[512];
    snprintf(want, sizeof want, "area_id,n,score,flag,note\n%s%s", rows, rows);
    assert_string_equal(csv, want);
    free(csv);
    restab *narrow = restab_create(names, 2);
    assert_int_equal(restab_append(narrow, a), -1);
    restab_free(narrow);
    restab_free(a);
}

/* Borrowed text reads like copied text, survives appending (as a copy
 * or a borrow) and is not freed by the table; reserving room changes
 * nothing visible. */
static void test_kept_text_and_reserve(void **state)
{
    (void)state;
    static const char *const two[] = {"id", "v"};
    char id[] = "A1";
    restab *t = restab_create(two, 2);
    assert_int_equal(restab_reserve(t, 1000), 0);
    assert_int_equal(restab_nrows(t), 0);
    assert_int_equal(restab_text_kept(t, id), 0);
    assert_int_equal(restab_num(t, 0.5), 0);
    assert_int_equal(restab_text_kept(t, NULL), 0);
    assert_int_equal(restab_num(t, 2), 0);
    assert_string_equal(restab_get_text(t, 0, 0), "A1");
    assert_ptr_equal(restab_get_text(t, 0, 0), id); /* not a copy */
    assert_null(restab_get_text(t, 1, 0));
    restab *u = restab_create(two, 2);
    assert_int_equal(restab_append(u, t), 0);
    char *csv = written(u, FORMAT_CSV, NULL);
    assert_string_equal(csv, "id,v\nA1,0.5\nNA,2\n");
    free(csv);
    restab_free(u);
    restab_free(t); /* must not free id */
    assert_string_equal(id, "A1");
}

static void test_csv_header_only_and_quoted_names(void **state)
{
    (void)state;
    const char *const odd[] = {"a,b", "rank"};
    restab *t = restab_create(odd, 2);
    assert_non_null(t);
    char *csv = written(t, FORMAT_CSV, NULL);
    assert_string_equal(csv, "\"a,b\",rank\n");
    free(csv);
    /* An incomplete row is not counted as a row. */
    assert_int_equal(restab_int(t, 9), 0);
    assert_int_equal(restab_nrows(t), 0);
    assert_int_equal(restab_int(t, 10), 0);
    assert_int_equal(restab_nrows(t), 1);
    restab_free(t);
    restab_free(NULL);
}

static void test_json(void **state)
{
    (void)state;
    restab *t = sample();
    size_t len;
    char *text = written(t, FORMAT_JSON, &len);
    assert_int_equal(text[len - 1], '\n');
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    assert_non_null(root);
    assert_true(json_is_array(root));
    assert_int_equal(json_array_size(root), 3);

    for (size_t r = 0; r < 3; r++) {
        json_t *row = json_array_get(root, r);
        assert_true(json_is_object(row));
        assert_int_equal(json_object_size(row), NCOLS);
        /* Keys in column order. */
        size_t c = 0;
        for (void *it = json_object_iter(row); it != NULL;
             it = json_object_iter_next(row, it), c++)
            assert_string_equal(json_object_iter_key(it), names[c]);
        assert_int_equal(c, NCOLS);
    }

    json_t *r0 = json_array_get(root, 0), *r1 = json_array_get(root, 1),
           *r2 = json_array_get(root, 2);
    assert_string_equal(json_string_value(json_object_get(r0, "area_id")),
                        "E01000001");
    assert_true(json_is_integer(json_object_get(r0, "n")));
    assert_int_equal(json_integer_value(json_object_get(r0, "n")), 25);
    assert_true(json_is_real(json_object_get(r0, "score")));
    assert_true(json_real_value(json_object_get(r0, "score")) == 2.385);
    assert_true(json_is_true(json_object_get(r0, "flag")));
    assert_string_equal(json_string_value(json_object_get(r0, "note")),
                        "Smith, J.");

    assert_int_equal(json_integer_value(json_object_get(r1, "n")), -3);
    /* Missing cells are JSON null, not the string "NA". */
    assert_true(json_is_null(json_object_get(r1, "score")));
    assert_true(json_is_false(json_object_get(r1, "flag")));
    assert_true(json_is_null(json_object_get(r1, "note")));

    /* JSON is not a spreadsheet: text is kept as it is. */
    assert_string_equal(json_string_value(json_object_get(r2, "area_id")),
                        "=cmd");
    assert_true(json_is_null(json_object_get(r2, "n")));
    /* 17 significant digits: the number reads back exactly. */
    assert_true(json_real_value(json_object_get(r2, "score")) == 1.0 / 3.0);
    assert_true(json_is_true(json_object_get(r2, "flag")));
    assert_string_equal(json_string_value(json_object_get(r2, "note")), "q\"x");
    json_decref(root);
    free(text);
    restab_free(t);
}

static void test_json_empty_table(void **state)
{
    (void)state;
    restab *t = restab_create(names, NCOLS);
    assert_non_null(t);
    size_t len;
    char *text = written(t, FORMAT_JSON, &len);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    assert_non_null(root);
    assert_true(json_is_array(root));
    assert_int_equal(json_array_size(root), 0);
    json_decref(root);
    free(text);
    restab_free(t);
}

/* The first line of a text table holds the column names in order,
 * separated by blanks. (Where a name stands within its column's width is
 * left open here.) */
static void assert_header(const char *text, const char *const *cols,
                          size_t ncols)
{
    const char *p = text;
    for (size_t c = 0; c < ncols; c++) {
        while (*p == ' ')
            p++;
        size_t n = strlen(cols[c]);
        assert_memory_equal(p, cols[c], n);
        p += n;
        assert_true(*p == ' ' || (c + 1 == ncols && *p == '\n'));
        if (c + 1 < ncols)
            assert_memory_equal(p, "  ", 2);
    }
    while (*p == ' ')
        p++;
    assert_int_equal(*p, '\n');
}

static void test_text_table(void **state)
{
    (void)state;
    const char *const cols[] = {"area_id", "n", "score", "ok", "region"};
    restab *t = restab_create(cols, 5);
    assert_non_null(t);
    restab_text(t, "E01");
    restab_int(t, 25);
    restab_num(t, 2.385);
    restab_bool(t, 1);
    restab_text(t, "North West");

    restab_text(t, "E02000117");
    restab_int(t, 3);
    restab_num(t, -12345.678);
    restab_bool(t, 0);
    restab_text(t, "South");

    restab_text(t, "E03");
    restab_int(t, 1048576);
    restab_num(t, 0.000123456);
    restab_bool(t, 1);
    restab_text(t, "East");
    char *text = written(t, FORMAT_TABLE, NULL);
    /* Widths: 9, 7, 9 ("0.0001235"), 5 ("FALSE"); two spaces between
     * columns; the last text column is not padded. Numbers to 4
     * significant digits, right-aligned; 1e4 and above without an
     * exponent. Text and booleans left-aligned. */
    assert_header(text, cols, 5);
    assert_string_equal(strchr(text, '\n') + 1,
                        "E01             25      2.385  TRUE   North West\n"
                        "E02000117        3     -12346  FALSE  South\n"
                        "E03        1048576  0.0001235  TRUE   East\n");
    free(text);
    restab_free(t);
}

static void test_text_table_missing_and_last_numeric(void **state)
{
    (void)state;
    const char *const cols[] = {"scale", "alpha"};
    restab *t = restab_create(cols, 2);
    assert_non_null(t);
    restab_text(t, "cohesion");
    restab_num(t, 0.81234);
    restab_text(t, NULL);
    restab_num(t, 123456789.0);
    char *text = written(t, FORMAT_TABLE, NULL);
    /* A numeric last column is right-aligned to its widest cell. */
    assert_header(text, cols, 2);
    assert_string_equal(strchr(text, '\n') + 1, "cohesion     0.8123\n"
                                                "NA        123456789\n");
    free(text);
    restab_free(t);
}

static void test_write_failure(void **state)
{
    (void)state;
    restab *t = sample();
    const restab_format fmts[] = {FORMAT_CSV, FORMAT_JSON, FORMAT_TABLE};
    for (size_t i = 0; i < 3; i++) {
        FILE *f = fopen("/dev/null", "r"); /* every write fails */
        assert_non_null(f);
        error_buf err;
        err_clear(&err);
        assert_int_equal(restab_write(t, f, fmts[i], "tables/scales.csv", &err),
                         ST_EIO);
        assert_int_equal(err.n, 1);
        assert_string_equal(err.msg[0], "tables/scales.csv: write failed");
        fclose(f);
    }
    restab_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_kept_text_and_reserve),
        cmocka_unit_test(test_csv_header_only_and_quoted_names),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_empty_table),
        cmocka_unit_test(test_text_table),
        cmocka_unit_test(test_text_table_missing_and_last_numeric),
        cmocka_unit_test(test_write_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
