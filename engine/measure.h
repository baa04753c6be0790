/*
 * measure.h — the scale stage shared by `ecometer scale` and `run`:
 * compute a scale from loaded columns and append its rows to the
 * scales, items and areas tables of SPEC §4.
 */
#ifndef ECOMETER_MEASURE_H
#define ECOMETER_MEASURE_H

#include "../io/restab.h"
#include "../io/table.h"
#include "../models/ecometric.h"
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

/* The tables of the ecometric model (SPEC §4): area_scores.csv,
 * variance_components.csv, and the model's coefficients. */
typedef struct {
    restab *areas, *components, *coefficients;
} ecometric_tables;

int ecometric_tables_create(ecometric_tables *m);
void ecometric_tables_free(ecometric_tables *m);

/* Appends one scale's rows. `scores` holds the scale stage's prorated
 * respondent scores and `area` each respondent's area (raw_mean is over
 * the respondents in the model); `s` gives rwg_j per area (NULL: NA).
 * Areas are ranked by score, 1 the highest, ties by id; rank_low and
 * rank_high are per area (NULL: NA). item_names name the
 * coefficients as R does ("item" + the item's name), and covariates are
 * named as they are. Returns 0 or -1 (memory). */
int ecometric_tables_add(ecometric_tables *m, const char *scale,
                         const ecometric_result *e, const scale_result *s,
                         const double *scores, const int32_t *area, size_t n,
                         const char *const *area_ids,
                         const char *const *item_names, size_t nitems,
                         const char *const *covariates, size_t ncov,
                         const double *rank_low, const double *rank_high);

/* Dense group indices for a text column: groups are numbered in byte
 * order of their ids (as R sorts under LC_COLLATE=C). rows selects the
 * rows to index (NULL: all); the others get -1, as do missing ids.
 * Fills *index (nrows entries) and *ids (the *ngroups ids, kept by the
 * table). Returns 0, or -1 when out of memory. */
int measure_group_index(const table *t, size_t col, const unsigned char *rows,
                        int32_t **index, const char ***ids, size_t *ngroups);

#endif
