/*
 * test_study.c — reading and validating the study file (io/study.h).
 *
 * Study files are written to a scratch folder. A full valid study checks
 * the typed record: paths resolved against the study file's folder
 * (absolute ones kept), lists split and trimmed, a combined scale taking
 * both scales' items with their reversals and range, the defaults
 * (respondent = resp_id, area = area_id, seed 1, threads 0), sections in
 * file order, continuation lines joined with one space (a two-line model
 * formula read back with study_find + study_get) and inline comments
 * dropped. Each kind of error must give ST_EUSAGE, no study, and the
 * exact message naming the file, line, [section] and key: unknown key,
 * unknown section, bad choice, bad date, duplicate section or key, and
 * more. study_split_list must trim and reject empty entries.
 */
#include "unit.h"

#include "../../io/study.h"

static int setup(void **state)
{
    *state = unit_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    unit_rmtree(*state);
    return 0;
}

/* Writes text to dir/name and loads it; *path gets the file's path
 * (caller frees). */
static study *load(const char *dir, const char *name, const char *text,
                   error_buf *err, char **path)
{
    char *p = unit_write_file(dir, name, text);
    err_clear(err);
    study *s = study_load(p, err);
    if (path != NULL)
        *path = p;
    else
        free(p);
    return s;
}

/* Loads text that must fail with exactly the messages given, each after
 * "<path>:" (a NULL-terminated list). */
static void expect_errors(const char *dir, const char *text,
                          const char *const *messages)
{
    error_buf *err = malloc(sizeof *err);
    assert_non_null(err);
    char *path;
    study *s = load(dir, "bad.ini", text, err, &path);
    assert_null(s);
    assert_int_equal(err->st, ST_EUSAGE);
    size_t n = 0;
    char expect[ERR_MSG + 4096];
    for (; messages[n] != NULL; n++) {
        snprintf(expect, sizeof expect, "%s:%s", path, messages[n]);
        assert_true(n < err->n);
        assert_string_equal(err->msg[n], expect);
    }
    assert_int_equal(err->n, n);
    free(path);
    free(err);
}

#define EXPECT_ERRORS(dir, text, ...)                                          \
    do {                                                                       \
        const char *const msgs_[] = {__VA_ARGS__, NULL};                       \
        expect_errors((dir), (text), msgs_);                                   \
    } while (0)

/* dir + "/" + rel, for comparing resolved paths. */
static void assert_path(const char *got, const char *dir, const char *rel)
{
    char *want = unit_path(dir, rel);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(want);
}

static const char full_study[] =
    "; a full study, every stage\n"
    "# comment at the start of a line\n"
    "[study]\n"
    "title = Collective efficacy, 2025   ; an inline comment\n"
    "seed = 20250101\n"
    "threads = 3\n"
    "\n"
    "[survey]\n"
    "file = data/survey.csv\n"
    "wave = wave\n"
    "missing = NA, -9 ,99\n"
    "\n"
    "[areas]\n"
    "file = /srv/ecometer/areas.csv\n"
    "area = area_code\n"
    "name = area_name\n"
    "neighbours = data/neighbours.csv\n"
    "map = ../maps/areas.geojson\n"
    "\n"
    "[derive]\n"
    "violence_rate = violent_crimes / population * 1000\n"
    "\n"
    "[exchanges]\n"
    "file = exchanges.csv\n"
    "from = 2024-02-29\n"
    "to = 2025-12-31\n"
    "layout = rows\n"
    "\n"
    "[scale cohesion]\n"
    "items = coh1, coh2, coh3, coh4, coh5\n"
    "reverse = coh4, coh5\n"
    "range = 1, 5\n"
    "\n"
    "[scale control]\n"
    "items = isc1,isc2 , isc3\n"
    "reverse = isc2\n"
    "range = 1, 5\n"
    "\n"
    "[scale efficacy]\n"
    "combine = cohesion, control           ; all items of both\n"
    "adjust = age, female\n"
    "\n"
    "[model violence]\n"
    "formula = violent_crimes ~ disadvantage + immigrant\n"
    "          + efficacy + offset(log(population))\n"
    "family = negbin\n"
    "data = areas\n"
    "se = cluster:region\n"
    "\n"
    "[compare crimes]\n"
    "observed = violent_crimes\n"
    "denominator = population\n"
    "overdispersion = multiplicative\n"
    "\n"
    "[report]\n"
    "profiles = A001, A002\n";

static void test_full_study(void **state)
{
    const char *dir = *state;
    char *proj = unit_path(dir, "proj");
    assert_int_equal(mkdir(proj, 0777), 0);
    error_buf err;
    char *path;
    study *s = load(proj, "study.ini", full_study, &err, &path);
    assert_int_equal(err.n, 0);
    assert_non_null(s);
    assert_string_equal(s->path, path);
    assert_string_equal(s->title, "Collective efficacy, 2025");
    assert_int_equal(s->seed, 20250101);
    assert_int_equal(s->threads, 3);

    assert_true(s->has_survey);
    assert_path(s->survey_file, proj, "data/survey.csv");
    assert_string_equal(s->respondent, "resp_id");
    assert_string_equal(s->area, "area_id");
    assert_string_equal(s->wave, "wave");
    assert_int_equal(s->nmissing, 3);
    assert_string_equal(s->missing[0], "NA");
    assert_string_equal(s->missing[1], "-9");
    assert_string_equal(s->missing[2], "99");

    assert_true(s->has_areas);
    assert_string_equal(s->areas_file, "/srv/ecometer/areas.csv");
    assert_string_equal(s->areas_area, "area_code");
    assert_string_equal(s->areas_name, "area_name");
    assert_null(s->areas_region);
    assert_null(s->areas_population);
    assert_path(s->neighbours_file, proj, "data/neighbours.csv");
    assert_path(s->map_file, proj, "../maps/areas.geojson");

    assert_true(s->has_exchanges);
    assert_path(s->exchanges_file, proj, "exchanges.csv");

    /* Item scales, then the combined one. */
    assert_int_equal(s->nscales, 3);
    const study_scale *coh = &s->scales[0], *ctl = &s->scales[1],
                      *eff = &s->scales[2];
    assert_string_equal(coh->name, "cohesion");
    assert_int_equal(coh->nitems, 5);
    assert_string_equal(coh->items[4], "coh5");
    const int coh_rev[] = {0, 0, 0, 1, 1};
    assert_memory_equal(coh->reversed, coh_rev, sizeof coh_rev);
    assert_null(coh->combine);
    assert_close(coh->low, 1, 1e-15);
    assert_close(coh->high, 5, 1e-15);
    assert_string_equal(ctl->name, "control");
    assert_int_equal(ctl->nitems, 3);
    assert_string_equal(ctl->items[1], "isc2");
    assert_int_equal(ctl->reversed[1], 1);

    const char *items[] = {"coh1", "coh2", "coh3", "coh4",
                           "coh5", "isc1", "isc2", "isc3"};
    const int rev[] = {0, 0, 0, 1, 1, 0, 1, 0};
    assert_string_equal(eff->name, "efficacy");
    assert_int_equal(eff->nitems, 8);
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(eff->items[i], items[i]);
        assert_int_equal(eff->reversed[i], rev[i]);
    }
    assert_close(eff->low, 1, 1e-15);
    assert_close(eff->high, 5, 1e-15);
    assert_int_equal(eff->ncombine, 2);
    assert_string_equal(eff->combine[1], "control");
    assert_int_equal(eff->nadjust, 2);
    assert_string_equal(eff->adjust[0], "age");
    assert_string_equal(eff->adjust[1], "female");

    /* Every section, in file order, with the header's line. */
    const char *kinds[] = {"study",     "survey",  "areas", "derive",
                           "exchanges", "scale",   "scale", "scale",
                           "model",     "compare", "report"};
    assert_int_equal(s->nsections, 11);
    for (size_t i = 0; i < 11; i++)
        assert_string_equal(s->sections[i].kind, kinds[i]);
    assert_null(s->sections[0].name);
    assert_string_equal(s->sections[6].name, "control");
    assert_int_equal(s->sections[0].line, 3);
    assert_int_equal(s->sections[8].line, 43);

    /* The two-line formula, joined with one space. */
    const study_section *m = study_find(s, "model", "violence");
    assert_non_null(m);
    assert_string_equal(study_get(m, "formula"),
                        "violent_crimes ~ disadvantage + immigrant + "
                        "efficacy + offset(log(population))");
    assert_int_equal(m->entries[0].line, 44);
    assert_string_equal(study_get(m, "se"), "cluster:region");
    assert_null(study_get(m, "weights"));
    assert_null(study_get(NULL, "formula"));
    /* Inline comments are gone from values. */
    assert_string_equal(
        study_get(study_find(s, "scale", "efficacy"), "combine"),
        "cohesion, control");
    assert_string_equal(
        study_get(study_find(s, "derive", NULL), "violence_rate"),
        "violent_crimes / population * 1000");
    /* A NULL name finds the first section of the kind. */
    assert_string_equal(study_find(s, "scale", NULL)->name, "cohesion");
    assert_null(study_find(s, "model", "other"));
    assert_null(study_find(s, "index", NULL));
    assert_string_equal(study_get(study_find(s, "report", NULL), "profiles"),
                        "A001, A002");
    study_free(s);
    study_free(NULL);
    free(path);
    free(proj);
}

static void test_minimal_study_defaults(void **state)
{
    const char *dir = *state;
    error_buf err;
    study *s = load(dir, "min.ini", "[survey]\nfile = s.csv\n", &err, NULL);
    assert_non_null(s);
    assert_int_equal(err.n, 0);
    assert_int_equal(s->seed, 1);
    assert_int_equal(s->threads, 0);
    assert_string_equal(s->title, "ecometer study");
    assert_path(s->survey_file, dir, "s.csv");
    assert_string_equal(s->respondent, "resp_id");
    assert_string_equal(s->area, "area_id");
    assert_null(s->wave);
    assert_int_equal(s->nmissing, 0);
    assert_null(s->missing);
    assert_false(s->has_areas);
    assert_false(s->has_exchanges);
    assert_null(s->areas_file);
    assert_int_equal(s->nscales, 0);
    study_free(s);

    /* A study of service use alone needs no [survey]. */
    s = load(dir, "ex.ini",
             "[exchanges]\nfile = ledger.csv\nlayout = movements\n"
             "[study]\nseed = 0\n",
             &err, NULL);
    assert_non_null(s);
    assert_false(s->has_survey);
    assert_true(s->has_exchanges);
    assert_int_equal(s->seed, 0);
    assert_path(s->exchanges_file, dir, "ledger.csv");
    study_free(s);
}

static void test_continuation_and_comments(void **state)
{
    const char *dir = *state;
    error_buf err;
    study *s = load(dir, "c.ini",
                    "[survey]\n"
                    "file = s.csv   ; the survey\n"
                    "respondent = rid\t; a tab before the comment\n"
                    "missing = NA,\n"
                    "   -9,\n"
                    "\t   -99\n"
                    "   ; an indented comment line is not a continuation\n"
                    "[model fit1]\n"
                    "formula =\n"
                    "    y ~ x\n"
                    "    + (1 | area)\n",
                    &err, NULL);
    assert_int_equal(err.n, 0);
    assert_non_null(s);
    assert_path(s->survey_file, dir, "s.csv");
    assert_string_equal(s->respondent, "rid");
    const study_section *sv = study_find(s, "survey", NULL);
    assert_string_equal(study_get(sv, "missing"), "NA, -9, -99");
    assert_int_equal(s->nmissing, 3);
    assert_string_equal(s->missing[2], "-99");
    /* An empty first line adds no leading blank. */
    assert_string_equal(study_get(study_find(s, "model", "fit1"), "formula"),
                        "y ~ x + (1 | area)");
    study_free(s);
}

/* ---- errors ------------------------------------------------------------- */

static void test_unknown_key(void **state)
{
    EXPECT_ERRORS(*state, "[survey]\nfile = a.csv\ncolour = red\n",
                  "3: [survey] colour: unknown key (expected one of: file, "
                  "respondent, area, wave, missing)");
    EXPECT_ERRORS(*state,
                  "[survey]\nfile = a.csv\n[scale s]\nitems = a\n"
                  "range = 1,5\nrevers = a\n",
                  "6: [scale s] revers: unknown key (expected one of: "
                  "items, combine, reverse, range, adjust)");
}

static void test_unknown_section(void **state)
{
    EXPECT_ERRORS(*state, "[survey]\nfile = a.csv\n\n[sruvey]\nx = 1\n",
                  "4: [sruvey]: unknown section (expected one of: study, "
                  "survey, areas, derive, exchanges, scale, index, model, "
                  "mediation, compare, spatial, evaluate, report)");
}

static void test_bad_choice(void **state)
{
    EXPECT_ERRORS(*state,
                  "[survey]\nfile = a.csv\n[model m]\nformula = y ~ x\n"
                  "family = logit\ndata = areas\nse = hc2\n",
                  "5: [model m] family: expected one of gaussian, poisson, "
                  "negbin, found \"logit\"",
                  "7: [model m] se: expected one of classical, hc0, hc1, "
                  "hc3, cluster:COLUMN, found \"hc2\"");
    EXPECT_ERRORS(*state,
                  "[survey]\nfile = a.csv\n[compare c]\nscore = e\n"
                  "overdispersion = Multiplicative\n",
                  "5: [compare c] overdispersion: expected one of none, "
                  "multiplicative, additive, found \"Multiplicative\"");
    /* A prefix of a choice is not the choice. */
    EXPECT_ERRORS(*state, "[exchanges]\nfile = e.csv\nlayout = row\n",
                  "3: [exchanges] layout: expected one of rows, movements, "
                  "found \"row\"");
}

static void test_bad_dates(void **state)
{
    const char *bad[] = {"2025-02-29", "2025-13-01",  "2025-04-31",
                         "2025-00-10", "25-01-01",    "2025/01/01",
                         "2025-1-1",   "2025-01-01x", "20250101"};
    char text[256], msg[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text,
                 "[exchanges]\nfile = e.csv\nfrom = %s\nto = 2025-12-31\n",
                 bad[i]);
        snprintf(msg, sizeof msg,
                 "3: [exchanges] from: expected a date YYYY-MM-DD, "
                 "found \"%s\"",
                 bad[i]);
        EXPECT_ERRORS(*state, text, msg);
    }
    /* Leap years: 2024 and 2000 have a 29 February, 1900 has not. */
    error_buf err;
    study *s = load(*state, "leap.ini",
                    "[exchanges]\nfile = e.csv\nfrom = 2000-02-29\n"
                    "to = 2024-02-29\n",
                    &err, NULL);
    assert_non_null(s);
    study_free(s);
    EXPECT_ERRORS(*state, "[exchanges]\nfile = e.csv\nto = 1900-02-29\n",
                  "3: [exchanges] to: expected a date YYYY-MM-DD, found "
                  "\"1900-02-29\"");
}

static void test_duplicate_section_and_key(void **state)
{
    EXPECT_ERRORS(*state, "[survey]\nfile = a.csv\n[survey]\nfile = b.csv\n",
                  "3: [survey]: section appears twice");
    /* The same name written differently is the same section. */
    EXPECT_ERRORS(*state,
                  "[survey]\nfile = a.csv\n[scale x]\nitems = a\nrange = 1,5\n"
                  "[scale  x ]\n",
                  "6: [scale x]: section appears twice");
    EXPECT_ERRORS(*state, "[survey]\nfile = a.csv\narea = z\nfile = b.csv\n",
                  "4: [survey] file: key appears twice");
}

static void test_section_names(void **state)
{
    EXPECT_ERRORS(*state, "[survey]\nfile = a.csv\n[model]\nformula = y ~ x\n",
                  "3: [model]: needs a name, as in [model NAME]");
    EXPECT_ERRORS(*state, "[survey main]\nfile = a.csv\n",
                  "1: [survey main]: takes no name (write [survey])");
    EXPECT_ERRORS(*state, "[survey]\nfile = a.csv\n[index 2nd]\nfrom = a, b\n",
                  "3: [index 2nd]: the name must be a letter followed by "
                  "letters, digits, '_' or '.'");
    EXPECT_ERRORS(*state, "[survey]\nfile = a.csv\n[derive]\n2x = a * 2\n",
                  "4: [derive] 2x: a variable name must be a letter "
                  "followed by letters, digits, '_' or '.'");
}

static void test_bad_values(void **state)
{
    /* All problems of a file are reported, in order, each on its line. */
    EXPECT_ERRORS(*state,
                  "[study]\nseed = -1\nthreads = 2.5\n"
                  "[survey]\nfile =\nrespondent = a, b\nmissing = NA,,-9\n"
                  "[mediation]\nx = d\nm = e\ny = v\nbootstrap = 0\n",
                  "2: [study] seed: expected a whole number >= 0, found "
                  "\"-1\"",
                  "3: [study] threads: expected a whole number >= 0, found "
                  "\"2.5\"",
                  "5: [survey] file: expected a value, found \"\"",
                  "6: [survey] respondent: expected one column name, found "
                  "\"a, b\"",
                  "7: [survey] missing: expected a comma-separated list "
                  "without empty entries, found \"NA,,-9\"",
                  "12: [mediation] bootstrap: expected a whole number from "
                  "1 to 100000000, found \"0\"");
    EXPECT_ERRORS(*state,
                  "[survey]\nfile = a.csv\n[scale s]\nitems = a, b\n"
                  "range = 5, 1\n",
                  "5: [scale s] range: expected two numbers, low and high "
                  "(e.g. 1, 5), found \"5, 1\"");
    EXPECT_ERRORS(*state,
                  "[study]\nseed = 18446744073709551616\n"
                  "[survey]\nfile = a\n",
                  "2: [study] seed: expected a whole number >= 0, found "
                  "\"18446744073709551616\"");
}

static void test_missing_parts(void **state)
{
    /* No line for a section that is not there. */
    EXPECT_ERRORS(*state, "[study]\nseed = 3\n",
                  " [survey]: required section missing (or [exchanges] for "
                  "a study of service use)");
    EXPECT_ERRORS(*state, "[survey]\nwave = w\n",
                  "1: [survey] file: required key missing");
    EXPECT_ERRORS(*state, "[survey]\nfile = s.csv\n[scale s]\nitems = a\n",
                  "3: [scale s] range: required key missing");
    EXPECT_ERRORS(*state, "file = s.csv\n[survey]\nfile = s.csv\n",
                  "1: a key outside any section; start with a section such "
                  "as [survey]");
}

static void test_scale_errors(void **state)
{
    EXPECT_ERRORS(*state,
                  "[survey]\nfile = a.csv\n[scale x]\nitems = a, b\n"
                  "range = 1,5\nreverse = b, c\n",
                  "6: [scale x] reverse: 'c' is not one of the items");
    EXPECT_ERRORS(*state,
                  "[survey]\nfile = a.csv\n"
                  "[scale x]\nitems = a\nrange = 1,5\n"
                  "[scale y]\nitems = b\nrange = 1,7\n"
                  "[scale z]\ncombine = x, y, q\n",
                  "10: [scale z] combine: 'y' has a different range",
                  "10: [scale z] combine: 'q' is not a scale with items");
    EXPECT_ERRORS(*state,
                  "[survey]\nfile = a.csv\n[scale x]\nitems = a\n"
                  "combine = y\nrange = 1,5\n",
                  "3: [scale x]: give either items or combine");
}

static void test_file_level_errors(void **state)
{
    const char *dir = *state;
    error_buf err;
    char *path = unit_path(dir, "absent.ini"), expect[4200];
    err_clear(&err);
    assert_null(study_load(path, &err));
    assert_int_equal(err.st, ST_EUSAGE);
    snprintf(expect, sizeof expect, "%s: cannot open: no such file", path);
    assert_string_equal(err.msg[0], expect);
    free(path);

    EXPECT_ERRORS(dir, "", " empty file (expected [survey] and its keys)");

    char text[512];
    snprintf(text, sizeof text, "[study]\ntitle = %0250d\n[survey]\nfile = a\n",
             7);
    EXPECT_ERRORS(dir, text,
                  "2: line longer than 200 bytes; continue a long value on "
                  "indented lines");
    EXPECT_ERRORS(dir, "[survey]\nfile = a.csv\n[study]\ntitle = Caf\xE9\n",
                  "4: not UTF-8 text (or a NUL byte); save the file as "
                  "UTF-8");
}

/* Regression test for a fixed bug (study.c, study_load): with err == NULL,
 * which err_set allows, errors are not noticed at all (err->n never grows), so
 * an invalid study is returned instead of NULL. */
static void test_invalid_study_without_error_buffer(void **state)
{
    char *p = unit_write_file(*state, "n.ini", "[sruvey]\nfile = a.csv\n");
    study *s = study_load(p, NULL);
    assert_null(s);
    study_free(s);
    free(p);
}

/* Regression test for a fixed bug (study.c, parse_date): sscanf's %4d and %2d
 * accept a sign and leading blanks, so "+025-01-01", "2025-+1-01" and "2025-01-
 * 1" pass as dates YYYY-MM-DD (the length check alone cannot catch them). */
static void test_date_with_sign_rejected(void **state)
{
    EXPECT_ERRORS(*state, "[exchanges]\nfile = e.csv\nfrom = +025-01-01\n",
                  "3: [exchanges] from: expected a date YYYY-MM-DD, found "
                  "\"+025-01-01\"");
    EXPECT_ERRORS(*state, "[exchanges]\nfile = e.csv\nto = 2025-+1-01\n",
                  "3: [exchanges] to: expected a date YYYY-MM-DD, found "
                  "\"2025-+1-01\"");
}

/* Regression test for a fixed bug (study.c with Debian's libinih): SPEC §2 says
 * ';' starts a comment anywhere, but inih only takes an inline ';' after a
 * blank, so "seed = 7;x" is the value "7;x" (an error) and "respondent = rid;x"
 * silently names the column "rid;x". */
static void test_comment_without_blank(void **state)
{
    error_buf err;
    study *s = load(*state, "sc.ini",
                    "[survey]\nfile = s.csv\nrespondent = rid;x\n"
                    "[study]\nseed = 7;x\n",
                    &err, NULL);
    assert_int_equal(err.n, 0);
    assert_non_null(s);
    assert_string_equal(s->respondent, "rid");
    assert_int_equal(s->seed, 7);
    study_free(s);
}

/* Regression test for a fixed bug (study.c with Debian's libinih): a comment
 * after a continuation line is kept in the value, so "missing = NA,\n   -9   ;
 * c" gives the missing codes "NA" and "-9   ; c" (and -9 is then read as data).
 * SPEC §2: ';' starts a comment anywhere. */
static void test_comment_on_continuation_line(void **state)
{
    error_buf err;
    study *s = load(*state, "cc.ini",
                    "[survey]\nfile = s.csv\nmissing = NA,\n   -9   ; c\n",
                    &err, NULL);
    assert_non_null(s);
    assert_string_equal(study_get(study_find(s, "survey", NULL), "missing"),
                        "NA, -9");
    study_free(s);
}

/* Regression test for a fixed bug (study.c, on_value): the keys of a duplicate
 * section are appended to the first section's values, so besides "section
 * appears twice" the first section gets a spurious error: here "5: [scale x]
 * range: expected two numbers, ..., found "1,5 1,5"". */
static void test_duplicate_section_reported_once(void **state)
{
    EXPECT_ERRORS(*state,
                  "[survey]\nfile = a.csv\n[scale x]\nitems = a\nrange = 1,5\n"
                  "[scale x]\nitems = b\nrange = 1,5\n",
                  "6: [scale x]: section appears twice");
}

/* ---- study_split_list --------------------------------------------------- */

static void test_split_list(void **state)
{
    (void)state;
    char **list;
    long n = study_split_list("a, b ,c", &list);
    assert_int_equal(n, 3);
    assert_string_equal(list[0], "a");
    assert_string_equal(list[1], "b");
    assert_string_equal(list[2], "c");
    study_list_free(list, (size_t)n);

    n = study_split_list("  solo\t", &list);
    assert_int_equal(n, 1);
    assert_string_equal(list[0], "solo");
    study_list_free(list, (size_t)n);

    /* Blanks inside an entry stay. */
    n = study_split_list("North West , South East", &list);
    assert_int_equal(n, 2);
    assert_string_equal(list[0], "North West");
    assert_string_equal(list[1], "South East");
    study_list_free(list, (size_t)n);

    /* Empty entries anywhere are rejected, and nothing is returned. */
    const char *bad[] = {"a,,b", "", "a,", ",a", " , ", "a, ,b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        list = (char **)&list; /* must be reset to NULL */
        assert_int_equal(study_split_list(bad[i], &list), -1);
        assert_null(list);
    }
    study_list_free(NULL, 3);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_full_study),
        T(test_minimal_study_defaults),
        T(test_continuation_and_comments),
        T(test_unknown_key),
        T(test_unknown_section),
        T(test_bad_choice),
        T(test_bad_dates),
        T(test_duplicate_section_and_key),
        T(test_section_names),
        T(test_bad_values),
        T(test_missing_parts),
        T(test_scale_errors),
        T(test_file_level_errors),
        T(test_invalid_study_without_error_buffer),
        T(test_date_with_sign_rejected),
        T(test_comment_without_blank),
        T(test_comment_on_continuation_line),
        T(test_duplicate_section_reported_once),
        T(test_split_list),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
