/* learn.h: --learn FILE, the profile written from what a run called. */
#pragma once

#include <stdio.h>
#include <time.h>

#include "log.h"
#include "spec.h"

/* Before anything runs: FILE's directory must exist and be writable, and
 * FILE must not be a directory, so a bad path is a plain error (125). */
int learn_validate(const struct corral_spec *spec, struct corral_error *e);

/* The profile, to out: a comment header (command, date), an include of
 * each profile in use, seccomp-log, and seccomp-allow of the names (sorted,
 * unique): a @group where every member of it on this architecture was used,
 * the remaining names one by one, each on its own line so one is easy to
 * remove. -ENOMEM if the names cannot be grouped: never a profile that
 * silently lacks a call. */
int learn_print(FILE *out, const struct corral_spec *spec, const struct strv *names, time_t when);

/* Write learn_print's profile to spec->learn, through a temporary file and
 * rename, so FILE is whole or untouched. */
int learn_write(const struct corral_spec *spec, const struct strv *names, struct corral_error *e);
