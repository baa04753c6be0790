/*
 * cmd_mediate.c — `ecometer mediate DATA.csv --x C --m C --y C
 * [--covariates ...] [--bootstrap N] [--seed S]`: the indirect effect of x
 * on y through m, its Sobel test and a percentile bootstrap interval
 * (METHODS §11).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../io/study.h"
#include "../io/table.h"
#include "../models/mediate.h"
#include "cli.h"
#include "commands.h"

enum {
    OPT_X = OPT_FIRST_COMMAND_OPTION,
    OPT_M,
    OPT_Y,
    OPT_COVARIATES,
    OPT_BOOTSTRAP,
    OPT_MISSING
};

static const struct option options[] = {
    {"x", required_argument, NULL, OPT_X},
    {"m", required_argument, NULL, OPT_M},
    {"y", required_argument, NULL, OPT_Y},
    {"covariates", required_argument, NULL, OPT_COVARIATES},
    {"bootstrap", required_argument, NULL, OPT_BOOTSTRAP},
    {"missing", required_argument, NULL, OPT_MISSING},
    {"seed", required_argument, NULL, OPT_SEED},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"table", required_argument, NULL, OPT_TABLE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer mediate DATA.csv --x C --m C --y C [--covariates a,b]\n"
    "                        [--bootstrap N] [--seed S] [--missing NA]\n"
    "                        [--format table|csv|json] [-o FILE] [-j N]\n"
    "Mediation (METHODS.md section 11): a (x -> m), b (m -> y given x), the\n"
    "indirect effect a*b with its Sobel SE and z (as multilevel::sobel), the\n"
    "direct and total effects, and with --bootstrap a 95% percentile\n"
    "interval for a*b from N resamples of the rows (default seed 1;\n"
    "replicate r draws from its own stream, so -j does not change it).\n";

static const char *const cols_out[] = {"x",
                                       "m",
                                       "y",
                                       "a",
                                       "b",
                                       "indirect",
                                       "sobel_se",
                                       "sobel_z",
                                       "ci_low",
                                       "ci_high",
                                       "direct",
                                       "total",
                                       "proportion_mediated",
                                       "bootstrap"};

typedef struct {
    const char *data, *x, *m, *y;
    char **covariates, **missing;
    long ncov, nmissing;
    long bootstrap;
} med_args;

static int parse_args(int argc, char **argv, void *args, cli_common *c,
                      error_buf *err)
{
    med_args *a = args;
    int opt;
    char *end;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg, "mediate", err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        switch (opt) {
        case OPT_X:
            a->x = optarg;
            break;
        case OPT_M:
            a->m = optarg;
            break;
        case OPT_Y:
            a->y = optarg;
            break;
        case OPT_COVARIATES:
            if ((a->ncov = cli_list(optarg, "mediate", "--covariates",
                                    &a->covariates, err)) < 0)
                return -1;
            break;
        case OPT_MISSING:
            if ((a->nmissing = cli_list(optarg, "mediate", "--missing",
                                        &a->missing, err)) < 0)
                return -1;
            break;
        case OPT_BOOTSTRAP:
            a->bootstrap = strtol(optarg, &end, 10);
            if (*end != '\0' || end == optarg || a->bootstrap < 1 ||
                a->bootstrap > 1000000) {
                err_set(err, ST_EUSAGE, "mediate", 0, 0,
                        "--bootstrap: expected a number of replicates "
                        "1..1000000, found \"%s\"",
                        optarg);
                return -1;
            }
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return 1;
        default:
            err_set(err, ST_EUSAGE, "mediate", 0, 0,
                    "unknown option (see 'ecometer mediate --help')");
            return -1;
        }
    }
    const char *missing = optind + 1 != argc ? "one DATA.csv"
                          : !a->x            ? "--x"
                          : !a->m            ? "--m"
                          : !a->y            ? "--y"
                                             : NULL;
    if (missing != NULL) {
        err_set(err, ST_EUSAGE, "mediate", 0, 0,
                "expected %s (see 'ecometer mediate --help')", missing);
        return -1;
    }
    a->data = argv[optind];
    return 0;
}

static status run_mediate(const void *args, const cli_common *c, error_buf *err)
{
    const med_args *a = args;
    size_t q = a->ncov > 0 ? (size_t)a->ncov : 0;
    col_spec *cols = calloc(3 + q, sizeof *cols);
    const double **cov = calloc(q ? q : 1, sizeof *cov);
    restab *t = restab_create(cols_out, sizeof cols_out / sizeof *cols_out);
    table *data = NULL;
    status st = ST_ENOMEM;
    if (!cols || !cov || !t)
        goto done;
    const char *names[] = {a->x, a->m, a->y};
    for (size_t i = 0; i < 3; i++)
        cols[i] = (col_spec){names[i], COL_NUMBER, 0, 0, 0, 0};
    for (size_t k = 0; k < q; k++)
        cols[3 + k] = (col_spec){a->covariates[k], COL_NUMBER, 0, 0, 0, 0};
    table_request req = {a->data,
                         NULL,
                         cols,
                         3 + q,
                         (const char *const *)a->missing,
                         a->nmissing > 0 ? (size_t)a->nmissing : 0,
                         0};
    data = table_load(&req, err);
    if (data == NULL) {
        st = err->st;
        goto done;
    }
    for (size_t k = 0; k < q; k++)
        cov[k] = table_numbers(data, 3 + k);
    med_input in = {table_nrows(data),
                    table_numbers(data, 0),
                    table_numbers(data, 1),
                    table_numbers(data, 2),
                    q,
                    cov,
                    (size_t)a->bootstrap,
                    c->has_seed ? c->seed : 1};
    med_result r;
    if (mediate(&in, &r, err) != 0) {
        st = err->st;
        goto done;
    }
    int rc = restab_text(t, a->x) | restab_text(t, a->m) | restab_text(t, a->y);
    const double v[] = {
        r.a,      r.b,       r.indirect, r.sobel_se, r.sobel_z,
        r.ci_low, r.ci_high, r.direct,   r.total,    r.proportion_mediated};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        rc |= restab_num(t, v[i]);
    rc |= restab_int(t, a->bootstrap);
    if (rc != 0)
        goto done;
    st = cli_emit(c, t, err);
done:
    if (st == ST_ENOMEM && err->n == 0)
        err_set(err, ST_ENOMEM, "mediate", 0, 0, "out of memory");
    restab_free(t);
    table_free(data);
    free(cov);
    free(cols);
    return st;
}

static void free_args(void *args)
{
    med_args *a = args;
    study_list_free(a->covariates, a->ncov > 0 ? (size_t)a->ncov : 0);
    study_list_free(a->missing, a->nmissing > 0 ? (size_t)a->nmissing : 0);
}

int cmd_mediate(int argc, char **argv)
{
    static const cli_command steps = {parse_args, run_mediate, free_args};
    med_args a = {0};
    return cli_main(argc, argv, &a, &steps);
}
