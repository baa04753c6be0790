/*
 * main.c — the ecometer command line: one operation table of the
 * subcommands of SPEC §1 serves dispatch, `--help` and the error for an
 * unknown command. Subcommands whose capability has not landed yet say
 * so and exit 2; nothing pretends to work.
 */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "startup.h"

typedef struct {
    const char *name;
    const char *synopsis;
    const char *summary;
    int (*run)(int argc, char **argv); /* NULL: not built yet */
    const char *issue;                 /* where the missing work is filed */
} command;

static const command commands[] = {
    {"run", "STUDY.ini [-o DIR] [-j N] [--seed S]",
     "the whole study: load, measure, model, compare, chart, report", cmd_run,
     NULL},
    {"demo", "[-o DIR] [-j N]", "run the bundled demo study (datasets/demo/)",
     cmd_demo, NULL},
    {"check", "STUDY.ini", "validate the study file and every input", cmd_check,
     NULL},
    {"simulate",
     "-o DIR [--areas J] [--respondents M] [--exchanges K] [--waves W] "
     "[--seed S]",
     "write a synthetic study from a model with known parameters", cmd_simulate,
     NULL},
    {"scale", "DATA.csv --items a,b,c [--reverse a] --range 1,5 [--group COL]",
     "reliability and agreement: alpha, items, ICC(1), ICC(2), rwg(j)",
     cmd_scale, NULL},
    {"ecometric",
     "DATA.csv --items ... --range 1,5 --group COL [--reverse ...] "
     "[--adjust cols]",
     "three-level measurement model; area scores with SEs and reliability",
     cmd_ecometric, NULL},
    {"fit",
     "DATA.csv --formula F [--family gaussian|poisson|negbin] "
     "[--se classical|hc0|hc1|hc3|cluster:COL] [--ml]",
     "one regression (with (1|g) terms: a mixed model)", cmd_fit, NULL},
    {"index", "DATA.csv --id C --from a,b,c [--method pca]",
     "a composite index (first principal component) per row", cmd_index, NULL},
    {"mediate", "DATA.csv --x C --m C --y C [--covariates ...] [--bootstrap N]",
     "indirect effect, Sobel test and bootstrap interval", cmd_mediate, NULL},
    {"did", "DATA.csv --outcome C --unit C --time C --treated C --start T",
     "difference-in-differences with unit and time fixed effects", cmd_did,
     NULL},
    {"reciprocity", "EXCHANGES.csv [options]",
     "reciprocity and co-production indices per area", cmd_reciprocity, NULL},
    {"funnel", "DATA.csv --id C --type ratio|proportion|score ...",
     "funnel-plot limits, intervals and flags", cmd_funnel, NULL},
    {"moran",
     "DATA.csv --id C --var C --neighbours EDGES.csv [--permutations N]",
     "Moran's I with analytic and permutation inference", cmd_moran, NULL},
};

enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void print_usage(FILE *f)
{
    fprintf(f, "Usage: ecometer COMMAND [OPTIONS]\n"
               "Collective efficacy, reciprocity and fair area comparison "
               "for neighbourhood research.\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-12s %s%s\n", commands[i].name, commands[i].summary,
                commands[i].run ? "" : " (not built yet)");
    fprintf(f, "\nCommon options: -o FILE|DIR, -j N (threads; default: all "
               "cores), --seed S,\n  --format table|csv|json, --table NAME, "
               "--quiet, --progress, --help.\n"
               "'ecometer COMMAND --help' describes a command; "
               "'ecometer --version' lists versions.\n"
               "Exit status: 0 success, 1 data or numerical failure, "
               "2 usage or study-file error.\n");
}

static int not_built(const command *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0) {
            printf("Usage: ecometer %s %s\n%s.\n"
                   "Not built yet in ecometer %s: it comes with %s.\n",
                   c->name, c->synopsis, c->summary, ECOMETER_VERSION,
                   c->issue);
            return 0;
        }
    fprintf(stderr,
            "ecometer: %s: not built yet in ecometer %s (it comes with %s)\n",
            c->name, ECOMETER_VERSION, c->issue);
    return 2;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; we check every return code instead. */
    gsl_set_error_handler_off();
    startup_reexec(argv);
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        cli_print_versions(stdout);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const command *c = &commands[i];
        if (strcmp(argv[1], c->name) != 0)
            continue;
        if (c->run == NULL)
            return not_built(c, argc - 1, argv + 1);
        return c->run(argc - 1, argv + 1);
    }
    fprintf(stderr,
            "ecometer: unknown command '%s' (expected one of:", argv[1]);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(stderr, "%s %s", i ? "," : "", commands[i].name);
    fprintf(stderr, ")\n");
    return 2;
}
