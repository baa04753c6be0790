/*
 * cli.h — what every subcommand shares: the common options of SPEC §1,
 * printing errors and warnings in the GNU form, writing one result table
 * in the chosen format, and the versions of ecometer and its libraries.
 */
#ifndef ECOMETER_CLI_H
#define ECOMETER_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "../base/error.h"
#include "../io/restab.h"

#define ECOMETER_VERSION "0.1.0"

/* Options common to the subcommands. */
typedef struct {
    const char *out; /* -o FILE|DIR, or NULL */
    int threads;     /* -j N; 0 = not given */
    uint64_t seed;   /* --seed S */
    int has_seed;
    restab_format format; /* --format */
    const char *table;    /* --table NAME, or NULL for the default */
    int quiet;            /* --quiet */
    int progress;         /* --progress */
} cli_common;

/* Long options that cli_common_option understands, for getopt_long
 * tables: their `val` fields are these codes. */
enum {
    OPT_FORMAT = 1000,
    OPT_TABLE,
    OPT_SEED,
    OPT_QUIET,
    OPT_PROGRESS,
    OPT_HELP,
    OPT_FIRST_COMMAND_OPTION /* commands number their own options from here */
};

/* Handles -o, -j, --format, --table, --seed, --quiet, --progress.
 * Returns 1 when handled, 0 when the option is not common, or -1 after
 * recording a usage error in err. */
int cli_common_option(cli_common *c, int opt, const char *arg,
                      const char *command, error_buf *err);

/* Sets the OpenMP thread count: -j N, else `fallback` when > 0, else all
 * cores (OMP_NUM_THREADS is honoured). Returns the count used. */
int cli_set_threads(int requested, int fallback);

/* A command's message buffer; NULL after saying "out of memory" on
 * stderr (the caller then exits with status 1). */
error_buf *cli_error_buf(void);

/* Prints every message in err as "ecometer: message" on stderr, and a
 * count of those not shown. */
void cli_print_errors(const error_buf *err);

/* Prints "ecometer: warning: message" unless quiet. */
void cli_warn(const cli_common *c, const char *message);

/* Writes a table to -o FILE (atomically: a temporary file renamed into
 * place) or to stdout. */
status cli_emit(const cli_common *c, const restab *t, error_buf *err);

/* Chooses among a command's tables by --table. Returns the index of the
 * name in names (0 when --table is absent), or -1 after recording an
 * error that lists the choices. */
int cli_pick_table(const cli_common *c, const char *command,
                   const char *const *names, size_t n, error_buf *err);

/* Parses a comma-separated list argument into a fresh array of trimmed
 * strings; returns the count or -1 (usage error recorded). */
long cli_list(const char *arg, const char *command, const char *option,
              char ***out, error_buf *err);

/* Catches SIGINT and SIGTERM: instead of dying mid-write, long commands
 * poll cli_interrupted() between steps, remove their temporary output and
 * exit 130. */
void cli_catch_signals(void);
int cli_interrupted(void);

/* Writes the version block of --version to f. */
void cli_print_versions(FILE *f);

/* Versions of the libraries, for summary.json and --version. */
const char *cli_gsl_version(void);
const char *cli_cairo_version(void);
const char *cli_csv_version(void);

/* A single-method command's steps over its own argument struct: parse
 * returns 0 to run, 1 when it has answered (--help), or -1 with err set;
 * run does the work; free_args (or NULL) releases what parse kept. */
typedef struct {
    int (*parse)(int argc, char **argv, void *args, cli_common *c,
                 error_buf *err);
    status (*run)(const void *args, const cli_common *c, error_buf *err);
    void (*free_args)(void *args);
} cli_command;

/* Runs a command's steps: parses, sets the threads, runs, prints the
 * errors and returns the exit status (0, or that of the failure). */
int cli_main(int argc, char **argv, void *args, const cli_command *steps);

#endif
