/*
 * rng.h — independent random streams derived from (seed, stream).
 *
 * Results must not depend on the number of threads, so nothing shares a
 * generator: each replicate, permutation or simulated area draws from its
 * own GSL Mersenne Twister, seeded with the low 32 bits of
 *     splitmix64(splitmix64(seed) XOR stream)
 * where splitmix64 is Vigna's finaliser. Streams are named by an index
 * with a purpose tag in its top byte (RNG_TAG_*), so the same seed gives
 * unrelated streams for different purposes.
 */
#ifndef ECOMETER_RNG_H
#define ECOMETER_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#define RNG_TAG(tag, index) (((uint64_t)(tag) << 56) | (uint64_t)(index))

enum {
    RNG_TAG_AREAS = 1,       /* simulate: the area-level draws */
    RNG_TAG_RESPONDENTS = 2, /* simulate: one stream per (wave, area) */
    RNG_TAG_EXCHANGES = 3,   /* simulate: one stream per area */
    RNG_TAG_BOOTSTRAP = 4,   /* mediation: one stream per replicate */
    RNG_TAG_RANKS = 5,       /* rank intervals: one stream per draw */
    RNG_TAG_PERMUTATIONS = 6 /* Moran's I: one stream per permutation */
};

/* The 32-bit seed of a stream (documented above). */
unsigned long rng_stream_seed(uint64_t seed, uint64_t stream);

/* A new generator for the stream; NULL when out of memory. Free with
 * gsl_rng_free. */
gsl_rng *rng_stream(uint64_t seed, uint64_t stream);

#endif
