/*
 * cmd_scale.c — `ecometer scale DATA.csv --items a,b,c --range 1,5
 * [--reverse a] [--group COL]`: alpha, item statistics, ICC(1), ICC(2)
 * and rwg(j) for one scale (METHODS §1–2).
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
    OPT_NAME
};

static const struct option options[] = {
    {"items", required_argument, NULL, OPT_ITEMS},
    {"reverse", required_argument, NULL, OPT_REVERSE},
    {"range", required_argument, NULL, OPT_RANGE},
    {"group", required_argument, NULL, OPT_GROUP},
    {"missing", required_argument, NULL, OPT_MISSING},
    {"name", required_argument, NULL, OPT_NAME},
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

static const char *const table_names[] = {"scales", "items", "areas"};

typedef struct {
    char **items, **reverse, **missing;
    long nitems, nreverse, nmissing;
    double low, high;
    int has_range;
    const char *group, *name, *data;
} scale_args;

static void free_args(scale_args *a)
{
    study_list_free(a->items, a->nitems > 0 ? (size_t)a->nitems : 0);
    study_list_free(a->reverse, a->nreverse > 0 ? (size_t)a->nreverse : 0);
    study_list_free(a->missing, a->nmissing > 0 ? (size_t)a->nmissing : 0);
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
        err_set(err, ST_EUSAGE, "scale", 0, 0,
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
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg, "scale", err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        switch (opt) {
        case OPT_ITEMS:
            if ((a->nitems =
                     cli_list(optarg, "scale", "--items", &a->items, err)) < 0)
                return -1;
            break;
        case OPT_REVERSE:
            if ((a->nreverse = cli_list(optarg, "scale", "--reverse",
                                        &a->reverse, err)) < 0)
                return -1;
            break;
        case OPT_MISSING:
            if ((a->nmissing = cli_list(optarg, "scale", "--missing",
                                        &a->missing, err)) < 0)
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
            fputs(usage, stdout);
            return 1;
        default:
            err_set(err, ST_EUSAGE, "scale", 0, 0,
                    "unknown option (see 'ecometer scale --help')");
            return -1;
        }
    }
    if (optind + 1 != argc)
        return err_set(err, ST_EUSAGE, "scale", 0, 0,
                       "expected one DATA.csv (see 'ecometer scale --help')"),
               -1;
    a->data = argv[optind];
    if (a->nitems <= 0)
        return err_set(err, ST_EUSAGE, "scale", 0, 0, "--items is required"),
               -1;
    if (!a->has_range)
        return err_set(err, ST_EUSAGE, "scale", 0, 0, "--range is required"),
               -1;
    return 0;
}

/* Column requests: the items, then the group when given. */
static col_spec *column_specs(const scale_args *a)
{
    col_spec *cols = calloc((size_t)a->nitems + 1, sizeof *cols);
    if (cols == NULL)
        return NULL;
    for (long i = 0; i < a->nitems; i++)
        cols[i] = (col_spec){a->items[i], COL_INTEGER, 0, 1, a->low, a->high};
    if (a->group != NULL)
        cols[a->nitems] = (col_spec){a->group, COL_TEXT, 0, 0, 0, 0};
    return cols;
}

static int reverse_flags(const scale_args *a, int *reversed, error_buf *err)
{
    for (long r = 0; r < a->nreverse; r++) {
        long i = 0;
        while (i < a->nitems && strcmp(a->items[i], a->reverse[r]) != 0)
            i++;
        if (i == a->nitems) {
            err_set(err, ST_EUSAGE, "scale", 0, 0,
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
    size_t ngroups = 0;
    measure_tables m = {0};
    if (cols == NULL || reversed == NULL || columns == NULL)
        goto done;
    if (reverse_flags(a, reversed, err) != 0) {
        st = ST_EUSAGE;
        goto done;
    }
    int pick = cli_pick_table(c, "scale", table_names, 3, err);
    if (pick == 2 && a->group == NULL)
        pick = -1,
        err_set(err, ST_EUSAGE, "scale", 0, 0, "--table areas needs --group");
    if (pick < 0) {
        st = ST_EUSAGE;
        goto done;
    }
    table_request req = {a->data,
                         NULL,
                         cols,
                         p + (a->group != NULL),
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
    if (measure_tables_create(&m) != 0 ||
        measure_tables_add(&m, a->name ? a->name : "scale", res,
                           (const char *const *)a->items, reversed, ids,
                           ngroups) != 0)
        goto done;
    const restab *chosen = pick == 0 ? m.scales : pick == 1 ? m.items : m.areas;
    st = cli_emit(c, chosen, err);
done:
    if (st == ST_ENOMEM)
        err_set(err, ST_ENOMEM, "scale", 0, 0, "out of memory");
    measure_tables_free(&m);
    scale_result_free(res);
    free(group);
    free(ids);
    table_free(t);
    free(columns);
    free(reversed);
    free(cols);
    return st;
}

int cmd_scale(int argc, char **argv)
{
    error_buf *err = calloc(1, sizeof *err);
    scale_args a = {0};
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
