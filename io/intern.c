/*
 * intern.c — open-addressing string interner (see intern.h).
 *
 * Strings live in one growing arena, each followed by a NUL; the slot
 * table holds codes (+1, so 0 means empty) beside 32 bits of their hash,
 * so that a probe past other strings reads only the slot table, and a
 * resize needs no string hashed again. Offsets rather than pointers let
 * the arena move when it grows.
 */
#include "intern.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

struct intern {
    char *arena;
    size_t arena_len, arena_cap;
    size_t *offset;   /* per code: start in the arena */
    uint32_t *length; /* per code: length in bytes */
    size_t count, codes_cap;
    uint64_t *slots; /* hash << 32 | (code + 1), or 0 for empty */
    size_t nslots;   /* a power of two, at most 2^32 */
    uint64_t seed;
};

/* XXH3 with a per-interner seed: every bit depends on every byte, and
 * it reads ids of a dozen bytes a word at a time (a byte-at-a-time FNV-1a
 * was a twentieth of reading the national exchanges). */
static uint64_t hash_bytes(const char *s, size_t len, uint64_t seed)
{
    return XXH3_64bits_withSeed(s, len, seed);
}

intern *intern_create(void)
{
    intern *in = calloc(1, sizeof *in);
    if (in == NULL)
        return NULL;
    in->nslots = 1024;
    in->slots = calloc(in->nslots, sizeof *in->slots);
    /* The seed comes from the interner's own address: it varies between
     * runs (ASLR) but never changes results, which depend only on codes. */
    in->seed = (uint64_t)(uintptr_t)in * 0x9E3779B97F4A7C15ULL;
    if (in->slots == NULL) {
        free(in);
        return NULL;
    }
    return in;
}

void intern_free(intern *in)
{
    if (in == NULL)
        return;
    free(in->arena);
    free(in->offset);
    free(in->length);
    free(in->slots);
    free(in);
}

/* The slot of s (its hash's low 32 bits in h): where it is, or the empty
 * slot where it would go. */
static size_t find_slot(const intern *in, const char *s, size_t len, uint32_t h)
{
    size_t mask = in->nslots - 1;
    size_t i = h & mask;
    for (;;) {
        uint64_t slot = in->slots[i];
        if (slot == 0)
            return i;
        uint32_t c = (uint32_t)slot - 1;
        if ((uint32_t)(slot >> 32) == h && in->length[c] == len &&
            memcmp(in->arena + in->offset[c], s, len) == 0)
            return i;
        i = (i + 1) & mask;
    }
}

/* Moves the slots into a table of n, a power of two above twice the
 * count. */
static int resize_slots(intern *in, size_t n)
{
    uint64_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return -1;
    /* Every string is distinct: each goes to the first empty slot. */
    for (size_t i = 0; i < in->nslots; i++) {
        uint64_t slot = in->slots[i];
        if (slot == 0)
            continue;
        size_t j = (uint32_t)(slot >> 32) & (n - 1);
        while (slots[j] != 0)
            j = (j + 1) & (n - 1);
        slots[j] = slot;
    }
    free(in->slots);
    in->slots = slots;
    in->nslots = n;
    return 0;
}

int32_t intern_find(const intern *in, const char *s, size_t len)
{
    uint32_t h = (uint32_t)hash_bytes(s, len, in->seed);
    uint64_t slot = in->slots[find_slot(in, s, len, h)];
    return slot == 0 ? -1 : (int32_t)((uint32_t)slot - 1);
}

int32_t intern_add(intern *in, const char *s, size_t len)
{
    if (len > UINT32_MAX || in->count >= INT32_MAX - 1)
        return -1;
    uint32_t h = (uint32_t)hash_bytes(s, len, in->seed);
    size_t slot = find_slot(in, s, len, h);
    if (in->slots[slot] != 0)
        return (int32_t)((uint32_t)in->slots[slot] - 1);
    if (in->count == in->codes_cap) {
        size_t cap = in->codes_cap ? in->codes_cap * 2 : 256;
        size_t *off = realloc(in->offset, cap * sizeof *off);
        if (off == NULL)
            return -1;
        in->offset = off;
        uint32_t *lens = realloc(in->length, cap * sizeof *lens);
        if (lens == NULL)
            return -1;
        in->length = lens;
        in->codes_cap = cap;
    }
    if (in->arena_len + len + 1 > in->arena_cap) {
        size_t cap = in->arena_cap ? in->arena_cap : 4096;
        while (cap < in->arena_len + len + 1)
            cap *= 2;
        char *a = realloc(in->arena, cap);
        if (a == NULL)
            return -1;
        in->arena = a;
        in->arena_cap = cap;
    }
    memcpy(in->arena + in->arena_len, s, len);
    in->arena[in->arena_len + len] = '\0';
    size_t code = in->count++;
    in->offset[code] = in->arena_len;
    in->length[code] = (uint32_t)len;
    in->arena_len += len + 1;
    in->slots[slot] = (uint64_t)h << 32 | ((uint64_t)code + 1);
    if (in->count * 2 > in->nslots && resize_slots(in, in->nslots * 2) != 0) {
        /* The string is stored and findable; only the resize failed. */
        return -1;
    }
    return (int32_t)code;
}

int intern_reserve(intern *in, size_t count)
{
    size_t n = in->nslots;
    while (n < count * 2 && n < ((size_t)1 << 32))
        n *= 2;
    return n == in->nslots ? 0 : resize_slots(in, n);
}

size_t intern_count(const intern *in)
{
    return in->count;
}

const char *intern_text(const intern *in, int32_t code)
{
    return in->arena + in->offset[code];
}

size_t intern_len(const intern *in, int32_t code)
{
    return in->length[code];
}
