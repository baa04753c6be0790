/*
 * cmd_moran.c — `ecometer moran DATA.csv --id C --var C --neighbours
 * EDGES.csv [--permutations N] [--seed S]`: Moran's I of one or more
 * variables with row-standardised weights, its moments under normality
 * and randomisation, and a permutation p-value (METHODS §9).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../io/study.h"
#include "../io/table.h"
#include "../models/moran.h"
#include "cli.h"
#include "commands.h"
#include "comparetab.h"
#include "neighbours.h"

enum {
    OPT_ID = OPT_FIRST_COMMAND_OPTION,
    OPT_VAR,
    OPT_NEIGHBOURS,
    OPT_PERMUTATIONS,
    OPT_MISSING
};

static const struct option options[] = {
    {"id", required_argument, NULL, OPT_ID},
    {"var", required_argument, NULL, OPT_VAR},
    {"neighbours", required_argument, NULL, OPT_NEIGHBOURS},
    {"permutations", required_argument, NULL, OPT_PERMUTATIONS},
    {"missing", required_argument, NULL, OPT_MISSING},
    {"seed", required_argument, NULL, OPT_SEED},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"table", required_argument, NULL, OPT_TABLE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer moran DATA.csv --id C --var C[,C...] --neighbours "
    "EDGES.csv\n"
    "                      [--permutations N] [--seed S] [--missing NA]\n"
    "                      [--format table|csv|json] [-o FILE] [-j N]\n"
    "Moran's I (METHODS.md section 9) with row-standardised weights from an\n"
    "edge list (columns from, to; list both directions), as\n"
    "spdep::moran.test: E[I], the variances under normality and under\n"
    "randomisation, z and the one-sided p (\"greater\") under randomisation;\n"
    "and p from N permutations (default 999; 0 for none): (number of\n"
    "permuted I >= I, plus 1) / (N + 1). Permutation b draws from its own\n"
    "stream of --seed (default 1), so -j does not change it. Areas without\n"
    "neighbours are kept as spdep does with zero.policy = TRUE. Every area\n"
    "needs a value.\n";

static const char *const table_names[] = {"spatial"};
typedef struct {
    const char *data, *id, *neighbours;
    char **vars, **missing;
    long nvars, nmissing;
    long permutations;
} moran_args;

static int parse_args(int argc, char **argv, void *args, cli_common *c,
                      error_buf *err)
{
    moran_args *a = args;
    int opt;
    char *end;
    a->permutations = 999;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg, "moran", err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        switch (opt) {
        case OPT_ID:
            a->id = optarg;
            break;
        case OPT_VAR:
            if ((a->nvars = cli_list(optarg, "moran", "--var", &a->vars, err)) <
                0)
                return -1;
            break;
        case OPT_NEIGHBOURS:
            a->neighbours = optarg;
            break;
        case OPT_PERMUTATIONS:
            errno = 0;
            a->permutations = strtol(optarg, &end, 10);
            if (*end != '\0' || end == optarg || errno == ERANGE ||
                a->permutations < 0 || a->permutations > 1000000) {
                err_set(err, ST_EUSAGE, "moran", 0, 0,
                        "--permutations: expected a number 0..1000000, "
                        "found \"%s\"",
                        optarg);
                return -1;
            }
            break;
        case OPT_MISSING:
            if ((a->nmissing = cli_list(optarg, "moran", "--missing",
                                        &a->missing, err)) < 0)
                return -1;
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return 1;
        default:
            err_set(err, ST_EUSAGE, "moran", 0, 0,
                    "unknown option (see 'ecometer moran --help')");
            return -1;
        }
    }
    const char *missing = optind + 1 != argc ? "one DATA.csv"
                          : !a->id           ? "--id"
                          : a->nvars < 1     ? "--var"
                          : !a->neighbours   ? "--neighbours EDGES.csv"
                                             : NULL;
    if (missing != NULL) {
        err_set(err, ST_EUSAGE, "moran", 0, 0,
                "expected %s (see 'ecometer moran --help')", missing);
        return -1;
    }
    a->data = argv[optind];
    return 0;
}

/* Every area needs a value: a missing one is an error at its cell. */
static status check_present(const table *t, size_t col, const char *name,
                            error_buf *err)
{
    status st = ST_OK;
    const double *x = table_numbers(t, col);
    for (size_t r = 0; r < table_nrows(t); r++)
        if (isnan(x[r]))
            st = err_set(err, ST_EDATA, table_display(t), table_line(t, r),
                         table_field(t, col),
                         "%s: expected a number, found a missing value "
                         "(Moran's I needs every area's value)",
                         name);
    return st;
}

static void warn_structure(const cli_common *c, const neighbour_list *nb,
                           size_t islands, size_t n)
{
    if (c->quiet)
        return;
    if (islands > 0)
        fprintf(stderr,
                "ecometer: warning: %zu area(s) without neighbours: their "
                "lag is 0 and n counts the %zu areas with neighbours (spdep's "
                "zero.policy = TRUE)\n",
                islands, n - islands);
    if (nb->duplicates > 0)
        fprintf(stderr,
                "ecometer: warning: %zu edge(s) listed more than once, "
                "counted once\n",
                nb->duplicates);
    if (nb->asymmetric > 0)
        fprintf(stderr,
                "ecometer: warning: %zu edge(s) listed in one direction "
                "only: the weights are not symmetric\n",
                nb->asymmetric);
}

static status run_moran(const void *args, const cli_common *c, error_buf *err)
{
    const moran_args *a = args;
    size_t nv = (size_t)a->nvars;
    col_spec *cols = calloc(nv + 1, sizeof *cols);
    restab *out = comparetab_spatial_create();
    neighbour_list nb = {0};
    table *t = NULL;
    status st = ST_ENOMEM;
    if (cols == NULL || out == NULL)
        goto done;
    if (cli_pick_table(c, "moran", table_names, 1, err) < 0) {
        st = ST_EUSAGE;
        goto done;
    }
    cols[0] = (col_spec){a->id, COL_TEXT, 0, 0, 0, 0};
    for (size_t v = 0; v < nv; v++)
        cols[1 + v] = (col_spec){a->vars[v], COL_NUMBER, 0, 0, 0, 0};
    table_request req = {a->data,
                         NULL,
                         cols,
                         nv + 1,
                         (const char *const *)a->missing,
                         a->nmissing > 0 ? (size_t)a->nmissing : 0,
                         0};
    t = table_load(&req, err);
    if (t == NULL) {
        st = err->st;
        goto done;
    }
    st = neighbours_check_ids(t, 0, err);
    for (size_t v = 0; v < nv; v++) {
        status s = check_present(t, 1 + v, a->vars[v], err);
        if (st == ST_OK)
            st = s;
    }
    if (st != ST_OK)
        goto done;
    st = neighbours_load(a->neighbours, NULL, t, 0, &nb, err);
    if (st != ST_OK)
        goto done;
    int rc = 0;
    for (size_t v = 0; v < nv; v++) {
        moran_input in = {
            table_nrows(t), table_numbers(t, 1 + v), nb.start,
            nb.nbr,         (size_t)a->permutations, c->has_seed ? c->seed : 1};
        moran_result r;
        if (moran_test(&in, &r, err) != 0) {
            /* name the file and the variable in the model's message */
            char msg[ERR_MSG];
            snprintf(msg, sizeof msg, "%s", err->msg[err->n - 1]);
            st = err->st;
            err_clear(err);
            err_set(err, st, table_display(t), 0, 0, "%s: %s", a->vars[v], msg);
            goto done;
        }
        if (v == 0)
            warn_structure(c, &nb, r.islands, r.n);
        rc |= comparetab_spatial_row(out, a->vars[v], &r);
    }
    st = ST_ENOMEM;
    if (rc != 0)
        goto done;
    st = cli_emit(c, out, err);
done:
    if (st == ST_ENOMEM && err->n == 0)
        err_set(err, ST_ENOMEM, "moran", 0, 0, "out of memory");
    neighbour_list_free(&nb);
    restab_free(out);
    table_free(t);
    free(cols);
    return st;
}

static void free_args(void *args)
{
    moran_args *a = args;
    study_list_free(a->vars, a->nvars > 0 ? (size_t)a->nvars : 0);
    study_list_free(a->missing, a->nmissing > 0 ? (size_t)a->nmissing : 0);
}

int cmd_moran(int argc, char **argv)
{
    static const cli_command steps = {parse_args, run_moran, free_args};
    moran_args a = {0};
    return cli_main(argc, argv, &a, &steps);
}
