/* fuzz_units.c: libFuzzer target for the value parsers.
 *
 * The first byte picks a parser, the rest (up to the first NUL) is the
 * value: sizes, durations, CPUs, integers, signals, booleans, rlimits, mount
 * paths and mount option syntax, seccomp names and actions, capability
 * names. All are pure. Properties: no crash or UB; a parsed size or duration
 * formats to text that parses back to the same number; a parsed signal
 * number names a signal that parses back to it; a normalised path is
 * normalised already. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "mountplan.h"
#include "seccomp.h"
#include "units.h"

#define FUZZ_MAX_INPUT 8192

#define require(cond)                                                              \
	do {                                                                       \
		if (!(cond)) {                                                     \
			fprintf(stderr, "%s:%d: %s failed on '%s'\n", __FILE__,    \
				__LINE__, #cond, s);                               \
			abort();                                                   \
		}                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	struct corral_error e = {0};
	char buf[4096];
	uint64_t u, u2;
	double d;
	int sig, sig2;
	bool b;
	struct units_rlimit rl;

	switch (data[0] % 16) {
	case 0:
		if (units_parse_size(s, &u) == 0) {
			units_format_size(u, buf, sizeof(buf));
			require(units_parse_size(buf, &u2) == 0 && u2 == u);
			units_human_size(u, buf, sizeof(buf));
		}
		break;
	case 1:
		if (units_parse_duration(s, &u) == 0) {
			units_format_duration(u, buf, sizeof(buf));
			require(units_parse_duration(buf, &u2) == 0 && u2 == u);
		}
		break;
	case 2:
		if (units_parse_cpus(s, &d) == 0)
			require(d >= 0.01 && d <= 4096);
		break;
	case 3:
		if (units_parse_uint(s, 4194304, &u) == 0)
			require(u <= 4194304);
		units_parse_uint(s, UINT64_MAX - 1, &u);
		break;
	case 4:
		if (units_parse_signal(s, &sig) == 0) {
			require(sig >= 1 && sig <= SIGRTMAX);
			const char *name = units_signal_name(sig);
			if (name)
				require(units_parse_signal(name, &sig2) == 0 && sig2 == sig);
		}
		break;
	case 5:
		units_parse_bool(s, &b);
		break;
	case 6:
		if (units_parse_rlimit(s, &rl) == 0)
			require(units_rlimit_name(rl.resource) != NULL);
		break;
	case 7:
		if (mountplan_normalise(s, buf, sizeof(buf)) == 0) {
			char again[4096];
			require(mountplan_normalise(buf, again, sizeof(again)) == 0);
			require(strcmp(buf, again) == 0);
		}
		break;
	case 8:
		mountplan_check_bind(s, &e);
		break;
	case 9:
		mountplan_check_tmpfs(s, &e);
		break;
	case 10:
		mountplan_check_dst(s, &e);
		break;
	case 11:
		mountplan_check_symlink(s, &e);
		break;
	case 12:
		seccomp_filter_check_name(s, &e);
		break;
	case 13:
		seccomp_filter_check_action(s, &e);
		break;
	case 14:
		caps_check_name(s, &e);
		break;
	case 15:
		units_signal_name((int)(unsigned char)s[0] - 64);
		units_rlimit_name((int)(unsigned char)s[0] - 64);
		break;
	}
	free(s);
	return 0;
}
