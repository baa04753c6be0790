/*
 * cmd_index.c — `ecometer index DATA.csv --id C --from a,b,c`: a
 * composite index per row, the first principal component of the
 * standardised variables (METHODS §10), and its loadings.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../io/study.h"
#include "../io/table.h"
#include "../models/pca.h"
#include "cli.h"
#include "commands.h"

enum {
    OPT_ID = OPT_FIRST_COMMAND_OPTION,
    OPT_FROM,
    OPT_METHOD,
    OPT_NAME,
    OPT_MISSING
};

static const struct option options[] = {
    {"id", required_argument, NULL, OPT_ID},
    {"from", required_argument, NULL, OPT_FROM},
    {"method", required_argument, NULL, OPT_METHOD},
    {"name", required_argument, NULL, OPT_NAME},
    {"missing", required_argument, NULL, OPT_MISSING},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"table", required_argument, NULL, OPT_TABLE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer index DATA.csv --id C --from a,b,c [--method pca]\n"
    "                      [--name NAME] [--missing NA,-9]\n"
    "                      [--table scores|loadings] [--format "
    "table|csv|json]\n"
    "A composite index per row (METHODS.md section 10): the first principal\n"
    "component of the standardised variables, signed so that the first\n"
    "variable loads positively, divided by its SD (mean 0, SD 1). Rows with\n"
    "a missing variable get NA. --table loadings lists every component's\n"
    "loadings and eigenvalue.\n";

static const char *const table_names[] = {"scores", "loadings"};
static const char *const score_cols[] = {"id", "value"};
static const char *const loading_cols[] = {"index", "component", "variable",
                                           "loading", "eigenvalue"};

typedef struct {
    const char *data, *id, *name;
    char **from, **missing;
    long nfrom, nmissing;
} index_args;

static int parse_args(int argc, char **argv, void *args, cli_common *c,
                      error_buf *err)
{
    index_args *a = args;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg, "index", err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        switch (opt) {
        case OPT_ID:
            a->id = optarg;
            break;
        case OPT_FROM:
            if ((a->nfrom =
                     cli_list(optarg, "index", "--from", &a->from, err)) < 0)
                return -1;
            break;
        case OPT_METHOD:
            if (strcmp(optarg, "pca") != 0) {
                err_set(err, ST_EUSAGE, "index", 0, 0,
                        "--method: unknown method '%s' (expected: pca)",
                        optarg);
                return -1;
            }
            break;
        case OPT_NAME:
            a->name = optarg;
            break;
        case OPT_MISSING:
            if ((a->nmissing = cli_list(optarg, "index", "--missing",
                                        &a->missing, err)) < 0)
                return -1;
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return 1;
        default:
            err_set(err, ST_EUSAGE, "index", 0, 0,
                    "unknown option (see 'ecometer index --help')");
            return -1;
        }
    }
    const char *missing = optind + 1 != argc ? "one DATA.csv"
                          : a->id == NULL    ? "--id"
                          : a->nfrom < 2     ? "--from with two variables or "
                                               "more"
                                             : NULL;
    if (missing != NULL) {
        err_set(err, ST_EUSAGE, "index", 0, 0,
                "expected %s (see 'ecometer index --help')", missing);
        return -1;
    }
    a->data = argv[optind];
    return 0;
}

static status run_index(const void *args, const cli_common *c, error_buf *err)
{
    const index_args *a = args;
    size_t k = (size_t)a->nfrom;
    col_spec *cols = calloc(k + 1, sizeof *cols);
    const double **col = calloc(k, sizeof *col);
    table *t = NULL;
    pca_result *r = NULL;
    restab *scores = restab_create(score_cols, 2);
    restab *loadings = restab_create(loading_cols, 5);
    status st = ST_ENOMEM;
    if (!cols || !col || !scores || !loadings)
        goto done;
    int pick = cli_pick_table(c, "index", table_names, 2, err);
    if (pick < 0) {
        st = ST_EUSAGE;
        goto done;
    }
    cols[0] = (col_spec){a->id, COL_TEXT, 0, 0, 0, 0};
    for (size_t v = 0; v < k; v++)
        cols[1 + v] = (col_spec){a->from[v], COL_NUMBER, 0, 0, 0, 0};
    table_request req = {a->data,
                         NULL,
                         cols,
                         k + 1,
                         (const char *const *)a->missing,
                         a->nmissing > 0 ? (size_t)a->nmissing : 0,
                         0};
    t = table_load(&req, err);
    if (t == NULL) {
        st = err->st;
        goto done;
    }
    for (size_t v = 0; v < k; v++)
        col[v] = table_numbers(t, 1 + v);
    pca_input in = {table_nrows(t), k, col};
    r = pca_compute(&in, err);
    if (r == NULL) {
        st = err->st;
        goto done;
    }
    const char *name = a->name ? a->name : "index";
    int rc = 0;
    const int32_t *ids = table_codes(t, 0);
    for (size_t i = 0; i < table_nrows(t); i++) {
        rc |= restab_text(scores, ids[i] >= 0 ? table_text(t, ids[i]) : NULL);
        rc |= restab_num(scores, r->index[i]);
    }
    char component[32];
    for (size_t comp = 0; comp < k; comp++)
        for (size_t v = 0; v < k; v++) {
            snprintf(component, sizeof component, "PC%zu", comp + 1);
            rc |= restab_text(loadings, name);
            rc |= restab_text(loadings, component);
            rc |= restab_text(loadings, a->from[v]);
            rc |= restab_num(loadings, r->loading[comp * k + v]);
            rc |= restab_num(loadings, r->eigenvalue[comp]);
        }
    if (rc != 0)
        goto done;
    st = cli_emit(c, pick == 0 ? scores : loadings, err);
done:
    if (st == ST_ENOMEM && err->n == 0)
        err_set(err, ST_ENOMEM, "index", 0, 0, "out of memory");
    restab_free(scores);
    restab_free(loadings);
    pca_result_free(r);
    table_free(t);
    free(col);
    free(cols);
    return st;
}

static void free_args(void *args)
{
    index_args *a = args;
    study_list_free(a->from, a->nfrom > 0 ? (size_t)a->nfrom : 0);
    study_list_free(a->missing, a->nmissing > 0 ? (size_t)a->nmissing : 0);
}

int cmd_index(int argc, char **argv)
{
    static const cli_command steps = {parse_args, run_index, free_args};
    index_args a = {0};
    return cli_main(argc, argv, &a, &steps);
}
