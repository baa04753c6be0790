/*
 * csvout.c — the CSV cell writer (see csvout.h).
 */
#include "csvout.h"

#include "number.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csvout_init(csvout *w, FILE *f)
{
    w->f = f;
    w->column = 0;
    w->failed = 0;
}

/* A writer's FILE is used by one thread at a time (a table is written by
 * one thread, or in pieces each with a FILE of its own), so the unlocked
 * stdio calls are safe, and they spare a lock per cell. */
static void separator(csvout *w)
{
    if (w->column++ > 0 && fputc_unlocked(',', w->f) == EOF)
        w->failed = 1;
}

static void raw(csvout *w, const char *s, size_t len)
{
    if (len > 0 && fwrite_unlocked(s, 1, len, w->f) != len)
        w->failed = 1;
}

/* Writes the digits of n (0 < n < 10^15) into buf, a point k digits from
 * the right and leading zeros as needed, and returns the length. */
static size_t write_decimal(long long n, int k, char *buf)
{
    char digits[24];
    int nd = 0;
    for (; n > 0; n /= 10)
        digits[nd++] = (char)('0' + n % 10);
    size_t len = 0;
    if (nd <= k) { /* 0.000ddd */
        buf[len++] = '0';
        buf[len++] = '.';
        for (int z = nd; z < k; z++)
            buf[len++] = '0';
    }
    for (int i = nd - 1; i >= 0; i--) {
        buf[len++] = digits[i];
        if (i == k && k > 0)
            buf[len++] = '.';
    }
    buf[len] = '\0';
    return len;
}

/* The fast path for the short decimals that fill most tables (hours,
 * counts, rates to a few places): when v is exactly the double nearest to
 * n / 10^k for some n < 10^15 and k <= 8, "%.15g" would print n / 10^k
 * (v lies far closer to it than half a unit in the 15th digit) and it
 * reads back to v, so it is the answer; digits are written without
 * printf. The range keeps "%g" in its fixed, exponent-free form. */
static int format_short_decimal(double v, char *buf)
{
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    for (int k = 0; k < (int)(sizeof pow10 / sizeof pow10[0]); k++) {
        double n = nearbyint(a * pow10[k]);
        if (n >= 1e15)
            return 0;
        /* the division of two exact values rounds to the nearest double */
        if (n > 0 && n / pow10[k] == a) {
            if (v < 0)
                *buf++ = '-';
            write_decimal((long long)n, k, buf);
            return 1;
        }
    }
    return 0;
}

/* Writes nd significant digits d (d[0] != 0) of a value d.ddd × 10^x, a
 * minus sign first when negative, as printf's "%.{p}g" writes them
 * (nd <= p): trailing zeros dropped, the exponent form when x < -4 or
 * x >= p, with a signed exponent of at least two digits. */
static void write_g(char *buf, int negative, const char *d, int nd, int x,
                    int p)
{
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    char *o = buf;
    if (negative)
        *o++ = '-';
    if (x < -4 || x >= p) {
        *o++ = d[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        *o++ = 'e';
        *o++ = x < 0 ? '-' : '+';
        int ax = x < 0 ? -x : x;
        if (ax >= 100)
            *o++ = (char)('0' + ax / 100);
        *o++ = (char)('0' + ax / 10 % 10);
        *o++ = (char)('0' + ax % 10);
    } else if (x >= 0) {
        for (int i = 0; i <= x; i++)
            *o++ = i < nd ? d[i] : '0';
        if (nd > x + 1) {
            *o++ = '.';
            memcpy(o, d + x + 1, (size_t)(nd - x - 1));
            o += nd - x - 1;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++)
            *o++ = '0';
        memcpy(o, d, (size_t)nd);
        o += nd;
    }
    *o = '\0';
}

/* Any other number, with one printf rather than two: its 17 significant
 * digits (correctly rounded by printf) settle its 15-digit rounding too,
 * unless the two digits dropped are exactly "50" (the 17 digits cannot
 * tell a tie from a near-tie; then printf rounds it). The 15 digits are
 * written when they read back to v, else the 17. */
static void format_long(double v, char *buf)
{
    char e[40], d[17], r[15];
    snprintf(e, sizeof e, "%.16e", fabs(v)); /* d.dddddddddddddddde±XX */
    d[0] = e[0];
    memcpy(d + 1, e + 2, 16);
    int x = atoi(e + 19);
    if (d[15] == '5' && d[16] == '0') {
        snprintf(buf, 32, "%.15g", v);
    } else {
        int rx = x;
        memcpy(r, d, 15);
        if (d[15] >= '5') { /* the dropped digits exceed one half */
            int i = 14;
            while (i >= 0 && r[i] == '9')
                r[i--] = '0';
            if (i >= 0) {
                r[i]++;
            } else {
                r[0] = '1';
                rx++;
            }
        }
        write_g(buf, v < 0, r, 15, rx, 15);
    }
    if (strtod(buf, NULL) != v)
        write_g(buf, v < 0, d, 17, x, 17);
}

const char *csvout_format_number(double v, char *buf)
{
    if (isnan(v))
        return strcpy(buf, "NA");
    if (isinf(v))
        return strcpy(buf, v > 0 ? "Inf" : "-Inf"); /* as R writes them */
    if (v == 0)
        return strcpy(buf, "0"); /* also -0 */
    if (!format_short_decimal(v, buf))
        format_long(v, buf);
    return buf;
}

int csvout_is_formula(const char *s)
{
    double v;
    size_t len = strlen(s);
    if (len == 0 || strchr("=+-@\t\r", s[0]) == NULL)
        return 0;
    /* Only a number written plainly is safe: number_parse would also
     * accept blanks around it ("\t5", "-3 "). */
    return s[0] == '\t' || s[0] == '\r' || s[len - 1] == ' ' ||
           s[len - 1] == '\t' || !number_parse(s, len, &v);
}

void csvout_text(csvout *w, const char *s)
{
    if (s == NULL) {
        csvout_na(w);
        return;
    }
    separator(w);
    int quoted = strpbrk(s, ",\"\r\n") != NULL;
    if (quoted)
        raw(w, "\"", 1);
    if (csvout_is_formula(s))
        raw(w, "'", 1);
    if (!quoted) {
        raw(w, s, strlen(s));
    } else {
        /* RFC 4180: a quote inside a quoted field is doubled. */
        for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
            raw(w, s, (size_t)(q - s) + 1);
            raw(w, "\"", 1);
        }
        raw(w, s, strlen(s));
        raw(w, "\"", 1);
    }
}

void csvout_num(csvout *w, double v)
{
    char buf[32];
    separator(w);
    csvout_format_number(v, buf);
    raw(w, buf, strlen(buf));
}

void csvout_int(csvout *w, long long v)
{
    char buf[32];
    separator(w);
    int n = snprintf(buf, sizeof buf, "%lld", v);
    raw(w, buf, (size_t)n);
}

void csvout_bool(csvout *w, int b)
{
    separator(w);
    raw(w, b ? "TRUE" : "FALSE", b ? 4 : 5);
}

void csvout_na(csvout *w)
{
    separator(w);
    raw(w, "NA", 2);
}

void csvout_end_row(csvout *w)
{
    if (fputc_unlocked('\n', w->f) == EOF)
        w->failed = 1;
    w->column = 0;
}

int csvout_error(const csvout *w)
{
    return w->failed || ferror(w->f);
}
