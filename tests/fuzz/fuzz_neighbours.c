/*
 * fuzz_neighbours.c — libFuzzer harness for the neighbour-list reader
 * (engine/neighbours.h): an areas file (column area_id), a line
 * "--edges--", then the edge list (columns from, to). Without the line,
 * the whole input is the edge list against areas A1..A5. A list that
 * loads is checked as CSR: offsets in order, every neighbour a valid
 * row, each row sorted, without repeats or the area itself.
 */
#include "../../engine/neighbours.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static error_buf err;
    static const char sep[] = "\n--edges--\n";
    static const char fixed[] = "area_id\nA1\nA2\nA3\nA4\nA5\n";
    const uint8_t *at = memmem(data, size, sep, sizeof sep - 1);
    const char *areas_path = at != NULL
                                 ? fuzz_file(0, data, (size_t)(at - data))
                                 : fuzz_file(0, fixed, sizeof fixed - 1);
    const uint8_t *edges = at != NULL ? at + sizeof sep - 1 : data;
    const char *edges_path = fuzz_file(1, edges, size - (size_t)(edges - data));
    col_spec cols[] = {{"area_id", COL_TEXT, 0, 0, 0, 0}};
    table_request req = {areas_path, "areas.csv", cols, 1, NULL, 0, 0};
    err_clear(&err);
    table *areas = table_load(&req, &err);
    if (areas == NULL || neighbours_check_ids(areas, 0, &err) != ST_OK) {
        fuzz_check_errors(&err, 1);
        table_free(areas);
        return 0;
    }
    neighbour_list nb;
    err_clear(&err);
    status st =
        neighbours_load(edges_path, "neighbours.csv", areas, 0, &nb, &err);
    fuzz_check_errors(&err, st != ST_OK);
    if (st == ST_OK) {
        if (nb.n != table_nrows(areas) || nb.start[0] != 0)
            __builtin_trap();
        for (size_t i = 0; i < nb.n; i++) {
            if (nb.start[i + 1] < nb.start[i])
                __builtin_trap();
            for (size_t k = nb.start[i]; k < nb.start[i + 1]; k++)
                if (nb.nbr[k] < 0 || (size_t)nb.nbr[k] >= nb.n ||
                    (size_t)nb.nbr[k] == i ||
                    (k > nb.start[i] && nb.nbr[k] <= nb.nbr[k - 1]))
                    __builtin_trap();
        }
        neighbour_list_free(&nb);
    }
    table_free(areas);
    return 0;
}
