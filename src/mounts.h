/* mounts.h: the sandbox's filesystem, set up by init in its mount namespace. */
#pragma once

#include "log.h"
#include "spec.h"

/* Make / private (so nothing propagates to the host) and mount a fresh /proc
 * for the sandbox's PID namespace. Runs in init, inside the new mount ns. */
int mounts_setup(const struct corral_spec *spec, struct corral_error *e);
