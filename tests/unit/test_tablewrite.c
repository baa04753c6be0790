/*
 * test_tablewrite.c — tables written beside other work (engine/tablewrite.h).
 *
 * In a team of one, two and three threads, with the master making the
 * pieces' tasks and the others taking them, tables of many pieces and of
 * one, and a missing table skipped, must come out whole and byte for
 * byte the same, listed in the folder before a file the caller opens
 * while they are being written; the first failing table in order is the one
 * reported, whichever piece fails first; a table whose file cannot be
 * opened stops the start with a message naming it.
 */
#include "unit.h"

#include "../../engine/outdir.h"
#include "../../engine/tablewrite.h"

typedef struct {
    size_t fail_at; /* a row that fails, or SIZE_MAX */
} rows_ctx;

static status numbered_rows(const void *ctx, FILE *f, size_t from, size_t to,
                            int header, const char *where, error_buf *err)
{
    const rows_ctx *c = ctx;
    if (header)
        fputs("i,twice\n", f);
    for (size_t i = from; i < to; i++) {
        if (i == c->fail_at)
            return err_set(err, ST_EDATA, where, i + 2, 0, "row %zu failed", i);
        fprintf(f, "%zu,%zu\n", i, 2 * i);
    }
    return ST_OK;
}

/* The text numbered_rows writes for n rows. */
static char *expected_text(size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    rows_ctx ok = {SIZE_MAX};
    error_buf err;
    err_clear(&err);
    assert_int_equal(numbered_rows(&ok, m, 0, n, 1, "x", &err), ST_OK);
    fclose(m);
    return buf;
}

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

static void test_tables_whole_and_in_order(void **state)
{
    const char *dir = *state;
    rows_ctx ok = {SIZE_MAX};
    const output_table t[] = {{"tables/big.csv", 200000, numbered_rows, &ok},
                              {NULL, 0, numbered_rows, &ok},
                              {"tables/small.csv", 5, numbered_rows, &ok},
                              {"tables/empty.csv", 0, numbered_rows, &ok}};
    char *big = expected_text(200000), *small = expected_text(5),
         *empty = expected_text(0);
    for (int threads = 1; threads <= 3; threads++) {
        char name[32];
        snprintf(name, sizeof name, "out%d", threads);
        char *target = unit_path(dir, name);
        error_buf err;
        err_clear(&err);
        outdir *od = outdir_begin(target, &err);
        assert_non_null(od);
        status opened = ST_EDATA, closed = ST_EDATA, finished = ST_EDATA;
#pragma omp parallel num_threads(threads) default(none)                        \
    shared(od, t, err, opened, closed, finished)
#pragma omp masked
        {
            table_writer *w = tables_start(od, t, 4, &err);
            /* the caller's own output, opened while the tables are
             * formatted */
            FILE *f = outdir_open(od, "report.html", &err);
            opened = w != NULL && f != NULL ? ST_OK : ST_EIO;
            if (f != NULL) {
                fputs("<p>report</p>\n", f);
                closed = outdir_close(od, f, "report.html", &err);
            }
            if (w != NULL)
                finished = tables_finish(w, &err);
        }
        assert_int_equal(opened, ST_OK);
        assert_int_equal(closed, ST_OK);
        assert_int_equal(finished, ST_OK);
        assert_int_equal(err.n, 0);
        assert_int_equal(outdir_count(od), 4);
        assert_string_equal(outdir_file(od, 0), "tables/big.csv");
        assert_string_equal(outdir_file(od, 1), "tables/small.csv");
        assert_string_equal(outdir_file(od, 2), "tables/empty.csv");
        assert_string_equal(outdir_file(od, 3), "report.html");
        assert_int_equal(outdir_commit(od, &err), ST_OK);
        const char *rel[] = {"tables/big.csv", "tables/small.csv",
                             "tables/empty.csv"};
        const char *want[] = {big, small, empty};
        for (int k = 0; k < 3; k++) {
            char *p = unit_path(target, rel[k]);
            char *got = unit_read(p, NULL);
            assert_non_null(got);
            assert_string_equal(got, want[k]);
            free(got);
            free(p);
        }
        free(target);
    }
    free(big);
    free(small);
    free(empty);
}

static void test_first_failure_in_order(void **state)
{
    const char *dir = *state;
    rows_ctx ok = {SIZE_MAX}, late = {150000}, early = {0};
    /* the second table fails in its third piece, the third at once: the
     * second's failure is the one reported */
    const output_table t[] = {{"tables/a.csv", 1000, numbered_rows, &ok},
                              {"tables/b.csv", 200000, numbered_rows, &late},
                              {"tables/c.csv", 10, numbered_rows, &early}};
    for (int threads = 1; threads <= 3; threads++) {
        char name[32];
        snprintf(name, sizeof name, "fail%d", threads);
        char *target = unit_path(dir, name);
        error_buf err;
        err_clear(&err);
        outdir *od = outdir_begin(target, &err);
        assert_non_null(od);
        status finished = ST_OK;
#pragma omp parallel num_threads(threads) default(none)                        \
    shared(od, t, err, finished)
#pragma omp masked
        {
            table_writer *w = tables_start(od, t, 3, &err);
            finished = w != NULL ? tables_finish(w, &err) : ST_EIO;
        }
        assert_int_equal(finished, ST_EDATA);
        assert_int_equal(err.n, 1);
        assert_non_null(strstr(err.msg[0], "tables/b.csv"));
        assert_non_null(strstr(err.msg[0], "row 150000 failed"));
        outdir_abort(od);
        assert_false(unit_exists(target));
        free(target);
    }
}

static void test_unopenable_file(void **state)
{
    const char *dir = *state;
    rows_ctx ok = {SIZE_MAX};
    char *target = unit_path(dir, "blocked");
    error_buf err;
    err_clear(&err);
    outdir *od = outdir_begin(target, &err);
    assert_non_null(od);
    /* a file where the tables' folder would go */
    FILE *f = outdir_open(od, "tables", &err);
    assert_non_null(f);
    assert_int_equal(outdir_close(od, f, "tables", &err), ST_OK);
    const output_table t[] = {{"tables/a.csv", 3, numbered_rows, &ok}};
    assert_null(tables_start(od, t, 1, &err));
    assert_true(err.n >= 1);
    assert_non_null(strstr(err.msg[0], "tables/a.csv"));
    outdir_abort(od);
    free(target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tables_whole_and_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_first_failure_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unopenable_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
