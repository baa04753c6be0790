/*
 * outdir.c — all-or-nothing output folders (see outdir.h).
 */
#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct outdir {
    char *target; /* the folder asked for */
    char *tmp;    /* the temporary folder beside it */
    char **files; /* outputs, relative paths, in order of creation */
    size_t nfiles;
};

static int make_parents(const char *path)
{
    char *p = strdup(path);
    if (p == NULL)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

void outdir_ignore_size_limit(void)
{
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGXFSZ, &ignore, NULL);
}

outdir *outdir_begin(const char *dir, error_buf *err)
{
    outdir_ignore_size_limit();

    outdir *od = calloc(1, sizeof *od);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (od == NULL || (od->target = strndup(dir, n)) == NULL ||
        (od->tmp = malloc(n + 16)) == NULL) {
        outdir_abort(od);
        err_set(err, ST_ENOMEM, dir, 0, 0, "out of memory");
        return NULL;
    }
    snprintf(od->tmp, n + 16, "%s.tmp-XXXXXX", od->target);
    if (make_parents(od->tmp) != 0 || mkdtemp(od->tmp) == NULL) {
        free(od->tmp);
        od->tmp = NULL;
        outdir_abort(od);
        err_set(err, ST_EIO, dir, 0, 0, "cannot create the output folder: %s",
                errno == EACCES ? "permission denied" : "not a writable place");
        return NULL;
    }
    /* mkdtemp makes the folder private; give it the usual permissions. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(od->tmp, 0777 & ~mask);
    return od;
}

FILE *outdir_open(outdir *od, const char *rel, error_buf *err)
{
    size_t n = strlen(od->tmp) + strlen(rel) + 2;
    char *path = malloc(n);
    char **files = realloc(od->files, (od->nfiles + 1) * sizeof *files);
    if (files != NULL)
        od->files = files;
    if (path == NULL || files == NULL ||
        (od->files[od->nfiles] = strdup(rel)) == NULL) {
        free(path);
        err_set(err, ST_ENOMEM, rel, 0, 0, "out of memory");
        return NULL;
    }
    od->nfiles++;
    snprintf(path, n, "%s/%s", od->tmp, rel);
    FILE *f = make_parents(path) == 0 ? fopen(path, "wb") : NULL;
    free(path);
    if (f == NULL)
        err_set(err, ST_EIO, rel, 0, 0, "cannot create the file");
    return f;
}

status outdir_close(outdir *od, FILE *f, const char *rel, error_buf *err)
{
    (void)od;
    int failed = ferror(f);
    if (fclose(f) != 0 || failed)
        return err_set(err, ST_EIO, rel, 0, 0,
                       "write failed (is the disk full?)");
    return ST_OK;
}

const char *outdir_path(const outdir *od)
{
    return od->tmp;
}
size_t outdir_count(const outdir *od)
{
    return od->nfiles;
}
const char *outdir_file(const outdir *od, size_t i)
{
    return od->files[i];
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
                        struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int outdir_remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void free_outdir(outdir *od)
{
    for (size_t i = 0; i < od->nfiles; i++)
        free(od->files[i]);
    free(od->files);
    free(od->target);
    free(od->tmp);
    free(od);
}

status outdir_commit(outdir *od, error_buf *err)
{
    status st = ST_OK;
    struct stat sb;
    if (stat(od->target, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) {
            st = err_set(err, ST_EIO, od->target, 0, 0,
                         "exists and is not a folder; nothing was changed");
        } else if (renameat2(AT_FDCWD, od->tmp, AT_FDCWD, od->target,
                             RENAME_EXCHANGE) != 0) {
            st = err_set(err, ST_EIO, od->target, 0, 0,
                         "cannot swap the new output into place");
        }
        /* After the exchange, tmp holds the previous output. */
    } else if (rename(od->tmp, od->target) != 0) {
        st = err_set(err, ST_EIO, od->target, 0, 0,
                     "cannot move the new output into place");
    }
    if (st != ST_OK) {
        outdir_abort(od);
        return st;
    }
    outdir_remove_tree(od->tmp);
    free_outdir(od);
    return ST_OK;
}

void outdir_abort(outdir *od)
{
    if (od == NULL)
        return;
    if (od->tmp != NULL)
        outdir_remove_tree(od->tmp);
    free_outdir(od);
}
