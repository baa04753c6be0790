/*
 * error.h — status codes and the error buffer shared by every module.
 *
 * Fallible functions return a `status` and take an `error_buf *` last.
 * The buffer collects up to ERR_MAX messages, each already formatted in
 * the GNU form "file:line:col: what was expected, found what", so that
 * `check` can list every problem while other commands stop at the first.
 * Only main() and the command layer print these messages.
 */
#ifndef ECOMETER_ERROR_H
#define ECOMETER_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/* Exit statuses of SPEC §1 double as status codes. */
typedef enum {
    ST_OK = 0,
    ST_EDATA = 1,  /* bad data or failed numerics */
    ST_EUSAGE = 2, /* bad command line or study file */
    ST_ENOMEM = 3, /* allocation failed (exits 1) */
    ST_EIO = 4     /* reading or writing a file failed (exits 1) */
} status;

enum { ERR_MAX = 50, ERR_MSG = 512 };

typedef struct {
    status st;      /* most severe status recorded, ST_OK when empty */
    size_t n;       /* messages kept, at most ERR_MAX */
    size_t dropped; /* messages beyond ERR_MAX, counted not kept */
    char msg[ERR_MAX][ERR_MSG];
} error_buf;

/* Empties the buffer. */
void err_clear(error_buf *err);

/* Records a message "where: detail" and returns st. `where` may be NULL
 * (no location), or a path; line and col are printed when non-zero.
 * When err is NULL the message is discarded. Control characters and
 * bytes that are not UTF-8 in the formatted message (a name or id taken
 * from data) are escaped as \xNN, so no message can drive a terminal. */
status err_set(error_buf *err, status st, const char *where, size_t line,
               size_t col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The same with a va_list. */
status err_vset(error_buf *err, status st, const char *where, size_t line,
                size_t col, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

/* Writes into out (size cap) a quoted, truncated copy of the len bytes of
 * s, with control characters and invalid bytes escaped as \xNN, so that a
 * message can show the offending value safely. Returns out. */
const char *err_quote(char *out, size_t cap, const char *s, size_t len);

/* The exit status that a status maps to (0, 1 or 2). */
int err_exit_code(status st);

#endif
