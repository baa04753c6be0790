/*
 * csvout.h — writing CSV cells one at a time, in the format of SPEC §4:
 * RFC 4180 quoting where a field needs it, numbers with the fewest
 * significant digits (15, else 17) that read back to the same double,
 * NA for missing, TRUE/FALSE for booleans, LF line ends, and text that
 * a spreadsheet would run as a formula neutralised (SPEC §5).
 *
 * Writes go to a FILE * that the caller owns; errors are sticky and
 * reported by csvout_error, so call sites stay short.
 */
#ifndef ECOMETER_CSVOUT_H
#define ECOMETER_CSVOUT_H

#include <stdio.h>

typedef struct {
    FILE *f;    /* borrowed */
    int column; /* cells written on the current line */
    int failed; /* a write failed */
} csvout;

void csvout_init(csvout *w, FILE *f);
void csvout_text(csvout *w, const char *s); /* NULL writes NA */
void csvout_num(csvout *w, double v);       /* NaN writes NA */
void csvout_int(csvout *w, long long v);
void csvout_bool(csvout *w, int b);
void csvout_na(csvout *w);
void csvout_end_row(csvout *w);

/* Nonzero when any write failed. */
int csvout_error(const csvout *w);

/* Formats v into buf (at least 32 bytes) with the fewest significant
 * digits, 15 else 17, that read back exactly; "NA" for NaN. */
const char *csvout_format_number(double v, char *buf);

/* Whether a text cell would be run as a formula by a spreadsheet: it
 * starts with = + - @, tab or carriage return and is not a number. */
int csvout_is_formula(const char *s);

#endif
