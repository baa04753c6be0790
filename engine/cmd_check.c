/*
 * cmd_check.c — `ecometer check STUDY.ini`: validates the study file and
 * every input it names, lists every problem found (up to 50), analyses
 * nothing. Exit 2 for study-file problems, 1 for data problems.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "../io/study.h"
#include "cli.h"
#include "commands.h"
#include "inputs.h"

static const struct option options[] = {{"quiet", no_argument, NULL, OPT_QUIET},
                                        {"help", no_argument, NULL, OPT_HELP},
                                        {NULL, 0, NULL, 0}};

static const char usage[] =
    "Usage: ecometer check STUDY.ini [--quiet]\n"
    "Validates the study file and every input it names and lists every\n"
    "problem found (up to 50), without analysing anything. Exit status 0\n"
    "when all is well, 1 when the data are wrong, 2 when the study file is.\n";

/* Files that later stages read: they must at least exist and be readable. */
static status check_readable(const study *s, error_buf *err)
{
    const char *files[] = {s->neighbours_file, s->map_file, s->exchanges_file};
    status st = ST_OK;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (files[i] == NULL)
            continue;
        FILE *f = fopen(files[i], "rb");
        if (f == NULL)
            st = err_set(err, ST_EDATA, files[i], 0, 0, "cannot open: %s",
                         "no such file or not readable");
        else
            fclose(f);
    }
    return st;
}

int cmd_check(int argc, char **argv)
{
    error_buf *err = cli_error_buf();
    cli_common c = {0};
    if (err == NULL)
        return 1;
    int opt, rc = 0;
    optind = 1;
    while (rc == 0 &&
           (opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == OPT_HELP) {
            fputs(usage, stdout);
            free(err);
            return 0;
        }
        rc = cli_common_option(&c, opt, optarg, "check", err);
        if (rc == 0)
            err_set(err, ST_EUSAGE, "check", 0, 0,
                    "unknown option (see 'ecometer check --help')");
        rc = rc > 0 ? 0 : -1;
    }
    if (rc == 0 && optind + 1 != argc) {
        err_set(err, ST_EUSAGE, "check", 0, 0,
                "expected one STUDY.ini (see 'ecometer check --help')");
        rc = -1;
    }
    status st = rc < 0 ? ST_EUSAGE : ST_OK;
    study *s = NULL;
    inputs in = {0};
    if (rc == 0) {
        s = study_load(argv[optind], err);
        st = s ? ST_OK : err->st;
    }
    if (s != NULL) {
        status data = inputs_load(s, &in, err);
        status files = check_readable(s, err);
        st = data != ST_OK ? data : files;
    }
    if (st != ST_OK) {
        cli_print_errors(err);
    } else if (!c.quiet && s != NULL) {
        size_t n = in.survey ? table_nrows(in.survey) : 0;
        printf("%s: ok: %zu respondents (%zu in wave %ld), %zu areas, %zu "
               "scales\n",
               argv[optind], n, in.nlatest, in.latest_wave, in.nareas,
               s->nscales);
    }
    inputs_free(&in);
    study_free(s);
    free(err);
    return err_exit_code(st);
}
