/*
 * evaluate.h — the outcome of an [evaluate] section (SPEC §2): its scale's
 * area scores with the ecometric model refitted in each survey wave, the
 * panel that the difference-in-differences of models/did.h is fitted to.
 */
#ifndef ECOMETER_EVALUATE_H
#define ECOMETER_EVALUATE_H

#include "../io/study.h"
#include "../models/ecometric.h"
#include "inputs.h"

typedef struct {
    size_t nwaves, nareas;
    long *wave;    /* the survey's waves, ascending */
    double *score; /* nwaves × nareas, wave by wave; NaN where an area has
                      no respondent in that wave */
} wave_scores;

/* Fits the outcome scale of [evaluate] section sec in every wave but the
 * latest, whose scores are the ecometric stage's: latest[i] is study
 * scale i's model of the latest wave. */
status evaluate_wave_scores(const study *s, const study_section *sec,
                            const inputs *in,
                            const ecometric_result *const *latest,
                            wave_scores *out, error_buf *err);

void wave_scores_free(wave_scores *w);

#endif
