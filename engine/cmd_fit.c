/*
 * cmd_fit.c — `ecometer fit DATA.csv --formula F`: one regression. OLS
 * and the Poisson and negative binomial GLMs (METHODS §5–6) without random
 * terms; Gaussian mixed models (formulas with random terms) by REML or,
 * with --ml, ML.
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
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
    "Usage: ecometer fit DATA.csv --formula F [--family "
    "gaussian|poisson|negbin]\n"
    "                    [--se classical|hc0|hc1|hc3|cluster:COL] [--ml]\n"
    "                    [--name NAME] [--missing NA,-9]\n"
    "                    [--table coefficients|fit|groups]\n"
    "                    [--format table|csv|json] [-o FILE] [-j N]\n"
    "Fits one model (METHODS.md sections 3, 5 and 6).\n"
    "Without random terms: OLS by QR (gaussian), or a Poisson or negative\n"
    "binomial GLM with a log link (theta by maximum likelihood, as\n"
    "MASS::glm.nb), with classical, heteroskedasticity-robust (HC0, HC1,\n"
    "HC3) or cluster-robust (CR1) standard errors; OLS p-values and\n"
    "intervals use the t distribution, GLMs' the normal.\n"
    "With random terms — (1 | g), (x | g), or nested (1 | g1) + (1 | g2) —\n"
    "a Gaussian linear mixed model by REML (--ml: maximum likelihood), as\n"
    "lme4::lmer, with normal p-values and intervals.\n"
    "  --formula   y ~ a + b + a:b + a*b + factor(x) + log(x) + offset(expr)\n"
    "              - 1 + (1 | g) ...\n"
    "  --name      the model's name in the tables (default: model)\n"
    "  --table     coefficients (default), fit, groups (mixed models)\n";

static const char *const table_names[] = {"coefficients", "fit", "groups"};

typedef struct {
    const char *data, *formula, *name, *family, *se;
    char **missing;
    long nmissing;
    int ml;
    reg_family fam;
    reg_se se_kind;
    const char *cluster; /* the column of --se cluster:COLUMN */
} fit_args;

static const struct {
    const char *name;
    reg_family family;
} families[] = {{"gaussian", FAMILY_GAUSSIAN},
                {"poisson", FAMILY_POISSON},
                {"negbin", FAMILY_NEGBIN}};

static const struct {
    const char *name;
    reg_se se;
} se_types[] = {{"classical", SE_CLASSICAL},
                {"hc0", SE_HC0},
                {"hc1", SE_HC1},
                {"hc3", SE_HC3}};

static int family_of(const char *name, reg_family *out)
{
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (strcmp(name, families[i].name) == 0) {
            *out = families[i].family;
            return 0;
        }
    return -1;
}

static int se_of(const char *name, reg_se *out, const char **cluster)
{
    if (strncmp(name, "cluster:", 8) == 0 && name[8] != '\0') {
        *out = SE_CLUSTER;
        *cluster = name + 8;
        return 0;
    }
    for (size_t i = 0; i < sizeof se_types / sizeof se_types[0]; i++)
        if (strcmp(name, se_types[i].name) == 0) {
            *out = se_types[i].se;
            return 0;
        }
    return -1;
}

static int parse_args(int argc, char **argv, void *args, cli_common *c,
                      error_buf *err)
{
    fit_args *a = args;
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
    if (a->family != NULL && family_of(a->family, &a->fam) != 0) {
        err_set(err, ST_EUSAGE, "fit", 0, 0,
                "--family: unknown family '%s' (expected: gaussian, poisson, "
                "negbin)",
                a->family);
        return -1;
    }
    if (a->se != NULL && se_of(a->se, &a->se_kind, &a->cluster) != 0) {
        err_set(err, ST_EUSAGE, "fit", 0, 0,
                "--se: unknown type '%s' (expected: classical, hc0, hc1, hc3, "
                "cluster:COLUMN)",
                a->se);
        return -1;
    }
    return 0;
}

/* A model without random terms: OLS or a GLM (METHODS §5–6). */
static status fit_fixed(const fit_args *a, const cli_common *c, const design *d,
                        const table_source *src, const char *model,
                        mixed_tables *m, error_buf *err)
{
    size_t nclusters = 0;
    int32_t *cluster = NULL;
    if (a->se_kind == SE_CLUSTER) {
        cluster =
            mixed_cluster_index(d, table_source_lookup, (void *)(uintptr_t)src,
                                a->cluster, &nclusters);
        for (size_t i = 0; cluster && i < d->n; i++)
            if (cluster[i] < 0) {
                free(cluster);
                return err_set(err, ST_EDATA, a->data, 0, 0,
                               "%s: a row of the model has no cluster",
                               a->cluster);
            }
        if (cluster == NULL)
            return err_set(err, ST_EDATA, a->data, 0, 0, "no column '%s'",
                           a->cluster);
    }
    int intercept = d->p > 0 && strcmp(d->names[0], "(Intercept)") == 0;
    reg_input in = {d->n,      d->p,   d->X,       d->y,    d->offset,
                    intercept, a->fam, a->se_kind, cluster, nclusters};
    size_t dependent;
    reg_result *r = reg_fit(&in, err, &dependent);
    free(cluster);
    if (r == NULL) {
        if (dependent < d->p) {
            err_clear(err); /* say which term, not just that one is */
            err_set(err, ST_EDATA, "--formula", 0, 0,
                    "'%s' is a linear combination of the terms before it; "
                    "remove it or a term it depends on",
                    d->names[dependent]);
        }
        return err->st;
    }
    if (r->poisson_fallback && !c->quiet)
        fprintf(stderr, "ecometer: warning: theta runs off to infinity (no "
                        "overdispersion); the Poisson fit is reported\n");
    if (!r->converged && !c->quiet)
        fprintf(stderr, "ecometer: warning: the fit did not converge\n");
    int rc = mixed_regression_add(m, model, d, r);
    reg_result_free(r);
    return rc ? err_set(err, ST_ENOMEM, "fit", 0, 0, "out of memory") : ST_OK;
}

static status run_fit(const void *args, const cli_common *c, error_buf *err)
{
    const fit_args *a = args;
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
    if (f->nrandom > 0 &&
        (a->fam != FAMILY_GAUSSIAN || a->se_kind != SE_CLASSICAL)) {
        st = err_set(err, ST_EUSAGE, "fit", 0, 0,
                     "mixed models take --family gaussian and --se classical");
        goto done;
    }
    size_t n = mixed_formula_columns(f, &names);
    if (a->cluster != NULL) { /* the cluster column is read too */
        const char **more = realloc(names, (n + 1) * sizeof *more);
        if (more == NULL)
            goto done;
        names = more;
        names[n++] = a->cluster;
    }
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
    const char *model = a->name ? a->name : "model";
    if (mixed_tables_create(&m) != 0)
        goto done;
    if (f->nrandom == 0) {
        st = fit_fixed(a, c, d, &src, model, &m, err);
        if (st != ST_OK)
            goto done;
        st = ST_ENOMEM;
    } else {
        size_t inner;
        r = mixed_fit(d, !a->ml, &inner, err);
        if (r == NULL) {
            st = err->st;
            goto done;
        }
        if (!r->converged && !c->quiet)
            fprintf(stderr,
                    "ecometer: warning: the optimiser did not converge\n");
        if (mixed_tables_add(&m, model, d, r, inner, !a->ml) != 0)
            goto done;
    }
    const restab *chosen = pick == 0   ? m.coefficients
                           : pick == 1 ? m.fit
                                       : m.groups;
    st = cli_emit(c, chosen, err);
    if (st == ST_OK && pick == 0 && c->format == FORMAT_TABLE && !c->out)
        printf("p-values and 95%% intervals: %s\n",
               f->nrandom == 0 && a->fam == FAMILY_GAUSSIAN
                   ? "t distribution on the residual degrees of freedom"
                   : "normal approximation");
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

static void free_args(void *args)
{
    fit_args *a = args;
    study_list_free(a->missing, a->nmissing > 0 ? (size_t)a->nmissing : 0);
}

int cmd_fit(int argc, char **argv)
{
    static const cli_command steps = {parse_args, run_fit, free_args};
    fit_args a = {0};
    return cli_main(argc, argv, &a, &steps);
}
