/*
 * neighbours.h — an edge list of neighbouring areas (SPEC §3's
 * neighbours.csv: columns from, to) read against a table of areas, as the
 * CSR neighbour lists that models/moran.h takes. Shared by `ecometer
 * moran` and the spatial stage of `run`.
 */
#ifndef ECOMETER_NEIGHBOURS_H
#define ECOMETER_NEIGHBOURS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/error.h"
#include "../io/table.h"

typedef struct {
    size_t n;          /* areas: the rows of the areas table */
    size_t *start;     /* n + 1 offsets into nbr */
    int32_t *nbr;      /* row indices of the areas table, each row sorted */
    size_t edges;      /* rows of the edge list */
    size_t duplicates; /* edges listed more than once (kept once) */
    size_t asymmetric; /* edges i → j listed without j → i */
} neighbour_list;

/* Reads the edge list at path (shown as `display` in messages when not
 * NULL) whose `from` and `to` columns hold ids of the text column id_col
 * of `areas`, each row of which is one area (the caller has checked that
 * its ids are present and unique). Area k of the result is row k of
 * `areas`. Every problem is reported with file, line and column (up to
 * ERR_MAX): a missing id, an id that `areas` lacks, an area listed as its
 * own neighbour, and whatever table_load reports. Returns ST_OK and fills
 * *out (free with neighbour_list_free), or the status with err set. */
status neighbours_load(const char *path, const char *display,
                       const table *areas, size_t id_col, neighbour_list *out,
                       error_buf *err);

void neighbour_list_free(neighbour_list *nb);

/* Checks that every row of the text column id_col of `areas` has an id
 * and that no id repeats, reporting each problem with its line and
 * column ("duplicate area id "A2" (first on line 3)"). Returns ST_OK or
 * ST_EDATA (ST_ENOMEM) with err set. */
status neighbours_check_ids(const table *areas, size_t id_col, error_buf *err);

#endif
