/*
 * bench/malloc_count.c: an LD_PRELOAD library that counts heap
 * allocations (malloc, calloc, realloc, posix_memalign, memalign,
 * aligned_alloc, valloc, pvalloc) of one process.
 *
 *   gcc -shared -fPIC -O2 -o malloc_count.so malloc_count.c -ldl
 *   MALLOC_COUNT_FILE=/tmp/count LD_PRELOAD=./malloc_count.so nginx ...
 *   kill -s RTMIN+5 PID     # writes "calls bytes" to MALLOC_COUNT_FILE
 *
 * Real-time signal SIGRTMIN+5, because nginx installs its own handlers for
 * the classic ones (USR1, USR2, HUP, ...).  The handler only uses
 * async-signal-safe calls.  The count is also written at exit.
 */

#define _GNU_SOURCE

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);

static atomic_ulong  calls;
static atomic_ulong  bytes;
static int           resolving;

/* calloc from dlsym() before the real one is known */
static char    boot[4096];
static size_t  boot_used;

static char    path[4096];


static void
count(size_t n)
{
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&bytes, n, memory_order_relaxed);
}


static char *
put_ulong(char *p, unsigned long v)
{
    char  tmp[24];
    int   n = 0;

    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);

    while (n) {
        *p++ = tmp[--n];
    }

    return p;
}


static void
dump(void)
{
    char  buf[64], *p;
    int   fd;

    if (path[0] == '\0') {
        return;
    }

    p = put_ulong(buf, atomic_load(&calls));
    *p++ = ' ';
    p = put_ulong(p, atomic_load(&bytes));
    *p++ = '\n';

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd == -1) {
        return;
    }

    if (write(fd, buf, (size_t) (p - buf)) < 0) {
        /* nothing to do */
    }

    close(fd);
}


static void
on_signal(int signo)
{
    (void) signo;
    dump();
}


static void
resolve(void)
{
    resolving = 1;
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_valloc = dlsym(RTLD_NEXT, "valloc");
    real_pvalloc = dlsym(RTLD_NEXT, "pvalloc");
    resolving = 0;
}


__attribute__((constructor))
static void
init(void)
{
    const char        *p;
    struct sigaction   sa;

    if (real_malloc == NULL) {
        resolve();
    }

    p = getenv("MALLOC_COUNT_FILE");
    if (p != NULL && strlen(p) < sizeof(path)) {
        strcpy(path, p);
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGRTMIN + 5, &sa, NULL);

    atexit(dump);
}


void *
malloc(size_t n)
{
    if (real_malloc == NULL) {
        resolve();
    }

    count(n);
    return real_malloc(n);
}


void *
calloc(size_t n, size_t size)
{
    void  *p;

    if (real_calloc == NULL) {
        if (resolving) {
            /* dlsym's own calloc: a zeroed static buffer */
            size_t  len = (n * size + 15) & ~(size_t) 15;

            if (boot_used + len > sizeof(boot)) {
                return NULL;
            }

            p = boot + boot_used;
            boot_used += len;
            return p;
        }

        resolve();
    }

    count(n * size);
    return real_calloc(n, size);
}


void *
realloc(void *old, size_t n)
{
    if (real_realloc == NULL) {
        resolve();
    }

    count(n);
    return real_realloc(old, n);
}


void
free(void *p)
{
    static void  (*real_free)(void *);

    if ((char *) p >= boot && (char *) p < boot + sizeof(boot)) {
        return;
    }

    if (real_free == NULL) {
        real_free = dlsym(RTLD_NEXT, "free");
    }

    real_free(p);
}


int
posix_memalign(void **out, size_t align, size_t n)
{
    if (real_posix_memalign == NULL) {
        resolve();
    }

    count(n);
    return real_posix_memalign(out, align, n);
}


void *
memalign(size_t align, size_t n)
{
    if (real_memalign == NULL) {
        resolve();
    }

    count(n);
    return real_memalign(align, n);
}


void *
aligned_alloc(size_t align, size_t n)
{
    if (real_aligned_alloc == NULL) {
        resolve();
    }

    count(n);
    return real_aligned_alloc(align, n);
}


void *
valloc(size_t n)
{
    if (real_valloc == NULL) {
        resolve();
    }

    count(n);
    return real_valloc(n);
}


void *
pvalloc(size_t n)
{
    if (real_pvalloc == NULL) {
        resolve();
    }

    count(n);
    return real_pvalloc(n);
}
