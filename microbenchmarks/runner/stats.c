// perftest runner: summary statistics (see stats.h).
#include "stats.h"

#include <stdlib.h>
#include <string.h>

double pt_sqrt(double x) {
    if (!(x >= 0)) return (x == 0) ? x : __builtin_nan("");
    if (x == 0 || x > 1.7976931348623157e308) return x;  // 0 and +inf
#if defined(__x86_64__) && defined(__SSE2__)
    double r;
    __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
    return r;
#else
    // Start within a factor of 2 by halving the binary exponent, then Newton steps.
    double r = 1.0, y = x;
    while (y > 4.0) y *= 0.25, r *= 2.0;
    while (y < 0.25) y *= 4.0, r *= 0.5;
    for (int i = 0; i < 60; i++) {
        double next = 0.5 * (r + x / r);
        if (next == r) break;
        r = next;
    }
    return r;
#endif
}

static void sift_down(double *v, size_t root, size_t n) {
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && v[child + 1] > v[child]) child++;
        if (!(v[child] > v[root])) return;
        double t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

void pt_sort_doubles(double *v, size_t n) {
    if (n < 2) return;
    for (size_t i = n / 2; i-- > 0;) sift_down(v, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        double t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

bool pt_stats_compute(const double *v, size_t n, struct pt_stats *out) {
    memset(out, 0, sizeof(*out));
    if (n == 0) return false;
    double *sorted = malloc(n * sizeof(double));
    if (!sorted) return false;
    memcpy(sorted, v, n * sizeof(double));
    pt_sort_doubles(sorted, n);

    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += v[i];
    double mean = sum / (double)n;
    double sq = 0;
    for (size_t i = 0; i < n; i++) {
        double d = v[i] - mean;
        sq += d * d;
    }
    out->n = n;
    out->mean = mean;
    out->stddev = pt_sqrt(sq / (double)n);
    out->min = sorted[0];
    out->max = sorted[n - 1];
    out->median = (n % 2) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    free(sorted);
    return true;
}
