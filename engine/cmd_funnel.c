/*
 * cmd_funnel.c — `ecometer funnel DATA.csv --id C --type
 * ratio|proportion|score ...`: funnel-plot limits, each area's own
 * interval, z-scores and flags (METHODS §8), with the overdispersion
 * estimates and the spine chart's statistics as other tables.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../io/csvout.h"
#include "../io/study.h"
#include "../io/table.h"
#include "../models/funnel.h"
#include "cli.h"
#include "commands.h"
#include "comparetab.h"
#include "neighbours.h"

enum {
    OPT_ID = OPT_FIRST_COMMAND_OPTION,
    OPT_TYPE,
    OPT_OBSERVED,
    OPT_EXPECTED,
    OPT_DENOMINATOR,
    OPT_VALUE,
    OPT_SE,
    OPT_OVERDISPERSION,
    OPT_NAME,
    OPT_BETTER,
    OPT_MISSING
};

static const struct option options[] = {
    {"id", required_argument, NULL, OPT_ID},
    {"type", required_argument, NULL, OPT_TYPE},
    {"observed", required_argument, NULL, OPT_OBSERVED},
    {"expected", required_argument, NULL, OPT_EXPECTED},
    {"denominator", required_argument, NULL, OPT_DENOMINATOR},
    {"value", required_argument, NULL, OPT_VALUE},
    {"score", required_argument, NULL, OPT_VALUE},
    {"se", required_argument, NULL, OPT_SE},
    {"overdispersion", required_argument, NULL, OPT_OVERDISPERSION},
    {"name", required_argument, NULL, OPT_NAME},
    {"better", required_argument, NULL, OPT_BETTER},
    {"missing", required_argument, NULL, OPT_MISSING},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"table", required_argument, NULL, OPT_TABLE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer funnel DATA.csv --id C --type ratio --observed C\n"
    "                       (--expected C | --denominator C)\n"
    "       ecometer funnel DATA.csv --id C --type proportion --observed C\n"
    "                       --denominator C\n"
    "       ecometer funnel DATA.csv --id C --type score --value C --se C\n"
    "   [--overdispersion none|multiplicative|additive] [--name NAME]\n"
    "   [--better high|low] [--missing NA,-9] [--table funnel|overdispersion|"
    "spine]\n"
    "   [--format table|csv|json] [-o FILE] [-j N]\n"
    "Funnel-plot limits (METHODS.md section 8, Spiegelhalter 2005): exact\n"
    "Poisson limits for O/E (E given, or the denominator times the pooled\n"
    "rate), exact binomial limits for proportions against the pooled\n"
    "proportion, normal limits for scores against the mean of all areas; at\n"
    "95% and 99.8%, interpolated. z is on the variance-stabilising scale;\n"
    "--overdispersion widens the limits by phi (multiplicative) or tau^2\n"
    "(additive) when phi > 1. ci_low/ci_high: Byar (ratios), Wilson\n"
    "(proportions) or +-1.96 SE (scores). Areas with a missing value are\n"
    "left out (NA). --table overdispersion gives phi and tau^2; --table\n"
    "spine the spine chart's worst, 25th percentile, overall, 75th\n"
    "percentile and best (--better says which end is best; default high).\n";

static const struct {
    const char *name;
    funnel_type type;
} types[] = {{"ratio", FUNNEL_RATIO},
             {"proportion", FUNNEL_PROPORTION},
             {"score", FUNNEL_SCORE}};

static const struct {
    const char *name;
    funnel_od od;
} ods[] = {{"none", FUNNEL_OD_NONE},
           {"multiplicative", FUNNEL_OD_MULTIPLICATIVE},
           {"additive", FUNNEL_OD_ADDITIVE}};

static const char *const table_names[] = {"funnel", "overdispersion", "spine"};
static const char *const od_cols[] = {
    "indicator", "type", "areas",          "target",  "rate",
    "phi",       "tau2", "overdispersion", "adjusted"};
static const char *const spine_cols[] = {
    "indicator", "type", "areas", "worst", "q25", "overall", "q75", "best"};

typedef struct {
    const char *data, *id, *observed, *expected, *denominator, *value, *se;
    const char *name;
    int type, od, lower_is_better;
    char **missing;
    long nmissing;
} funnel_args;

static int pick(const char *arg, const char *option, const char *const *names,
                size_t n, error_buf *err)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arg, names[i]) == 0)
            return (int)i;
    char list[128] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    err_set(err, ST_EUSAGE, "funnel", 0, 0,
            "%s: unknown value \"%s\" (expected: %s)", option, arg, list);
    return -1;
}

/* The usage problem of the columns given for the type, or NULL. */
static const char *columns_problem(const funnel_args *a)
{
    switch (types[a->type].type) {
    case FUNNEL_RATIO:
        if (!a->observed)
            return "--type ratio needs --observed";
        if (!a->expected == !a->denominator)
            return "--type ratio needs one of --expected and --denominator";
        return a->value || a->se ? "--value and --se go with --type score"
                                 : NULL;
    case FUNNEL_PROPORTION:
        if (!a->observed || !a->denominator)
            return "--type proportion needs --observed and --denominator";
        if (a->expected)
            return "--expected goes with --type ratio";
        return a->value || a->se ? "--value and --se go with --type score"
                                 : NULL;
    case FUNNEL_SCORE:
        if (!a->value || !a->se)
            return "--type score needs --value and --se";
        return a->observed || a->expected || a->denominator
                   ? "--observed, --expected and --denominator go with "
                     "--type ratio or proportion"
                   : NULL;
    }
    return NULL;
}

static int parse_args(int argc, char **argv, void *args, cli_common *c,
                      error_buf *err)
{
    funnel_args *a = args;
    const char *type_names[3], *od_names[3];
    for (size_t i = 0; i < 3; i++) {
        type_names[i] = types[i].name;
        od_names[i] = ods[i].name;
    }
    static const char *const better_names[] = {"high", "low"};
    int opt;
    a->type = -1;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg, "funnel", err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        switch (opt) {
        case OPT_ID:
            a->id = optarg;
            break;
        case OPT_TYPE:
            if ((a->type = pick(optarg, "--type", type_names, 3, err)) < 0)
                return -1;
            break;
        case OPT_OBSERVED:
            a->observed = optarg;
            break;
        case OPT_EXPECTED:
            a->expected = optarg;
            break;
        case OPT_DENOMINATOR:
            a->denominator = optarg;
            break;
        case OPT_VALUE:
            a->value = optarg;
            break;
        case OPT_SE:
            a->se = optarg;
            break;
        case OPT_OVERDISPERSION:
            if ((a->od = pick(optarg, "--overdispersion", od_names, 3, err)) <
                0)
                return -1;
            break;
        case OPT_BETTER:
            if ((a->lower_is_better =
                     pick(optarg, "--better", better_names, 2, err)) < 0)
                return -1;
            break;
        case OPT_NAME:
            a->name = optarg;
            break;
        case OPT_MISSING:
            if ((a->nmissing = cli_list(optarg, "funnel", "--missing",
                                        &a->missing, err)) < 0)
                return -1;
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return 1;
        default:
            err_set(err, ST_EUSAGE, "funnel", 0, 0,
                    "unknown option (see 'ecometer funnel --help')");
            return -1;
        }
    }
    const char *missing = optind + 1 != argc ? "expected one DATA.csv"
                          : a->id == NULL    ? "expected --id"
                          : a->type < 0      ? "expected --type ratio, "
                                               "proportion or score"
                                             : columns_problem(a);
    if (missing != NULL) {
        err_set(err, ST_EUSAGE, "funnel", 0, 0,
                "%s (see 'ecometer funnel --help')", missing);
        return -1;
    }
    a->data = argv[optind];
    return 0;
}

/* Column indices in the table request: id, then up to three numbers. */
enum { C_ID, C_A, C_B, C_C };

/* Reports every invalid value with its place in the file. */
static status check_values(const table *t, const funnel_input *in,
                           const col_spec *cols, const size_t *col_of_field,
                           error_buf *err)
{
    status st = ST_OK;
    for (size_t r = 0; r < in->n; r++) {
        funnel_field field;
        const char *what = funnel_check(in, r, &field);
        if (what == NULL)
            continue;
        size_t c = col_of_field[field];
        char num[32];
        st = err_set(err, ST_EDATA, table_display(t), table_line(t, r),
                     table_field(t, c), "%s: expected %s, found \"%s\"",
                     cols[c].name, what,
                     csvout_format_number(table_numbers(t, c)[r], num));
    }
    return st;
}

/* One funnel.csv row per row of the data. */
static int funnel_rows(restab *t, const char *name, const char *type,
                       const table *data, const funnel_result *r)
{
    const int32_t *code = table_codes(data, C_ID);
    const char **ids = malloc((r->n ? r->n : 1) * sizeof *ids);
    if (ids == NULL)
        return -1;
    for (size_t i = 0; i < r->n; i++)
        ids[i] = table_text(data, code[i]);
    int rc = comparetab_funnel_rows(t, name, type, ids, r);
    free(ids);
    return rc;
}

static status run_funnel(const void *args, const cli_common *c, error_buf *err)
{
    const funnel_args *a = args;
    funnel_type type = types[a->type].type;
    col_spec cols[4];
    size_t ncols = 1, col_of_field[5] = {0};
    cols[C_ID] = (col_spec){a->id, COL_TEXT, 0, 0, 0, 0};
    const char *num_cols[3] = {0};
    funnel_field fields[3];
    if (type == FUNNEL_SCORE) {
        num_cols[0] = a->value;
        fields[0] = FUNNEL_FIELD_SCORE;
        num_cols[1] = a->se;
        fields[1] = FUNNEL_FIELD_SE;
    } else {
        num_cols[0] = a->observed;
        fields[0] = FUNNEL_FIELD_OBSERVED;
        num_cols[1] = a->expected ? a->expected : a->denominator;
        fields[1] =
            a->expected ? FUNNEL_FIELD_EXPECTED : FUNNEL_FIELD_DENOMINATOR;
    }
    for (size_t k = 0; k < 2; k++) {
        cols[ncols] = (col_spec){num_cols[k], COL_NUMBER, 0, 0, 0, 0};
        col_of_field[fields[k]] = ncols++;
    }
    table_request req = {a->data,
                         NULL,
                         cols,
                         ncols,
                         (const char *const *)a->missing,
                         a->nmissing > 0 ? (size_t)a->nmissing : 0,
                         0};
    restab *ft = comparetab_funnel_create(), *ot = restab_create(od_cols, 9);
    restab *st_ = restab_create(spine_cols, 8);
    funnel_result *r = NULL;
    status st = ST_ENOMEM;
    table *t = NULL;
    if (!ft || !ot || !st_)
        goto done;
    int which = cli_pick_table(c, "funnel", table_names, 3, err);
    if (which < 0) {
        st = ST_EUSAGE;
        goto done;
    }
    t = table_load(&req, err);
    if (t == NULL) {
        st = err->st;
        goto done;
    }
    funnel_input in = {type, table_nrows(t), NULL, NULL,
                       NULL, NULL,           NULL, ods[a->od].od};
    const double *x0 = table_numbers(t, C_A), *x1 = table_numbers(t, C_B);
    if (type == FUNNEL_SCORE) {
        in.score = x0;
        in.se = x1;
    } else {
        in.observed = x0;
        if (a->expected)
            in.expected = x1;
        else
            in.denominator = x1;
    }
    st = neighbours_check_ids(t, C_ID, err);
    status vst = check_values(t, &in, cols, col_of_field, err);
    if (st == ST_OK)
        st = vst;
    if (st != ST_OK)
        goto done;
    r = funnel_compute(&in, err);
    if (r == NULL) {
        st = err->st;
        goto done;
    }
    if (r->used < r->n && !c->quiet)
        fprintf(stderr,
                "ecometer: warning: %zu area(s) with a missing value left "
                "out (NA)\n",
                r->n - r->used);
    const char *name = a->name ? a->name : a->observed ? a->observed : a->value;
    const char *tname = types[a->type].name;
    int rc = 0;
    st = ST_ENOMEM;
    if (which == 0) {
        rc = funnel_rows(ft, name, tname, t, r);
    } else if (which == 1) {
        rc = restab_text(ot, name) | restab_text(ot, tname) |
             restab_int(ot, (long long)r->used) | restab_num(ot, r->target) |
             restab_num(ot, r->rate) | restab_num(ot, r->phi) |
             restab_num(ot, r->tau2) | restab_text(ot, ods[a->od].name) |
             restab_bool(ot, r->adjusted);
    } else {
        funnel_spine sp;
        if (funnel_spine_stats(r->n, r->value, r->target, !a->lower_is_better,
                               &sp, err) != 0) {
            st = err->st;
            goto done;
        }
        rc = restab_text(st_, name) | restab_text(st_, tname) |
             restab_int(st_, (long long)sp.n) | restab_num(st_, sp.worst) |
             restab_num(st_, sp.q25) | restab_num(st_, sp.overall) |
             restab_num(st_, sp.q75) | restab_num(st_, sp.best);
    }
    if (rc != 0)
        goto done;
    st = cli_emit(c, which == 0 ? ft : which == 1 ? ot : st_, err);
done:
    if (st == ST_ENOMEM && err->n == 0)
        err_set(err, ST_ENOMEM, "funnel", 0, 0, "out of memory");
    funnel_result_free(r);
    restab_free(ft);
    restab_free(ot);
    restab_free(st_);
    table_free(t);
    return st;
}

static void free_args(void *args)
{
    funnel_args *a = args;
    study_list_free(a->missing, a->nmissing > 0 ? (size_t)a->nmissing : 0);
}

int cmd_funnel(int argc, char **argv)
{
    static const cli_command steps = {parse_args, run_funnel, free_args};
    funnel_args a = {0};
    return cli_main(argc, argv, &a, &steps);
}
