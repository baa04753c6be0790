/*
 * study.h — the study file (SPEC §2): INI read through libinih, every
 * section and key validated, paths resolved against the study file's
 * folder, combined scales expanded into their items.
 *
 * A study is a plain read-only record: study_load creates it, study_free
 * frees it, and everything it points to belongs to it.
 */
#ifndef ECOMETER_STUDY_H
#define ECOMETER_STUDY_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"

typedef struct {
    char *key;
    char *value;  /* continuation lines joined with single spaces */
    size_t line;  /* where the key stands */
    int repeated; /* the key stands twice (an error already reported) */
} study_entry;

typedef struct {
    char *kind;  /* "survey", "scale", ... */
    char *name;  /* "cohesion" for [scale cohesion]; NULL when unnamed */
    size_t line; /* the header's line */
    study_entry *entries;
    size_t nentries;
} study_section;

typedef struct {
    char *name;
    char **items;  /* the scale's items; a combined scale's in order */
    int *reversed; /* per item */
    size_t nitems;
    double low, high;
    char **combine; /* the scales combined, or NULL */
    size_t ncombine;
    char **adjust; /* respondent covariates for the ecometric model */
    size_t nadjust;
} study_scale;

typedef struct {
    char *path; /* the study file as given */
    char *title;
    uint64_t seed;
    int threads; /* 0 = all cores */

    int has_survey;
    char *survey_file; /* resolved against the study file's folder */
    char *respondent, *area, *wave; /* column names; wave may be NULL */
    char **missing;                 /* missing codes besides empty cells */
    size_t nmissing;

    int has_areas;
    char *areas_file, *areas_area, *areas_name, *areas_region;
    char *areas_population, *neighbours_file, *map_file;

    int has_exchanges;
    char *exchanges_file;
    char *exchanges_members_file; /* movements layout, or NULL */

    study_scale *scales;
    size_t nscales;

    study_section *sections; /* every section, in file order */
    size_t nsections;
} study;

/* Reads and validates the study file at path. Returns NULL with every
 * problem found in err (status ST_EUSAGE, or ST_EIO/ST_ENOMEM). Messages
 * name the file, line, section and key. */
study *study_load(const char *path, error_buf *err);

void study_free(study *s);

/* The value of key in a section, or NULL. */
const char *study_get(const study_section *sec, const char *key);

/* The section of a kind (and name, when not NULL), or NULL. */
const study_section *study_find(const study *s, const char *kind,
                                const char *name);

/* Splits a comma-separated list into trimmed, newly allocated strings.
 * Returns the count, or -1 when an entry is empty (errno EINVAL) or
 * memory runs out (errno ENOMEM).
 * The caller frees each string and the array (study_list_free). */
long study_split_list(const char *value, char ***out);
void study_list_free(char **list, size_t n);

#endif
