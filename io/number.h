/*
 * number.h — what counts as a number in a CSV cell, decided once for the
 * reader (which must reject "nan", "inf", hexadecimal and decimal commas,
 * all of which strtod would take or half-take) and for the writer (which
 * must neutralise text that a spreadsheet would run as a formula, but
 * not a negative number).
 */
#ifndef ECOMETER_NUMBER_H
#define ECOMETER_NUMBER_H

#include <stddef.h>

enum { NUMBER_NO = 0, NUMBER_REAL = 1, NUMBER_WHOLE = 2 };

/* Parses the len bytes at s in the C locale: an optional sign, digits, one
 * decimal point and an exponent, with blanks around allowed. Returns
 * NUMBER_NO when s is not such a finite number, NUMBER_WHOLE when it is
 * written as a whole number (digits only: no floor() needed), else
 * NUMBER_REAL; *out gets the value. */
int number_parse(const char *s, size_t len, double *out);

#endif
