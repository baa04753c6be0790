/*
 * cmd_scale.c — the two single-scale commands, which share their options:
 * `ecometer scale DATA.csv --items a,b,c --range 1,5 [--reverse a]
 * [--group COL]`: alpha, item statistics, ICC(1), ICC(2) and rwg(j)
 * (METHODS §1–2); and `ecometer ecometric ... --group COL [--adjust
 * cols]`: the three-level measurement model with area scores, their SEs
 * and reliabilities (METHODS §4). Each row of DATA.csv is a respondent.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../io/study.h"
#include "../io/table.h"
#include "cli.h"
#include "commands.h"
#include "measure.h"

enum {
    OPT_ITEMS = OPT_FIRST_COMMAND_OPTION,
    OPT_REVERSE,
    OPT_RANGE,
    OPT_GROUP,
    OPT_MISSING,
    OPT_NAME,
    OPT_ADJUST
};

static const struct option options[] = {
    {"items", required_argument, NULL, OPT_ITEMS},
    {"reverse", required_argument, NULL, OPT_REVERSE},
    {"range", required_argument, NULL, OPT_RANGE},
    {"group", required_argument, NULL, OPT_GROUP},
    {"missing", required_argument, NULL, OPT_MISSING},
    {"name", required_argument, NULL, OPT_NAME},
    {"adjust", required_argument, NULL, OPT_ADJUST},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"table", required_argument, NULL, OPT_TABLE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer scale DATA.csv --items a,b,c --range LOW,HIGH\n"
    "                      [--reverse a,b] [--group COL] [--missing NA,-9]\n"
    "                      [--name NAME] [--table scales|items|areas]\n"
    "                      [--format table|csv|json] [-o FILE] [-j N]\n"
    "Reliability and agreement of one scale (METHODS.md sections 1-2):\n"
    "Cronbach's alpha (raw and standardised), item statistics, and with\n"
    "--group the ICC(1), ICC(2) and rwg(j) per group.\n"
    "  --items      the scale's item columns (integer answers LOW..HIGH)\n"
    "  --reverse    items to reverse-code (x' = LOW + HIGH - x)\n"
    "  --range      the response range, e.g. 1,5\n"
    "  --group      the column that identifies areas (groups)\n"
    "  --missing    codes meaning a missing answer besides an empty cell\n"
    "  --name       the scale's name in the output (default: scale)\n"
    "  --table      scales (default), items, or areas\n";

static const char ecometric_usage[] =
    "Usage: ecometer ecometric DATA.csv --items a,b,c --range LOW,HIGH\n"
    "                          --group COL [--reverse a,b] [--adjust x,y]\n"
    "                          [--missing NA,-9] [--name NAME]\n"
    "                          [--table areas|components|coefficients]\n"
    "                          [--format table|csv|json] [-o FILE] [-j N]\n"
    "The three-level measurement model of METHODS.md section 4 (answers\n"
    "within respondents within areas), fitted by REML as\n"
    "lmer(response ~ item + covariates + (1|respondent) + (1|area)): each\n"
    "area's empirical-Bayes score on the items' response scale, with its\n"
    "SE and reliability, and the variance components.\n"
    "  --adjust     respondent covariates, centred on their grand means\n"
    "  --table      areas (default), components, coefficients\n"
    "Each row of DATA.csv is one respondent.\n";

static const char *const scale_tables[] = {"scales", "items", "areas"};
static const char *const ecometric_tables_names[] = {"areas", "components",
                                                     "coefficients"};

typedef struct {
    const char *command; /* "scale" or "ecometric" */
    char **items, **reverse, **missing, **adjust;
    long nitems, nreverse, nmissing, nadjust;
    double low, high;
    int has_range;
    const char *group, *name, *data;
} scale_args;

static void free_args(scale_args *a)
{
    study_list_free(a->items, a->nitems > 0 ? (size_t)a->nitems : 0);
    study_list_free(a->reverse, a->nreverse > 0 ? (size_t)a->nreverse : 0);
    study_list_free(a->missing, a->nmissing > 0 ? (size_t)a->nmissing : 0);
    study_list_free(a->adjust, a->nadjust > 0 ? (size_t)a->nadjust : 0);
}

static int parse_range(const char *arg, scale_args *a, error_buf *err)
{
    char **parts;
    long n = study_split_list(arg, &parts);
    int ok = n == 2;
    for (long i = 0; ok && i < 2; i++) {
        char *end;
        double v = strtod(parts[i], &end);
        ok = *end == '\0' && end != parts[i] && isfinite(v);
        *(i ? &a->high : &a->low) = v;
    }
    study_list_free(parts, n > 0 ? (size_t)n : 0);
    if (!ok || a->low >= a->high) {
        err_set(err, ST_EUSAGE, a->command, 0, 0,
                "--range: expected LOW,HIGH with LOW < HIGH, found \"%s\"",
                arg);
        return -1;
    }
    a->has_range = 1;
    return 0;
}

static int parse_args(int argc, char **argv, scale_args *a, cli_common *c,
                      error_buf *err)
{
    const char *cmd = a->command;
    int ecometric = cmd[0] == 'e';
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg, cmd, err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        switch (opt) {
        case OPT_ITEMS:
            if ((a->nitems = cli_list(optarg, cmd, "--items", &a->items, err)) <
                0)
                return -1;
            break;
        case OPT_REVERSE:
            if ((a->nreverse =
                     cli_list(optarg, cmd, "--reverse", &a->reverse, err)) < 0)
                return -1;
            break;
        case OPT_MISSING:
            if ((a->nmissing =
                     cli_list(optarg, cmd, "--missing", &a->missing, err)) < 0)
                return -1;
            break;
        case OPT_ADJUST:
            if (!ecometric)
                goto unknown;
            if ((a->nadjust =
                     cli_list(optarg, cmd, "--adjust", &a->adjust, err)) < 0)
                return -1;
            break;
        case OPT_RANGE:
            if (parse_range(optarg, a, err) != 0)
                return -1;
            break;
        case OPT_GROUP:
            a->group = optarg;
            break;
        case OPT_NAME:
            a->name = optarg;
            break;
        case OPT_HELP:
            fputs(ecometric ? ecometric_usage : usage, stdout);
            return 1;
        default:
        unknown:
            err_set(err, ST_EUSAGE, cmd, 0, 0,
                    "unknown option (see 'ecometer %s --help')", cmd);
            return -1;
        }
    }
    const char *missing = NULL;
    if (optind + 1 != argc)
        missing = "one DATA.csv";
    else if (a->nitems <= 0)
        missing = "--items";
    else if (!a->has_range)
        missing = "--range";
    else if (ecometric && a->group == NULL)
        missing = "--group";
    if (missing != NULL) {
        err_set(err, ST_EUSAGE, cmd, 0, 0,
                "expected %s (see 'ecometer %s --help')", missing, cmd);
        return -1;
    }
    a->data = argv[optind];
    return 0;
}

/* Column requests: the items, the group (optional for `scale`: then an
 * absent column of that name), and the covariates. */
static col_spec *column_specs(const scale_args *a)
{
    size_t p = (size_t)a->nitems, q = a->nadjust > 0 ? (size_t)a->nadjust : 0;
    col_spec *cols = calloc(p + 1 + q, sizeof *cols);
    if (cols == NULL)
        return NULL;
    for (size_t i = 0; i < p; i++)
        cols[i] = (col_spec){a->items[i], COL_INTEGER, 0, 1, a->low, a->high};
    cols[p] = (col_spec){
        a->group ? a->group : "", COL_TEXT, a->group == NULL, 0, 0, 0};
    for (size_t k = 0; k < q; k++)
        cols[p + 1 + k] = (col_spec){a->adjust[k], COL_NUMBER, 0, 0, 0, 0};
    return cols;
}

static int reverse_flags(const scale_args *a, int *reversed, error_buf *err)
{
    for (long r = 0; r < a->nreverse; r++) {
        long i = 0;
        while (i < a->nitems && strcmp(a->items[i], a->reverse[r]) != 0)
            i++;
        if (i == a->nitems) {
            err_set(err, ST_EUSAGE, a->command, 0, 0,
                    "--reverse: '%s' is not one of --items", a->reverse[r]);
            return -1;
        }
        reversed[i] = 1;
    }
    return 0;
}

static status run_scale(const scale_args *a, const cli_common *c,
                        error_buf *err)
{
    status st = ST_ENOMEM;
    size_t p = (size_t)a->nitems;
    col_spec *cols = column_specs(a);
    int *reversed = calloc(p, sizeof *reversed);
    const double **columns = calloc(p, sizeof *columns);
    table *t = NULL;
    scale_result *res = NULL;
    int32_t *group = NULL;
    const char **ids = NULL;
    size_t ngroups = 0, q = a->nadjust > 0 ? (size_t)a->nadjust : 0;
    int ecometric = a->command[0] == 'e';
    measure_tables m = {0};
    ecometric_tables em = {0};
    ecometric_result *er = NULL;
    const double **covs = calloc(q ? q : 1, sizeof *covs);
    if (cols == NULL || reversed == NULL || columns == NULL || covs == NULL)
        goto done;
    if (reverse_flags(a, reversed, err) != 0) {
        st = ST_EUSAGE;
        goto done;
    }
    int pick = ecometric ? cli_pick_table(c, a->command, ecometric_tables_names,
                                          3, err)
                         : cli_pick_table(c, a->command, scale_tables, 3, err);
    if (!ecometric && pick == 2 && a->group == NULL) {
        pick = -1;
        err_set(err, ST_EUSAGE, "scale", 0, 0, "--table areas needs --group");
    }
    if (pick < 0) {
        st = ST_EUSAGE;
        goto done;
    }
    table_request req = {a->data,
                         NULL,
                         cols,
                         p + 1 + q,
                         (const char *const *)a->missing,
                         a->nmissing > 0 ? (size_t)a->nmissing : 0,
                         0};
    t = table_load(&req, err);
    if (t == NULL) {
        st = err->st;
        goto done;
    }
    for (size_t i = 0; i < p; i++)
        columns[i] = table_numbers(t, i);
    if (a->group != NULL &&
        measure_group_index(t, p, NULL, &group, &ids, &ngroups) != 0)
        goto done;
    scale_input in = {table_nrows(t), p,       columns, reversed,
                      a->low,         a->high, group,   ngroups};
    res = scale_compute(&in, err);
    if (res == NULL) {
        st = err->st;
        goto done;
    }
    const char *name = a->name ? a->name : "scale";
    const restab *chosen;
    if (!ecometric) {
        if (measure_tables_create(&m) != 0 ||
            measure_tables_add(&m, name, res, (const char *const *)a->items,
                               reversed, ids, ngroups) != 0)
            goto done;
        chosen = pick == 0 ? m.scales : pick == 1 ? m.items : m.areas;
    } else {
        for (size_t k = 0; k < q; k++)
            covs[k] = table_numbers(t, p + 1 + k);
        ecometric_input ei = {table_nrows(t), p,     columns, reversed, a->low,
                              a->high,        group, ngroups, q,        covs};
        er = ecometric_fit(&ei, err);
        if (er == NULL) {
            st = err->st;
            goto done;
        }
        if (ecometric_tables_create(&em) != 0 ||
            ecometric_tables_add(
                &em, name, er, res, res->score, group, table_nrows(t), ids,
                (const char *const *)a->items, p,
                (const char *const *)a->adjust, q, NULL, NULL) != 0)
            goto done;
        chosen = pick == 0   ? em.areas
                 : pick == 1 ? em.components
                             : em.coefficients;
    }
    st = cli_emit(c, chosen, err);
done:
    if (st == ST_ENOMEM && err->n == 0)
        err_set(err, ST_ENOMEM, a->command, 0, 0, "out of memory");
    measure_tables_free(&m);
    ecometric_tables_free(&em);
    ecometric_result_free(er);
    free(covs);
    scale_result_free(res);
    free(group);
    free(ids);
    table_free(t);
    free(columns);
    free(reversed);
    free(cols);
    return st;
}

static int scale_main(int argc, char **argv, const char *command)
{
    error_buf *err = cli_error_buf();
    scale_args a = {.command = command};
    cli_common c = {0};
    if (err == NULL)
        return 1;
    int rc = parse_args(argc, argv, &a, &c, err);
    status st = rc < 0 ? err->st : ST_OK;
    if (rc == 0) {
        cli_set_threads(c.threads, 0);
        st = run_scale(&a, &c, err);
    }
    if (st != ST_OK)
        cli_print_errors(err);
    free_args(&a);
    free(err);
    return err_exit_code(st);
}

int cmd_scale(int argc, char **argv)
{
    return scale_main(argc, argv, "scale");
}

int cmd_ecometric(int argc, char **argv)
{
    return scale_main(argc, argv, "ecometric");
}
