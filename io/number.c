/*
 * number.c — strict number parsing (see number.h).
 */
#include "number.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int number_parse(const char *s, size_t len, double *out)
{
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len > 64)
        return NUMBER_NO;
    /* Fast path: short whole numbers are exact in a double. */
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i < len && len - i <= 15) {
        long long v = 0;
        size_t j = i;
        while (j < len && s[j] >= '0' && s[j] <= '9')
            v = v * 10 + (s[j++] - '0');
        if (j == len && j > i) {
            *out = s[0] == '-' ? -(double)v : (double)v;
            return NUMBER_WHOLE;
        }
    }
    int digits = 0;
    for (size_t j = 0; j < len; j++) {
        char c = s[j];
        if (c >= '0' && c <= '9')
            digits = 1;
        else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-')
            return NUMBER_NO;
    }
    if (!digits)
        return NUMBER_NO;
    char buf[65];
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + len || errno == ERANGE || !isfinite(v))
        return NUMBER_NO;
    *out = v;
    return NUMBER_REAL;
}
