/*
 * fuzz_exchanges.h — the exchanges harnesses' shared body: the first
 * byte chooses the request (window, role column, professional value),
 * the rest is the file, or for the movements layout the movements file,
 * a line "--members--" and the members file.
 */
#ifndef ECOMETER_FUZZ_EXCHANGES_H
#define ECOMETER_FUZZ_EXCHANGES_H

#include "../../io/exchanges.h"
#include "fuzz.h"

static inline void fuzz_exchanges(const uint8_t *data, size_t size,
                                  int movements)
{
    static error_buf err;
    static const char sep[] = "\n--members--\n";
    if (size < 1)
        return;
    unsigned flags = data[0];
    data++;
    size--;
    size_t main_len = size;
    const uint8_t *members = NULL;
    size_t members_len = 0;
    if (movements) {
        const uint8_t *at = memmem(data, size, sep, sizeof sep - 1);
        if (at != NULL) {
            main_len = (size_t)(at - data);
            members = at + sizeof sep - 1;
            members_len = size - main_len - (sizeof sep - 1);
        }
    }
    exchanges_request req = {0};
    req.path = fuzz_file(0, data, main_len);
    req.display = "exchanges.csv";
    req.movements = movements;
    req.giver = "giver_id";
    req.receiver = "receiver_id";
    req.hours = "hours";
    req.area = "area_id";
    req.role = (flags & 1) ? NULL : "giver_role";
    req.role_optional = (flags & 2) != 0;
    req.date = (flags & 4) ? "date" : NULL;
    req.transfer = "transfer_id";
    req.account = "account_id";
    req.amount = "amount";
    req.members_path =
        fuzz_file(1, members ? members : data, members ? members_len : 0);
    req.members_display = "members.csv";
    req.professional = (flags & 8) ? NULL : "professional";
    req.has_from = (flags & 16) != 0;
    req.has_to = (flags & 32) != 0;
    exchanges_parse_date("2025-02-01", 10, &req.from);
    exchanges_parse_date("2025-11-30", 10, &req.to);
    err_clear(&err);
    exchanges *x = exchanges_load(&req, &err);
    fuzz_check_errors(&err, x == NULL);
    if (x == NULL)
        return;
    size_t n = exchanges_count(x), nids = exchanges_nids(x),
           nareas = exchanges_nareas(x);
    const int32_t *g = exchanges_giver(x), *r = exchanges_receiver(x),
                  *a = exchanges_area(x);
    const double *h = exchanges_hours(x);
    for (size_t i = 0; i < n; i++) {
        if (g[i] < 0 || (size_t)g[i] >= nids || r[i] < 0 ||
            (size_t)r[i] >= nids || a[i] < 0 || (size_t)a[i] >= nareas ||
            !(h[i] >= 0) || exchanges_professional(x)[i] > 1)
            __builtin_trap();
        if (exchanges_id(x, g[i]) == NULL || exchanges_area_id(x, a[i]) == NULL)
            __builtin_trap();
    }
    exchanges_free(x);
}

#endif
