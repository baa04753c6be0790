/*
 * frame.h — the area-level data of a study (SPEC §2): every column of the
 * areas file that a stage names, each scale's area score (under the
 * scale's name) and raw mean (name_raw), each reciprocity column, each
 * [derive] variable and each [index], one row per area in byte order of
 * the area ids. Models, indices and mediation read their columns here.
 */
#ifndef ECOMETER_FRAME_H
#define ECOMETER_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "../io/table.h"
#include "../models/design.h"

typedef struct frame frame;

/* An empty frame over n areas with these ids (borrowed, kept). */
frame *frame_create(const char *const *ids, size_t n);
void frame_free(frame *f);

/* Adds a numeric column (copied); a later column of the same name hides
 * an earlier one. Returns 0 or -1 (memory). */
int frame_add(frame *f, const char *name, const double *values);

/* Adds the columns of an areas table whose column c is the area id;
 * columns 1.. are added under their requested names. Rows whose id is
 * not among the frame's areas are ignored. Returns 0 or -1. */
int frame_add_table(frame *f, const table *t, const char *const *names,
                    size_t ncols);

/* A design_lookup over the frame (ctx is the frame). */
int frame_lookup(void *ctx, const char *name, design_column *out);

size_t frame_rows(const frame *f);
const char *frame_id(const frame *f, size_t row);

/* The values of a numeric column, or NULL. */
const double *frame_numbers(const frame *f, const char *name);

#endif
