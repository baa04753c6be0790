/*
 * memtune.h — the memory allocator's settings for big batch runs.
 *
 * A national run allocates and touches a few gigabytes in blocks of
 * megabytes. With glibc's defaults each block is mapped afresh in 4 KiB
 * pages and the kernel takes a fault per page; on virtual machines those
 * faults cost a fifth of the run (run.json's load stage took 2.7 s with
 * them and 1.2 s without). Transparent huge pages (2 MiB) cut the faults
 * 512-fold, and keeping freed memory for reuse avoids faulting it in
 * again. glibc reads these settings only from GLIBC_TUNABLES at start-up,
 * so the program sets them and starts itself once more.
 */
#ifndef ECOMETER_MEMTUNE_H
#define ECOMETER_MEMTUNE_H

/* Re-executes the program with glibc.malloc.hugetlb=1 (huge pages where
 * the kernel allows them on request), mmap_threshold 32 MiB and a high
 * trim_threshold added to GLIBC_TUNABLES, unless it already names
 * glibc.malloc.hugetlb (set it to 0 to keep the defaults). Returns only
 * when it does not re-execute, or when that fails; results never depend
 * on it. */
void memtune_reexec(char **argv);

#endif
