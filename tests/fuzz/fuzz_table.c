/*
 * fuzz_table.c — libFuzzer harness for the CSV reader (io/table.h).
 *
 * The first byte chooses the request (which columns are optional,
 * ranged, missing codes, lenient) and, in its top three bits, a piece
 * size; the rest is the file. A loaded table is walked end to end: every
 * cell, every code's text and its lookup. The file is then read again in
 * pieces side by side (two threads, pieces of 1 to 64 bytes), which must
 * give the same table and the same messages.
 */
#include <math.h>
#include <omp.h>

#include "../../io/table.h"
#include "fuzz.h"

/* Whether two loads gave the same messages and the same table. */
static int same_load(const table *a, const error_buf *ea, const table *b,
                     const error_buf *eb, size_t ncols)
{
    if (ea->st != eb->st || ea->n != eb->n || ea->dropped != eb->dropped)
        return 0;
    for (size_t m = 0; m < ea->n; m++)
        if (strcmp(ea->msg[m], eb->msg[m]) != 0)
            return 0;
    if (a == NULL || b == NULL)
        return a == b;
    size_t nrows = table_nrows(a);
    if (nrows != table_nrows(b) || table_ncodes(a) != table_ncodes(b))
        return 0;
    for (size_t k = 0; k < table_ncodes(a); k++)
        if (strcmp(table_text(a, (int32_t)k), table_text(b, (int32_t)k)) != 0)
            return 0;
    for (size_t r = 0; r < nrows; r++)
        if (table_line(a, r) != table_line(b, r))
            return 0;
    for (size_t c = 0; c < ncols; c++) {
        if (table_kind(a, c) != table_kind(b, c) ||
            table_present(a, c) != table_present(b, c) ||
            table_field(a, c) != table_field(b, c))
            return 0;
        int text = table_kind(a, c) == COL_TEXT;
        for (size_t r = 0; r < nrows; r++)
            if (text ? table_codes(a, c)[r] != table_codes(b, c)[r]
                     : memcmp(&table_numbers(a, c)[r], &table_numbers(b, c)[r],
                              sizeof(double)) != 0)
                return 0;
    }
    return 1;
}

/* Reads the file again in pieces; traps unless all is the same. */
static void check_pieces(const table_request *req, const table *t,
                         const error_buf *err, unsigned flags)
{
    static const size_t sizes[] = {1, 2, 3, 5, 8, 13, 21, 64};
    static error_buf again;
    omp_set_num_threads(2);
    table_tune_parallel(0, sizes[flags >> 5]);
    err_clear(&again);
    table *u = table_load(req, &again);
    table_tune_parallel(SIZE_MAX, 1);
    if (!same_load(t, err, u, &again, req->ncols))
        __builtin_trap();
    table_free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static error_buf err;
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    const char *path = fuzz_file(0, data + 1, size - 1);
    col_spec cols[] = {
        {"id", COL_TEXT, (flags & 1) != 0, 0, 0, 0},
        {"x", COL_NUMBER, 1, (flags & 4) != 0, -2.5, 1e3},
        {"n", COL_INTEGER, (flags & 2) != 0, (flags & 4) != 0, 1, 5},
        {"a", COL_AUTO, 1, 0, 0, 0},
        {"", COL_TEXT, 1, 0, 0, 0}};
    const char *const missing[] = {"NA", "-99", "."};
    table_request req = {path,
                         "fuzz.csv",
                         cols,
                         sizeof cols / sizeof cols[0],
                         missing,
                         (flags & 8) ? 3 : 0,
                         (flags & 16) != 0};
    err_clear(&err);
    table_tune_parallel(SIZE_MAX, 1);
    table *t = table_load(&req, &err);
    fuzz_check_errors(&err, t == NULL);
    check_pieces(&req, t, &err, flags);
    if (t == NULL)
        return 0;
    size_t nrows = table_nrows(t), ncodes = table_ncodes(t);
    if (nrows == 0 && (err.n == 0 || !req.lenient))
        __builtin_trap(); /* a table without rows is an error */
    for (size_t r = 1; r < nrows; r++)
        if (table_line(t, r) <= table_line(t, r - 1))
            __builtin_trap();
    for (size_t c = 0; c < req.ncols; c++) {
        if (table_present(t, c) && table_field(t, c) == 0)
            __builtin_trap();
        col_kind k = table_kind(t, c);
        if (k == COL_TEXT) {
            const int32_t *codes = table_codes(t, c);
            for (size_t r = 0; r < nrows; r++) {
                if (codes[r] < 0)
                    continue;
                if ((size_t)codes[r] >= ncodes)
                    __builtin_trap();
                const char *s = table_text(t, codes[r]);
                if (table_lookup(t, s) != codes[r])
                    __builtin_trap();
            }
        } else if (k == COL_NUMBER || k == COL_INTEGER) {
            const double *v = table_numbers(t, c);
            for (size_t r = 0; r < nrows; r++)
                if (isinf(v[r]))
                    __builtin_trap(); /* numbers are finite or missing */
        } else {
            __builtin_trap(); /* AUTO must have been resolved */
        }
    }
    table_free(t);
    return 0;
}
