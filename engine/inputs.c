/*
 * inputs.c — loading and cross-checking the study's tables (see inputs.h).
 */
#include "inputs.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"

static void add_unique(inputs *in, char *name)
{
    size_t k = 0;
    while (k < in->nitems && strcmp(in->items[k], name) != 0) // NOLINT
        k++;
    if (k == in->nitems)
        in->items[in->nitems++] = name; /* borrowed from the study */
}

/* Every item of every scale, once, in the order the study names them;
 * then every covariate of the scales' `adjust` lists. */
static int collect_items(const study *s, inputs *in)
{
    size_t cap = 0;
    for (size_t i = 0; i < s->nscales; i++)
        cap += s->scales[i].nitems + s->scales[i].nadjust;
    in->items = calloc(cap ? cap : 1, sizeof *in->items);
    if (in->items == NULL)
        return -1;
    for (size_t i = 0; i < s->nscales; i++)
        for (size_t j = 0; j < s->scales[i].nitems; j++)
            add_unique(in, s->scales[i].items[j]);
    in->nanswers = in->nitems;
    for (size_t i = 0; i < s->nscales; i++)
        for (size_t j = 0; j < s->scales[i].nadjust; j++)
            add_unique(in, s->scales[i].adjust[j]);
    return 0;
}

/* The range an item's answers must lie in: that of its first scale. */
static void item_range(const study *s, const char *item, double *lo, double *hi)
{
    for (size_t i = 0; i < s->nscales; i++)
        for (size_t j = 0; j < s->scales[i].nitems; j++)
            if (strcmp(s->scales[i].items[j], item) == 0) {
                *lo = s->scales[i].low;
                *hi = s->scales[i].high;
                return;
            }
}

static status load_survey(const study *s, inputs *in, error_buf *err)
{
    size_t n = 3 + in->nitems;
    col_spec *cols = calloc(n, sizeof *cols);
    if (cols == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    cols[0] = (col_spec){s->respondent, COL_TEXT, 0, 0, 0, 0};
    cols[1] = (col_spec){s->area, COL_TEXT, 0, 0, 0, 0};
    in->has_wave = s->wave != NULL;
    cols[2] =
        (col_spec){s->wave ? s->wave : "", COL_INTEGER, !in->has_wave, 0, 0, 0};
    for (size_t i = 0; i < in->nitems; i++) {
        double lo = 0, hi = 0;
        item_range(s, in->items[i], &lo, &hi);
        cols[3 + i] = i < in->nanswers
                          ? (col_spec){in->items[i], COL_INTEGER, 0, 1, lo, hi}
                          : (col_spec){in->items[i], COL_NUMBER, 0, 0, 0, 0};
    }
    in->col_respondent = 0;
    in->col_area = 1;
    in->col_wave = 2;
    in->first_item = 3;
    table_request req = {
        s->survey_file, NULL, cols, n, (const char *const *)s->missing,
        s->nmissing,    1};
    in->survey = table_load(&req, err);
    free(cols);
    return in->survey ? ST_OK : err->st;
}

static status load_areas(const study *s, inputs *in, error_buf *err)
{
    /* the id, then the name and the region where the study names them */
    col_spec cols[3] = {{s->areas_area, COL_TEXT, 0, 0, 0, 0}};
    size_t n = 1;
    if (s->areas_name)
        cols[n++] = (col_spec){s->areas_name, COL_TEXT, 0, 0, 0, 0};
    if (s->areas_region)
        cols[n++] = (col_spec){s->areas_region, COL_TEXT, 0, 0, 0, 0};
    table_request req = {s->areas_file, NULL, cols, n, NULL, 0, 1};
    in->areas = table_load(&req, err);
    return in->areas ? ST_OK : err->st;
}

/* Rows sorted by a key to find duplicates next to each other. */
typedef struct {
    long long key1;
    int32_t key2;
    size_t row;
} keyed_row;

static int by_keys(const void *a, const void *b)
{
    const keyed_row *x = a, *y = b;
    if (x->key1 != y->key1)
        return x->key1 < y->key1 ? -1 : 1;
    if (x->key2 != y->key2)
        return x->key2 < y->key2 ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static status report_duplicate(const table *t, size_t col, size_t row,
                               size_t first, int32_t code, const char *what,
                               int by_wave, error_buf *err)
{
    return err_set(err, ST_EDATA, table_display(t), table_line(t, row),
                   table_field(t, col),
                   "duplicate %s \"%s\" (first on line %zu)%s", what,
                   table_text(t, code), table_line(t, first),
                   by_wave ? " in the same wave" : "");
}

/* Reports ids that repeat, without a wave: each id's first two rows
 * found in one pass over the rows, by its code, then the ids in the
 * order of their codes; the messages of the sort in check_unique, without
 * sorting a million respondents. */
static status check_unique_codes(const table *t, size_t col, const char *what,
                                 error_buf *err)
{
    size_t n = table_nrows(t), ncodes = table_ncodes(t);
    const int32_t *codes = table_codes(t, col);
    size_t *first = malloc((ncodes ? ncodes : 1) * sizeof *first);
    size_t *second = malloc((ncodes ? ncodes : 1) * sizeof *second);
    if (first == NULL || second == NULL) {
        free(first);
        free(second);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t c = 0; c < ncodes; c++)
        first[c] = second[c] = SIZE_MAX;
    for (size_t r = 0; r < n; r++) {
        int32_t c = codes[r];
        if (c < 0)
            continue;
        if (first[c] == SIZE_MAX)
            first[c] = r;
        else if (second[c] == SIZE_MAX)
            second[c] = r;
    }
    status st = ST_OK;
    for (size_t c = 0; c < ncodes; c++)
        if (second[c] != SIZE_MAX)
            st = report_duplicate(t, col, second[c], first[c], (int32_t)c, what,
                                  0, err);
    free(first);
    free(second);
    return st;
}

/* Reports ids that repeat within a key (the wave, or nothing). */
static status check_unique(const table *t, size_t col, const double *by,
                           const char *what, error_buf *err)
{
    if (by == NULL)
        return check_unique_codes(t, col, what, err);
    size_t n = table_nrows(t);
    const int32_t *codes = table_codes(t, col);
    keyed_row *k = malloc((n ? n : 1) * sizeof *k);
    if (k == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    status st = ST_OK;
    for (size_t r = 0; r < n; r++)
        k[r] = (keyed_row){(long long)by[r], codes[r], r};
    qsort(k, n, sizeof *k, by_keys);
    for (size_t i = 1; i < n; i++) {
        if (k[i].key2 < 0 || k[i].key1 != k[i - 1].key1 ||
            k[i].key2 != k[i - 1].key2)
            continue;
        size_t r = k[i].row, first = k[i - 1].row;
        while (i + 1 < n && k[i + 1].key1 == k[i].key1 &&
               k[i + 1].key2 == k[i].key2)
            i++; /* report each duplicated id once */
        st = report_duplicate(t, col, r, first, k[i].key2, what, 1, err);
    }
    free(k);
    return st;
}

static status check_missing_ids(const table *t, size_t col, const char *what,
                                error_buf *err)
{
    status st = ST_OK;
    const int32_t *codes = table_codes(t, col);
    for (size_t r = 0; r < table_nrows(t); r++)
        if (codes[r] < 0)
            st = err_set(err, ST_EDATA, table_display(t), table_line(t, r),
                         table_field(t, col), "missing %s", what);
    return st;
}

/* The latest wave's rows (all rows without a wave column). */
static status select_latest(inputs *in, error_buf *err)
{
    size_t n = table_nrows(in->survey);
    in->latest = malloc(n ? n : 1);
    if (in->latest == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    const double *wave =
        in->has_wave ? table_numbers(in->survey, in->col_wave) : NULL;
    status st = ST_OK;
    in->latest_wave = in->first_wave = 1;
    for (size_t r = 0; wave && r < n; r++) {
        if (isnan(wave[r])) {
            st = err_set(err, ST_EDATA, table_display(in->survey),
                         table_line(in->survey, r),
                         table_field(in->survey, in->col_wave), "missing wave");
            continue;
        }
        long w = (long)wave[r];
        if (r == 0 || w > in->latest_wave)
            in->latest_wave = w;
        if (r == 0 || w < in->first_wave)
            in->first_wave = w;
    }
    in->nlatest = 0;
    for (size_t r = 0; r < n; r++) {
        in->latest[r] = !wave || (long)wave[r] == in->latest_wave;
        in->nlatest += in->latest[r];
    }
    return st;
}

/* Areas numbered from the areas file (or the survey without one); every
 * survey area must be in the areas file. */
static status index_areas(inputs *in, const char *area_col, int named,
                          int regions, error_buf *err)
{
    const table *sv = in->survey;
    size_t n = table_nrows(sv);
    int32_t *own = NULL;
    if (in->areas == NULL)
        return measure_group_index(sv, in->col_area, in->latest, &in->area_of,
                                   &in->area_ids, &in->nareas) == 0
                   ? ST_OK
                   : err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    if (measure_group_index(in->areas, 0, NULL, &own, &in->area_ids,
                            &in->nareas) != 0 ||
        (in->area_names = malloc((in->nareas ? in->nareas : 1) *
                                 sizeof *in->area_names)) == NULL ||
        (regions &&
         (in->area_regions = malloc((in->nareas ? in->nareas : 1) *
                                    sizeof *in->area_regions)) == NULL) ||
        (in->area_of = malloc((n ? n : 1) * sizeof *in->area_of)) == NULL ||
        (in->area_any = malloc((n ? n : 1) * sizeof *in->area_any)) == NULL) {
        free(own);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* survey code -> areas-table code -> area index */
    const int32_t *codes = table_codes(sv, in->col_area);
    const int32_t *acodes = table_codes(in->areas, 0);
    size_t nc = table_ncodes(in->areas);
    int32_t *index_of_code = malloc((nc ? nc : 1) * sizeof *index_of_code);
    if (index_of_code == NULL) {
        free(own);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t c = 0; c < nc; c++)
        index_of_code[c] = -1;
    const int32_t *names = named ? table_codes(in->areas, 1) : NULL;
    const int32_t *region =
        regions ? table_codes(in->areas, named ? 2 : 1) : NULL;
    for (size_t r = 0; r < table_nrows(in->areas); r++)
        if (acodes[r] >= 0) {
            index_of_code[acodes[r]] = own[r];
            in->area_names[own[r]] = names && names[r] >= 0
                                         ? table_text(in->areas, names[r])
                                         : table_text(in->areas, acodes[r]);
            if (region)
                in->area_regions[own[r]] =
                    region[r] >= 0 ? table_text(in->areas, region[r]) : "NA";
        }
    status st = ST_OK;
    for (size_t r = 0; r < n; r++) {
        in->area_of[r] = in->area_any[r] = -1;
        if (codes[r] < 0)
            continue;
        int32_t c = table_lookup(in->areas, table_text(sv, codes[r]));
        if (c < 0 || index_of_code[c] < 0) {
            st = err_set(err, ST_EDATA, table_display(sv), table_line(sv, r),
                         table_field(sv, in->col_area),
                         "%s: area \"%s\" is not in %s", area_col,
                         table_text(sv, codes[r]), table_display(in->areas));
            continue;
        }
        in->area_any[r] = index_of_code[c];
        if (in->latest[r])
            in->area_of[r] = index_of_code[c];
    }
    free(index_of_code);
    free(own);
    return st;
}

status inputs_load(const study *s, inputs *in, error_buf *err)
{
    memset(in, 0, sizeof *in);
    if (!s->has_survey)
        return ST_OK;
    status st = ST_OK;
    if (collect_items(s, in) != 0) {
        st = err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* Lenient loading: bad cells are reported and read as missing, so
     * the id checks below still run and every problem is listed. */
    size_t before = err->n;
    status sv = load_survey(s, in, err);
    status ar = s->has_areas ? load_areas(s, in, err) : ST_OK;
    if (sv != ST_OK || ar != ST_OK) {
        st = sv != ST_OK ? sv : ar;
        goto done;
    }
    if (err->n > before)
        st = ST_EDATA;
    status checks[] = {
        check_missing_ids(in->survey, in->col_respondent, "respondent id", err),
        check_missing_ids(in->survey, in->col_area, "area id", err),
        in->areas ? check_missing_ids(in->areas, 0, "area id", err) : ST_OK,
        in->areas ? check_unique(in->areas, 0, NULL, "area id", err) : ST_OK,
        check_unique(in->survey, in->col_respondent,
                     in->has_wave ? table_numbers(in->survey, in->col_wave)
                                  : NULL,
                     "respondent id", err),
        select_latest(in, err)};
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (checks[i] != ST_OK && st == ST_OK)
            st = checks[i];
    status idx = in->latest ? index_areas(in, s->area, s->areas_name != NULL,
                                          s->areas_region != NULL, err)
                            : ST_ENOMEM;
    if (st == ST_OK)
        st = idx;
done:
    if (st != ST_OK)
        inputs_free(in);
    return st;
}

void inputs_free(inputs *in)
{
    free(in->area_names);
    free(in->area_regions);
    table_free(in->survey);
    table_free(in->areas);
    free(in->items);
    free(in->area_of);
    free(in->area_any);
    free(in->area_ids);
    free(in->latest);
    memset(in, 0, sizeof *in);
}

size_t inputs_item_column(const inputs *in, const char *item)
{
    for (size_t i = 0; i < in->nitems; i++)
        if (strcmp(in->items[i], item) == 0)
            return in->first_item + i;
    return (size_t)-1;
}
