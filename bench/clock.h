/* clock.h: what the bench helpers time with, one copy for all of them. */
#pragma once

#include <time.h>

/* CLOCK_MONOTONIC in ms. */
static inline double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* qsort's comparison of doubles, for medians. */
static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}
