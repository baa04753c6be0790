/*
 * exchanges.h — service-use records (SPEC §3) in either layout, loaded
 * into one list of exchanges: who gave, who received, how many hours,
 * in which area, whether the giver was paid staff, and when.
 *
 *  - rows: one row per exchange (exchange_id, date, giver_id,
 *    receiver_id, giver_role, hours, category, area_id; names settable);
 *  - movements: a double-entry ledger, one row per account movement
 *    (transfer, account, signed amount in seconds, date), as TimeOverflow
 *    exports it, with a members file (member_id, area_id, role). Each
 *    transfer's negative movement is the giver and its positive one the
 *    receiver; the exchange belongs to the giver's area and takes the
 *    giver's role.
 *
 * Dates are ISO 8601: YYYY-MM-DD, optionally followed by a time
 * ("2025-03-14T09:30:00Z"); only the date counts. Ids are interned: giver
 * and receiver codes share one numbering, so ids compare as integers.
 */
#ifndef ECOMETER_EXCHANGES_H
#define ECOMETER_EXCHANGES_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef struct {
    const char *path, *display; /* the exchanges (or movements) file */
    int movements;              /* the double-entry layout */
    /* rows layout: column names */
    const char *giver, *receiver, *hours, *area, *role;
    const char *date;  /* needed only with a window */
    int role_optional; /* a file without the role column: no professionals */
    /* movements layout: column names and the members file */
    const char *transfer, *account, *amount;
    const char *members_path, *members_display;
    const char *professional; /* the role value of paid staff */
    int has_from, has_to;     /* the window, inclusive, in days */
    int32_t from, to;
} exchanges_request;

typedef struct exchanges exchanges;

/* Loads the exchanges inside the window. Self-exchanges are kept here
 * (the statistics drop and count them). NULL with every problem found in
 * err: unreadable or malformed files, negative hours, dates that do not
 * parse, transfers whose movements do not pair, accounts missing from
 * the members file. */
exchanges *exchanges_load(const exchanges_request *req, error_buf *err);
void exchanges_free(exchanges *x);

size_t exchanges_count(const exchanges *x);
const int32_t *exchanges_giver(const exchanges *x);    /* id codes */
const int32_t *exchanges_receiver(const exchanges *x); /* id codes */
const int32_t *exchanges_area(const exchanges *x);     /* area codes */
const unsigned char *exchanges_professional(const exchanges *x);
const double *exchanges_hours(const exchanges *x);

/* Ids and areas: codes 0..n-1 and their text (kept by x). */
size_t exchanges_nids(const exchanges *x);
const char *exchanges_id(const exchanges *x, int32_t code);
size_t exchanges_nareas(const exchanges *x);
const char *exchanges_area_id(const exchanges *x, int32_t code);

/* Rows outside the window, left out. */
size_t exchanges_outside_window(const exchanges *x);

/* Parses an ISO 8601 date (YYYY-MM-DD, optionally followed by 'T' or a
 * blank and a time) into days since 1970-01-01. Returns 0 when it is not
 * a valid date. */
int exchanges_parse_date(const char *s, size_t len, int32_t *days);

#endif
