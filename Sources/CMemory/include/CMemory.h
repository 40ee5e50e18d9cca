/* Memory hints for the model's hot loops (Swift has no prefetch intrinsic). */
#ifndef COMMISSIM_CMEMORY_H
#define COMMISSIM_CMEMORY_H

/* Asks the CPU to start loading the cache line at `p` for writing; never faults. */
static inline void commissim_prefetch(const void *p) { __builtin_prefetch(p, 1, 3); }

#endif
