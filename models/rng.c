/*
 * rng.c — stream seeding (see rng.h).
 */
#include "rng.h"

/* Vigna's splitmix64 finaliser: a bijection with good avalanche. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

unsigned long rng_stream_seed(uint64_t seed, uint64_t stream)
{
    return (unsigned long)(splitmix64(splitmix64(seed) ^ stream) & 0xFFFFFFFFu);
}

gsl_rng *rng_stream(uint64_t seed, uint64_t stream)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r != NULL)
        gsl_rng_set(r, rng_stream_seed(seed, stream));
    return r;
}
