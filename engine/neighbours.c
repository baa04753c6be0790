/*
 * neighbours.c — reading an edge list into CSR neighbour lists (see
 * neighbours.h). Ids are matched through the areas table's interned
 * strings: one lookup per distinct id of the edge list, not per edge.
 */
#include "neighbours.h"

#include <stdlib.h>
#include <string.h>

#include "../models/moran.h"

void neighbour_list_free(neighbour_list *nb)
{
    if (nb == NULL)
        return;
    free(nb->start);
    free(nb->nbr);
    nb->start = NULL;
    nb->nbr = NULL;
}

status neighbours_check_ids(const table *areas, size_t id_col, error_buf *err)
{
    size_t n = table_nrows(areas), nc = table_ncodes(areas);
    const int32_t *codes = table_codes(areas, id_col);
    size_t *first = malloc((nc ? nc : 1) * sizeof *first);
    if (first == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    status st = ST_OK;
    for (size_t c = 0; c < nc; c++)
        first[c] = SIZE_MAX;
    for (size_t r = 0; r < n; r++) {
        int32_t c = codes[r];
        size_t line = table_line(areas, r), col = table_field(areas, id_col);
        if (c < 0) {
            st = err_set(err, ST_EDATA, table_display(areas), line, col,
                         "missing area id");
        } else if (first[c] != SIZE_MAX) {
            char q[96];
            const char *id = table_text(areas, c);
            st = err_set(err, ST_EDATA, table_display(areas), line, col,
                         "duplicate area id %s (first on line %zu)",
                         err_quote(q, sizeof q, id, strlen(id)),
                         table_line(areas, first[c]));
        } else {
            first[c] = r;
        }
    }
    free(first);
    return st;
}

/* The area (row of `areas`) of each code of the edge table, -1 where the
 * id is not an area. */
static int32_t *map_codes(const table *edges, const table *areas, size_t id_col)
{
    size_t na = table_nrows(areas), nca = table_ncodes(areas);
    size_t nce = table_ncodes(edges);
    int32_t *row_of = malloc((nca ? nca : 1) * sizeof *row_of);
    int32_t *map = malloc((nce ? nce : 1) * sizeof *map);
    if (row_of == NULL || map == NULL) {
        free(row_of);
        free(map);
        return NULL;
    }
    const int32_t *codes = table_codes(areas, id_col);
    for (size_t c = 0; c < nca; c++)
        row_of[c] = -1;
    for (size_t r = 0; r < na; r++)
        if (codes[r] >= 0)
            row_of[codes[r]] = (int32_t)r;
    for (size_t c = 0; c < nce; c++) {
        int32_t a = table_lookup(areas, table_text(edges, (int32_t)c));
        map[c] = a >= 0 ? row_of[a] : -1;
    }
    free(row_of);
    return map;
}

status neighbours_load(const char *path, const char *display,
                       const table *areas, size_t id_col, neighbour_list *out,
                       error_buf *err)
{
    static const char *const names[2] = {"from", "to"};
    col_spec cols[2] = {{names[0], COL_TEXT, 0, 0, 0, 0},
                        {names[1], COL_TEXT, 0, 0, 0, 0}};
    table_request req = {path, display, cols, 2, NULL, 0, 0};
    *out = (neighbour_list){0};
    table *t = table_load(&req, err);
    if (t == NULL)
        return err->st;
    size_t ne = table_nrows(t);
    int32_t *map = map_codes(t, areas, id_col);
    int32_t *ends = malloc((ne ? ne : 1) * 2 * sizeof *ends);
    status st = ST_OK;
    if (map == NULL || ends == NULL) {
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < ne; r++) {
        for (size_t c = 0; c < 2; c++) {
            int32_t code = table_codes(t, c)[r];
            char q[96];
            ends[c * ne + r] = code >= 0 ? map[code] : -1;
            if (code < 0)
                st =
                    err_set(err, ST_EDATA, table_display(t), table_line(t, r),
                            table_field(t, c), "%s: missing area id", names[c]);
            else if (map[code] < 0)
                st = err_set(err, ST_EDATA, table_display(t), table_line(t, r),
                             table_field(t, c),
                             "%s: unknown area id %s (not in %s)", names[c],
                             err_quote(q, sizeof q, table_text(t, code),
                                       strlen(table_text(t, code))),
                             table_display(areas));
        }
        if (ends[r] >= 0 && ends[r] == ends[ne + r]) {
            char q[96];
            const char *id = table_text(t, table_codes(t, 0)[r]);
            st = err_set(err, ST_EDATA, table_display(t), table_line(t, r),
                         table_field(t, 1),
                         "to: an area cannot neighbour itself (%s)",
                         err_quote(q, sizeof q, id, strlen(id)));
        }
    }
    if (st != ST_OK)
        goto done;
    out->n = table_nrows(areas);
    out->edges = ne;
    if (moran_neighbours(out->n, ne, ends, ends + ne, &out->start, &out->nbr,
                         &out->duplicates, &out->asymmetric, err) != 0)
        st = err->st;
done:
    free(map);
    free(ends);
    table_free(t);
    return st;
}
