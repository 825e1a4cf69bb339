/* units.h: value parsers for sizes, durations, CPU fractions, signals, rlimits. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* "256M", "1.5G", "64k", "4096", "2GiB": binary multiples. 0 or -EINVAL/-ERANGE. */
int units_parse_size(const char *s, uint64_t *bytes);
/* "10s", "1.5s", "2m", "250ms", "100us", "1h", "3" (seconds): in microseconds. */
int units_parse_duration(const char *s, uint64_t *usec);
/* "0.5", "2", "1.25", "150%": a positive number of CPUs, at most 4096. */
int units_parse_cpus(const char *s, double *cpus);
/* "123": a decimal unsigned integer with no sign or trailing garbage. */
int units_parse_uint(const char *s, uint64_t max, uint64_t *value);
/* "TERM", "SIGTERM", "sigterm", "15": a signal number 1..SIGRTMAX. */
int units_parse_signal(const char *s, int *sig);
/* The name of a signal as "SIGTERM", or NULL when it has none. */
const char *units_signal_name(int sig);
/* "yes|no|true|false|on|off|1|0". */
int units_parse_bool(const char *s, bool *value);

/* "nofile=16", "as=1G", "core=0", "nofile=64:128", "cpu=unlimited". */
struct units_rlimit {
	int resource;
	uint64_t soft, hard; /* UINT64_MAX is unlimited */
};
int units_parse_rlimit(const char *s, struct units_rlimit *rl);
const char *units_rlimit_name(int resource);

/* Canonical text for --check: sizes as "268435456", durations as "1500ms". */
void units_format_size(uint64_t bytes, char *buf, unsigned size);
void units_format_duration(uint64_t usec, char *buf, unsigned size);
/* For people: "64 MiB", "1.5 GiB". */
void units_human_size(uint64_t bytes, char *buf, unsigned size);
/* The same, always with one decimal above bytes ("64.0 MiB"), for usage. */
void units_human_size_prec(uint64_t bytes, char *buf, unsigned size, bool one_decimal);
