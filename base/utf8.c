/*
 * utf8.c — UTF-8 validation after the Unicode standard's Table 3-7 of
 * well-formed byte sequences.
 */
#include "utf8.h"

size_t utf8_seq_len(const unsigned char *s, size_t len)
{
    if (len == 0 || s[0] == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (len < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return need;
}

size_t utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* Fast path: plain ASCII, the common case in survey files. */
        if (u[i] != 0 && u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq_len(u + i, len - i);
        if (k == 0)
            return i;
        i += k;
    }
    return len;
}
