/* Memory hints and blocks for the model's hot loops (Swift has no prefetch intrinsic, and no way
   to ask for huge pages). */
#ifndef COMMISSIM_CMEMORY_H
#define COMMISSIM_CMEMORY_H

#include <stddef.h>

/* Asks the CPU to start loading the cache line at `p` for writing; never faults. */
static inline void commissim_prefetch(const void *p) { __builtin_prefetch(p, 1, 3); }

/* A block of `bytes` (at least 1) aligned to a cache line, or NULL when memory is exhausted.
   Blocks of 1 MiB or more start on a 2 MiB boundary, are rounded up to whole 2 MiB pages, and
   are offered to the kernel's transparent huge pages: the records the model reads at random
   (children, contracts, the trust matrices) then take one TLB entry per 2 MiB instead of one per
   4 KiB (MODEL.md 2, "Scheduling of care"). Free with commissim_free_block. */
void *commissim_alloc_block(size_t bytes);
void commissim_free_block(void *p);

#endif
