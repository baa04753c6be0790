/*
 * cmd_fit.c — `ecometer fit DATA.csv --formula F`: one regression. This
 * version fits Gaussian mixed models (formulas with random terms) by REML
 * or, with --ml, ML; models without random terms and the count families
 * come with the regression issue and say so.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../io/study.h"
#include "cli.h"
#include "commands.h"
#include "mixed.h"

enum {
    OPT_FORMULA = OPT_FIRST_COMMAND_OPTION,
    OPT_FAMILY,
    OPT_SE,
    OPT_ML,
    OPT_NAME,
    OPT_MISSING
};

static const struct option options[] = {
    {"formula", required_argument, NULL, OPT_FORMULA},
    {"family", required_argument, NULL, OPT_FAMILY},
    {"se", required_argument, NULL, OPT_SE},
    {"ml", no_argument, NULL, OPT_ML},
    {"name", required_argument, NULL, OPT_NAME},
    {"missing", required_argument, NULL, OPT_MISSING},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"table", required_argument, NULL, OPT_TABLE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer fit DATA.csv --formula F [--ml] [--name NAME]\n"
    "                    [--missing NA,-9] [--table coefficients|fit|groups]\n"
    "                    [--format table|csv|json] [-o FILE] [-j N]\n"
    "Fits one model. With random terms — (1 | g), (x | g), or nested\n"
    "(1 | g1) + (1 | g2) — a Gaussian linear mixed model by REML (--ml: by\n"
    "maximum likelihood), as lme4::lmer. p-values and 95% intervals of the\n"
    "coefficients use the normal distribution.\n"
    "  --formula   y ~ a + b + a:b + factor(x) + log(x) + (1 | g) ...\n"
    "  --family    gaussian (poisson and negbin come with the regression "
    "issue)\n"
    "  --name      the model's name in the tables (default: model)\n"
    "  --table     coefficients (default), fit, groups\n";

static const char *const table_names[] = {"coefficients", "fit", "groups"};

typedef struct {
    const char *data, *formula, *name, *family, *se;
    char **missing;
    long nmissing;
    int ml;
} fit_args;

static int parse_args(int argc, char **argv, fit_args *a, cli_common *c,
                      error_buf *err)
{
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg, "fit", err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        switch (opt) {
        case OPT_FORMULA:
            a->formula = optarg;
            break;
        case OPT_FAMILY:
            a->family = optarg;
            break;
        case OPT_SE:
            a->se = optarg;
            break;
        case OPT_ML:
            a->ml = 1;
            break;
        case OPT_NAME:
            a->name = optarg;
            break;
        case OPT_MISSING:
            if ((a->nmissing = cli_list(optarg, "fit", "--missing", &a->missing,
                                        err)) < 0)
                return -1;
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return 1;
        default:
            err_set(err, ST_EUSAGE, "fit", 0, 0,
                    "unknown option (see 'ecometer fit --help')");
            return -1;
        }
    }
    if (optind + 1 != argc) {
        err_set(err, ST_EUSAGE, "fit", 0, 0,
                "expected one DATA.csv (see 'ecometer fit --help')");
        return -1;
    }
    a->data = argv[optind];
    if (a->formula == NULL) {
        err_set(err, ST_EUSAGE, "fit", 0, 0, "--formula is required");
        return -1;
    }
    if (a->family && strcmp(a->family, "gaussian") != 0) {
        err_set(err, ST_EUSAGE, "fit", 0, 0,
                "--family %s: not built yet in ecometer %s (it comes with "
                "the regression issue)",
                a->family, ECOMETER_VERSION);
        return -1;
    }
    if (a->se && strcmp(a->se, "classical") != 0) {
        err_set(err, ST_EUSAGE, "fit", 0, 0,
                "--se %s: not built yet in ecometer %s for mixed models (it "
                "comes with the regression issue)",
                a->se, ECOMETER_VERSION);
        return -1;
    }
    return 0;
}

static status run_fit(const fit_args *a, const cli_common *c, error_buf *err)
{
    status st = ST_ENOMEM;
    formula *f = formula_parse(a->formula, "--formula", err);
    const char **names = NULL;
    col_spec *cols = NULL;
    table *t = NULL;
    table_source src = {0};
    design *d = NULL;
    lmm_result *r = NULL;
    mixed_tables m = {0};
    if (f == NULL)
        return err->st;
    int pick = cli_pick_table(c, "fit", table_names, 3, err);
    if (pick < 0) {
        st = ST_EUSAGE;
        goto done;
    }
    if (f->nrandom == 0) {
        st = err_set(err, ST_EUSAGE, "fit", 0, 0,
                     "models without random terms are not built yet in "
                     "ecometer %s (they come with the regression issue)",
                     ECOMETER_VERSION);
        goto done;
    }
    size_t n = mixed_formula_columns(f, &names);
    cols = calloc(n ? n : 1, sizeof *cols);
    if (names == NULL || cols == NULL)
        goto done;
    for (size_t i = 0; i < n; i++)
        cols[i] = (col_spec){names[i], COL_AUTO, 0, 0, 0, 0};
    table_request req = {a->data,
                         NULL,
                         cols,
                         n,
                         (const char *const *)a->missing,
                         a->nmissing > 0 ? (size_t)a->nmissing : 0,
                         0};
    t = table_load(&req, err);
    if (t == NULL) {
        st = err->st;
        goto done;
    }
    if (table_source_init(&src, t, names, n) != 0)
        goto done;
    d = design_build(f, table_nrows(t), table_source_lookup, &src, "--formula",
                     err);
    if (d == NULL) {
        st = err->st;
        goto done;
    }
    if (d->dropped > 0 && !c->quiet)
        fprintf(stderr,
                "ecometer: warning: %zu row(s) with a missing value in a "
                "variable of the model were dropped\n",
                d->dropped);
    size_t inner;
    r = mixed_fit(d, !a->ml, &inner, err);
    if (r == NULL) {
        st = err->st;
        goto done;
    }
    if (!r->converged && !c->quiet)
        fprintf(stderr, "ecometer: warning: the optimiser did not converge\n");
    if (mixed_tables_create(&m) != 0 ||
        mixed_tables_add(&m, a->name ? a->name : "model", d, r, inner,
                         !a->ml) != 0)
        goto done;
    const restab *chosen = pick == 0   ? m.coefficients
                           : pick == 1 ? m.fit
                                       : m.groups;
    st = cli_emit(c, chosen, err);
    if (st == ST_OK && pick == 0 && c->format == FORMAT_TABLE && !c->out)
        printf("p-values and 95%% intervals: normal approximation\n");
done:
    if (st == ST_ENOMEM && err->n == 0)
        err_set(err, ST_ENOMEM, "fit", 0, 0, "out of memory");
    mixed_tables_free(&m);
    lmm_result_free(r);
    design_free(d);
    table_source_free(&src);
    table_free(t);
    free(cols);
    free(names);
    formula_free(f);
    return st;
}

int cmd_fit(int argc, char **argv)
{
    error_buf *err = calloc(1, sizeof *err);
    fit_args a = {0};
    cli_common c = {0};
    if (err == NULL)
        return 1;
    int rc = parse_args(argc, argv, &a, &c, err);
    status st = rc < 0 ? err->st : ST_OK;
    if (rc == 0) {
        cli_set_threads(c.threads, 0);
        st = run_fit(&a, &c, err);
    }
    if (st != ST_OK)
        cli_print_errors(err);
    study_list_free(a.missing, a.nmissing > 0 ? (size_t)a.nmissing : 0);
    free(err);
    return err_exit_code(st);
}
