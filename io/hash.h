/*
 * hash.h — SHA-256 of files (nettle), for manifest.json.
 */
#ifndef ECOMETER_HASH_H
#define ECOMETER_HASH_H

#include <stdint.h>

#include "../base/error.h"

/* Fills hex (65 bytes: 64 hex digits and a NUL) with the SHA-256 of the
 * file at path and *bytes with its size. `display` names it in errors. */
status hash_file(const char *path, const char *display, char hex[65],
                 uint64_t *bytes, error_buf *err);

#endif
