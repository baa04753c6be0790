/*
 * narrative.h — the report of `run` (SPEC §4, issue "The report"): its
 * sections in order (summary; data; measurement; area scores;
 * co-production and reciprocity; models; mediation; comparing areas;
 * spatial; evaluation; methods and reproducibility), each opening with
 * sentences written from the numbers and the caveats a careful analyst
 * would add, then its tables and figures. Written through report.h into
 * report.html and report.pdf.
 */
#ifndef ECOMETER_NARRATIVE_H
#define ECOMETER_NARRATIVE_H

#include <stdint.h>

#include "../models/scale.h"
#include "figures.h"

/* An input file as the methods section lists it. */
typedef struct {
    const char *name, *sha256; /* sha256: 64 hex digits */
    uint64_t bytes;
} narrative_file;

typedef struct {
    figures_input fig;
    const scale_result *const *scales; /* per study scale */
    size_t nrespondents;               /* in the latest wave */
    long latest_wave;                  /* or 0 without waves */
    const restab *fit, *mediation;     /* or NULL */
    const restab *spatial;             /* or NULL */
    double *const *rank, *const *rank_low, *const *rank_high; /* per scale,
                                                    per area; or NULL */
    const char *const *warning_code, *const *warning_message;
    size_t nwarnings;
    uint64_t seed;
    const char *date;             /* the PDF's date (ISO 8601) */
    const narrative_file *inputs; /* the data files and the study file */
    size_t ninputs;
} narrative_input;

/* Writes report.html, report.pdf and the figures into od; the seconds
 * spent on figures are added to *figure_seconds. */
status narrative_write(const narrative_input *in, outdir *od,
                       double *figure_seconds, error_buf *err);

#endif
