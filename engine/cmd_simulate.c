/*
 * cmd_simulate.c — `ecometer simulate -o DIR`: writes a complete
 * synthetic study (SPEC §1, §3): survey.csv, areas.csv, exchanges.csv,
 * neighbours.csv, areas.geojson, truth.csv and study.ini, from the model
 * in models/simulate.c. Areas are generated in parallel in blocks and
 * written in area order, so the files are the same for any -j.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../io/csvout.h"
#include "../models/simulate.h"
#include "cli.h"
#include "commands.h"
#include "outdir.h"

enum {
    OPT_AREAS = OPT_FIRST_COMMAND_OPTION,
    OPT_RESPONDENTS,
    OPT_EXCHANGES,
    OPT_WAVES
};

static const struct option options[] = {
    {"areas", required_argument, NULL, OPT_AREAS},
    {"respondents", required_argument, NULL, OPT_RESPONDENTS},
    {"exchanges", required_argument, NULL, OPT_EXCHANGES},
    {"waves", required_argument, NULL, OPT_WAVES},
    {"seed", required_argument, NULL, OPT_SEED},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer simulate -o DIR [--areas J] [--respondents M]\n"
    "                         [--exchanges K] [--waves W] [--seed S] [-j N]\n"
    "Writes a synthetic study from a model with known parameters (README.md,\n"
    "\"The simulation model\"): survey.csv, areas.csv, exchanges.csv,\n"
    "neighbours.csv, areas.geojson, truth.csv and study.ini.\n"
    "  --areas J        areas on a square grid (default 343)\n"
    "  --respondents M  mean respondents per area and wave (default 25)\n"
    "  --exchanges K    mean time bank exchanges per area (default 20)\n"
    "  --waves W        survey waves; time banks start in wave 2 (default 1)\n"
    "  --seed S         the seed (default 1); same seed, same files\n";

enum { BLOCK = 256 };

typedef struct {
    sim_params p;
    sim_area *areas;
    int id_width; /* digits in area ids */
} sim_ctx;

/* Formats the rows of one area into a stream. */
typedef int (*area_rows)(const sim_ctx *s, size_t k, size_t wave, FILE *f);

static void area_id(const sim_ctx *s, size_t k, char *buf, size_t cap)
{
    snprintf(buf, cap, "A%0*zu", s->id_width, k + 1);
}

/* Writes rows for every area, generating blocks of areas in parallel into
 * memory and appending them in area order. */
static status write_by_area(const sim_ctx *s, area_rows fn, size_t wave,
                            FILE *out, const char *name, error_buf *err)
{
    size_t n = s->p.areas;
    char *buf[BLOCK];
    size_t len[BLOCK];
    int failed = 0;
    for (size_t start = 0; start < n && !failed; start += BLOCK) {
        if (cli_interrupted())
            return err_set(err, ST_EDATA, NULL, 0, 0, "interrupted");
        size_t m = n - start < BLOCK ? n - start : BLOCK;
#pragma omp parallel for schedule(dynamic) default(none)                       \
    shared(s, fn, wave, buf, len, start, m) reduction(|                        \
                                                      : failed)
        for (size_t i = 0; i < m; i++) {
            buf[i] = NULL;
            FILE *f = open_memstream(&buf[i], &len[i]);
            if (f == NULL) {
                failed |= 1;
                continue;
            }
            failed |= fn(s, start + i, wave, f) != 0;
            failed |= fclose(f) != 0;
        }
        for (size_t i = 0; i < m; i++) {
            if (!failed && buf[i] && fwrite(buf[i], 1, len[i], out) != len[i])
                failed = 1;
            free(buf[i]);
        }
    }
    if (failed)
        return err_set(err, ST_EIO, name, 0, 0, "write failed");
    return ST_OK;
}

static int survey_rows(const sim_ctx *s, size_t k, size_t wave, FILE *f)
{
    sim_respondent *res;
    size_t m = sim_respondents(&s->p, s->areas, k, wave, &res);
    if (m == (size_t)-1)
        return -1;
    char id[32], resp[64];
    area_id(s, k, id, sizeof id);
    csvout w;
    csvout_init(&w, f);
    for (size_t j = 0; j < m; j++) {
        const sim_respondent *r = &res[j];
        snprintf(resp, sizeof resp, "R%zu-%s-%03zu", wave, id + 1, j + 1);
        csvout_text(&w, resp);
        csvout_text(&w, id);
        if (s->p.waves > 1)
            csvout_int(&w, (long long)wave);
        csvout_int(&w, r->age);
        csvout_int(&w, r->female);
        csvout_int(&w, r->owner);
        csvout_int(&w, r->years_resident);
        for (int i = 0; i < SIM_ITEMS; i++)
            if (r->answer[i] > 0)
                csvout_int(&w, r->answer[i]);
            else
                csvout_na(&w);
        csvout_end_row(&w);
    }
    free(res);
    return csvout_error(&w);
}

static void member_id(const char *area, size_t i, size_t members, char *buf,
                      size_t cap)
{
    if (i < members)
        snprintf(buf, cap, "M%s-%03zu", area + 1, i + 1);
    else
        snprintf(buf, cap, "P%s-%zu", area + 1, i - members + 1);
}

static int exchange_rows(const sim_ctx *s, size_t k, size_t wave, FILE *f)
{
    (void)wave;
    sim_exchange *x;
    size_t members, pros;
    size_t n = sim_exchanges(&s->p, s->areas, k, &x, &members, &pros);
    if (n == (size_t)-1)
        return -1;
    static const int month_days[] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    char id[32], xid[64], giver[64], receiver[64], date[40];
    area_id(s, k, id, sizeof id);
    csvout w;
    csvout_init(&w, f);
    for (size_t e = 0; e < n; e++) {
        const sim_exchange *ex = &x[e];
        int day = ex->day, month = 0;
        while (day >= month_days[month])
            day -= month_days[month++];
        snprintf(date, sizeof date, "2025-%02d-%02d", month + 1, day + 1);
        snprintf(xid, sizeof xid, "E%s-%04zu", id + 1, e + 1);
        member_id(id, ex->giver, members, giver, sizeof giver);
        member_id(id, ex->receiver, members, receiver, sizeof receiver);
        csvout_text(&w, xid);
        csvout_text(&w, date);
        csvout_text(&w, giver);
        csvout_text(&w, receiver);
        csvout_text(&w, ex->professional ? "professional" : "member");
        csvout_num(&w, ex->hours);
        csvout_text(&w, sim_categories[ex->category]);
        csvout_text(&w, id);
        csvout_end_row(&w);
    }
    free(x);
    return csvout_error(&w);
}

static void header(csvout *w, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        csvout_text(w, names[i]);
    csvout_end_row(w);
}

static int write_areas(const sim_ctx *s, FILE *f)
{
    static const char *const cols[] = {
        "area_id",        "area_name",    "region",        "population",
        "poverty",        "unemployment", "public_assist", "female_head",
        "under18",        "immigrant",    "owner_occ",     "same_house5",
        "violent_crimes", "homicides",    "timebank"};
    csvout w;
    csvout_init(&w, f);
    header(&w, cols, sizeof cols / sizeof cols[0]);
    char id[32], name[64];
    for (size_t k = 0; k < s->p.areas; k++) {
        const sim_area *a = &s->areas[k];
        area_id(s, k, id, sizeof id);
        snprintf(name, sizeof name, "Neighbourhood %zu", k + 1);
        csvout_text(&w, id);
        csvout_text(&w, name);
        csvout_text(&w, sim_region_names[a->region]);
        csvout_num(&w, a->population);
        const double v[] = {a->poverty,     a->unemployment, a->public_assist,
                            a->female_head, a->under18,      a->immigrant,
                            a->owner_occ,   a->same_house5};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
            csvout_num(&w, v[i]);
        csvout_int(&w, a->violent_crimes);
        csvout_int(&w, a->homicides);
        csvout_int(&w, a->timebank);
        csvout_end_row(&w);
    }
    return csvout_error(&w);
}

static int write_truth(const sim_ctx *s, FILE *f)
{
    static const char *const cols[] = {
        "area_id",  "disadvantage", "efficacy_effect",  "efficacy",
        "timebank", "did_effect",   "expected_violent", "expected_homicides"};
    csvout w;
    csvout_init(&w, f);
    header(&w, cols, sizeof cols / sizeof cols[0]);
    char id[32];
    for (size_t k = 0; k < s->p.areas; k++) {
        const sim_area *a = &s->areas[k];
        area_id(s, k, id, sizeof id);
        csvout_text(&w, id);
        csvout_num(&w, a->disadvantage);
        csvout_num(&w, a->effect);
        csvout_num(&w, a->efficacy);
        csvout_int(&w, a->timebank);
        csvout_num(&w, a->did_effect);
        csvout_num(&w, a->expected_violent);
        csvout_num(&w, a->expected_homicides);
        csvout_end_row(&w);
    }
    return csvout_error(&w);
}

/* Rook neighbours on the grid, both directions, in area order. */
static int write_neighbours(const sim_ctx *s, FILE *f)
{
    static const char *const cols[] = {"from", "to"};
    csvout w;
    csvout_init(&w, f);
    header(&w, cols, 2);
    size_t n = s->p.areas, width = sim_grid_width(n);
    char a[32], b[32];
    for (size_t k = 0; k < n; k++) {
        size_t row = k / width, col = k % width;
        size_t nb[4], m = 0;
        if (row > 0)
            nb[m++] = k - width;
        if (col > 0)
            nb[m++] = k - 1;
        if (col + 1 < width && k + 1 < n)
            nb[m++] = k + 1;
        if (k + width < n)
            nb[m++] = k + width;
        area_id(s, k, a, sizeof a);
        for (size_t i = 0; i < m; i++) {
            area_id(s, nb[i], b, sizeof b);
            csvout_text(&w, a);
            csvout_text(&w, b);
            csvout_end_row(&w);
        }
    }
    return csvout_error(&w);
}

/* Grid squares in longitude and latitude (near Chicago), north up. */
static int write_geojson(const sim_ctx *s, FILE *f)
{
    const double lon0 = -87.95, lat0 = 42.05, dlon = 0.02, dlat = 0.015;
    json_t *features = json_array();
    char id[32];
    int rc = features == NULL;
    for (size_t k = 0; k < s->p.areas && rc == 0; k++) {
        const sim_area *a = &s->areas[k];
        double x0 = lon0 + dlon * (double)a->col,
               y0 = lat0 - dlat * (double)a->row;
        area_id(s, k, id, sizeof id);
        json_t *ring =
            json_pack("[[f,f],[f,f],[f,f],[f,f],[f,f]]", x0, y0, x0, y0 - dlat,
                      x0 + dlon, y0 - dlat, x0 + dlon, y0, x0, y0);
        json_t *feature = json_pack(
            "{s:s, s:{s:s}, s:{s:s, s:[o]}}", "type", "Feature", "properties",
            "area_id", id, "geometry", "type", "Polygon", "coordinates", ring);
        rc = feature == NULL || json_array_append_new(features, feature) != 0;
    }
    json_t *doc = rc == 0 ? json_pack("{s:s, s:o}", "type", "FeatureCollection",
                                      "features", features)
                          : NULL;
    if (doc == NULL)
        json_decref(features);
    rc = rc || doc == NULL ||
         json_dumpf(doc, f, JSON_COMPACT | JSON_REAL_PRECISION(10)) != 0 ||
         fputc('\n', f) == EOF;
    json_decref(doc);
    return rc ? -1 : 0;
}

static int write_study(const sim_ctx *s, FILE *f)
{
    int rc = fprintf(
        f,
        "; A synthetic study written by `ecometer simulate` (README.md, \"The\n"
        "; simulation model\"): %zu areas, %g respondents and %g exchanges "
        "per\n"
        "; area on average, %zu wave(s), seed %llu.\n"
        "[study]\n"
        "title = Simulated study of collective efficacy and time banking\n"
        "seed = %llu\n\n"
        "[survey]\n"
        "file = survey.csv\n"
        "respondent = resp_id\n"
        "area = area_id\n"
        "%s"
        "missing = NA\n\n"
        "[areas]\n"
        "file = areas.csv\n"
        "area = area_id\n"
        "name = area_name\n"
        "region = region\n"
        "population = population\n"
        "neighbours = neighbours.csv\n"
        "map = areas.geojson\n\n"
        "[derive]\n"
        "violence_rate = violent_crimes / population * 1000\n\n"
        "[exchanges]\n"
        "file = exchanges.csv\n"
        "giver = giver_id\n"
        "receiver = receiver_id\n"
        "hours = hours\n"
        "area = area_id\n"
        "role = giver_role\n"
        "professional = professional\n"
        "date = date\n\n"
        "[scale cohesion]\n"
        "items = coh1, coh2, coh3, coh4, coh5\n"
        "reverse = coh4, coh5\n"
        "range = 1, 5\n\n"
        "[scale control]\n"
        "items = isc1, isc2, isc3, isc4, isc5\n"
        "range = 1, 5\n\n"
        "[scale efficacy]\n"
        "combine = cohesion, control\n"
        "adjust = age, female, owner, years_resident\n\n"
        "[index disadvantage]\n"
        "from = poverty, unemployment, public_assist, female_head, under18\n"
        "method = pca\n\n"
        "[model violence]\n"
        "formula = violent_crimes ~ disadvantage + immigrant + owner_occ\n"
        "          + efficacy + offset(log(population))\n"
        "family = negbin\n"
        "data = areas\n\n"
        "[mediation]\n"
        "x = disadvantage\n"
        "m = efficacy\n"
        "y = violence_rate\n"
        "bootstrap = 2000\n\n"
        "[compare crimes]\n"
        "observed = violent_crimes\n"
        "denominator = population\n"
        "overdispersion = multiplicative\n\n"
        "[compare efficacy]\n"
        "score = efficacy\n\n"
        "[spatial]\n"
        "variables = efficacy, violence_rate\n"
        "permutations = 999\n\n"
        "%s",
        s->p.areas, s->p.respondents, s->p.exchanges, s->p.waves,
        (unsigned long long)s->p.seed, (unsigned long long)s->p.seed,
        s->p.waves > 1 ? "wave = wave\n" : "",
        s->p.waves > 1 ? "[evaluate timebank]\n"
                         "outcome = efficacy\n"
                         "treated = timebank\n"
                         "start = 2\n"
                       : "");
    return rc < 0 ? -1 : 0;
}

typedef int (*whole_file)(const sim_ctx *s, FILE *f);

static status write_whole(outdir *od, const char *rel, whole_file fn,
                          const sim_ctx *s, error_buf *err)
{
    FILE *f = outdir_open(od, rel, err);
    if (f == NULL)
        return err->st;
    int failed = fn(s, f) != 0;
    status st = outdir_close(od, f, rel, err);
    if (failed && st == ST_OK)
        st = err_set(err, ST_EIO, rel, 0, 0, "write failed");
    return st;
}

static status write_survey(outdir *od, const sim_ctx *s, error_buf *err)
{
    FILE *f = outdir_open(od, "survey.csv", err);
    if (f == NULL)
        return err->st;
    csvout w;
    csvout_init(&w, f);
    const char *const lead[] = {"resp_id", "area_id", "wave",          "age",
                                "female",  "owner",   "years_resident"};
    for (size_t i = 0; i < 7; i++)
        if (i != 2 || s->p.waves > 1)
            csvout_text(&w, lead[i]);
    for (int i = 0; i < SIM_ITEMS; i++)
        csvout_text(&w, sim_item_names[i]);
    csvout_end_row(&w);
    status st = ST_OK;
    for (size_t wave = 1; wave <= s->p.waves && st == ST_OK; wave++)
        st = write_by_area(s, survey_rows, wave, f, "survey.csv", err);
    status cst = outdir_close(od, f, "survey.csv", err);
    return st != ST_OK ? st : cst;
}

static status write_exchanges(outdir *od, const sim_ctx *s, error_buf *err)
{
    FILE *f = outdir_open(od, "exchanges.csv", err);
    if (f == NULL)
        return err->st;
    static const char *const cols[] = {"exchange_id", "date",       "giver_id",
                                       "receiver_id", "giver_role", "hours",
                                       "category",    "area_id"};
    csvout w;
    csvout_init(&w, f);
    header(&w, cols, sizeof cols / sizeof cols[0]);
    status st = write_by_area(s, exchange_rows, 0, f, "exchanges.csv", err);
    status cst = outdir_close(od, f, "exchanges.csv", err);
    return st != ST_OK ? st : cst;
}

static int parse_positive(const char *arg, const char *opt, double max,
                          double *out, error_buf *err)
{
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end != '\0' || !(v >= 1 && v <= max)) {
        err_set(err, ST_EUSAGE, "simulate", 0, 0,
                "%s: expected a number from 1 to %.0f, found \"%s\"", opt, max,
                arg);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, sim_params *p, cli_common *c,
                      error_buf *err)
{
    double areas = 343, waves = 1;
    p->respondents = 25;
    p->exchanges = 20;
    int opt, rc = 0;
    optind = 1;
    while (rc == 0 &&
           (opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int common = cli_common_option(c, opt, optarg, "simulate", err);
        if (common != 0) {
            rc = common < 0 ? -1 : 0;
            continue;
        }
        switch (opt) {
        case OPT_AREAS:
            rc = parse_positive(optarg, "--areas", 1e7, &areas, err);
            break;
        case OPT_RESPONDENTS:
            rc = parse_positive(optarg, "--respondents", 1e5, &p->respondents,
                                err);
            break;
        case OPT_EXCHANGES:
            rc = parse_positive(optarg, "--exchanges", 1e6, &p->exchanges, err);
            break;
        case OPT_WAVES:
            rc = parse_positive(optarg, "--waves", 20, &waves, err);
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return 1;
        default:
            err_set(err, ST_EUSAGE, "simulate", 0, 0,
                    "unknown option (see 'ecometer simulate --help')");
            return -1;
        }
    }
    if (rc != 0)
        return rc;
    if (optind != argc || c->out == NULL) {
        err_set(err, ST_EUSAGE, "simulate", 0, 0,
                "expected -o DIR and no other arguments (see 'ecometer "
                "simulate --help')");
        return -1;
    }
    p->areas = (size_t)areas;
    p->waves = (size_t)waves;
    p->seed = c->has_seed ? c->seed : 1;
    return 0;
}

int cmd_simulate(int argc, char **argv)
{
    error_buf *err = cli_error_buf();
    cli_common c = {0};
    sim_ctx s = {0};
    if (err == NULL)
        return 1;
    int rc = parse_args(argc, argv, &s.p, &c, err);
    if (rc != 0) {
        if (rc < 0)
            cli_print_errors(err);
        free(err);
        return rc < 0 ? 2 : 0;
    }
    cli_set_threads(c.threads, 0);
    cli_catch_signals();
    char digits[32];
    s.id_width = snprintf(digits, sizeof digits, "%zu", s.p.areas);
    s.areas = sim_make_areas(&s.p);
    outdir *od = s.areas ? outdir_begin(c.out, err) : NULL;
    status st = od ? ST_OK : s.areas ? err->st : ST_ENOMEM;
    if (st == ST_OK)
        st = write_whole(od, "study.ini", write_study, &s, err);
    if (st == ST_OK)
        st = write_whole(od, "areas.csv", write_areas, &s, err);
    if (st == ST_OK)
        st = write_whole(od, "truth.csv", write_truth, &s, err);
    if (st == ST_OK)
        st = write_whole(od, "neighbours.csv", write_neighbours, &s, err);
    if (st == ST_OK)
        st = write_whole(od, "areas.geojson", write_geojson, &s, err);
    if (st == ST_OK)
        st = write_survey(od, &s, err);
    if (st == ST_OK)
        st = write_exchanges(od, &s, err);
    if (st == ST_OK) {
        st = outdir_commit(od, err);
    } else {
        outdir_abort(od);
    }
    if (st == ST_ENOMEM && err->n == 0)
        err_set(err, ST_ENOMEM, "simulate", 0, 0, "out of memory");
    if (st != ST_OK)
        cli_print_errors(err);
    free(s.areas);
    free(err);
    return cli_interrupted() ? 130 : err_exit_code(st);
}
