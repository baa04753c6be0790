/*
 * cmd_reciprocity.c — `ecometer reciprocity EXCHANGES.csv`: the
 * reciprocity and co-production indices of METHODS §7 per area and
 * overall (--table reciprocity), and the member table (--table members).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "service.h"

enum {
    OPT_GIVER = OPT_FIRST_COMMAND_OPTION,
    OPT_RECEIVER,
    OPT_HOURS,
    OPT_AREA,
    OPT_ROLE,
    OPT_DATE,
    OPT_PROFESSIONAL,
    OPT_FROM,
    OPT_TO,
    OPT_LAYOUT,
    OPT_TRANSFER,
    OPT_ACCOUNT,
    OPT_AMOUNT,
    OPT_MEMBERS
};

static const struct option options[] = {
    {"giver", required_argument, NULL, OPT_GIVER},
    {"receiver", required_argument, NULL, OPT_RECEIVER},
    {"hours", required_argument, NULL, OPT_HOURS},
    {"area", required_argument, NULL, OPT_AREA},
    {"role", required_argument, NULL, OPT_ROLE},
    {"date", required_argument, NULL, OPT_DATE},
    {"professional", required_argument, NULL, OPT_PROFESSIONAL},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"layout", required_argument, NULL, OPT_LAYOUT},
    {"transfer", required_argument, NULL, OPT_TRANSFER},
    {"account", required_argument, NULL, OPT_ACCOUNT},
    {"amount", required_argument, NULL, OPT_AMOUNT},
    {"members", required_argument, NULL, OPT_MEMBERS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"table", required_argument, NULL, OPT_TABLE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer reciprocity EXCHANGES.csv [options]\n"
    "Reciprocity and co-production indices per area and overall (METHODS.md\n"
    "section 7), or with --table members the member table.\n"
    "  --giver --receiver --hours --area --role --date   column names\n"
    "        (defaults giver_id, receiver_id, hours, area_id, giver_role, "
    "date)\n"
    "  --professional VALUE   the role of paid staff (default professional)\n"
    "  --from DATE --to DATE  an inclusive window, YYYY-MM-DD\n"
    "  --layout movements     a double-entry ledger: one row per movement,\n"
    "        with --transfer, --account, --amount (seconds; defaults\n"
    "        transfer_id, account_id, amount) and --members FILE\n"
    "        (member_id, area_id, role)\n"
    "  --table reciprocity (default) or members\n";

static const char *const table_names[] = {"reciprocity", "members"};

static int date_option(const char *arg, const char *name, int *has,
                       int32_t *day, error_buf *err)
{
    if (!exchanges_parse_date(arg, strlen(arg), day) || strlen(arg) != 10) {
        err_set(err, ST_EUSAGE, "reciprocity", 0, 0,
                "%s: expected a date YYYY-MM-DD, found \"%s\"", name, arg);
        return -1;
    }
    *has = 1;
    return 0;
}

static int parse_args(int argc, char **argv, exchanges_request *req,
                      cli_common *c, error_buf *err)
{
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg, "reciprocity", err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        switch (opt) {
        case OPT_GIVER:
            req->giver = optarg;
            break;
        case OPT_RECEIVER:
            req->receiver = optarg;
            break;
        case OPT_HOURS:
            req->hours = optarg;
            break;
        case OPT_AREA:
            req->area = optarg;
            break;
        case OPT_ROLE:
            req->role = optarg;
            break;
        case OPT_DATE:
            req->date = optarg;
            break;
        case OPT_PROFESSIONAL:
            req->professional = optarg;
            break;
        case OPT_TRANSFER:
            req->transfer = optarg;
            break;
        case OPT_ACCOUNT:
            req->account = optarg;
            break;
        case OPT_AMOUNT:
            req->amount = optarg;
            break;
        case OPT_MEMBERS:
            req->members_path = req->members_display = optarg;
            break;
        case OPT_FROM:
            if (date_option(optarg, "--from", &req->has_from, &req->from, err))
                return -1;
            break;
        case OPT_TO:
            if (date_option(optarg, "--to", &req->has_to, &req->to, err))
                return -1;
            break;
        case OPT_LAYOUT:
            if (strcmp(optarg, "movements") != 0 &&
                strcmp(optarg, "rows") != 0) {
                err_set(err, ST_EUSAGE, "reciprocity", 0, 0,
                        "--layout: expected rows or movements, found \"%s\"",
                        optarg);
                return -1;
            }
            req->movements = optarg[0] == 'm';
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return 1;
        default:
            err_set(err, ST_EUSAGE, "reciprocity", 0, 0,
                    "unknown option (see 'ecometer reciprocity --help')");
            return -1;
        }
    }
    const char *problem = NULL;
    if (optind + 1 != argc)
        problem = "expected one EXCHANGES.csv (see 'ecometer reciprocity "
                  "--help')";
    else if (req->movements && req->members_path == NULL)
        problem = "--layout movements needs --members FILE";
    else if (req->has_from && req->has_to && req->from > req->to)
        problem = "--from: the window ends before it starts";
    if (problem != NULL) {
        err_set(err, ST_EUSAGE, "reciprocity", 0, 0, "%s", problem);
        return -1;
    }
    req->path = req->display = argv[optind];
    if (req->role == NULL && !req->movements) {
        req->role = "giver_role"; /* SPEC §3's name, if the file has it */
        req->role_optional = 1;
    }
    service_defaults(req);
    return 0;
}

int cmd_reciprocity(int argc, char **argv)
{
    error_buf *err = cli_error_buf();
    exchanges_request req = {0};
    cli_common c = {0};
    exchanges *x = NULL;
    recip_result *r = NULL;
    restab *recip = NULL, *members = NULL;
    if (err == NULL)
        return 1;
    int rc = parse_args(argc, argv, &req, &c, err);
    status st = rc < 0 ? err->st : ST_OK;
    int pick =
        rc == 0 ? cli_pick_table(&c, "reciprocity", table_names, 2, err) : 0;
    if (pick < 0)
        st = ST_EUSAGE;
    if (rc == 0 && st == ST_OK) {
        cli_set_threads(c.threads, 0);
        x = exchanges_load(&req, err);
        st = x ? ST_OK : err->st;
    }
    if (x != NULL) {
        recip_input in = {exchanges_count(x),        exchanges_giver(x),
                          exchanges_receiver(x),     exchanges_area(x),
                          exchanges_professional(x), exchanges_hours(x),
                          exchanges_nids(x),         exchanges_nareas(x)};
        r = recip_compute(&in, err);
        st = r ? ST_OK : err->st;
    }
    if (r != NULL) {
        if (r->self_exchanges > 0 && !c.quiet)
            fprintf(stderr,
                    "ecometer: warning: %zu self-exchange(s) (giver = "
                    "receiver) dropped\n",
                    r->self_exchanges);
        if (service_tables(x, r, &recip, &members) != 0)
            st = err_set(err, ST_ENOMEM, "reciprocity", 0, 0, "out of memory");
        else
            st = cli_emit(&c, pick == 0 ? recip : members, err);
    }
    if (st != ST_OK)
        cli_print_errors(err);
    restab_free(recip);
    restab_free(members);
    recip_result_free(r);
    exchanges_free(x);
    free(err);
    return rc > 0 ? 0 : err_exit_code(st);
}
