/*
 * respondents.c — the respondent-level data of survey models (see
 * respondents.h). Columns are gathered on demand, each into an array over
 * the latest wave's rows, and kept until the data are freed.
 */
#include "respondents.h"

#include <stdlib.h>
#include <string.h>

#include "../io/table.h"

typedef struct {
    char *name;
    design_column col; /* its arrays owned here */
} gathered;

struct respondents {
    table *survey;
    const char *const *names; /* the requested columns, borrowed */
    size_t nnames;
    const char **texts; /* survey code -> text */
    const frame *areas;
    size_t n;       /* rows: respondents of the latest wave */
    size_t *row;    /* per row: its survey row */
    int32_t *area;  /* per row: its area */
    gathered *cols; /* gathered so far */
    size_t ncols;
};

void respondents_free(respondents *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->ncols; i++) {
        free(r->cols[i].name);
        free((void *)(uintptr_t)r->cols[i].col.num);
        free((void *)(uintptr_t)r->cols[i].col.code);
    }
    free(r->cols);
    free(r->row);
    free(r->area);
    free(r->texts);
    table_free(r->survey);
    free(r);
}

static status load_survey(respondents *r, const study *s, error_buf *err)
{
    col_spec *cols = calloc(r->nnames ? r->nnames : 1, sizeof *cols);
    if (cols == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < r->nnames; i++)
        cols[i] = (col_spec){r->names[i], COL_AUTO, 1, 0, 0, 0};
    table_request req = {
        s->survey_file, NULL, cols, r->nnames, (const char *const *)s->missing,
        s->nmissing,    0};
    r->survey = table_load(&req, err);
    free(cols);
    if (r->survey == NULL)
        return err->st;
    size_t nc = table_ncodes(r->survey);
    r->texts = malloc((nc ? nc : 1) * sizeof *r->texts);
    if (r->texts == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t c = 0; c < nc; c++)
        r->texts[c] = table_text(r->survey, (int32_t)c);
    return ST_OK;
}

respondents *respondents_load(const study *s, const int32_t *area_of,
                              size_t nsurvey, const frame *areas,
                              const char *const *names, size_t nnames,
                              error_buf *err)
{
    respondents *r = calloc(1, sizeof *r);
    if (r == NULL) {
        err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    r->names = names;
    r->nnames = nnames;
    r->areas = areas;
    if (load_survey(r, s, err) != ST_OK) {
        respondents_free(r);
        return NULL;
    }
    /* The survey was checked when first loaded; its rows are the same. */
    r->row = malloc((nsurvey ? nsurvey : 1) * sizeof *r->row);
    r->area = malloc((nsurvey ? nsurvey : 1) * sizeof *r->area);
    if (r->row == NULL || r->area == NULL ||
        table_nrows(r->survey) != nsurvey) {
        err_set(err, ST_EDATA, s->survey_file, 0, 0,
                r->row && r->area ? "the file changed while it was read"
                                  : "out of memory");
        respondents_free(r);
        return NULL;
    }
    for (size_t i = 0; i < nsurvey; i++)
        if (area_of[i] >= 0) {
            r->row[r->n] = i;
            r->area[r->n++] = area_of[i];
        }
    return r;
}

size_t respondents_rows(const respondents *r)
{
    return r->n;
}

/* The column of the survey, copied over the latest wave's rows. */
static int gather_survey(const respondents *r, size_t c, design_column *out)
{
    if (table_kind(r->survey, c) == COL_TEXT) {
        const int32_t *code = table_codes(r->survey, c);
        int32_t *v = malloc((r->n ? r->n : 1) * sizeof *v);
        if (v == NULL)
            return -1;
        for (size_t i = 0; i < r->n; i++)
            v[i] = code[r->row[i]];
        *out = (design_column){NULL, v, r->texts, table_ncodes(r->survey)};
    } else {
        const double *num = table_numbers(r->survey, c);
        double *v = malloc((r->n ? r->n : 1) * sizeof *v);
        if (v == NULL)
            return -1;
        for (size_t i = 0; i < r->n; i++)
            v[i] = num[r->row[i]];
        *out = (design_column){v, NULL, NULL, 0};
    }
    return 0;
}

/* An area variable, repeated for each respondent of the area. */
static int gather_area(const respondents *r, const design_column *a,
                       design_column *out)
{
    *out = *a;
    if (a->num != NULL) {
        double *v = malloc((r->n ? r->n : 1) * sizeof *v);
        if (v == NULL)
            return -1;
        for (size_t i = 0; i < r->n; i++)
            v[i] = a->num[r->area[i]];
        out->num = v;
    } else {
        int32_t *v = malloc((r->n ? r->n : 1) * sizeof *v);
        if (v == NULL)
            return -1;
        for (size_t i = 0; i < r->n; i++)
            v[i] = a->code[r->area[i]];
        out->code = v;
    }
    return 0;
}

int respondents_lookup(void *ctx, const char *name, design_column *out)
{
    respondents *r = ctx;
    for (size_t i = 0; i < r->ncols; i++)
        if (strcmp(r->cols[i].name, name) == 0) {
            *out = r->cols[i].col;
            return 1;
        }
    size_t c = 0;
    while (c < r->nnames &&
           (strcmp(r->names[c], name) != 0 || !table_present(r->survey, c)))
        c++;
    design_column area;
    int in_survey = c < r->nnames;
    if (!in_survey && !frame_lookup((void *)(uintptr_t)r->areas, name, &area))
        return 0;
    gathered *more = realloc(r->cols, (r->ncols + 1) * sizeof *more);
    if (more == NULL)
        return 0;
    r->cols = more;
    gathered *g = &r->cols[r->ncols];
    memset(g, 0, sizeof *g);
    g->name = strdup(name);
    if (g->name == NULL || (in_survey ? gather_survey(r, c, &g->col)
                                      : gather_area(r, &area, &g->col)) != 0) {
        free(g->name);
        return 0;
    }
    r->ncols++;
    *out = g->col;
    return 1;
}
