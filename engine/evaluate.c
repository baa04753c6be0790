/*
 * evaluate.c — an [evaluate] outcome's area scores, wave by wave. Each
 * wave gets its own ecometric model (METHODS §4), so that a change in an
 * area's score reflects its residents' answers in that wave only; the
 * latest wave's model is the one the ecometric stage already fitted.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../models/ecometric.h"
#include "evaluate.h"

void wave_scores_free(wave_scores *w)
{
    free(w->wave);
    free(w->score);
    memset(w, 0, sizeof *w);
}

static int by_value(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The distinct waves of the survey, ascending. */
static long *survey_waves(const inputs *in, size_t *nwaves)
{
    size_t n = table_nrows(in->survey);
    const double *wave = table_numbers(in->survey, in->col_wave);
    long *w = malloc((n ? n : 1) * sizeof *w);
    if (w == NULL)
        return NULL;
    for (size_t r = 0; r < n; r++)
        w[r] = (long)wave[r];
    qsort(w, n, sizeof *w, by_value);
    size_t k = 0;
    for (size_t r = 0; r < n; r++)
        if (k == 0 || w[r] != w[k - 1])
            w[k++] = w[r];
    *nwaves = k;
    return w;
}

/* One wave's ecometric area scores into score (nareas values). */
static status fit_wave(const study_scale *sc, const inputs *in, long wave,
                       double *score, error_buf *err)
{
    size_t n = table_nrows(in->survey), m = 0;
    const double *waves = table_numbers(in->survey, in->col_wave);
    for (size_t r = 0; r < n; r++)
        m += (long)waves[r] == wave;
    size_t ncols = sc->nitems + sc->nadjust;
    double **col = calloc(ncols, sizeof *col);
    int32_t *area = malloc((m ? m : 1) * sizeof *area);
    status st = col && area ? ST_OK : ST_ENOMEM;
    for (size_t j = 0; st == ST_OK && j < ncols; j++) {
        const char *name =
            j < sc->nitems ? sc->items[j] : sc->adjust[j - sc->nitems];
        const double *all =
            table_numbers(in->survey, inputs_item_column(in, name));
        if ((col[j] = malloc((m ? m : 1) * sizeof **col)) == NULL) {
            st = ST_ENOMEM;
            break;
        }
        for (size_t r = 0, k = 0; r < n; r++)
            if ((long)waves[r] == wave)
                col[j][k++] = all[r];
    }
    for (size_t r = 0, k = 0; st == ST_OK && r < n; r++)
        if ((long)waves[r] == wave)
            area[k++] = in->area_any[r];
    if (st != ST_OK) {
        err_set(err, st, NULL, 0, 0, "out of memory");
    } else {
        ecometric_input ei = {m,
                              sc->nitems,
                              (const double *const *)col,
                              sc->reversed,
                              sc->low,
                              sc->high,
                              area,
                              in->nareas,
                              sc->nadjust,
                              (const double *const *)col + sc->nitems};
        ecometric_result *e = ecometric_fit(&ei, err);
        if (e == NULL)
            st = err->st;
        else
            memcpy(score, e->score, in->nareas * sizeof *score);
        ecometric_result_free(e);
    }
    for (size_t j = 0; col && j < ncols; j++)
        free(col[j]);
    free(col);
    free(area);
    return st;
}

status evaluate_wave_scores(const study *s, const study_section *sec,
                            const inputs *in,
                            const ecometric_result *const *latest,
                            wave_scores *out, error_buf *err)
{
    memset(out, 0, sizeof *out);
    const char *outcome = study_get(sec, "outcome");
    const study_scale *sc = NULL;
    const ecometric_result *last = NULL;
    for (size_t i = 0; i < s->nscales; i++)
        if (strcmp(s->scales[i].name, outcome) == 0) {
            sc = &s->scales[i];
            last = latest[i];
        }
    if (sc == NULL)
        return err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                       "[evaluate %s] outcome: '%s' is not a scale of the "
                       "study",
                       sec->name, outcome);
    if (!in->has_wave || in->area_any == NULL)
        return err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                       "[evaluate %s] needs a survey wave column and an "
                       "areas file",
                       sec->name);
    out->wave = survey_waves(in, &out->nwaves);
    out->nareas = in->nareas;
    out->score = malloc((out->nwaves * in->nareas + 1) * sizeof *out->score);
    if (out->wave == NULL || out->score == NULL) {
        wave_scores_free(out);
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t t = 0; t < out->nwaves; t++) {
        if (out->wave[t] == in->latest_wave) {
            memcpy(out->score + t * in->nareas, last->score,
                   in->nareas * sizeof *out->score);
            continue;
        }
        error_buf *e = calloc(1, sizeof *e);
        status st =
            e ? fit_wave(sc, in, out->wave[t], out->score + t * in->nareas, e)
              : ST_ENOMEM;
        for (size_t k = 0; st != ST_OK && e && k < e->n; k++)
            err_set(err, e->st, NULL, 0, 0, "[evaluate %s] wave %ld: %s",
                    sec->name, out->wave[t], e->msg[k]);
        free(e);
        if (st != ST_OK) {
            wave_scores_free(out);
            return st == ST_ENOMEM && err->n == 0
                       ? err_set(err, st, NULL, 0, 0, "out of memory")
                       : st;
        }
    }
    return ST_OK;
}
