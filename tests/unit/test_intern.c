/*
 * test_intern.c — the string interner (io/intern.h).
 *
 * Codes must be dense (0, 1, 2, ...) in order of first appearance, an
 * existing string must get its old code back, intern_find must never add,
 * keys are byte strings (embedded NULs, prefixes and empty strings are
 * distinct keys) and stored copies are NUL-terminated with their length.
 * 100000 distinct strings force many resizes of the slot table and of the
 * arena; every one must stay findable with its text intact.
 */
#include "unit.h"

#include "../../io/intern.h"

static void test_dense_codes_in_first_seen_order(void **state)
{
    (void)state;
    intern *in = intern_create();
    assert_non_null(in);
    assert_int_equal(intern_count(in), 0);
    const char *ids[] = {"E09000033", "A0042", "E09000033", "zz-7",
                         "A0042",     "A0042", "b",         "E09000033"};
    const int32_t expect[] = {0, 1, 0, 2, 1, 1, 3, 0};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        assert_int_equal(intern_add(in, ids[i], strlen(ids[i])), expect[i]);
    assert_int_equal(intern_count(in), 4);
    assert_string_equal(intern_text(in, 0), "E09000033");
    assert_string_equal(intern_text(in, 1), "A0042");
    assert_string_equal(intern_text(in, 2), "zz-7");
    assert_string_equal(intern_text(in, 3), "b");
    assert_int_equal(intern_len(in, 0), 9);
    assert_int_equal(intern_len(in, 3), 1);
    intern_free(in);
}

static void test_find_does_not_add(void **state)
{
    (void)state;
    intern *in = intern_create();
    assert_non_null(in);
    assert_int_equal(intern_find(in, "resp_17", 7), -1);
    assert_int_equal(intern_count(in), 0);
    assert_int_equal(intern_add(in, "resp_17", 7), 0);
    assert_int_equal(intern_add(in, "resp_3", 6), 1);
    assert_int_equal(intern_find(in, "resp_3", 6), 1);
    assert_int_equal(intern_find(in, "resp_17", 7), 0);
    /* A prefix or an extension of a key is a different key. */
    assert_int_equal(intern_find(in, "resp_1", 6), -1);
    assert_int_equal(intern_find(in, "resp_170", 8), -1);
    /* Only len bytes count, not what follows them. */
    assert_int_equal(intern_find(in, "resp_17xyz", 7), 0);
    assert_int_equal(intern_count(in), 2);
    intern_free(in);
}

static void test_lengths_and_copies(void **state)
{
    (void)state;
    intern *in = intern_create();
    assert_non_null(in);
    char buf[] = "North West";
    /* Only the first 5 bytes are the key; the copy is terminated. */
    int32_t c = intern_add(in, buf, 5);
    assert_int_equal(c, 0);
    assert_int_equal(intern_len(in, c), 5);
    assert_string_equal(intern_text(in, c), "North");
    /* The interner keeps its own copy. */
    memcpy(buf, "XXXXX", 5);
    assert_string_equal(intern_text(in, c), "North");
    assert_int_equal(intern_find(in, "North", 5), 0);
    /* The empty string is a key of its own. */
    int32_t e = intern_add(in, "", 0);
    assert_int_equal(e, 1);
    assert_int_equal(intern_len(in, e), 0);
    assert_string_equal(intern_text(in, e), "");
    assert_int_equal(intern_add(in, "", 0), 1);
    assert_int_equal(intern_find(in, "", 0), 1);
    intern_free(in);
}

static void test_embedded_nul_bytes(void **state)
{
    (void)state;
    intern *in = intern_create();
    assert_non_null(in);
    /* Four keys that agree as C strings but differ as bytes. */
    const char a[] = "ab\0cd", b[] = "ab\0ce", c[] = "ab\0";
    assert_int_equal(intern_add(in, a, 5), 0);
    assert_int_equal(intern_add(in, b, 5), 1);
    assert_int_equal(intern_add(in, c, 3), 2);
    assert_int_equal(intern_add(in, "ab", 2), 3);
    assert_int_equal(intern_count(in), 4);
    assert_int_equal(intern_find(in, b, 5), 1);
    assert_int_equal(intern_find(in, c, 3), 2);
    assert_int_equal(intern_find(in, "ab", 2), 3);
    assert_int_equal(intern_find(in, "ab\0c", 4), -1);
    assert_int_equal(intern_len(in, 0), 5);
    assert_memory_equal(intern_text(in, 0), "ab\0cd", 6);
    assert_memory_equal(intern_text(in, 1), "ab\0ce", 6);
    assert_int_equal(intern_len(in, 2), 3);
    assert_memory_equal(intern_text(in, 2), "ab\0", 4);
    intern_free(in);
}

/* The key of string i: varying lengths (1 to 24 bytes) and shared
 * prefixes, so that neighbours collide in their leading bytes. */
static size_t make_key(char *buf, size_t i)
{
    int n = snprintf(buf, 64, "E%07zu-%.*s", i * 2654435761u % 10000019u,
                     (int)(i % 13), "abcdefghijklm");
    return (size_t)n - (i % 7 == 0 ? 9 : 0); /* some keys are prefixes */
}

static void test_100000_strings_survive_resizing(void **state)
{
    (void)state;
    enum { N = 100000 };
    intern *in = intern_create();
    assert_non_null(in);
    char key[64];
    size_t added = 0;
    int32_t *code = malloc(N * sizeof *code);
    assert_non_null(code);
    for (size_t i = 0; i < N; i++) {
        size_t len = make_key(key, i);
        int32_t before = intern_find(in, key, len);
        code[i] = intern_add(in, key, len);
        assert_true(code[i] >= 0);
        if (before < 0) {
            /* A new key gets the next code. */
            assert_int_equal(code[i], (int32_t)added);
            added++;
        } else {
            assert_int_equal(code[i], before);
        }
    }
    assert_int_equal(intern_count(in), added);
    assert_true(added > 90000);
    /* After all the resizing, every key is still found with its text. */
    for (size_t i = 0; i < N; i++) {
        size_t len = make_key(key, i);
        int32_t c = intern_find(in, key, len);
        assert_int_equal(c, code[i]);
        assert_int_equal(intern_len(in, c), len);
        assert_memory_equal(intern_text(in, c), key, len);
        assert_int_equal(intern_text(in, c)[len], '\0');
    }
    /* Adding again changes nothing. */
    for (size_t i = 0; i < N; i += 97) {
        size_t len = make_key(key, i);
        assert_int_equal(intern_add(in, key, len), code[i]);
    }
    assert_int_equal(intern_count(in), added);
    assert_int_equal(intern_find(in, "not-a-key", 9), -1);
    free(code);
    intern_free(in);
}

/* Reserving room part way, more than once and less than there is,
 * keeps every code and text, and later strings still get the next codes. */
static void test_reserve_keeps_codes(void **state)
{
    (void)state;
    enum { N = 20000 };
    intern *in = intern_create();
    assert_non_null(in);
    char key[64];
    for (size_t i = 0; i < N; i++) {
        if (i == 5000)
            assert_int_equal(intern_reserve(in, 3 * N), 0);
        if (i == 7000)
            assert_int_equal(intern_reserve(in, 10), 0); /* less: no-op */
        int n = snprintf(key, sizeof key, "R%zu", i);
        assert_int_equal(intern_add(in, key, (size_t)n), (int32_t)i);
    }
    assert_int_equal(intern_count(in), N);
    for (size_t i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "R%zu", i);
        assert_int_equal(intern_find(in, key, (size_t)n), (int32_t)i);
        assert_string_equal(intern_text(in, (int32_t)i), key);
    }
    assert_int_equal(intern_find(in, "R20000", 6), -1);
    intern_free(in);
}

static void test_free_null(void **state)
{
    (void)state;
    intern_free(NULL); /* must be a no-op */
    /* Two interners are independent. */
    intern *a = intern_create(), *b = intern_create();
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(intern_add(a, "x1", 2), 0);
    assert_int_equal(intern_add(b, "y2", 2), 0);
    assert_int_equal(intern_add(b, "x1", 2), 1);
    assert_int_equal(intern_find(a, "y2", 2), -1);
    intern_free(a);
    intern_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_codes_in_first_seen_order),
        cmocka_unit_test(test_find_does_not_add),
        cmocka_unit_test(test_lengths_and_copies),
        cmocka_unit_test(test_embedded_nul_bytes),
        cmocka_unit_test(test_100000_strings_survive_resizing),
        cmocka_unit_test(test_reserve_keeps_codes),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
