/*
 * fuzz.h — helpers shared by the libFuzzer harnesses (make fuzz).
 *
 * The loaders take paths, so a harness writes its input into an
 * in-memory file (memfd) and hands over /proc/self/fd/N: no disk traffic,
 * and the file is reused from one input to the next. Each harness also
 * checks what every error message must satisfy, so that a message that
 * breaks a promise fails as loudly as a crash.
 */
#ifndef ECOMETER_FUZZ_H
#define ECOMETER_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../base/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_FILES = 2 };

/* Replaces the content of in-memory file `slot` with the len bytes at
 * data and returns its path (static storage, valid until the next call
 * for the same slot). Aborts when memfd is unavailable: a harness that
 * cannot write its input would test nothing. */
static inline const char *fuzz_file(int slot, const void *data, size_t len)
{
    static int fd[FUZZ_FILES] = {-1, -1};
    static char path[FUZZ_FILES][40];
    if (fd[slot] < 0) {
        fd[slot] = memfd_create("fuzz", 0);
        if (fd[slot] < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path[slot], sizeof path[slot], "/proc/self/fd/%d", fd[slot]);
    }
    if (ftruncate(fd[slot], 0) != 0 ||
        (len > 0 && pwrite(fd[slot], data, len, 0) != (ssize_t)len)) {
        perror("memfd write");
        abort();
    }
    return path[slot];
}

/* Every message is NUL-terminated inside its slot and carries no control
 * character (text from data is escaped: SPEC §5); a failed call says
 * why. Traps otherwise. */
static inline void fuzz_check_errors(const error_buf *err, int failed)
{
    if (err->n > ERR_MAX || (failed && err->n == 0 && err->dropped == 0) ||
        (failed && err->st == ST_OK))
        __builtin_trap();
    for (size_t i = 0; i < err->n; i++) {
        size_t len = strnlen(err->msg[i], ERR_MSG);
        if (len == 0 || len >= ERR_MSG)
            __builtin_trap();
        for (size_t k = 0; k < len; k++) {
            unsigned char c = (unsigned char)err->msg[i][k];
            if (c < 0x20 || c == 0x7f)
                __builtin_trap();
        }
    }
}

/* A NUL-terminated copy of the input (the caller frees it). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
