/*
 * error.c — formatting and collecting error messages (see error.h).
 */
#include "error.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_clear(error_buf *err)
{
    if (err == NULL)
        return;
    err->st = ST_OK;
    err->n = 0;
    err->dropped = 0;
}

/* A usage error outranks a data error: the exit status must say that the
 * study or command line is wrong even when data problems were also found. */
static status more_severe(status a, status b)
{
    if (a == ST_EUSAGE || b == ST_EUSAGE)
        return ST_EUSAGE;
    return a != ST_OK ? a : b;
}

status err_set(error_buf *err, status st, const char *where, size_t line,
               size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, st, where, line, col, fmt, ap);
    va_end(ap);
    return st;
}

status err_vset(error_buf *err, status st, const char *where, size_t line,
                size_t col, const char *fmt, va_list ap)
{
    if (err == NULL)
        return st;
    err->st = more_severe(err->st, st);
    if (err->n >= ERR_MAX) {
        err->dropped++;
        return st;
    }
    char *m = err->msg[err->n++];
    size_t used = 0;
    if (where != NULL) {
        int k;
        if (line > 0 && col > 0)
            k = snprintf(m, ERR_MSG, "%s:%zu:%zu: ", where, line, col);
        else if (line > 0)
            k = snprintf(m, ERR_MSG, "%s:%zu: ", where, line);
        else
            k = snprintf(m, ERR_MSG, "%s: ", where);
        used = k < 0 ? 0 : (size_t)k < ERR_MSG ? (size_t)k : ERR_MSG - 1;
    }
    vsnprintf(m + used, ERR_MSG - used, fmt, ap);
    return st;
}

const char *err_quote(char *out, size_t cap, const char *s, size_t len)
{
    enum { SHOWN = 40 };
    size_t o = 0;
    if (cap < 8) {
        if (cap > 0)
            out[0] = '\0';
        return out;
    }
    out[o++] = '"';
    size_t i = 0;
    while (i < len && i < SHOWN && o + 6 < cap) {
        unsigned char c = (unsigned char)s[i];
        size_t k = utf8_seq_len((const unsigned char *)s + i, len - i);
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
            i++;
        } else if (k == 0 || c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02X", c);
            i++;
        } else {
            if (o + k + 1 >= cap)
                break;
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    if (i < len && o + 5 < cap) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

int err_exit_code(status st)
{
    switch (st) {
    case ST_OK:
        return 0;
    case ST_EUSAGE:
        return 2;
    default:
        return 1;
    }
}
