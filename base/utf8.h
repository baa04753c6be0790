/*
 * utf8.h — UTF-8 validation, shared by the readers (which reject files that
 * are not UTF-8) and by error messages (which escape what is not).
 */
#ifndef ECOMETER_UTF8_H
#define ECOMETER_UTF8_H

#include <stddef.h>

/* Length (1..4) of the well-formed UTF-8 sequence at s (len bytes
 * available), or 0 when the bytes there are not well-formed UTF-8 or are
 * NUL. Rejects overlong forms, surrogates and code points past U+10FFFF. */
size_t utf8_seq_len(const unsigned char *s, size_t len);

/* Offset of the first byte of s that is not well-formed UTF-8, or len
 * when all len bytes are. */
size_t utf8_invalid_at(const char *s, size_t len);

#endif
