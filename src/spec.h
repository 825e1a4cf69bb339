/* spec.h: struct corral_spec, the resolved configuration. Plain data: options
 * fill it, modules read it. Defaults come from options.def. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define CORRAL_UNSET UINT64_MAX

enum corral_net { CORRAL_NET_NONE, CORRAL_NET_HOST };
enum corral_tristate { CORRAL_AUTO, CORRAL_YES, CORRAL_NO };

struct corral_spec {
	/* general */
	struct strv profiles; /* as named on the command line, in order */
	int none;             /* target of ARG_NONE rows; unused */

	/* namespaces */
	int net;              /* enum corral_net */
	char *hostname;
	struct strv share;
	int user_ns;          /* enum corral_tristate */
	uint64_t uid, gid;    /* CORRAL_UNSET: the caller's */

	/* process */
	struct strv setenv, unsetenv;
	bool clearenv;
	bool new_session;

	/* limits */
	uint64_t time_limit;  /* microseconds; CORRAL_UNSET: none */
	uint64_t kill_grace;  /* microseconds */

	/* the command */
	char **argv;          /* borrowed from main's argv */
	int argc;
};
