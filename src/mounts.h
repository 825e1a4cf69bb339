/* mounts.h: the sandbox's filesystem, set up by init in its mount namespace. */
#pragma once

#include <stddef.h>

#include "guard.h"
#include "log.h"
#include "overlay.h"
#include "spec.h"

/* Make / private (so nothing propagates to the host), then build the root
 * spec->root asks for: the host's with a fresh /proc, or a new tmpfs root
 * from the mount options, pivoted into. cwd receives where the command
 * starts unless spec->chdir says otherwise ("" for: stay). guard's mounts
 * (guard.c) come first, in the host's tree. wary (corral runs as root):
 * bind sources follow no symlink that another user could swap. ov: the
 * supervisor's part of the overlay entries (overlay.c). Runs in
 * init, inside the new mount namespace. */
int mounts_setup(const struct corral_spec *spec, const struct guard *guard,
		 const struct overlay_state *ov, char *cwd, size_t cwd_size, bool wary,
		 struct corral_error *e);

/* Text to add to "command not found", computed outside on the host: when the
 * host has the command but the tmpfs root does not bind it, say so. Else "". */
void mounts_not_found_hint(const struct corral_spec *spec, const char *cmd, char *buf,
			   size_t size);
