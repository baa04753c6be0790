/*
 * startup.c — start-up settings (see startup.h).
 */
#include "startup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char tunables[] = "glibc.malloc.hugetlb=1:"
                               "glibc.malloc.mmap_threshold=33554432:"
                               "glibc.malloc.trim_threshold=4294967296";

void startup_reexec(char **argv)
{
    const char *have = getenv("GLIBC_TUNABLES");
    int tune = have == NULL || strstr(have, "glibc.malloc.hugetlb") == NULL;
    int priority = getenv("OMP_MAX_TASK_PRIORITY") == NULL;
    if (!tune && !priority)
        return; /* set already: by us before the exec, or by the user */
    char value[4096];
    if (tune) {
        int n = have != NULL && *have != '\0'
                    ? snprintf(value, sizeof value, "%s:%s", have, tunables)
                    : snprintf(value, sizeof value, "%s", tunables);
        if (n < 0 || (size_t)n >= sizeof value ||
            setenv("GLIBC_TUNABLES", value, 1) != 0)
            return;
    }
    if (priority && setenv("OMP_MAX_TASK_PRIORITY", "1", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    /* No /proc, or no memory to exec: go on as we are, and say so to a
     * later exec that might try again. */
    if (tune)
        setenv("GLIBC_TUNABLES", have != NULL ? have : "glibc.malloc.hugetlb=0",
               1);
}
