// perftest runner: summary statistics of one label's values.
#ifndef ZC_PERFTEST_STATS_H
#define ZC_PERFTEST_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct pt_stats {
    size_t n;
    double mean;
    double stddev;  // population standard deviation (divides by n, like perftest)
    double min;
    double max;
    double median;  // middle value; the mean of the two middle values when n is even
};

// Fills *out from v[0..n). False (and *out zeroed) when n == 0 or memory ran out.
bool pt_stats_compute(const double *v, size_t n, struct pt_stats *out);

// Square root (correctly rounded with SSE2, Newton's method otherwise); NaN for x < 0.
double pt_sqrt(double x);

// Sorts v[0..n) ascending in place (heap sort: no recursion, no allocation).
void pt_sort_doubles(double *v, size_t n);

#endif
