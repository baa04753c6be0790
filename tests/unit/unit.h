/*
 * unit.h — small helpers shared by the cmocka unit tests: a relative
 * floating-point comparison that reports both values, scratch folders
 * under $TMPDIR removed after each test, and whole-file reads and writes.
 *
 * Everything here is `static inline` so that a test file that does not
 * use a helper gets no unused-function warning under -Werror.
 */
#ifndef ECOMETER_TESTS_UNIT_H
#define ECOMETER_TESTS_UNIT_H

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* |a − b| <= rel · max(|a|, |b|); NaN never matches (use assert_nan). */
#define assert_close(a, b, rel)                                                \
    unit_assert_close((a), (b), (rel), #a, __FILE__, __LINE__)

static inline void unit_assert_close(double a, double b, double rel,
                                     const char *what, const char *file,
                                     int line)
{
    double scale = fmax(fabs(a), fabs(b));
    if (!(fabs(a - b) <= rel * scale)) {
        print_error("%s = %.17g, expected %.17g (relative tolerance %g)\n",
                    what, a, b, rel);
        _fail(file, line);
    }
}

#define assert_nan(a) assert_true(isnan(a))

/* A fresh scratch folder; the caller removes it with unit_rmtree. */
static inline char *unit_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/ecometer-unit-XXXXXX",
             base && *base ? base : "/tmp");
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char *copy = strdup(dir);
    assert_non_null(copy);
    return copy;
}

static inline int unit_rm_entry(const char *path, const struct stat *sb,
                                int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes a folder tree (if it exists) and frees its path. */
static inline void unit_rmtree(char *dir)
{
    if (dir == NULL)
        return;
    nftw(dir, unit_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* dir/name as a new string. */
static inline char *unit_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Writes len bytes to path (len may count embedded NULs). */
static inline void unit_write(const char *path, const char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Writes a NUL-terminated string to dir/name; returns the new path. */
static inline char *unit_write_file(const char *dir, const char *name,
                                    const char *text)
{
    char *p = unit_path(dir, name);
    unit_write(p, text, strlen(text));
    return p;
}

/* The whole file, NUL-terminated; *len (when not NULL) gets its size.
 * NULL when the file cannot be opened. */
static inline char *unit_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0, k;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

static inline int unit_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

#endif
