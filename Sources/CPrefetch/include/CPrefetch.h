#ifndef SLUICE_CPREFETCH_H
#define SLUICE_CPREFETCH_H

/// Asks the CPU to start loading the cache line holding `address` (for reading, to be kept in
/// every cache level), without waiting for it: for gather loops whose addresses are known a few
/// iterations ahead. Swift has no prefetch of its own; this inlines to one instruction.
static inline __attribute__((always_inline)) void sluice_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
