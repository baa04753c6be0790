/*
 * measure.h — the scale stage shared by `ecometer scale` and `run`:
 * compute a scale from loaded columns and append its rows to the
 * scales, items and areas tables of SPEC §4.
 */
#ifndef ECOMETER_MEASURE_H
#define ECOMETER_MEASURE_H

#include "../io/restab.h"
#include "../io/table.h"
#include "../models/scale.h"

/* The three tables of the scale stage, with SPEC §4's columns. */
typedef struct {
    restab *scales, *items, *areas;
} measure_tables;

/* Creates the three empty tables; returns 0, or -1 when out of memory. */
int measure_tables_create(measure_tables *m);
void measure_tables_free(measure_tables *m);

/* Appends one scale's rows (the areas table has no scale column: it
 * serves the one-scale `scale` command). item_names has r->n_items entries;
 * group_ids has one id per group (NULL without groups). Returns 0 or -1
 * (memory). */
int measure_tables_add(measure_tables *m, const char *scale,
                       const scale_result *r, const char *const *item_names,
                       const int *reversed, const char *const *group_ids,
                       size_t ngroups);

/* Dense group indices for a text column: groups are numbered in byte
 * order of their ids (as R sorts under LC_COLLATE=C). rows selects the
 * rows to index (NULL: all); the others get -1, as do missing ids.
 * Fills *index (nrows entries) and *ids (the *ngroups ids, kept by the
 * table). Returns 0, or -1 when out of memory. */
int measure_group_index(const table *t, size_t col, const unsigned char *rows,
                        int32_t **index, const char ***ids, size_t *ngroups);

#endif
