/*
 * startup.h — settings that the C library and the OpenMP runtime read
 * only from the environment at start-up, set by the program itself.
 *
 * The allocator: a national run allocates and touches a few gigabytes in
 * blocks of megabytes. With glibc's defaults each block is mapped afresh
 * in 4 KiB pages and the kernel takes a fault per page; on virtual
 * machines those faults cost a fifth of the run (run.json's load stage
 * took 2.7 s with them and 1.2 s without). Transparent huge pages
 * (2 MiB) cut the faults 512-fold, and keeping freed memory for reuse
 * avoids faulting it in again.
 *
 * Task priorities: the outputs' figures are drawn as OpenMP tasks beside
 * the tables' pieces, and the figures, which the thread writing the PDF
 * waits for, go first (report_figure). OpenMP ignores task priorities
 * unless OMP_MAX_TASK_PRIORITY is set when it starts.
 *
 * Both are read before main runs, so the program sets them and starts
 * itself once more.
 */
#ifndef ECOMETER_STARTUP_H
#define ECOMETER_STARTUP_H

/* Re-executes the program with what is missing of: glibc.malloc.hugetlb=1
 * (huge pages where the kernel allows them on request), mmap_threshold
 * 32 MiB and a high trim_threshold added to GLIBC_TUNABLES, unless it
 * already names glibc.malloc.hugetlb (set it to 0 to keep glibc's
 * defaults); OMP_MAX_TASK_PRIORITY=1, unless it is set. Returns only when
 * both were set already, or when the exec fails; results never depend on
 * either. */
void startup_reexec(char **argv);

#endif
