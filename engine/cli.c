/*
 * cli.c — options, messages and output shared by the subcommands
 * (see cli.h).
 */
#include "cli.h"
#include "outdir.h"

#include <cairo.h>
#include <csv.h>
#include <errno.h>
#include <gsl/gsl_version.h>
#include <jansson.h>
#include <omp.h>
#include <pango/pango.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../io/study.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *cli_gsl_version(void)
{
    return gsl_version;
}
const char *cli_cairo_version(void)
{
    return cairo_version_string();
}
const char *cli_csv_version(void)
{
    return STR(CSV_MAJOR) "." STR(CSV_MINOR) "." STR(CSV_RELEASE);
}

/* The one mutable global: a signal handler can only talk through one. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

error_buf *cli_error_buf(void)
{
    error_buf *err = calloc(1, sizeof *err);
    if (err == NULL) /* nothing else can be allocated to say more */
        fputs("ecometer: out of memory\n", stderr);
    return err;
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_interrupted(void)
{
    return interrupted != 0;
}

void cli_print_versions(FILE *f)
{
    fprintf(f,
            "ecometer %s\n"
            "GSL %s\n"
            "Cairo %s\n"
            "Pango %s\n"
            "libcsv %s\n"
            "jansson %s\n"
            "OpenMP %d\n",
            ECOMETER_VERSION, cli_gsl_version(), cli_cairo_version(),
            pango_version_string(), cli_csv_version(), JANSSON_VERSION,
            _OPENMP);
}

static const struct {
    const char *name;
    restab_format format;
} formats[] = {
    {"table", FORMAT_TABLE}, {"csv", FORMAT_CSV}, {"json", FORMAT_JSON}};

static int parse_count(const char *arg, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || errno == ERANGE || v < 1 || v > max)
        return 0;
    *out = v;
    return 1;
}

int cli_common_option(cli_common *c, int opt, const char *arg,
                      const char *command, error_buf *err)
{
    long v;
    char *end;
    switch (opt) {
    case 'o':
        c->out = arg;
        return 1;
    case 'j':
        if (!parse_count(arg, 1024, &v)) {
            err_set(err, ST_EUSAGE, command, 0, 0,
                    "-j: expected a number of threads 1..1024, found \"%s\"",
                    arg);
            return -1;
        }
        c->threads = (int)v;
        return 1;
    case OPT_FORMAT:
        for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
            if (strcmp(arg, formats[i].name) == 0) {
                c->format = formats[i].format;
                return 1;
            }
        err_set(err, ST_EUSAGE, command, 0, 0,
                "--format: unknown format \"%s\" (expected: table, csv, json)",
                arg);
        return -1;
    case OPT_TABLE:
        c->table = arg;
        return 1;
    case OPT_SEED:
        errno = 0;
        c->seed = strtoull(arg, &end, 10);
        if (end == arg || *end != '\0' || errno == ERANGE || arg[0] == '-') {
            err_set(err, ST_EUSAGE, command, 0, 0,
                    "--seed: expected a whole number >= 0, found \"%s\"", arg);
            return -1;
        }
        c->has_seed = 1;
        return 1;
    case OPT_QUIET:
        c->quiet = 1;
        return 1;
    case OPT_PROGRESS:
        c->progress = 1;
        return 1;
    default:
        return 0;
    }
}

int cli_set_threads(int requested, int fallback)
{
    int n = requested > 0 ? requested : fallback > 0 ? fallback : 0;
    if (n > 0)
        omp_set_num_threads(n);
    return omp_get_max_threads();
}

void cli_print_errors(const error_buf *err)
{
    for (size_t i = 0; i < err->n; i++)
        fprintf(stderr, "ecometer: %s\n", err->msg[i]);
    if (err->dropped > 0)
        fprintf(stderr, "ecometer: ... and %zu more problems not shown\n",
                err->dropped);
}

void cli_warn(const cli_common *c, const char *message)
{
    if (!c->quiet)
        fprintf(stderr, "ecometer: warning: %s\n", message);
}

status cli_emit(const cli_common *c, const restab *t, error_buf *err)
{
    if (c->out == NULL) {
        status st = restab_write(t, stdout, c->format, "standard output", err);
        if (st == ST_OK && fflush(stdout) != 0)
            return err_set(err, ST_EIO, "standard output", 0, 0,
                           "write failed");
        return st;
    }
    outdir_ignore_size_limit();
    size_t n = strlen(c->out) + 16;
    char *tmp = malloc(n);
    if (tmp == NULL)
        return err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory");
    snprintf(tmp, n, "%s.tmp-XXXXXX", c->out);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    status st = ST_OK;
    if (f == NULL) {
        st = err_set(err, ST_EIO, c->out, 0, 0, "cannot create the file");
        if (fd >= 0)
            close(fd);
    } else {
        st = restab_write(t, f, c->format, c->out, err);
        if (fclose(f) != 0 && st == ST_OK)
            st = err_set(err, ST_EIO, c->out, 0, 0,
                         "write failed (is the disk full?)");
        if (st == ST_OK && rename(tmp, c->out) != 0)
            st = err_set(err, ST_EIO, c->out, 0, 0, "cannot move into place");
        if (st != ST_OK)
            unlink(tmp);
    }
    free(tmp);
    return st;
}

int cli_pick_table(const cli_common *c, const char *command,
                   const char *const *names, size_t n, error_buf *err)
{
    if (c->table == NULL)
        return 0;
    char choices[256];
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c->table, names[i]) == 0)
            return (int)i;
        o += (size_t)snprintf(choices + o, sizeof choices - o, "%s%s",
                              i ? ", " : "", names[i]);
    }
    err_set(err, ST_EUSAGE, command, 0, 0,
            "--table: unknown table \"%s\" (expected: %s)", c->table, choices);
    return -1;
}

long cli_list(const char *arg, const char *command, const char *option,
              char ***out, error_buf *err)
{
    long n = study_split_list(arg, out);
    if (n < 0)
        err_set(err, ST_EUSAGE, command, 0, 0,
                "%s: expected a comma-separated list of names, found \"%s\"",
                option, arg);
    return n;
}

int cli_main(int argc, char **argv, void *args, const cli_command *steps)
{
    error_buf *err = cli_error_buf();
    cli_common c = {0};
    if (err == NULL)
        return 1;
    int rc = steps->parse(argc, argv, args, &c, err);
    status st = rc < 0 ? err->st : ST_OK;
    if (rc == 0) {
        cli_set_threads(c.threads, 0);
        st = steps->run(args, &c, err);
    }
    if (st != ST_OK)
        cli_print_errors(err);
    if (steps->free_args != NULL)
        steps->free_args(args);
    free(err);
    return rc > 0 ? 0 : err_exit_code(st);
}
