/*
 * cmd_run.c — `ecometer run STUDY.ini` and `ecometer demo`: the pipeline
 * of SPEC §4 — load and check the inputs, run each stage the study asks
 * for, and write tables, figures, the reports, summary.json,
 * manifest.json and run.json into a temporary folder that replaces DIR
 * only when everything succeeded.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../io/geojson.h"
#include "../io/hash.h"
#include "../io/study.h"
#include "areastage.h"
#include "cli.h"
#include "commands.h"
#include "compare.h"
#include "inputs.h"
#include "measure.h"
#include "narrative.h"
#include "outdir.h"
#include "service.h"
#include "tablewrite.h"

static const struct option options[] = {
    {"seed", required_argument, NULL, OPT_SEED},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

static const char run_usage[] =
    "Usage: ecometer run STUDY.ini [-o DIR] [-j N] [--seed S] [--quiet]\n"
    "Runs the whole study and writes its outputs into DIR (default: out):\n"
    "tables/*.csv, summary.json, manifest.json and run.json. DIR is replaced\n"
    "only when everything succeeded; a failed run leaves it as it was.\n";

static const char demo_usage[] =
    "Usage: ecometer demo [-o DIR] [-j N] [--quiet]\n"
    "Runs the bundled demo study (datasets/demo/study.ini) into DIR\n"
    "(default: out/demo).\n";

enum { STAGES = 10 };
static const char *const stage_names[STAGES] = {
    "load",    "scales",  "ecometric", "exchanges", "models",
    "compare", "spatial", "figures",   "report",    "total"};
enum {
    T_LOAD,
    T_SCALES,
    T_ECOMETRIC,
    T_EXCHANGES,
    T_MODELS,
    T_COMPARE,
    T_SPATIAL,
    T_FIGURES,
    T_REPORT = 8,
    T_TOTAL = 9
};

typedef struct {
    char code[48];
    char message[ERR_MSG];
} warning;

/* A file with its size and SHA-256, as manifest.json lists it. */
typedef struct {
    char *path;       /* to read (the outputs' are allocated) */
    const char *name; /* as listed */
    char hex[65];
    uint64_t bytes;
} hashed_file;

/* Hashes files in parallel (one task each: the big inputs dominate).
 * ST_OK, or the first failure in order with err set. */
static status hash_files(hashed_file *f, size_t n, error_buf *err)
{
    error_buf *errs = calloc(n ? n : 1, sizeof *errs);
    status *st = calloc(n ? n : 1, sizeof *st);
    if (errs == NULL || st == NULL) {
        free(errs);
        free(st);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
#pragma omp parallel for schedule(dynamic, 1) default(none)                    \
    shared(f, n, errs, st)
    for (size_t i = 0; i < n; i++)
        st[i] =
            hash_file(f[i].path, f[i].name, f[i].hex, &f[i].bytes, &errs[i]);
    status first = ST_OK;
    for (size_t i = 0; i < n && first == ST_OK; i++)
        if (st[i] != ST_OK) {
            *err = errs[i];
            first = st[i];
        }
    free(errs);
    free(st);
    return first;
}

/* Item columns restricted to the latest wave: the table's own columns
 * when every row is in it, else compact copies (owned[i] set). */
typedef struct {
    const double **col;
    double **owned;
    int32_t *group;
    size_t n;
} wave_data;

static void wave_data_free(wave_data *w, size_t nitems)
{
    for (size_t i = 0; w->owned && i < nitems; i++)
        free(w->owned[i]);
    free(w->owned);
    free(w->col);
    free(w->group);
}

static int wave_data_make(const inputs *in, wave_data *w)
{
    size_t n = table_nrows(in->survey), m = in->nlatest;
    w->n = m;
    w->col = calloc(in->nitems ? in->nitems : 1, sizeof *w->col);
    w->owned = calloc(in->nitems ? in->nitems : 1, sizeof *w->owned);
    w->group = malloc((m ? m : 1) * sizeof *w->group);
    if (w->col == NULL || w->owned == NULL || w->group == NULL)
        return -1;
    for (size_t r = 0, j = 0; r < n; r++)
        if (in->latest[r])
            w->group[j++] = in->area_of[r];
    for (size_t i = 0; i < in->nitems; i++) {
        const double *all = table_numbers(in->survey, in->first_item + i);
        if (m == n) {
            w->col[i] = all;
            continue;
        }
        w->owned[i] = malloc((m ? m : 1) * sizeof **w->owned);
        if (w->owned[i] == NULL)
            return -1;
        for (size_t r = 0, j = 0; r < n; r++)
            if (in->latest[r])
                w->owned[i][j++] = all[r];
        w->col[i] = w->owned[i];
    }
    return 0;
}

typedef struct {
    study *s;
    inputs in;
    cli_common c;
    int threads;
    uint64_t seed;
    warning *warnings;
    size_t nwarnings;
    double seconds[STAGES];
    wave_data w;                  /* the latest wave's measures */
    const double ***cols;         /* per scale: its item columns in w */
    scale_result **results;       /* per scale */
    ecometric_result **ecometric; /* per scale */
    exchanges *x;                 /* [exchanges], or NULL */
    recip_result *recip;
    wave_scores *evaluations; /* per [evaluate] section */
    size_t nevaluations;
    area_stage_tables area; /* [derive] [index] [model] [mediation] */
    compare_output cmp;     /* ranks, [compare], [spatial] */
    hashed_file inputs[5];  /* the data files, then the study file */
    geo_areas geo;          /* [areas] map */
    status map_st;          /* its reading's result, kept for load_map */
    error_buf map_err;
    size_t ninputs;
    outdir *od;
    error_buf *err;
} run_ctx;

__attribute__((format(printf, 3, 4))) static int
warn(run_ctx *r, const char *code, const char *fmt, ...)
{
    warning *w = realloc(r->warnings, (r->nwarnings + 1) * sizeof *w);
    if (w == NULL)
        return -1;
    r->warnings = w;
    w = &w[r->nwarnings++];
    snprintf(w->code, sizeof w->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->message, sizeof w->message, fmt, ap);
    va_end(ap);
    cli_warn(&r->c, w->message);
    return 0;
}

static void warn_small_areas(run_ctx *r)
{
    if (r->in.survey == NULL)
        return;
    size_t *count = calloc(r->in.nareas ? r->in.nareas : 1, sizeof *count);
    if (count == NULL)
        return;
    for (size_t i = 0; i < table_nrows(r->in.survey); i++)
        if (r->in.area_of[i] >= 0)
            count[r->in.area_of[i]]++;
    size_t one = 0, none = 0;
    const char *example = NULL;
    for (size_t a = 0; a < r->in.nareas; a++) {
        one += count[a] == 1;
        none += count[a] == 0;
        if (count[a] == 1 && example == NULL)
            example = r->in.area_ids[a];
    }
    if (one > 0)
        warn(r, "single_respondent_areas",
             "%zu area(s) have one respondent in wave %ld (first: %s); their "
             "scores are shrunk strongly towards the mean and their agreement "
             "(rwg) is missing",
             one, r->in.latest_wave, example);
    if (none > 0)
        warn(r, "areas_without_respondents",
             "%zu area(s) in the areas file have no respondent in wave %ld",
             none, r->in.latest_wave);
    free(count);
}

/* The latest wave's column of an item or covariate. */
static const double *column_of(const run_ctx *r, const char *name)
{
    size_t c = inputs_item_column(&r->in, name);
    return r->w.col[c - r->in.first_item];
}

/* The scale stage: every scale of the study, in parallel; each writes
 * only its own result slot, and tables are assembled in study order. */
static status stage_scales(run_ctx *r)
{
    const study *s = r->s;
    size_t ns = s->nscales;
    status st = ST_OK;
    r->results = calloc(ns ? ns : 1, sizeof(scale_result *));       // NOLINT
    r->ecometric = calloc(ns ? ns : 1, sizeof(ecometric_result *)); // NOLINT
    r->cols = calloc(ns ? ns : 1, sizeof(const double **));
    error_buf *errs = calloc(ns ? ns : 1, sizeof *errs);
    if (r->results == NULL || r->ecometric == NULL || errs == NULL ||
        r->cols == NULL || wave_data_make(&r->in, &r->w) != 0) {
        st = err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    const double ***cols = r->cols;
    for (size_t i = 0; i < ns; i++) {
        cols[i] = calloc(s->scales[i].nitems, sizeof **cols);
        if (cols[i] == NULL) {
            st = err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        for (size_t j = 0; j < s->scales[i].nitems; j++)
            cols[i][j] = column_of(r, s->scales[i].items[j]);
    }
    int failed = 0;
    wave_data w = r->w;
    const inputs *in = &r->in;
    scale_result **results = r->results;
#pragma omp parallel for schedule(dynamic) default(none)                       \
    shared(s, ns, w, cols, errs, results, in) reduction(|                      \
                                                        : failed)
    for (size_t i = 0; i < ns; i++) {
        const study_scale *sc = &s->scales[i];
        scale_input si = {w.n,     sc->nitems, cols[i], sc->reversed,
                          sc->low, sc->high,   w.group, in->nareas};
        results[i] = scale_compute(&si, &errs[i]);
        failed |= results[i] == NULL;
    }
    for (size_t i = 0; failed && i < ns; i++)
        for (size_t k = 0; k < errs[i].n; k++) {
            err_set(r->err, errs[i].st, "scale", 0, 0, "[scale %s]: %s",
                    s->scales[i].name, errs[i].msg[k]);
            st = errs[i].st;
        }
done:
    free(errs);
    return st;
}

/* The exchanges stage in two halves: the file, read with every thread
 * (exchanges_read), then the indices, computed beside the survey's
 * measures (reciprocity); see first_stages. Each reports into the error
 * buffer it is given and leaves its warnings to warn_exchanges. */
static status exchanges_read(run_ctx *r, error_buf *err)
{
    exchanges_request req;
    status st = service_request(r->s, &req, err);
    if (st != ST_OK)
        return st;
    r->x = exchanges_load(&req, err);
    return r->x == NULL ? err->st : ST_OK;
}

static status reciprocity(run_ctx *r, error_buf *err)
{
    const exchanges *x = r->x;
    recip_input in = {exchanges_count(x),        exchanges_giver(x),
                      exchanges_receiver(x),     exchanges_area(x),
                      exchanges_professional(x), exchanges_hours(x),
                      exchanges_nids(x),         exchanges_nareas(x)};
    r->recip = recip_compute(&in, err);
    return r->recip == NULL ? err->st : ST_OK;
}

static void warn_exchanges(run_ctx *r)
{
    if (r->recip != NULL && r->recip->self_exchanges > 0)
        warn(r, "self_exchanges_dropped",
             "%zu self-exchange(s) (giver = receiver) dropped",
             r->recip->self_exchanges);
    if (r->x != NULL && exchanges_count(r->x) == 0)
        warn(r, "no_exchanges", "no exchange lies in the window");
}

/* The ecometric stage: the three-level model per scale, one after the
 * other (each fit runs its own sums in parallel). */
/* The ecometric model of scale i into r->ecometric[i]; messages into
 * err, each naming the scale. */
static status fit_ecometric(run_ctx *r, size_t i, error_buf *err)
{
    const study_scale *sc = &r->s->scales[i];
    const double *covs[48];
    size_t q = sc->nadjust < 48 ? sc->nadjust : 48;
    for (size_t k = 0; k < q; k++)
        covs[k] = column_of(r, sc->adjust[k]);
    ecometric_input ei = {r->w.n,  sc->nitems, r->cols[i], sc->reversed,
                          sc->low, sc->high,   r->w.group, r->in.nareas,
                          q,       covs};
    error_buf *e = calloc(1, sizeof *e);
    if (e == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    r->ecometric[i] = ecometric_fit(&ei, e);
    for (size_t k = 0; r->ecometric[i] == NULL && k < e->n; k++)
        err_set(err, e->st, NULL, 0, 0, "[scale %s]: %s", sc->name, e->msg[k]);
    status st = r->ecometric[i] ? ST_OK : e->st;
    free(e);
    return st;
}

static void warn_ecometric(run_ctx *r)
{
    for (size_t i = 0; i < r->s->nscales; i++)
        if (!r->ecometric[i]->fit->converged)
            warn(r, "ecometric_not_converged",
                 "[scale %s]: the ecometric model's optimiser did not "
                 "converge",
                 r->s->scales[i].name);
}

/* The outcome of each [evaluate], refitted wave by wave. */
static status stage_evaluate(run_ctx *r)
{
    const study *s = r->s;
    for (size_t i = 0; i < s->nsections; i++) {
        if (strcmp(s->sections[i].kind, "evaluate") != 0)
            continue;
        wave_scores *w =
            realloc(r->evaluations, (r->nevaluations + 1) * sizeof *w);
        if (w == NULL)
            return err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        r->evaluations = w;
        status st =
            evaluate_wave_scores(s, &s->sections[i], &r->in,
                                 (const ecometric_result *const *)r->ecometric,
                                 &w[r->nevaluations], r->err);
        if (st != ST_OK)
            return st;
        r->nevaluations++;
    }
    return ST_OK;
}

static status restab_rows(const void *ctx, FILE *f, size_t from, size_t to,
                          int header, const char *where, error_buf *err)
{
    return restab_write_csv_rows(ctx, f, from, to, header, where, err);
}

static status members_rows(const void *ctx, FILE *f, size_t from, size_t to,
                           int header, const char *where, error_buf *err)
{
    return service_members_csv(ctx, f, from, to, header, where, err);
}

/* The tables `run` writes, in order, with what they are made from: kept
 * until the writer is done with them. */
enum { RUN_TABLES = 4 + 2 + 8 }; /* scale, exchange and area tables */
typedef struct {
    measure_tables m;
    ecometric_tables e;
    restab *recip;
    service_members members;
    output_table t[RUN_TABLES];
    size_t n;
} run_tables;

static void run_tables_free(run_tables *rt)
{
    measure_tables_free(&rt->m);
    ecometric_tables_free(&rt->e);
    restab_free(rt->recip);
    service_members_free(&rt->members);
}

/* Adds a result table; a NULL one is skipped. */
static void add_table(run_tables *rt, const char *rel, const restab *t)
{
    rt->t[rt->n++] =
        (output_table){t ? rel : NULL, t ? restab_nrows(t) : 0, restab_rows, t};
}

static status scale_tables(run_ctx *r, run_tables *rt)
{
    if (r->s->nscales == 0)
        return ST_OK;
    if (measure_tables_create(&rt->m) != 0 ||
        ecometric_tables_create(&rt->e) != 0)
        return err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < r->s->nscales; i++) {
        const study_scale *sc = &r->s->scales[i];
        if (measure_tables_add(&rt->m, sc->name, r->results[i],
                               (const char *const *)sc->items, sc->reversed,
                               r->in.area_ids, r->in.nareas) != 0)
            return err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < r->s->nscales; i++) {
        const study_scale *sc = &r->s->scales[i];
        if (ecometric_tables_add(
                &rt->e, sc->name, r->ecometric[i], r->results[i],
                r->results[i]->score, r->w.group, r->w.n, r->in.area_ids,
                (const char *const *)sc->items, sc->nitems,
                (const char *const *)sc->adjust, sc->nadjust,
                r->cmp.rank_low ? r->cmp.rank_low[i] : NULL,
                r->cmp.rank_high ? r->cmp.rank_high[i] : NULL) != 0)
            return err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    add_table(rt, "tables/scales.csv", rt->m.scales);
    add_table(rt, "tables/items.csv", rt->m.items);
    add_table(rt, "tables/area_scores.csv", rt->e.areas);
    add_table(rt, "tables/variance_components.csv", rt->e.components);
    return ST_OK;
}

static status exchange_tables(run_ctx *r, run_tables *rt)
{
    if (r->recip == NULL)
        return ST_OK;
    if (service_tables(r->x, r->recip, &rt->recip, NULL) != 0 ||
        service_members_order(r->x, r->recip, &rt->members) != 0)
        return err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    add_table(rt, "tables/reciprocity.csv", rt->recip);
    rt->t[rt->n++] = (output_table){"tables/members.csv", r->recip->nmembers,
                                    members_rows, &rt->members};
    return ST_OK;
}

static void area_tables(run_ctx *r, run_tables *rt)
{
    add_table(rt, "tables/indices.csv", r->area.indices);
    add_table(rt, "tables/loadings.csv", r->area.loadings);
    add_table(rt, "tables/coefficients.csv", r->area.coefficients);
    add_table(rt, "tables/model_fit.csv", r->area.fit);
    add_table(rt, "tables/groups.csv", r->area.groups);
    add_table(rt, "tables/funnel.csv", r->cmp.funnel);
    add_table(rt, "tables/spatial.csv", r->cmp.spatial);
    add_table(rt, "tables/mediation.csv", r->area.mediation);
}

/* The [areas] map, when the study gives one; features whose id is not an
 * area are drawn grey and counted in a warning. */
static status load_map(run_ctx *r)
{
    const study *s = r->s;
    if (s->map_file == NULL)
        return ST_OK;
    if (r->map_st != ST_OK) {
        *r->err = r->map_err;
        return r->map_st;
    }
    const char *shown = study_get(study_find(s, "areas", NULL), "map");
    size_t unknown = 0;
    for (size_t f = 0; f < r->geo.nfeatures; f++) {
        size_t lo = 0, hi = r->in.nareas;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(r->in.area_ids[mid], r->geo.id[f]) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        unknown +=
            lo == r->in.nareas || strcmp(r->in.area_ids[lo], r->geo.id[f]) != 0;
    }
    if (unknown > 0)
        warn(r, "map_features_unknown",
             "%s: %zu feature(s) name no area of the study; drawn grey", shown,
             unknown);
    return ST_OK;
}

/* The PDF's date: SOURCE_DATE_EPOCH when set (reproducible builds'
 * convention), else the Unix epoch, so that the same inputs always give
 * the same bytes (Cairo would write the clock). */
static void pdf_date(char buf[32])
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long t = env ? strtoll(env, &end, 10) : 0;
    time_t when = env && *env && *end == '\0' && t >= 0 ? (time_t)t : 0;
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The report with its figures, the figures timed on their own (the rest
 * counts as the report's). */
static status write_report(run_ctx *r, double *since)
{
    const char **code = calloc(r->nwarnings + 1, sizeof *code);
    const char **message = calloc(r->nwarnings + 1, sizeof *message);
    if (code == NULL || message == NULL) {
        free(code);
        free(message);
        return err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < r->nwarnings; i++) {
        code[i] = r->warnings[i].code;
        message[i] = r->warnings[i].message;
    }
    char date[32];
    pdf_date(date);
    narrative_file files[5];
    for (size_t i = 0; i < r->ninputs; i++)
        files[i] = (narrative_file){r->inputs[i].name, r->inputs[i].hex,
                                    r->inputs[i].bytes};
    narrative_input ni = {
        {r->s, r->in.area_names ? r->in.area_names : r->in.area_ids,
         r->in.nareas, (const ecometric_result *const *)r->ecometric,
         (const double *const *const *)r->cols, r->w.n, r->area.coefficients,
         r->in.area_ids, r->in.area_regions, r->x, r->recip, r->area.scatters,
         r->area.nscatters, r->cmp.comparisons, r->cmp.ncomparisons,
         r->s->map_file ? &r->geo : NULL, r->area.frame},
        (const scale_result *const *)r->results,
        r->in.nlatest,
        r->in.has_wave ? r->in.latest_wave : 0,
        r->area.fit,
        r->area.mediation,
        r->cmp.spatial,
        r->cmp.rank,
        r->cmp.rank_low,
        r->cmp.rank_high,
        code,
        message,
        r->nwarnings,
        r->seed,
        date,
        files,
        r->ninputs};
    r->seconds[T_FIGURES] = 0;
    status st = narrative_write(&ni, r->od, &r->seconds[T_FIGURES], r->err);
    *since += r->seconds[T_FIGURES];
    free(code);
    free(message);
    return st;
}

/* The tables, the map, the figures and the reports, on the team's
 * master thread; as in turn, the tables' failure is the one reported
 * when both fail. */
static status write_files(run_ctx *r, const run_tables *rt, double *since)
{
    table_writer *tw = tables_start(r->od, rt->t, rt->n, r->err);
    if (tw == NULL)
        return r->err->st;
    status st = load_map(r);
    if (st == ST_OK)
        st = write_report(r, since);
    status tst = tables_finish(tw, r->err);
    return tst != ST_OK ? tst : st;
}

/* The outputs. One thread writes them in turn (the PDF is one thread's
 * work); the tables' pieces and the figures' SVGs and PNGs are tasks,
 * which the team's other threads take as they come (tablewrite.h,
 * report_figure). */
static status write_outputs(run_ctx *r, double *since)
{
    run_tables rt;
    memset(&rt, 0, sizeof rt);
    status st = scale_tables(r, &rt);
    if (st == ST_OK && (st = exchange_tables(r, &rt)) == ST_OK) {
        area_tables(r, &rt);
#pragma omp parallel num_threads(r->threads) default(none)                     \
    shared(r, rt, since, st)
#pragma omp masked
        st = write_files(r, &rt, since);
    }
    run_tables_free(&rt);
    return st;
}

static json_t *number_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static status write_json(run_ctx *r, const char *rel, json_t *doc)
{
    if (doc == NULL)
        return err_set(r->err, ST_ENOMEM, rel, 0, 0, "out of memory");
    FILE *f = outdir_open(r->od, rel, r->err);
    status st = f ? ST_OK : r->err->st;
    if (f != NULL) {
        if (json_dumpf(doc, f,
                       JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                           JSON_REAL_PRECISION(17)) != 0 ||
            fputc('\n', f) == EOF)
            st = err_set(r->err, ST_EIO, rel, 0, 0, "write failed");
        status cst = outdir_close(r->od, f, rel, r->err);
        st = st != ST_OK ? st : cst;
    }
    json_decref(doc);
    return st;
}

static json_t *versions_json(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "ecometer", ECOMETER_VERSION,
                     "gsl", cli_gsl_version(), "cairo", cli_cairo_version(),
                     "libcsv", cli_csv_version(), "font", "DejaVu Sans");
}

/* The headline numbers of the comparison stages: per [compare] the
 * target, φ and the areas beyond 99.8%; per [spatial] variable Moran's I
 * and its p-values; per [evaluate] the effect D with its interval. */
static void summary_comparisons(const run_ctx *r, json_t *doc)
{
    json_t *cmp = json_array();
    for (size_t i = 0; cmp && i < r->cmp.ncomparisons; i++) {
        const funnel_result *f = r->cmp.comparisons[i].r;
        size_t high = 0, low = 0;
        for (size_t a = 0; a < f->n; a++) {
            high += f->flag998[a] == FUNNEL_FLAG_HIGH;
            low += f->flag998[a] == FUNNEL_FLAG_LOW;
        }
        json_array_append_new(
            cmp,
            json_pack("{s:s, s:I, s:o, s:o, s:I, s:I}", "indicator",
                      r->cmp.comparisons[i].sec->name, "areas",
                      (json_int_t)f->used, "target", number_or_null(f->target),
                      "phi", number_or_null(f->phi), "high998",
                      (json_int_t)high, "low998", (json_int_t)low));
    }
    json_object_set_new(doc, "comparisons", cmp);
    json_t *sp = json_array();
    const restab *t = r->cmp.spatial;
    for (size_t i = 0; sp && t && i < restab_nrows(t); i++)
        json_array_append_new(
            sp,
            json_pack("{s:s, s:o, s:o, s:o}", "variable",
                      restab_get_text(t, i, 0), "moran_i",
                      number_or_null(restab_get_num(t, i, 1)), "p_random",
                      number_or_null(restab_get_num(t, i, 6)), "p_permutation",
                      number_or_null(restab_get_num(t, i, 7))));
    json_object_set_new(doc, "spatial", sp);
    json_t *ev = json_array();
    t = r->area.coefficients;
    for (size_t i = 0; ev && t && i < restab_nrows(t); i++) {
        const char *model = restab_get_text(t, i, 0);
        const study_section *sec =
            model ? study_find(r->s, "evaluate", model) : NULL;
        const char *term = restab_get_text(t, i, 1);
        if (sec == NULL || term == NULL || strcmp(term, "D") != 0)
            continue;
        json_array_append_new(
            ev, json_pack("{s:s, s:o, s:o, s:o}", "evaluation", model, "effect",
                          number_or_null(restab_get_num(t, i, 2)), "conf_low",
                          number_or_null(restab_get_num(t, i, 6)), "conf_high",
                          number_or_null(restab_get_num(t, i, 7))));
    }
    json_object_set_new(doc, "evaluations", ev);
}

static status write_summary(run_ctx *r)
{
    json_t *scales = json_array(), *warnings = json_array();
    for (size_t i = 0; scales && i < r->s->nscales; i++) {
        const scale_result *x = r->results[i];
        const ecometric_result *e = r->ecometric[i];
        double mean_rel = 0;
        size_t nrel = 0;
        for (size_t a = 0; a < e->nareas; a++)
            if (!isnan(e->reliability[a])) {
                mean_rel += e->reliability[a];
                nrel++;
            }
        double total = e->tau_area + e->tau_person + e->sigma2;
        json_t *eco = json_pack(
            "{s:o, s:o, s:o, s:o, s:o, s:I}", "tau_area",
            number_or_null(e->tau_area), "tau_person",
            number_or_null(e->tau_person), "sigma2", number_or_null(e->sigma2),
            "area_share", number_or_null(e->tau_area / total),
            "mean_reliability",
            number_or_null(nrel ? mean_rel / (double)nrel : (double)NAN),
            "areas_scored", (json_int_t)nrel);
        json_array_append_new(
            scales,
            json_pack("{s:s, s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "scale",
                      r->s->scales[i].name, "n_items", (json_int_t)x->n_items,
                      "n_respondents", (json_int_t)x->n_respondents, "alpha",
                      number_or_null(x->alpha), "std_alpha",
                      number_or_null(x->std_alpha), "icc1",
                      number_or_null(x->icc1), "icc2", number_or_null(x->icc2),
                      "rwg_j_mean", number_or_null(x->rwg_j_mean)));
        json_object_set_new(json_array_get(scales, i), "ecometric", eco);
    }
    for (size_t i = 0; warnings && i < r->nwarnings; i++)
        json_array_append_new(
            warnings, json_pack("{s:s, s:s}", "code", r->warnings[i].code,
                                "message", r->warnings[i].message));
    size_t n = r->in.survey ? table_nrows(r->in.survey) : 0;
    json_t *data = json_pack(
        "{s:I, s:I, s:I, s:I, s:I}", "respondents", (json_int_t)n,
        "respondents_latest_wave", (json_int_t)r->in.nlatest, "areas",
        (json_int_t)r->in.nareas, "first_wave", (json_int_t)r->in.first_wave,
        "latest_wave", (json_int_t)r->in.latest_wave);
    json_t *doc =
        json_pack("{s:s, s:I, s:o, s:o, s:o, s:o}", "title", r->s->title,
                  "seed", (json_int_t)r->seed, "versions", versions_json(),
                  "data", data, "scales", scales, "warnings", warnings);
    if (doc != NULL && r->recip != NULL) {
        const recip_area *o = &r->recip->overall;
        json_object_set_new(
            doc, "exchanges",
            json_pack(
                "{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "areas",
                (json_int_t)r->recip->nareas, "exchanges",
                (json_int_t)o->exchanges, "members", (json_int_t)o->members,
                "professionals", (json_int_t)o->professionals, "hours",
                number_or_null(o->hours), "share_reciprocators",
                number_or_null(o->share_reciprocators), "dyadic_reciprocity",
                number_or_null(o->dyadic_reciprocity), "peer_hours_share",
                number_or_null(o->peer_hours_share)));
    }
    if (doc != NULL)
        summary_comparisons(r, doc);
    return write_json(r, "summary.json", doc);
}

/* Lists the inputs whose hashes the report and the manifest give, each
 * hashed once, by a job of its own: each data file by its path as the
 * study names it, then the study file. */
static void list_inputs(run_ctx *r)
{
    const study *s = r->s;
    const struct {
        const char *section, *key, *path;
    } files[] = {{"survey", "file", s->survey_file},
                 {"areas", "file", s->areas_file},
                 {"exchanges", "file", s->exchanges_file},
                 {"exchanges", "members", s->exchanges_members_file}};
    r->ninputs = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        const study_section *sec = study_find(s, files[i].section, NULL);
        if (sec != NULL && files[i].path != NULL)
            r->inputs[r->ninputs++] =
                (hashed_file){(char *)(uintptr_t)files[i].path,
                              study_get(sec, files[i].key), "", 0};
    }
    const char *base = strrchr(s->path, '/');
    r->inputs[r->ninputs++] =
        (hashed_file){s->path, base ? base + 1 : s->path, "", 0};
}

/* One {file, bytes, sha256} entry of the manifest. */
static json_t *file_json(const hashed_file *f)
{
    return json_pack("{s:s, s:I, s:s}", "file", f->name, "bytes",
                     (json_int_t)f->bytes, "sha256", f->hex);
}

static status write_manifest(run_ctx *r)
{
    size_t n = outdir_count(r->od);
    hashed_file *out = calloc(n ? n : 1, sizeof *out);
    if (out == NULL)
        return err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    status st = ST_OK;
    for (size_t i = 0; i < n && st == ST_OK; i++) {
        const char *rel = outdir_file(r->od, i);
        out[i].name = rel;
        if (asprintf(&out[i].path, "%s/%s", outdir_path(r->od), rel) < 0) {
            out[i].path = NULL;
            st = err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        }
    }
    if (st == ST_OK)
        st = hash_files(out, n, r->err);
    json_t *ins = json_array(), *outputs = json_array();
    for (size_t i = 0; st == ST_OK && i + 1 < r->ninputs; i++)
        json_array_append_new(ins, file_json(&r->inputs[i]));
    for (size_t i = 0; st == ST_OK && i < n; i++)
        json_array_append_new(outputs, file_json(&out[i]));
    for (size_t i = 0; i < n; i++)
        free(out[i].path);
    free(out);
    if (st != ST_OK) {
        json_decref(ins);
        json_decref(outputs);
        return st;
    }
    json_t *doc = json_pack("{s:s, s:I, s:o, s:o, s:o}", "ecometer",
                            ECOMETER_VERSION, "seed", (json_int_t)r->seed,
                            "study", file_json(&r->inputs[r->ninputs - 1]),
                            "inputs", ins, "outputs", outputs);
    return write_json(r, "manifest.json", doc);
}

static status write_run_json(run_ctx *r)
{
    json_t *timings = json_object();
    for (size_t i = 0; timings && i < STAGES; i++)
        json_object_set_new(timings, stage_names[i], json_real(r->seconds[i]));
    char host[256] = "unknown", when[32] = "";
    gethostname(host, sizeof host - 1);
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) != NULL)
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *doc = json_pack("{s:s, s:i, s:o, s:s, s:s}", "ecometer",
                            ECOMETER_VERSION, "threads", r->threads, "timings",
                            timings, "host", host, "finished", when);
    /* Written last and left out of manifest.json: it differs run to run. */
    return write_json(r, "run.json", doc);
}

/* Records a stage's seconds since *since and, with --progress (the
 * default on a terminal), says so on stderr. */
static status stage_done(run_ctx *r, int stage, double *since)
{
    double now = omp_get_wtime();
    r->seconds[stage] = now - *since;
    *since = now;
    if (r->c.progress && !r->c.quiet)
        fprintf(stderr, "ecometer: %-9s %8.3f s\n", stage_names[stage],
                r->seconds[stage]);
    if (cli_interrupted())
        return err_set(r->err, ST_EDATA, NULL, 0, 0,
                       "interrupted; the previous output is unchanged");
    return ST_OK;
}

/* Reads the [areas] map early, as a job; load_map reports the result
 * where a run in turn would have read it. */
static status read_map(run_ctx *r, error_buf *err)
{
    const study *s = r->s;
    if (s->map_file == NULL)
        return ST_OK;
    const char *shown = study_get(study_find(s, "areas", NULL), "map");
    return geojson_load(s->map_file, shown, s->areas_area, &r->geo, err);
}

/* The jobs that run side by side after the scales: one ecometric model
 * per scale, the exchanges' indices, the map, and each input's hash for
 * the manifest. */
typedef struct {
    status st;
    double seconds;
    error_buf err;
} job;

static void run_job(run_ctx *r, size_t k, int has_x, status xst, job *j)
{
    double start = omp_get_wtime();
    size_t ns = r->s->nscales;
    if (k < ns)
        j->st = r->in.survey != NULL ? fit_ecometric(r, k, &j->err) : ST_OK;
    else if (k == ns)
        j->st = has_x && xst == ST_OK ? reciprocity(r, &j->err) : ST_OK;
    else if (k == ns + 1)
        j->st = read_map(r, &j->err);
    else {
        hashed_file *f = &r->inputs[k - ns - 2];
        j->st = hash_file(f->path, f->name, f->hex, &f->bytes, &j->err);
    }
    j->seconds = omp_get_wtime() - start;
}

/* The jobs' order, longest first as far as we can tell, so that no
 * thread starts a long one while the others run out of work: the
 * ecometric models biggest first (by items and covariates), the
 * exchanges' indices, the biggest file's hash (the exchanges: 0.3 s for
 * a national study, about the map's time), the map, then the other
 * hashes, biggest first. */
static void order_jobs(const study *s, const hashed_file *files, size_t *order,
                       size_t njobs)
{
    size_t ns = s->nscales, first_hash = ns + 2;
    for (size_t k = 0; k < njobs; k++)
        order[k] = k;
    for (size_t k = 1; k < ns; k++) {
        size_t pick = order[k], i = k;
        size_t size = s->scales[pick].nitems + s->scales[pick].nadjust;
        for (; i > 0; i--) {
            const study_scale *prev = &s->scales[order[i - 1]];
            if (prev->nitems + prev->nadjust >= size)
                break;
            order[i] = order[i - 1];
        }
        order[i] = pick;
    }
    off_t *bytes = calloc(njobs, sizeof *bytes);
    if (bytes == NULL || njobs <= first_hash) {
        free(bytes);
        return; /* the order of a run in turn: only slower */
    }
    for (size_t k = first_hash; k < njobs; k++) {
        struct stat st;
        bytes[k] = stat(files[k - first_hash].path, &st) == 0 ? st.st_size : 0;
    }
    for (size_t k = first_hash + 1; k < njobs; k++) {
        size_t pick = order[k], i = k;
        for (; i > first_hash && bytes[order[i - 1]] < bytes[pick]; i--)
            order[i] = order[i - 1];
        order[i] = pick;
    }
    free(bytes);
    order[ns + 1] = order[first_hash]; /* the biggest hash, then the map */
    order[first_hash] = ns + 1;
}

/* The files are read first, each with every thread, then the scales are
 * computed. The ecometric models (one per scale), the exchanges' indices,
 * the inputs' hashes and the map share nothing, so they run side by side,
 * each job on one thread (nested regions run on the thread that meets
 * them): a few big jobs scale better on two cores than each job's own
 * loops. Results and messages are as if everything ran in turn (load,
 * scales, ecometric, exchanges, and the map where the report reads it):
 * the first error in that order is the one reported, and warnings keep
 * that order. The ecometric stage's seconds
 * are the jobs' wall time; the exchanges' are the file's and its own
 * job's, so at more than one thread they overlap. */
static status first_stages(run_ctx *r, double *t)
{
    status st = inputs_load(r->s, &r->in, r->err);
    if (st != ST_OK || (st = stage_done(r, T_LOAD, t)) != ST_OK)
        return st;
    warn_small_areas(r);
    list_inputs(r);
    size_t ns = r->s->nscales, njobs = ns + 2 + r->ninputs;
    job *jobs = calloc(njobs, sizeof *jobs);
    size_t *order = calloc(njobs, sizeof *order);
    error_buf *xerr = calloc(1, sizeof *xerr);
    if (jobs == NULL || order == NULL || xerr == NULL) {
        free(jobs);
        free(order);
        free(xerr);
        return err_set(r->err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    int has_x = r->s->has_exchanges;
    status xst = has_x ? exchanges_read(r, xerr) : ST_OK;
    double x_read = omp_get_wtime() - *t;
    *t = omp_get_wtime();
    if (r->in.survey != NULL)
        st = stage_scales(r);
    if (st == ST_OK)
        st = stage_done(r, T_SCALES, t);
    if (st == ST_OK) {
        order_jobs(r->s, r->inputs, order, njobs);
#pragma omp parallel for schedule(dynamic, 1) default(none)                    \
    shared(r, jobs, order, njobs, has_x, xst)
        for (size_t i = 0; i < njobs; i++)
            run_job(r, order[i], has_x, xst, &jobs[order[i]]);
    }
    /* the first failure in the order of a sequential run */
    for (size_t k = 0; st == ST_OK && k < ns; k++)
        if (jobs[k].st != ST_OK) {
            *r->err = jobs[k].err;
            st = jobs[k].st;
        }
    if (st == ST_OK && (st = stage_done(r, T_ECOMETRIC, t)) == ST_OK &&
        r->in.survey != NULL)
        warn_ecometric(r);
    if (st == ST_OK && xst != ST_OK) {
        *r->err = *xerr;
        st = xst;
    }
    r->map_st = jobs[ns + 1].st;
    r->map_err = jobs[ns + 1].err;
    for (size_t k = ns; st == ST_OK && k < njobs; k++)
        if (k != ns + 1 && jobs[k].st != ST_OK) { /* the map's: later */
            *r->err = jobs[k].err;
            st = jobs[k].st;
        }
    r->seconds[T_EXCHANGES] = has_x ? x_read + jobs[ns].seconds : 0;
    if (st == ST_OK && has_x && r->c.progress && !r->c.quiet)
        fprintf(stderr,
                "ecometer: %-9s %8.3f s (its indices beside the "
                "ecometric models)\n",
                stage_names[T_EXCHANGES], r->seconds[T_EXCHANGES]);
    if (st == ST_OK)
        warn_exchanges(r);
    free(jobs);
    free(order);
    free(xerr);
    *t = omp_get_wtime();
    return st;
}

static status run_pipeline(run_ctx *r)
{
    double start = omp_get_wtime(), t = start;
    status st = first_stages(r, &t);
    if (st != ST_OK)
        return st;
    if (r->in.survey != NULL && (st = stage_evaluate(r)) != ST_OK)
        return st;
    if (area_stage_wanted(r->s) && r->in.survey != NULL) {
        area_stage_input ai = {r->s,
                               r->in.area_ids,
                               r->in.nareas,
                               (const scale_result *const *)r->results,
                               (const ecometric_result *const *)r->ecometric,
                               r->x,
                               r->recip,
                               r->seed,
                               r->evaluations,
                               r->in.area_of,
                               table_nrows(r->in.survey)};
        if ((st = area_stage_run(&ai, &r->area, r->err)) != ST_OK)
            return st;
        for (size_t i = 0; i < r->area.nwarnings; i++)
            warn(r, r->area.warnings[i].code, "%s",
                 r->area.warnings[i].message);
    }
    if ((st = stage_done(r, T_MODELS, &t)) != ST_OK)
        return st;
    compare_input ci = {r->s,
                        r->area.frame,
                        r->area.areas_table,
                        r->in.area_ids,
                        r->in.nareas,
                        (const ecometric_result *const *)r->ecometric,
                        r->seed};
    if (r->in.survey != NULL &&
        (st = compare_run(&ci, &r->cmp, r->err)) != ST_OK)
        return st;
    if ((st = stage_done(r, T_COMPARE, &t)) != ST_OK)
        return st;
    if (r->in.survey != NULL &&
        (st = compare_spatial(&ci, &r->cmp, r->err)) != ST_OK)
        return st;
    for (size_t i = 0; i < r->cmp.nwarnings; i++)
        warn(r, r->cmp.warnings[i].code, "%s", r->cmp.warnings[i].message);
    if ((st = stage_done(r, T_SPATIAL, &t)) != ST_OK)
        return st;
    r->od = outdir_begin(r->c.out, r->err);
    if (r->od == NULL)
        return r->err->st;
    if ((st = write_outputs(r, &t)) != ST_OK ||
        (st = write_summary(r)) != ST_OK || (st = write_manifest(r)) != ST_OK ||
        (st = stage_done(r, T_REPORT, &t)) != ST_OK)
        return st;
    r->seconds[T_TOTAL] = omp_get_wtime() - start;
    if ((st = write_run_json(r)) != ST_OK)
        return st;
    st = outdir_commit(r->od, r->err);
    r->od = NULL;
    return st;
}

static int parse_args(int argc, char **argv, run_ctx *r, int demo,
                      const char **study_path)
{
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:", options, NULL)) != -1) {
        int rc = cli_common_option(&r->c, opt, optarg, demo ? "demo" : "run",
                                   r->err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        if (opt == OPT_HELP) {
            fputs(demo ? demo_usage : run_usage, stdout);
            return 1;
        }
        err_set(r->err, ST_EUSAGE, demo ? "demo" : "run", 0, 0,
                "unknown option (see 'ecometer %s --help')",
                demo ? "demo" : "run");
        return -1;
    }
    if (optind + (demo ? 0 : 1) != argc) {
        err_set(r->err, ST_EUSAGE, demo ? "demo" : "run", 0, 0,
                demo ? "takes no arguments besides options"
                     : "expected one STUDY.ini (see 'ecometer run --help')");
        return -1;
    }
    if (!demo)
        *study_path = argv[optind];
    return 0;
}

/* The demo study: $ECOMETER_DEMO, else datasets/demo/study.ini beside the
 * executable or one folder up (build variants live in subfolders), else
 * under the current folder. */
static const char *demo_study(char *buf, size_t cap)
{
    const char *env = getenv("ECOMETER_DEMO");
    if (env != NULL)
        return env;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            const char *up[] = {"", "/.."};
            for (size_t i = 0; i < 2; i++) {
                snprintf(buf, cap, "%s%s/datasets/demo/study.ini", exe, up[i]);
                if (access(buf, R_OK) == 0)
                    return buf;
            }
        }
    }
    return "datasets/demo/study.ini";
}

static int run_main(int argc, char **argv, int demo)
{
    run_ctx r = {0};
    char demo_path[4200];
    const char *path = NULL;
    r.err = cli_error_buf();
    if (r.err == NULL)
        return 1;
    r.c.out = demo ? "out/demo" : "out";
    r.c.progress = isatty(STDERR_FILENO);
    cli_catch_signals();
    int rc = parse_args(argc, argv, &r, demo, &path);
    status st = rc < 0 ? ST_EUSAGE : ST_OK;
    if (rc == 0) {
        if (demo)
            path = demo_study(demo_path, sizeof demo_path);
        r.s = study_load(path, r.err);
        st = r.s ? ST_OK : r.err->st;
    }
    if (rc == 0 && st == ST_OK && r.s != NULL) {
        r.seed = r.c.has_seed ? r.c.seed : r.s->seed;
        r.threads = cli_set_threads(r.c.threads, r.s->threads);
        st = run_pipeline(&r);
    }
    if (st != ST_OK)
        cli_print_errors(r.err);
    else if (rc == 0 && !r.c.quiet)
        fprintf(stderr, "ecometer: wrote %s\n", r.c.out);
    outdir_abort(r.od);
    for (size_t i = 0; r.results && r.s && i < r.s->nscales; i++) {
        scale_result_free(r.results[i]);
        ecometric_result_free(r.ecometric[i]);
        free(r.cols[i]);
    }
    free(r.results);
    free(r.ecometric);
    recip_result_free(r.recip);
    exchanges_free(r.x);
    compare_free(&r.cmp, r.s ? r.s->nscales : 0);
    geo_areas_free(&r.geo);
    area_stage_free(&r.area);
    for (size_t i = 0; i < r.nevaluations; i++)
        wave_scores_free(&r.evaluations[i]);
    free(r.evaluations);
    free(r.cols);
    if (r.in.survey != NULL)
        wave_data_free(&r.w, r.in.nitems);
    inputs_free(&r.in);
    study_free(r.s);
    free(r.warnings);
    free(r.err);
    /* An interrupt that came after the output was committed changed
     * nothing: the run is complete. */
    return st != ST_OK && cli_interrupted() ? 130 : err_exit_code(st);
}

int cmd_run(int argc, char **argv)
{
    return run_main(argc, argv, 0);
}
int cmd_demo(int argc, char **argv)
{
    return run_main(argc, argv, 1);
}
