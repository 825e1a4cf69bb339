/* fuzz_profile.c: libFuzzer target for the profile reader.
 *
 * The input is profile text. It goes through profile_load_text, which applies
 * every key through option_apply and its validators (units, mountplan,
 * seccomp and capability names), then through the checks main runs before
 * clone (mountplan_validate: stat() of bind sources, read-only) and the pure
 * mount plan, and the --check printer. Nothing here runs a sandbox.
 *
 * Properties checked beyond "no crash, no leak, no UB":
 *  - an error is one line, non-empty (docs/ARCHITECTURE.md: every bad input
 *    gets a one-line error);
 *  - what --check prints for an accepted profile is itself a profile that
 *    is accepted and prints the same (the --check output is documented as
 *    a profile). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mountplan.h"
#include "options.h"
#include "profile.h"

#define FUZZ_MAX_INPUT (64 * 1024)

static void check_error(const struct corral_error *e)
{
	if (!e->msg[0] || strchr(e->msg, '\n')) {
		fprintf(stderr, "bad error message: '%s'\n", e->msg);
		abort();
	}
}

/* The spec as --check prints it, in a malloc'd string. */
static char *print_spec(const struct corral_spec *spec)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	option_print_spec(f, spec);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	struct corral_spec spec;
	struct corral_error e = {0};
	if (option_defaults(&spec, &e) < 0)
		abort();
	if (profile_load_text(&spec, "fuzz.profile", text, &e) < 0) {
		check_error(&e);
		goto out;
	}
	if (mountplan_validate(&spec, &e) < 0)
		check_error(&e);
	struct mount_plan plan = {0};
	if (mountplan_build(&spec, "/nonexistent/cwd", &plan, &e) < 0)
		check_error(&e);
	mountplan_free(&plan);

	/* --check output round trip. */
	char *first = print_spec(&spec);
	struct corral_spec again;
	if (option_defaults(&again, &e) < 0)
		abort();
	if (profile_load_text(&again, "check.profile", first, &e) < 0) {
		fprintf(stderr, "--check output is not a profile: %s\n---\n%s", e.msg, first);
		abort();
	}
	char *second = print_spec(&again);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "--check output changes when read back:\n%s---\n%s", first, second);
		abort();
	}
	free(second);
	free(first);
	option_spec_free(&again);
out:
	option_spec_free(&spec);
	free(text);
	return 0;
}
