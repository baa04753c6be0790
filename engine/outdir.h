/*
 * outdir.h — an output folder written all or nothing (SPEC §4).
 *
 * Everything is written into a fresh temporary folder beside the target;
 * outdir_commit swaps it into place atomically (renameat2 with
 * RENAME_EXCHANGE when the target exists, then the old folder is
 * removed), so a failed or interrupted run leaves the previous output as
 * it was. outdir_abort removes the temporary folder.
 */
#ifndef ECOMETER_OUTDIR_H
#define ECOMETER_OUTDIR_H

#include <stdio.h>

#include "../base/error.h"

typedef struct outdir outdir;

/* A file-size limit (ulimit -f) would otherwise kill the process with
 * SIGXFSZ mid-write and leave a temporary file or folder behind; ignored,
 * the write fails with EFBIG and is reported like a full disk. Every
 * writer of output files calls this first (outdir_begin does). */
void outdir_ignore_size_limit(void);

/* Starts an output folder for dir (its parents are created). NULL with
 * err set on failure. From then on SIGXFSZ is ignored (see above). */
outdir *outdir_begin(const char *dir, error_buf *err);

/* Opens rel (a path inside the folder; subfolders are created) for
 * writing and records it as an output. NULL with err set on failure. */
FILE *outdir_open(outdir *od, const char *rel, error_buf *err);

/* Closes a file from outdir_open, reporting a failed write (a full disk
 * shows up here) as an error naming rel. */
status outdir_close(outdir *od, FILE *f, const char *rel, error_buf *err);

/* The temporary folder's path, and the outputs recorded so far. */
const char *outdir_path(const outdir *od);
size_t outdir_count(const outdir *od);
const char *outdir_file(const outdir *od, size_t i);

/* Swaps the folder into place and frees od. */
status outdir_commit(outdir *od, error_buf *err);

/* Removes the temporary folder and frees od; NULL is a no-op. */
void outdir_abort(outdir *od);

/* Removes a folder tree (used for the old output after a swap). */
int outdir_remove_tree(const char *path);

#endif
