/*
 * test_hash.c — SHA-256 of files (io/hash.h), against the FIPS 180-2 /
 * NIST test vectors: "abc", the empty message, the 448-bit two-block
 * message and one million 'a' (which spans many 64 KiB read chunks).
 * The byte count must match the file's size. A missing file and a folder
 * must fail with ST_EIO and a message naming the display name.
 */
#include "unit.h"

#include "../../io/hash.h"

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

/* Hashes len bytes written to a scratch file and checks hex and size. */
static void check(const char *dir, const char *bytes, size_t len,
                  const char *expect)
{
    char *path = unit_path(dir, "in.bin");
    unit_write(path, bytes, len);
    char hex[65];
    memset(hex, 'X', sizeof hex);
    uint64_t n = 12345;
    error_buf err;
    err_clear(&err);
    assert_int_equal(hash_file(path, "in.bin", hex, &n, &err), ST_OK);
    assert_int_equal(err.n, 0);
    assert_int_equal(hex[64], '\0');
    assert_string_equal(hex, expect);
    assert_int_equal(n, len);
    free(path);
}

static void test_abc(void **state)
{
    check(*state, "abc", 3,
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_empty(void **state)
{
    check(*state, "", 0,
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_two_blocks(void **state)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check(*state, m, strlen(m),
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a(void **state)
{
    enum { N = 1000000 };
    char *a = malloc(N);
    assert_non_null(a);
    memset(a, 'a', N);
    check(*state, a, N,
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static void test_binary_bytes(void **state)
{
    /* NUL and high bytes hash as bytes: here the 0x00..0xFF sequence. */
    char bytes[256];
    for (int i = 0; i < 256; i++)
        bytes[i] = (char)i;
    check(*state, bytes, sizeof bytes,
          "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880");
}

static void test_missing_file(void **state)
{
    char *path = unit_path(*state, "absent.csv");
    char hex[65];
    uint64_t n = 0;
    error_buf err;
    err_clear(&err);
    assert_int_equal(hash_file(path, "tables/absent.csv", hex, &n, &err),
                     ST_EIO);
    assert_int_equal(err.st, ST_EIO);
    assert_int_equal(err.n, 1);
    assert_string_equal(err.msg[0], "tables/absent.csv: cannot open to hash");
    free(path);
}

static void test_folder_is_a_read_error(void **state)
{
    char hex[65];
    uint64_t n = 0;
    error_buf err;
    err_clear(&err);
    /* Opening a folder works on Linux; reading it does not. */
    assert_int_equal(hash_file(*state, "figures", hex, &n, &err), ST_EIO);
    assert_int_equal(err.n, 1);
    assert_string_equal(err.msg[0], "figures: read error while hashing");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_abc),
        T(test_empty),
        T(test_two_blocks),
        T(test_million_a),
        T(test_binary_bytes),
        T(test_missing_file),
        T(test_folder_is_a_read_error),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
