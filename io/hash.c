/*
 * hash.c — streaming SHA-256 of a file with nettle (see hash.h).
 */
#include "hash.h"

#include <nettle/sha2.h>
#include <stdio.h>

status hash_file(const char *path, const char *display, char hex[65],
                 uint64_t *bytes, error_buf *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return err_set(err, ST_EIO, display, 0, 0, "cannot open to hash");
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[1 << 16];
    size_t n;
    *bytes = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        sha256_update(&ctx, n, buf);
        *bytes += n;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed)
        return err_set(err, ST_EIO, display, 0, 0, "read error while hashing");
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return ST_OK;
}
