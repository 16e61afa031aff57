// Instructions Swift has no spelling for, as inline functions that compile to the
// instruction itself in the Swift code that calls them.

// Asks for the cache line at `address` ahead of a read (prefetcht0).
static inline void mc_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

// Tells the core this is a spin-wait loop (x86 `pause`), sparing the sibling's resources.
static inline void mc_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
