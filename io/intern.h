/*
 * intern.h — a string interner: each distinct byte string gets a dense
 * code 0, 1, 2, ... in order of first appearance.
 *
 * Ids in survey and exchange files repeat millions of times; interning
 * stores each once and lets the rest of the program compare integers.
 * The table is open addressing over a seeded hash, resized at 50% load,
 * so adversarial ids cannot force quadratic work on a fixed hash.
 */
#ifndef ECOMETER_INTERN_H
#define ECOMETER_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct intern intern;

/* Creates an empty interner; NULL when out of memory. */
intern *intern_create(void);

/* Frees the interner and every string it holds; NULL is a no-op. */
void intern_free(intern *in);

/* The code of the len bytes at s, adding them when new. Returns -1 when
 * out of memory. s is copied; the copy is NUL-terminated. */
int32_t intern_add(intern *in, const char *s, size_t len);

/* Makes room for `count` strings in all, so that adding them does not
 * resize the table again and again. Returns 0, or -1 when out of memory
 * (the interner stays as it was). */
int intern_reserve(intern *in, size_t count);

/* The code of s when present, else -1. */
int32_t intern_find(const intern *in, const char *s, size_t len);

/* Number of distinct strings. */
size_t intern_count(const intern *in);

/* The string with the given code (kept by the interner), and its length. */
const char *intern_text(const intern *in, int32_t code);
size_t intern_len(const intern *in, int32_t code);

#endif
