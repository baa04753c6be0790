/*
 * cmd_did.c — `ecometer did DATA.csv --outcome C --unit C --time C
 * --treated C --start T`: difference-in-differences with unit and time
 * fixed effects and CR1 errors by unit (METHODS §11).
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../io/table.h"
#include "../models/did.h"
#include "cli.h"
#include "commands.h"
#include "mixed.h"

enum {
    OPT_OUTCOME = OPT_FIRST_COMMAND_OPTION,
    OPT_UNIT,
    OPT_TIME,
    OPT_TREATED,
    OPT_START,
    OPT_NAME
};

static const struct option options[] = {
    {"outcome", required_argument, NULL, OPT_OUTCOME},
    {"unit", required_argument, NULL, OPT_UNIT},
    {"time", required_argument, NULL, OPT_TIME},
    {"treated", required_argument, NULL, OPT_TREATED},
    {"start", required_argument, NULL, OPT_START},
    {"name", required_argument, NULL, OPT_NAME},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"table", required_argument, NULL, OPT_TABLE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer did DATA.csv --outcome C --unit C --time C --treated C\n"
    "                    --start T [--name NAME] [--table coefficients|fit]\n"
    "Difference-in-differences (METHODS.md section 11): y = unit effect +\n"
    "time effect + delta * D, with D = treated x (time >= start); the unit\n"
    "effects are absorbed by demeaning, and delta's error is clustered by\n"
    "unit (CR1, counting the absorbed effects), as lm with factor() fixed\n"
    "effects and sandwich::vcovCL(type = \"HC1\"). The p-value and interval\n"
    "use the t distribution on the residual degrees of freedom.\n";

static const char *const table_names[] = {"coefficients", "fit"};

typedef struct {
    const char *data, *outcome, *unit, *time, *treated, *name;
    double start;
    int has_start;
} did_args;

static int parse_args(int argc, char **argv, void *args, cli_common *c,
                      error_buf *err)
{
    did_args *a = args;
    int opt;
    char *end;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg, "did", err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        switch (opt) {
        case OPT_OUTCOME:
            a->outcome = optarg;
            break;
        case OPT_UNIT:
            a->unit = optarg;
            break;
        case OPT_TIME:
            a->time = optarg;
            break;
        case OPT_TREATED:
            a->treated = optarg;
            break;
        case OPT_NAME:
            a->name = optarg;
            break;
        case OPT_START:
            a->start = strtod(optarg, &end);
            if (*end != '\0' || end == optarg || !isfinite(a->start)) {
                err_set(err, ST_EUSAGE, "did", 0, 0,
                        "--start: expected a period, found \"%s\"", optarg);
                return -1;
            }
            a->has_start = 1;
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return 1;
        default:
            err_set(err, ST_EUSAGE, "did", 0, 0,
                    "unknown option (see 'ecometer did --help')");
            return -1;
        }
    }
    const char *missing = optind + 1 != argc ? "one DATA.csv"
                          : !a->outcome      ? "--outcome"
                          : !a->unit         ? "--unit"
                          : !a->time         ? "--time"
                          : !a->treated      ? "--treated"
                          : !a->has_start    ? "--start"
                                             : NULL;
    if (missing != NULL) {
        err_set(err, ST_EUSAGE, "did", 0, 0,
                "expected %s (see 'ecometer did --help')", missing);
        return -1;
    }
    a->data = argv[optind];
    return 0;
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static status run_did(const void *args, const cli_common *c, error_buf *err)
{
    const did_args *a = args;
    col_spec cols[] = {{a->outcome, COL_NUMBER, 0, 0, 0, 0},
                       {a->unit, COL_TEXT, 0, 0, 0, 0},
                       {a->time, COL_NUMBER, 0, 0, 0, 0},
                       {a->treated, COL_NUMBER, 0, 0, 0, 0}};
    table_request req = {a->data, NULL, cols, 4, NULL, 0, 0};
    table *t = table_load(&req, err);
    if (t == NULL)
        return err->st;
    size_t n = table_nrows(t), nc = table_ncodes(t);
    const int32_t *code = table_codes(t, 1);
    const double *time = table_numbers(t, 2), *treated = table_numbers(t, 3);
    int32_t *unit = malloc((n ? n : 1) * sizeof *unit);
    int32_t *slot = malloc((nc ? nc : 1) * sizeof *slot);
    int32_t *period = malloc((n ? n : 1) * sizeof *period);
    double *times = malloc((n ? n : 1) * sizeof *times);
    unsigned char *D = malloc(n ? n : 1);
    mixed_tables m = {0};
    status st = ST_ENOMEM;
    if (!unit || !slot || !period || !times || !D || mixed_tables_create(&m))
        goto done;
    size_t nunits = 0, nt = 0;
    for (size_t k = 0; k < nc; k++)
        slot[k] = -1;
    for (size_t r = 0; r < n; r++) {
        unit[r] = -1;
        if (code[r] >= 0) {
            if (slot[code[r]] < 0)
                slot[code[r]] = (int32_t)nunits++;
            unit[r] = slot[code[r]];
        }
        if (!isnan(time[r]))
            times[nt++] = time[r];
    }
    qsort(times, nt, sizeof *times, by_value);
    size_t T = 0;
    for (size_t i = 0; i < nt; i++)
        if (T == 0 || times[i] != times[T - 1])
            times[T++] = times[i];
    for (size_t r = 0; r < n; r++) {
        period[r] = -1;
        if (isnan(time[r]) || isnan(treated[r]))
            continue;
        size_t lo = 0;
        while (times[lo] != time[r])
            lo++;
        period[r] = (int32_t)lo;
        D[r] = treated[r] != 0 && time[r] >= a->start;
    }
    did_input in = {n, table_numbers(t, 0), unit, nunits, period, T, D};
    did_result r;
    if (did_fit(&in, &r, err) != 0) {
        st = err->st;
        goto done;
    }
    const char *model = a->name ? a->name : "did";
    int rc = mixed_did_add(m.coefficients, m.fit, model, &r);
    if (rc != 0)
        goto done;
    int pick = cli_pick_table(c, "did", table_names, 2, err);
    st = pick < 0 ? ST_EUSAGE
                  : cli_emit(c, pick == 0 ? m.coefficients : m.fit, err);
done:
    if (st == ST_ENOMEM && err->n == 0)
        err_set(err, ST_ENOMEM, "did", 0, 0, "out of memory");
    mixed_tables_free(&m);
    free(unit);
    free(slot);
    free(period);
    free(times);
    free(D);
    table_free(t);
    return st;
}

int cmd_did(int argc, char **argv)
{
    static const cli_command steps = {parse_args, run_did, NULL};
    did_args a = {0};
    return cli_main(argc, argv, &a, &steps);
}
