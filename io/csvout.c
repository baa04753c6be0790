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

static void separator(csvout *w)
{
    if (w->column++ > 0 && fputc(',', w->f) == EOF)
        w->failed = 1;
}

static void raw(csvout *w, const char *s, size_t len)
{
    if (len > 0 && fwrite(s, 1, len, w->f) != len)
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

const char *csvout_format_number(double v, char *buf)
{
    if (isnan(v))
        return strcpy(buf, "NA");
    if (isinf(v))
        return strcpy(buf, v > 0 ? "Inf" : "-Inf"); /* as R writes them */
    if (v == 0)
        return strcpy(buf, "0"); /* also -0 */
    if (format_short_decimal(v, buf))
        return buf;
    snprintf(buf, 32, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, 32, "%.17g", v);
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
    if (fputc('\n', w->f) == EOF)
        w->failed = 1;
    w->column = 0;
}

int csvout_error(const csvout *w)
{
    return w->failed || ferror(w->f);
}
