#ifndef SLUICE_CNEIGHBORS_H
#define SLUICE_CNEIGHBORS_H

/// The brute-force nearest-neighbour search of k-nearest neighbours, in C so that it can be
/// compiled for AVX2 and AVX-512 beside a portable build and the best one chosen at run time
/// (Swift compiles for baseline x86-64, two doubles per instruction).
///
/// Every variant computes the same numbers: the distance of query `q` to training row `r` is
/// `norms[r] + Σ_c (−2·q[c]) · x[c·n + r]`, summed in column order, each product rounded and then
/// added (no fused multiply-add), so the result does not depend on which variant ran.

/// The portable variant (two-double vectors where the target has them).
#define SLUICE_KNN_PORTABLE 0
/// The AVX2 variant (four doubles per instruction).
#define SLUICE_KNN_AVX2 1
/// The AVX-512 variant (eight doubles per instruction).
#define SLUICE_KNN_AVX512 2

/// Whether `variant` can run on this CPU (the portable one always can).
int sluice_knn_supported(int variant);

/// The fastest variant this CPU runs.
int sluice_knn_best(void);

/// The `k` nearest training rows of each of `nq` queries.
///
/// - `x`: the training rows, column-major (`x[c·n + r]` is row `r`, column `c`), `n` rows, `d` columns.
/// - `norms`: `‖row r‖²` for each of the `n` rows.
/// - `queries`: `nq` queries of `d` values each, row-major.
/// - `best`, `index`: `nq · k` each; query `q`'s neighbours at `q·k …`, nearest first, as the
///   distance up to the constant `‖q‖²` and the row. Ties go to the lower row; a row whose distance
///   is NaN is never taken; slots without a neighbour hold (+∞, −1).
void sluice_knn_search(int variant, const double *x, long n, long d, const double *norms,
                       const double *queries, long nq, long k, double *best, long *index);

#endif
