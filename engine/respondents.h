/*
 * respondents.h — the data of a `[model] data = survey` (SPEC §2): one row
 * per respondent of the latest wave, with the survey columns a formula
 * names and every area-level variable of the frame (areas columns,
 * [derive], indices, scale scores, reciprocity) joined by the
 * respondent's area. A survey column hides an area variable of the same
 * name: the respondent's own answer is the nearer one.
 */
#ifndef ECOMETER_RESPONDENTS_H
#define ECOMETER_RESPONDENTS_H

#include <stddef.h>
#include <stdint.h>

#include "../io/study.h"
#include "../models/design.h"
#include "frame.h"

typedef struct respondents respondents;

/* Reads the columns `names` (those the survey lacks are looked up in the
 * frame) of the study's survey file for the rows whose area_of is >= 0
 * (the latest wave). The frame is borrowed and must outlive the result.
 * NULL with err set on failure. */
respondents *respondents_load(const study *s, const int32_t *area_of,
                              size_t nsurvey, const frame *areas,
                              const char *const *names, size_t nnames,
                              error_buf *err);
void respondents_free(respondents *r);

size_t respondents_rows(const respondents *r);

/* A design_lookup over the respondents (ctx is the respondents). */
int respondents_lookup(void *ctx, const char *name, design_column *out);

#endif
