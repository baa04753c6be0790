/*
 * fuzz_formula.c — libFuzzer harness for the formula parser
 * (models/formula.h, formula_parse). A parsed formula is checked for
 * R's term order and walked: every label and every name.
 */
#include "../../models/formula.h"
#include "fuzz.h"

static void count_name(const char *name, void *ctx)
{
    if (name == NULL || name[0] == '\0')
        __builtin_trap();
    ++*(size_t *)ctx;
}

static void walk_expr(const expr *e)
{
    size_t names = 0;
    char *label = expr_label(e);
    if (label == NULL)
        __builtin_trap();
    free(label);
    expr_names(e, count_name, &names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static error_buf err;
    char *text = fuzz_string(data, size);
    err_clear(&err);
    formula *f = formula_parse(text, "fuzz", &err);
    fuzz_check_errors(&err, f == NULL);
    if (f != NULL) {
        walk_expr(f->response);
        for (size_t i = 0; i < f->nvars; i++)
            walk_expr(f->vars[i].e);
        for (size_t i = 0; i < f->noffsets; i++)
            walk_expr(f->offsets[i]);
        for (size_t i = 0; i < f->nterms; i++) {
            uint64_t v = f->terms[i].vars;
            if (v == 0 || f->terms[i].label == NULL ||
                (f->nvars < 64 && (v >> f->nvars) != 0))
                __builtin_trap();
            /* terms by degree, as R orders them */
            if (i > 0 && __builtin_popcountll(f->terms[i - 1].vars) >
                             __builtin_popcountll(v))
                __builtin_trap();
        }
        for (size_t i = 0; i < f->nrandom; i++)
            if (f->random[i].group == NULL ||
                (!f->random[i].intercept && f->random[i].slope == NULL))
                __builtin_trap();
    }
    formula_free(f);
    free(text);
    return 0;
}
