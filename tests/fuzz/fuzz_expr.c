/*
 * fuzz_expr.c — libFuzzer harness for the [derive] expression parser
 * (models/formula.h, expr_parse). A parsed expression is labelled, and
 * the label must parse again to the same label (R's deparse is a fixed
 * point of parse).
 */
#include "../../models/formula.h"
#include "fuzz.h"

static void count_name(const char *name, void *ctx)
{
    if (name == NULL || name[0] == '\0')
        __builtin_trap();
    ++*(size_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static error_buf err;
    char *text = fuzz_string(data, size);
    err_clear(&err);
    expr *e = expr_parse(text, "fuzz", &err);
    fuzz_check_errors(&err, e == NULL);
    if (e != NULL) {
        size_t names = 0;
        expr_names(e, count_name, &names);
        char *label = expr_label(e);
        if (label == NULL)
            __builtin_trap();
        err_clear(&err);
        expr *again = expr_parse(label, "label", &err);
        char *label2 = again ? expr_label(again) : NULL;
        if (label2 == NULL || strcmp(label, label2) != 0)
            __builtin_trap();
        free(label2);
        expr_free(again);
        free(label);
    }
    expr_free(e);
    free(text);
    return 0;
}
