#define _GNU_SOURCE
#include "CMemory.h"
#include <stdlib.h>
#include <sys/mman.h>

enum { HUGE_PAGE = 2 * 1024 * 1024, CACHE_LINE = 64 };
/* Blocks from half a huge page up are rounded up to whole huge pages (the trust matrices of an
   England-scale run are about 1.7 MiB each). */
enum { HUGE_FROM = HUGE_PAGE / 2 };

void *commissim_alloc_block(size_t bytes) {
    if (bytes == 0) bytes = 1;
    void *p = NULL;
    if (bytes >= HUGE_FROM) {
        size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        if (rounded < bytes || posix_memalign(&p, HUGE_PAGE, rounded) != 0) return NULL;
#ifdef MADV_HUGEPAGE
        (void)madvise(p, rounded, MADV_HUGEPAGE); /* a hint: refused or unsupported is fine */
#endif
        return p;
    }
    return posix_memalign(&p, CACHE_LINE, bytes) == 0 ? p : NULL;
}

void commissim_free_block(void *p) { free(p); }
