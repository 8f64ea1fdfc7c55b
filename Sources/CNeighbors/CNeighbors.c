// The nearest-neighbour search of CNeighbors.h: one kernel body, instantiated for the portable
// target and, on x86-64, for AVX2 and AVX-512 through `target` attributes.
//
// No contraction of a product and a sum into a fused multiply-add (AVX-512F has FMA): every
// variant must round each product and then each sum, as Swift's per-row code does.
#pragma clang fp contract(off)

#include "CNeighbors.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/// Puts (distance a, row) into the sorted list `best` / `index` of `k` if it is nearer than the
/// k-th; equal distances keep the earlier (lower) row first.
static inline void insert(double *best, long *index, long k, double a, long row) {
    if (!(a < best[k - 1])) return;
    long i = k - 1;
    while (i > 0 && best[i - 1] > a) {
        best[i] = best[i - 1];
        index[i] = index[i - 1];
        i -= 1;
    }
    best[i] = a;
    index[i] = row;
}

/// One row's distance, scalar, in the kernels' order (the rows after the last whole strip).
static inline double distance1(const double *x, long n, long d, double norm, const double *s, long r) {
    double a = norm;
    for (long c = 0; c < d; c++) {
        double t = s[c] * x[c * n + r];
        a = a + t;
    }
    return a;
}

// KERNEL(NAME, ATTR, VT, VW, Q, V): queries `Q` at a time against strips of `V` vectors of `VW`
// rows, the `Q · V` sums in registers while the columns go by; then the rows nearer than a
// query's k-th so far (rarely any, once the lists fill) go into its list in row order.
// Rows r0 ..< r1, a whole number of strips. `s` holds the Q queries scaled by −2, row-major.
#define KERNEL(NAME, ATTR, VT, VW, Q, V)                                                          \
    ATTR static void NAME(const double *x, long n, long d, const double *norms, const double *s, \
                          long k, double *best, long *index, long r0, long r1) {                 \
        typedef long MT __attribute__((ext_vector_type(VW)));                                     \
        for (long r = r0; r < r1; r += (VW) * (V)) {                                              \
            VT acc[Q][V];                                                                         \
            for (int v = 0; v < (V); v++) {                                                       \
                VT start;                                                                         \
                memcpy(&start, norms + r + v * (VW), sizeof start);                               \
                for (int q = 0; q < (Q); q++) acc[q][v] = start;                                  \
            }                                                                                     \
            const double *col = x + r;                                                            \
            for (long c = 0; c < d; c++, col += n) {                                              \
                VT xv[V];                                                                         \
                for (int v = 0; v < (V); v++) memcpy(&xv[v], col + v * (VW), sizeof xv[v]);       \
                for (int q = 0; q < (Q); q++) {                                                   \
                    VT b = s[q * d + c];                                                          \
                    for (int v = 0; v < (V); v++) {                                               \
                        VT t = b * xv[v];                                                         \
                        acc[q][v] = acc[q][v] + t;                                                \
                    }                                                                             \
                }                                                                                 \
            }                                                                                     \
            for (int q = 0; q < (Q); q++) {                                                       \
                double *bq = best + q * k;                                                        \
                long *iq = index + q * k;                                                         \
                double worst = bq[k - 1];                                                         \
                MT nearer = acc[q][0] < worst;                                                    \
                for (int v = 1; v < (V); v++) nearer |= acc[q][v] < worst;                        \
                if (!__builtin_reduce_or(nearer)) continue;                                       \
                double a[(VW) * (V)];                                                             \
                memcpy(a, acc[q], sizeof a);                                                      \
                for (int i = 0; i < (VW) * (V); i++) insert(bq, iq, k, a[i], r + i);              \
            }                                                                                     \
        }                                                                                         \
    }

typedef void (*Kernel)(const double *, long, long, const double *, const double *, long, double *, long *, long, long);

/// A variant: its kernels for a group of queries and for one, and their strip width in rows.
typedef struct {
    Kernel group;
    Kernel single;
    long groupSize;
    long strip;
} Variant;

typedef double V2 __attribute__((ext_vector_type(2)));
KERNEL(portable4, , V2, 2, 4, 2)
KERNEL(portable1, , V2, 2, 1, 2)

#if defined(__x86_64__)
typedef double V4 __attribute__((ext_vector_type(4)));
typedef double V8 __attribute__((ext_vector_type(8)));
KERNEL(avx2_4, __attribute__((target("avx2"))), V4, 4, 4, 2)
KERNEL(avx2_1, __attribute__((target("avx2"))), V4, 4, 1, 2)
KERNEL(avx512_8, __attribute__((target("avx512f"))), V8, 8, 8, 2)
KERNEL(avx512_1, __attribute__((target("avx512f"))), V8, 8, 1, 2)
#endif

int sluice_knn_supported(int variant) {
    switch (variant) {
    case SLUICE_KNN_PORTABLE: return 1;
#if defined(__x86_64__)
    case SLUICE_KNN_AVX2: return __builtin_cpu_supports("avx2");
    case SLUICE_KNN_AVX512: return __builtin_cpu_supports("avx512f");
#endif
    default: return 0;
    }
}

int sluice_knn_best(void) {
    if (sluice_knn_supported(SLUICE_KNN_AVX512)) return SLUICE_KNN_AVX512;
    if (sluice_knn_supported(SLUICE_KNN_AVX2)) return SLUICE_KNN_AVX2;
    return SLUICE_KNN_PORTABLE;
}

static Variant variant(int which) {
#if defined(__x86_64__)
    if (which == SLUICE_KNN_AVX512 && sluice_knn_supported(which)) return (Variant){avx512_8, avx512_1, 8, 16};
    if (which == SLUICE_KNN_AVX2 && sluice_knn_supported(which)) return (Variant){avx2_4, avx2_1, 4, 8};
#endif
    (void)which;
    return (Variant){portable4, portable1, 4, 4};
}

void sluice_knn_search(int which, const double *x, long n, long d, const double *norms,
                       const double *queries, long nq, long k, double *best, long *index) {
    for (long i = 0; i < nq * k; i++) {
        best[i] = INFINITY;
        index[i] = -1;
    }
    if (nq <= 0 || k <= 0 || n <= 0) return;
    Variant v = variant(which);
    // The queries scaled by −2 (exact: a power of two), row-major.
    double *s = malloc(sizeof(double) * (size_t)(nq * (d > 0 ? d : 1)));
    if (s == NULL) abort();
    for (long i = 0; i < nq * d; i++) s[i] = -2 * queries[i];
    long whole = n - n % v.strip;
    // Tiles of training rows small enough to stay in the cache while every query passes over
    // them (about 128 KiB); each query still meets the rows in increasing order.
    long tile = (16384 / (d > 0 ? d : 1)) / v.strip * v.strip;
    if (tile < v.strip) tile = v.strip;
    for (long t0 = 0; t0 < whole; t0 += tile) {
        long t1 = t0 + tile < whole ? t0 + tile : whole;
        long q = 0;
        for (; q + v.groupSize <= nq; q += v.groupSize)
            v.group(x, n, d, norms, s + q * d, k, best + q * k, index + q * k, t0, t1);
        for (; q < nq; q++)
            v.single(x, n, d, norms, s + q * d, k, best + q * k, index + q * k, t0, t1);
    }
    for (long q = 0; q < nq; q++)
        for (long r = whole; r < n; r++)
            insert(best + q * k, index + q * k, k, distance1(x, n, d, norms[r], s + q * d, r), r);
    free(s);
}
