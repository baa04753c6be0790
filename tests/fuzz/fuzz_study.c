/*
 * fuzz_study.c — libFuzzer harness for the study-file parser
 * (io/study.h). The input is the study file; a study that loads is
 * walked (sections, keys, lists, scales) and its lists re-split.
 */
#include "../../io/study.h"
#include "fuzz.h"

static void walk(const study *s)
{
    for (size_t i = 0; i < s->nsections; i++) {
        const study_section *sec = &s->sections[i];
        if (study_find(s, sec->kind, sec->name) == NULL)
            __builtin_trap();
        for (size_t k = 0; k < sec->nentries; k++) {
            const study_entry *e = &sec->entries[k];
            if (study_get(sec, e->key) == NULL)
                __builtin_trap();
            char **list = NULL;
            long n = study_split_list(e->value, &list);
            if (n >= 0)
                study_list_free(list, (size_t)n);
        }
    }
    for (size_t i = 0; i < s->nscales; i++) {
        const study_scale *sc = &s->scales[i];
        if (sc->nitems == 0 || !(sc->low < sc->high))
            __builtin_trap();
        for (size_t k = 0; k < sc->nitems; k++)
            if (sc->items[k] == NULL || sc->items[k][0] == '\0')
                __builtin_trap();
    }
    if (s->has_survey && s->survey_file == NULL)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static error_buf err;
    const char *path = fuzz_file(0, data, size);
    err_clear(&err);
    study *s = study_load(path, &err);
    fuzz_check_errors(&err, s == NULL);
    if (s != NULL)
        walk(s);
    study_free(s);
    return 0;
}
