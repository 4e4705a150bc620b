// The CPU's CRC-32C instruction (SSE4.2 on x86-64), which Swift cannot name directly.
// WireCore uses it when the CPU has it and falls back to its portable slicing-by-8 table code.
#ifndef SWITCHYARD_CHARDWARECRC_H
#define SWITCHYARD_CHARDWARECRC_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
static inline int chwcrc_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}

// Continues the CRC-32C register `crc` (pre-inverted) over `n` bytes, 8 bytes per instruction.
__attribute__((target("sse4.2")))
static inline uint32_t chwcrc_update(uint32_t crc, const uint8_t *p, size_t n) {
    uint64_t c = crc;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = __builtin_ia32_crc32di(c, w);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p);
        p++;
        n--;
    }
    return c32;
}
#else
static inline int chwcrc_available(void) { return 0; }
static inline uint32_t chwcrc_update(uint32_t crc, const uint8_t *p, size_t n) { (void)p; (void)n; return crc; }
#endif
#endif
