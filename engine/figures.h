/*
 * figures.h — the figures of `run` (SPEC §4), drawn by plots/ from the
 * stages' results and written as DIR/figures/<kind>_<subject>.svg and
 * .png: likert_<scale> (answers to each item), caterpillar_<scale> (area
 * scores with 95% intervals), forest_<model> (coefficients),
 * scatter_<model> (outcome against the first predictor, with the fit) and
 * profile_coproduction (the median percentile of each co-production
 * characteristic among the areas of each region), funnel_<comparison>
 * spine_<area_id> and map_<variable>. Figures
 * are drawn in study order, so the output does not depend on threads.
 */
#ifndef ECOMETER_FIGURES_H
#define ECOMETER_FIGURES_H

#include "../io/exchanges.h"
#include "../io/geojson.h"
#include "../io/restab.h"
#include "../io/study.h"
#include "../models/ecometric.h"
#include "../models/reciprocity.h"
#include "areastage.h"
#include "compare.h"
#include "report.h"

typedef struct {
    const study *s;
    const char *const *area_labels; /* per area: its name, else its id */
    size_t nareas;
    const ecometric_result *const *ecometric; /* per scale */
    const double *const *const *items; /* per scale: its item columns over
                                          the latest wave's respondents */
    size_t nrespondents;
    const restab *coefficients;      /* SPEC §4 columns, or NULL */
    const char *const *area_ids;     /* per area, in byte order */
    const char *const *area_regions; /* per area, or NULL */
    const exchanges *x;              /* [exchanges], or NULL */
    const recip_result *recip;       /* its indices, or NULL */
    const model_scatter *scatters;   /* per fixed-effects model */
    size_t nscatters;
    const comparison *comparisons; /* per [compare] section */
    size_t ncomparisons;
    const geo_areas *map;      /* [areas] map, or NULL */
    const struct frame *frame; /* the area variables, or NULL */
} figures_input;

/* Each figure (or the figures of one [model]: forest and scatter), drawn
 * into the report, which also writes them to figures/. ST_OK, or the
 * failure with err set. */
status figures_likert(const figures_input *in, size_t scale, report *rep,
                      error_buf *err);
status figures_caterpillar(const figures_input *in, size_t scale, report *rep,
                           error_buf *err);
status figures_model(const figures_input *in, const study_section *sec,
                     report *rep, error_buf *err);
status figures_profile(const figures_input *in, report *rep, error_buf *err);
/* funnel_<comparison>, and spine_<area_id> for area index `area`. */
status figures_funnel(const figures_input *in, const comparison *cmp,
                      report *rep, error_buf *err);
status figures_spine(const figures_input *in, size_t area, report *rep,
                     error_buf *err);
/* map_<variable>: the values (per area, in id order; NaN: none) in seven
 * quantile classes (fewer with fewer distinct values). */
status figures_map(const figures_input *in, const char *variable,
                   const double *values, report *rep, error_buf *err);

#endif
