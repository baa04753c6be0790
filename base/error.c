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

/* Escapes, in place, the control characters and the bytes that are not
 * UTF-8 in a formatted message as \xNN: names and values in messages come
 * from data (a key, an id, a path), and a terminal must not act on them
 * (SPEC §5). A message that no longer fits is cut at a character. */
static void escape_message(char *m)
{
    size_t len = strlen(m), i = 0;
    while (i < len) { /* usually nothing to escape */
        size_t k = utf8_seq_len((const unsigned char *)m + i, len - i);
        unsigned char c = (unsigned char)m[i];
        if (k == 0 || c < 0x20 || c == 0x7f)
            break;
        i += k;
    }
    if (i == len)
        return;
    char out[ERR_MSG];
    size_t o = i;
    memcpy(out, m, i);
    while (i < len) {
        size_t k = utf8_seq_len((const unsigned char *)m + i, len - i);
        unsigned char c = (unsigned char)m[i];
        char piece[8];
        size_t n = k;
        if (k == 0 || c < 0x20 || c == 0x7f) {
            n = (size_t)snprintf(piece, sizeof piece, "\\x%02X", c);
            k = 1;
        } else {
            memcpy(piece, m + i, k);
        }
        if (o + n >= ERR_MSG)
            break;
        memcpy(out + o, piece, n);
        o += n;
        i += k;
    }
    out[o] = '\0';
    memcpy(m, out, o + 1);
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
    escape_message(m);
    return st;
}

const char *err_quote(char *out, size_t cap, const char *s, size_t len)
{
    enum { SHOWN = 40 };
    if (cap < 8) {
        if (cap > 0)
            out[0] = '\0';
        return out;
    }
    /* Room is kept for the closing `..."` and the NUL whatever happens. */
    size_t limit = cap - 5, o = 0, i = 0;
    out[o++] = '"';
    while (i < len && i < SHOWN) {
        unsigned char c = (unsigned char)s[i];
        size_t k = utf8_seq_len((const unsigned char *)s + i, len - i);
        char piece[8];
        size_t n;
        if (c == '"' || c == '\\') {
            piece[0] = '\\';
            piece[1] = (char)c;
            n = 2;
            k = 1;
        } else if (k == 0 || c < 0x20 || c == 0x7f) {
            n = (size_t)snprintf(piece, sizeof piece, "\\x%02X", c);
            k = 1;
        } else {
            memcpy(piece, s + i, k);
            n = k;
        }
        if (o + n > limit)
            break;
        memcpy(out + o, piece, n);
        o += n;
        i += k;
    }
    if (i < len) {
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
