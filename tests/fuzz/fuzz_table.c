/*
 * fuzz_table.c — libFuzzer harness for the CSV reader (io/table.h).
 *
 * The first byte chooses the request (which columns are optional,
 * ranged, missing codes, lenient); the rest is the file. A loaded table
 * is walked end to end: every cell, every code's text and its lookup.
 */
#include <math.h>

#include "../../io/table.h"
#include "fuzz.h"

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
    table *t = table_load(&req, &err);
    fuzz_check_errors(&err, t == NULL);
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
