/*
 * areastage.h — the area-level stages of `run`: [derive], [index],
 * [model], [mediation] and [evaluate] over the area frame (frame.h), or, for
 * models with data = survey, over the latest wave's respondents with the
 * frame joined by area (respondents.h), producing the tables indices.csv,
 * loadings.csv, coefficients.csv, model_fit.csv, groups.csv and
 * mediation.csv of SPEC §4.
 */
#ifndef ECOMETER_AREASTAGE_H
#define ECOMETER_AREASTAGE_H

#include <stdint.h>

#include "../io/exchanges.h"
#include "../io/restab.h"
#include "../io/study.h"
#include "../models/ecometric.h"
#include "../models/reciprocity.h"
#include "../models/scale.h"
#include "evaluate.h"

typedef struct {
    const study *s;
    const char *const *area_ids; /* in byte order */
    size_t nareas;
    const scale_result *const *scales;        /* per study scale */
    const ecometric_result *const *ecometric; /* per study scale */
    const exchanges *x;                       /* or NULL */
    const recip_result *recip;                /* or NULL */
    uint64_t seed;
    const wave_scores *evaluations; /* per [evaluate] section, in order */
    const int32_t *survey_area;     /* per survey row: its area in the latest
                                       wave, -1 in earlier waves */
    size_t nsurvey;                 /* survey rows */
} area_stage_input;

typedef struct {
    const char *code; /* stable, for summary.json */
    char message[400];
} area_warning;

/* What a fixed-effects model's scatter figure needs: its rows' outcome
 * against the first predictor (for count models the rate per 1,000 of
 * exp(offset)), and the fitted curve at the other predictors' means with
 * its 95% band (on the response scale). */
enum { SCATTER_LINE = 64 };
typedef struct {
    const char *model; /* the [model]'s name (kept by the study) */
    char x_name[128], y_label[256];
    size_t n;
    double *x, *y;
    double line_x[SCATTER_LINE], fit[SCATTER_LINE];
    double low[SCATTER_LINE], high[SCATTER_LINE];
} model_scatter;

typedef struct {
    restab *indices, *loadings, *coefficients, *fit, *mediation, *groups;
    model_scatter *scatters; /* fixed-effects models with a predictor, in
                                study order */
    size_t nscatters;
    area_warning *warnings; /* dropped rows, fallbacks, non-convergence */
    struct frame *frame;    /* the area frame, for the comparison stages */
    table *areas_table;     /* the areas columns it holds */
    char **keep;            /* names it borrows */
    size_t nkeep;
    size_t nwarnings;
} area_stage_tables; /* NULL where the study has no such section */

/* Whether the study has any area-level stage. */
int area_stage_wanted(const study *s);

status area_stage_run(const area_stage_input *in, area_stage_tables *out,
                      error_buf *err);
void area_stage_free(area_stage_tables *t);

#endif
