/*
 * test_outdir.c — all-or-nothing output folders (engine/outdir.h).
 *
 * begin + open + close + commit must create the target (and its parents)
 * holding exactly the files written, in subfolders as asked, with the
 * usual permissions; committing over an existing folder must replace its
 * contents (old files gone); abort must leave no temporary folder and an
 * existing target untouched; a target that is a file is refused and left
 * alone. outdir_count / outdir_file list the relative paths in order,
 * and outdir_close reports a failed write (a full disk, or a file-size
 * limit, which must not kill the process) naming the file.
 */
#include "unit.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "../../engine/outdir.h"

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

/* Entries of dir whose names contain ".tmp-" (temporary folders). */
static size_t count_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

/* Entries of dir, "." and ".." excluded. */
static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Writes text to rel inside od through outdir_open/outdir_close. */
static void put(outdir *od, const char *rel, const char *text)
{
    error_buf err;
    err_clear(&err);
    FILE *f = outdir_open(od, rel, &err);
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(outdir_close(od, f, rel, &err), ST_OK);
    assert_int_equal(err.n, 0);
}

/* Asserts that dir/rel holds exactly text. */
static void assert_file(const char *dir, const char *rel, const char *text)
{
    char *p = unit_path(dir, rel);
    char *got = unit_read(p, NULL);
    assert_non_null(got);
    assert_string_equal(got, text);
    free(got);
    free(p);
}

static void assert_absent(const char *dir, const char *rel)
{
    char *p = unit_path(dir, rel);
    assert_false(unit_exists(p));
    free(p);
}

static void test_commit_creates_target(void **state)
{
    const char *dir = *state;
    /* Two missing parent folders and trailing slashes. */
    char *target = unit_path(dir, "runs/2025/out");
    char *asked = unit_path(dir, "runs/2025/out//");
    char *parent = unit_path(dir, "runs/2025");
    error_buf err;
    err_clear(&err);
    mode_t old_mask = umask(022);
    outdir *od = outdir_begin(asked, &err);
    assert_non_null(od);
    assert_int_equal(err.n, 0);
    /* The work happens in a temporary folder beside the target. */
    const char *tmp = outdir_path(od);
    assert_true(strncmp(tmp, target, strlen(target)) == 0);
    assert_true(strncmp(tmp + strlen(target), ".tmp-", 5) == 0);
    assert_true(unit_exists(tmp));
    assert_false(unit_exists(target));

    put(od, "summary.json", "{\"alpha\": 0.8123}\n");
    put(od, "tables/scales.csv", "scale,alpha\ncohesion,0.8123\n");
    put(od, "figures/svg/likert_cohesion.svg", "<svg/>");
    assert_int_equal(outdir_count(od), 3);
    assert_string_equal(outdir_file(od, 0), "summary.json");
    assert_string_equal(outdir_file(od, 1), "tables/scales.csv");
    assert_string_equal(outdir_file(od, 2), "figures/svg/likert_cohesion.svg");
    /* Nothing reaches the target before the commit. */
    assert_false(unit_exists(target));

    assert_int_equal(outdir_commit(od, &err), ST_OK);
    assert_int_equal(err.n, 0);
    assert_file(target, "summary.json", "{\"alpha\": 0.8123}\n");
    assert_file(target, "tables/scales.csv", "scale,alpha\ncohesion,0.8123\n");
    assert_file(target, "figures/svg/likert_cohesion.svg", "<svg/>");
    assert_int_equal(count_entries(target), 3);
    assert_int_equal(count_tmp(parent), 0);
    assert_int_equal(count_entries(parent), 1);
    /* Not mkdtemp's private 0700: the usual 0777 less the umask. */
    struct stat sb;
    assert_int_equal(stat(target, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0755);
    umask(old_mask);
    free(target);
    free(asked);
    free(parent);
}

static void test_commit_replaces_existing(void **state)
{
    const char *dir = *state;
    char *target = unit_path(dir, "out");
    error_buf err;
    err_clear(&err);
    outdir *od = outdir_begin(target, &err);
    assert_non_null(od);
    put(od, "old.csv", "old\n");
    put(od, "tables/stale.csv", "stale\n");
    put(od, "report.html", "<p>first</p>\n");
    assert_int_equal(outdir_commit(od, &err), ST_OK);

    od = outdir_begin(target, &err);
    assert_non_null(od);
    put(od, "report.html", "<p>second</p>\n");
    put(od, "tables/new.csv", "new\n");
    assert_int_equal(outdir_count(od), 2);
    /* Until the commit the old output is intact. */
    assert_file(target, "report.html", "<p>first</p>\n");
    assert_int_equal(outdir_commit(od, &err), ST_OK);
    assert_int_equal(err.n, 0);

    assert_file(target, "report.html", "<p>second</p>\n");
    assert_file(target, "tables/new.csv", "new\n");
    assert_absent(target, "old.csv");
    assert_absent(target, "tables/stale.csv");
    assert_int_equal(count_entries(target), 2);
    /* The previous output was removed, not left beside the target. */
    assert_int_equal(count_tmp(dir), 0);
    assert_int_equal(count_entries(dir), 1);
    free(target);
}

static void test_abort(void **state)
{
    const char *dir = *state;
    char *target = unit_path(dir, "out");
    error_buf err;
    err_clear(&err);

    /* Abort without a target: nothing is left at all. */
    outdir *od = outdir_begin(target, &err);
    assert_non_null(od);
    put(od, "tables/a.csv", "a\n");
    outdir_abort(od);
    assert_false(unit_exists(target));
    assert_int_equal(count_entries(dir), 0);

    /* Abort with a target: it stays as it was. */
    od = outdir_begin(target, &err);
    assert_non_null(od);
    put(od, "keep.csv", "kept,2.385\n");
    assert_int_equal(outdir_commit(od, &err), ST_OK);
    od = outdir_begin(target, &err);
    assert_non_null(od);
    put(od, "keep.csv", "overwritten\n");
    put(od, "extra.csv", "x\n");
    outdir_abort(od);
    assert_file(target, "keep.csv", "kept,2.385\n");
    assert_absent(target, "extra.csv");
    assert_int_equal(count_entries(target), 1);
    assert_int_equal(count_tmp(dir), 0);
    outdir_abort(NULL); /* a no-op */
    free(target);
}

static void test_target_is_a_file(void **state)
{
    const char *dir = *state;
    char *target = unit_write_file(dir, "out", "not a folder\n");
    error_buf err;
    err_clear(&err);
    outdir *od = outdir_begin(target, &err);
    assert_non_null(od);
    put(od, "a.csv", "a\n");
    assert_int_equal(outdir_commit(od, &err), ST_EIO);
    assert_int_equal(err.n, 1);
    char expect[4200];
    snprintf(expect, sizeof expect,
             "%s: exists and is not a folder; nothing was changed", target);
    assert_string_equal(err.msg[0], expect);
    /* The file is untouched and the temporary folder is gone. */
    assert_file(dir, "out", "not a folder\n");
    assert_int_equal(count_tmp(dir), 0);
    free(target);
}

static void test_begin_fails_under_a_file(void **state)
{
    const char *dir = *state;
    char *file = unit_write_file(dir, "plain", "x");
    char *target = unit_path(file, "out");
    error_buf err;
    err_clear(&err);
    assert_null(outdir_begin(target, &err));
    assert_int_equal(err.st, ST_EIO);
    char expect[4200];
    snprintf(expect, sizeof expect,
             "%s: cannot create the output folder: not a writable place",
             target);
    assert_string_equal(err.msg[0], expect);
    free(target);
    free(file);
}

static void test_close_reports_failed_write(void **state)
{
    (void)state;
    error_buf err;
    err_clear(&err);
    /* /dev/full accepts the buffered write and fails the flush. */
    FILE *f = fopen("/dev/full", "w");
    if (f == NULL)
        skip();
    fputs("scale,alpha\ncohesion,0.8123\n", f);
    assert_int_equal(outdir_close(NULL, f, "tables/scales.csv", &err), ST_EIO);
    assert_int_equal(err.n, 1);
    assert_string_equal(err.msg[0],
                        "tables/scales.csv: write failed (is the disk full?)");

    /* An earlier failed write is caught too (the stream's error flag). */
    err_clear(&err);
    f = fopen("/dev/null", "r");
    assert_non_null(f);
    assert_int_equal(fputc('x', f), EOF);
    assert_int_equal(outdir_close(NULL, f, "summary.json", &err), ST_EIO);
    assert_string_equal(err.msg[0],
                        "summary.json: write failed (is the disk full?)");
}

/* A file-size limit (ulimit -f) must be a failed write, reported, and
 * not SIGXFSZ killing the process with the temporary folder left. */
static void test_file_size_limit_is_a_failed_write(void **state)
{
    const char *dir = *state;
    char *target = unit_path(dir, "out");
    struct rlimit old, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < 65536)
        skip();
    error_buf err;
    err_clear(&err);
    outdir *od = outdir_begin(target, &err);
    assert_non_null(od);
    FILE *f = outdir_open(od, "tables/area_scores.csv", &err);
    assert_non_null(f);
    small = old;
    small.rlim_cur = 4096;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    for (int i = 0; i < 2000; i++)
        fputs("A001,2.385,0.8123\n", f);
    status st = outdir_close(od, f, "tables/area_scores.csv", &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    assert_int_equal(st, ST_EIO);
    assert_string_equal(
        err.msg[0], "tables/area_scores.csv: write failed (is the disk full?)");
    outdir_abort(od);
    assert_int_equal(count_tmp(dir), 0);
    assert_false(unit_exists(target));
    free(target);
}

static void test_remove_tree(void **state)
{
    const char *dir = *state;
    char *root = unit_path(dir, "tree");
    char *deep = unit_path(dir, "tree/a/b");
    assert_int_equal(mkdir(root, 0777), 0);
    char *a = unit_path(dir, "tree/a");
    assert_int_equal(mkdir(a, 0777), 0);
    assert_int_equal(mkdir(deep, 0777), 0);
    free(unit_write_file(deep, "f.txt", "1"));
    free(unit_write_file(root, "g.txt", "2"));
    assert_int_equal(outdir_remove_tree(root), 0);
    assert_false(unit_exists(root));
    assert_int_equal(count_entries(dir), 0);
    free(root);
    free(deep);
    free(a);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_commit_creates_target),
        T(test_commit_replaces_existing),
        T(test_abort),
        T(test_target_is_a_file),
        T(test_begin_fails_under_a_file),
        T(test_close_reports_failed_write),
        T(test_file_size_limit_is_a_failed_write),
        T(test_remove_tree),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
