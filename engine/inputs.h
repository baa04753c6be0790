/*
 * inputs.h — the study's survey and areas files, loaded and cross-checked
 * (SPEC §2–3): the columns every stage needs, typed; areas numbered in
 * byte order of their ids; respondents tied to their area; duplicate ids
 * and survey areas missing from the areas file reported with file, line
 * and column. Shared by `check` and `run`.
 */
#ifndef ECOMETER_INPUTS_H
#define ECOMETER_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "../io/study.h"
#include "../io/table.h"

typedef struct {
    table *survey;                             /* NULL without [survey] */
    size_t col_respondent, col_area, col_wave; /* columns of survey */
    int has_wave;
    char **items;              /* every scale item once, in study order, then
                                  every `adjust` covariate once */
    size_t nitems;             /* all of them */
    size_t nanswers;           /* the items proper (the rest are covariates) */
    size_t first_item;         /* survey column of items[0]; the rest follow */
    table *areas;              /* NULL without [areas] */
    int32_t *area_of;          /* per survey row: area index, -1 outside the
                                  latest wave */
    int32_t *area_any;         /* per survey row: area index in any wave, -1
                                  without one; NULL without an areas file */
    const char **area_ids;     /* nareas ids in byte order (kept by a table) */
    const char **area_names;   /* per area: its name, else its id (kept by a
                                  table); NULL without an areas file */
    const char **area_regions; /* per area: its region ("NA" when blank);
                                  NULL without a region column */
    size_t nareas;
    unsigned char *latest; /* per survey row: in the latest wave */
    size_t nlatest;        /* rows in the latest wave */
    long latest_wave, first_wave;
} inputs;

/* Loads and checks the survey and areas files of a study. On failure
 * returns the status with every problem found (up to ERR_MAX) in err;
 * *in is then empty. Free with inputs_free. */
status inputs_load(const study *s, inputs *in, error_buf *err);

void inputs_free(inputs *in);

/* The survey column of an item or covariate, or (size_t)-1. */
size_t inputs_item_column(const inputs *in, const char *item);

#endif
