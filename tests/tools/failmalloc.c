/*
 * failmalloc.c — a preloadable allocator that fails one allocation, for
 * the allocation-failure test (tests/golden/cases/alloc_failure):
 *
 *     FAILMALLOC_N=n LD_PRELOAD=failmalloc.so ecometer ...
 *
 * fails the n-th call to malloc, calloc, realloc, strdup or strndup made
 * by the ecometer executable itself, returning NULL with errno ENOMEM;
 * every other call succeeds. Calls made inside libraries (libc, GSL,
 * libgomp, Cairo) are left alone: how they cope is theirs, and glib, for
 * one, aborts by design. With FAILMALLOC_N=0 nothing fails and the number
 * of calls counted is written to stderr at exit ("failmalloc: N calls"),
 * so a test can try every n from 1 to N.
 *
 * Memory comes from glibc's __libc_malloc family, so free() needs no
 * wrapper. Not for sanitizer builds, which bring their own allocator.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dl_iterate_phdr */
#endif
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
char *strdup(const char *s);
char *strndup(const char *s, size_t n);

enum { MAX_RANGES = 8 };

/* The executable's code segments: only calls from there are counted. */
static uintptr_t range_lo[MAX_RANGES], range_hi[MAX_RANGES];
static int nranges;
static long fail_at = -1; /* -1 until the constructor has run */
static long calls;

static int main_program(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum && nranges < MAX_RANGES; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        range_lo[nranges] = info->dlpi_addr + ph->p_vaddr;
        range_hi[nranges] = range_lo[nranges] + ph->p_memsz;
        nranges++;
    }
    return 1; /* the first object is the executable */
}

__attribute__((constructor)) static void failmalloc_init(void)
{
    const char *n = getenv("FAILMALLOC_N");
    dl_iterate_phdr(main_program, NULL);
    fail_at = n != NULL ? strtol(n, NULL, 10) : 0;
}

__attribute__((destructor)) static void failmalloc_report(void)
{
    if (fail_at == 0) {
        char buf[64];
        int len = snprintf(buf, sizeof buf, "failmalloc: %ld calls\n", calls);
        if (write(STDERR_FILENO, buf, (size_t)len) < 0)
            return;
    }
}

/* Whether this call, made from `caller`, is the one to fail. */
static int fail_now(const void *caller)
{
    if (fail_at < 0)
        return 0;
    uintptr_t a = (uintptr_t)caller;
    int ours = 0;
    for (int i = 0; i < nranges && !ours; i++)
        ours = a >= range_lo[i] && a < range_hi[i];
    if (!ours)
        return 0;
    long k = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
    if (k != fail_at)
        return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t size)
{
    return fail_now(__builtin_return_address(0)) ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    return fail_now(__builtin_return_address(0)) ? NULL
                                                 : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    return fail_now(__builtin_return_address(0)) ? NULL
                                                 : __libc_realloc(p, size);
}

static char *copy(const char *s, size_t len)
{
    char *d = __libc_malloc(len + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *strdup(const char *s)
{
    return fail_now(__builtin_return_address(0)) ? NULL : copy(s, strlen(s));
}

char *strndup(const char *s, size_t n)
{
    return fail_now(__builtin_return_address(0)) ? NULL
                                                 : copy(s, strnlen(s, n));
}
