/* units.c: value parsers. Each rejects garbage, signs, and overflow. */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

/* Parse a non-negative decimal with an optional fraction; *end gets the rest. */
static int parse_number(const char *s, long double *out, const char **end)
{
	const char *p = s;
	long double v = 0;
	int digits = 0;

	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p++ - '0');
		digits++;
		if (v > 1e30L)
			return -ERANGE;
	}
	if (*p == '.') {
		long double scale = 0.1L;
		p++;
		while (isdigit((unsigned char)*p)) {
			v += (*p++ - '0') * scale;
			scale /= 10;
			digits++;
		}
	}
	if (digits == 0)
		return -EINVAL;
	*out = v;
	*end = p;
	return 0;
}

int units_parse_size(const char *s, uint64_t *bytes)
{
	static const struct {
		const char *suffix;
		int shift;
	} suffixes[] = {
		{"", 0},    {"b", 0},   {"k", 10},  {"kb", 10}, {"kib", 10}, {"m", 20},
		{"mb", 20}, {"mib", 20}, {"g", 30}, {"gb", 30}, {"gib", 30}, {"t", 40},
		{"tb", 40}, {"tib", 40},
	};
	long double v;
	const char *rest;

	if (!s || parse_number(s, &v, &rest) < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strcasecmp(rest, suffixes[i].suffix) != 0)
			continue;
		long double r = ldexpl(v, suffixes[i].shift);
		if (r >= 18446744073709551615.0L)
			return -ERANGE;
		if (suffixes[i].shift == 0 && v != floorl(v))
			return -EINVAL; /* fractional bytes */
		*bytes = (uint64_t)r;
		return 0;
	}
	return -EINVAL;
}

int units_parse_duration(const char *s, uint64_t *usec)
{
	static const struct {
		const char *suffix;
		long double usec;
	} suffixes[] = {
		{"", 1e6L},  {"s", 1e6L}, {"sec", 1e6L},  {"ms", 1e3L},   {"us", 1.0L},
		{"m", 6e7L}, {"min", 6e7L}, {"h", 3.6e9L}, {"d", 8.64e10L},
	};
	long double v;
	const char *rest;

	if (!s || parse_number(s, &v, &rest) < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strcmp(rest, suffixes[i].suffix) != 0)
			continue;
		long double r = v * suffixes[i].usec;
		if (r >= 1.8e19L)
			return -ERANGE;
		*usec = (uint64_t)(r + 0.5L);
		return 0;
	}
	return -EINVAL;
}

int units_parse_cpus(const char *s, double *cpus)
{
	long double v;
	const char *rest;

	if (!s || parse_number(s, &v, &rest) < 0)
		return -EINVAL;
	if (strcmp(rest, "%") == 0) /* systemd's CPUQuota=150% */
		v /= 100;
	else if (*rest)
		return -EINVAL;
	if (v < 0.01L || v > 4096)
		return -ERANGE;
	*cpus = (double)v;
	return 0;
}

int units_parse_uint(const char *s, uint64_t max, uint64_t *value)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		unsigned d = (unsigned)(*p - '0');
		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*value = v;
	return 0;
}

static const struct {
	int sig;
	const char *name;
} signals[] = {
	{SIGHUP, "SIGHUP"},     {SIGINT, "SIGINT"},     {SIGQUIT, "SIGQUIT"},
	{SIGILL, "SIGILL"},     {SIGTRAP, "SIGTRAP"},   {SIGABRT, "SIGABRT"},
	{SIGBUS, "SIGBUS"},     {SIGFPE, "SIGFPE"},     {SIGKILL, "SIGKILL"},
	{SIGUSR1, "SIGUSR1"},   {SIGSEGV, "SIGSEGV"},   {SIGUSR2, "SIGUSR2"},
	{SIGPIPE, "SIGPIPE"},   {SIGALRM, "SIGALRM"},   {SIGTERM, "SIGTERM"},
	{SIGSTKFLT, "SIGSTKFLT"}, {SIGCHLD, "SIGCHLD"}, {SIGCONT, "SIGCONT"},
	{SIGSTOP, "SIGSTOP"},   {SIGTSTP, "SIGTSTP"},   {SIGTTIN, "SIGTTIN"},
	{SIGTTOU, "SIGTTOU"},   {SIGURG, "SIGURG"},     {SIGXCPU, "SIGXCPU"},
	{SIGXFSZ, "SIGXFSZ"},   {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"},
	{SIGWINCH, "SIGWINCH"}, {SIGIO, "SIGIO"},       {SIGPWR, "SIGPWR"},
	{SIGSYS, "SIGSYS"},
};

const char *units_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

int units_parse_signal(const char *s, int *sig)
{
	uint64_t n;

	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		if (units_parse_uint(s, 1000, &n) < 0 || n < 1 || n > (uint64_t)SIGRTMAX)
			return -EINVAL;
		*sig = (int)n;
		return 0;
	}
	const char *bare = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (strcasecmp(bare, signals[i].name + 3) == 0) {
			*sig = signals[i].sig;
			return 0;
		}
	}
	return -EINVAL;
}

int units_parse_bool(const char *s, bool *value)
{
	static const char *yes[] = {"yes", "true", "on", "1"};
	static const char *no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; s && i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *value = true, 0;
		if (strcasecmp(s, no[i]) == 0)
			return *value = false, 0;
	}
	return -EINVAL;
}

static const struct {
	int resource;
	const char *name;
	bool is_size;
} rlimits[] = {
	{RLIMIT_AS, "as", true},           {RLIMIT_CORE, "core", true},
	{RLIMIT_CPU, "cpu", false},        {RLIMIT_DATA, "data", true},
	{RLIMIT_FSIZE, "fsize", true},     {RLIMIT_LOCKS, "locks", false},
	{RLIMIT_MEMLOCK, "memlock", true}, {RLIMIT_MSGQUEUE, "msgqueue", true},
	{RLIMIT_NICE, "nice", false},      {RLIMIT_NOFILE, "nofile", false},
	{RLIMIT_NPROC, "nproc", false},    {RLIMIT_RSS, "rss", true},
	{RLIMIT_RTPRIO, "rtprio", false},  {RLIMIT_RTTIME, "rttime", false},
	{RLIMIT_SIGPENDING, "sigpending", false}, {RLIMIT_STACK, "stack", true},
};

const char *units_rlimit_name(int resource)
{
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return NULL;
}

static int parse_rlimit_value(const char *s, bool is_size, uint64_t *v)
{
	if (strcmp(s, "unlimited") == 0 || strcmp(s, "infinity") == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	if (is_size)
		return units_parse_size(s, v);
	return units_parse_uint(s, UINT64_MAX - 1, v);
}

int units_parse_rlimit(const char *s, struct units_rlimit *rl)
{
	char name[32], soft[64], hard[64];
	const char *eq = s ? strchr(s, '=') : NULL;

	if (!eq || (size_t)(eq - s) >= sizeof(name) || strlen(eq + 1) >= sizeof(soft))
		return -EINVAL;
	memcpy(name, s, (size_t)(eq - s));
	name[eq - s] = '\0';
	strcpy(soft, eq + 1);
	char *colon = strchr(soft, ':');
	if (colon) {
		*colon = '\0';
		strcpy(hard, colon + 1);
	}
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		if (strcasecmp(name, rlimits[i].name) != 0)
			continue;
		rl->resource = rlimits[i].resource;
		if (parse_rlimit_value(soft, rlimits[i].is_size, &rl->soft) < 0)
			return -EINVAL;
		rl->hard = rl->soft;
		if (colon && parse_rlimit_value(hard, rlimits[i].is_size, &rl->hard) < 0)
			return -EINVAL;
		if (rl->soft > rl->hard)
			return -ERANGE;
		return 0;
	}
	return -ENOENT;
}

void units_format_size(uint64_t bytes, char *buf, unsigned size)
{
	static const char *suffix[] = {"", "K", "M", "G", "T"};
	int i = 0;
	while (i < 4 && bytes && bytes % 1024 == 0) {
		bytes /= 1024;
		i++;
	}
	snprintf(buf, size, "%llu%s", (unsigned long long)bytes, suffix[i]);
}

void units_format_duration(uint64_t usec, char *buf, unsigned size)
{
	if (usec % 1000000 == 0)
		snprintf(buf, size, "%llus", (unsigned long long)(usec / 1000000));
	else if (usec % 1000 == 0)
		snprintf(buf, size, "%llums", (unsigned long long)(usec / 1000));
	else
		snprintf(buf, size, "%lluus", (unsigned long long)usec);
}

void units_human_size(uint64_t bytes, char *buf, unsigned size)
{
	units_human_size_prec(bytes, buf, size, false);
}

void units_human_size_prec(uint64_t bytes, char *buf, unsigned size, bool one_decimal)
{
	static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	int i = 0;
	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
	else if (v == floor(v) && !one_decimal)
		snprintf(buf, size, "%.0f %s", v, unit[i]);
	else
		snprintf(buf, size, "%.1f %s", v, unit[i]);
}
