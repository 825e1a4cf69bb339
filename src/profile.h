/* profile.h: profile files: the search path, include, file:line errors. */
#pragma once

#include <stdio.h>

#include "log.h"
#include "spec.h"

/* The trust rule for what profile search reads: dir, every directory above
 * it and file (when not NULL) owned by root or the caller and writable by no
 * one else (directories above may be sticky, like /tmp). 0, or an error
 * naming the first that fails. */
int profile_check_trust(const char *dir, const char *file, struct corral_error *e);
/* Resolve NAME (searched on the path, where profile_check_trust must hold
 * for the file found; -v names it) or PATH (contains a slash) to a file. */
int profile_resolve(const char *name, char *path, size_t size, struct corral_error *e);
/* Read a profile and apply it to spec, includes first where they stand. */
int profile_load(struct corral_spec *spec, const char *name, struct corral_error *e);
/* Apply profile text from memory (file names the origin in messages). */
int profile_load_text(struct corral_spec *spec, const char *file, const char *text,
		      struct corral_error *e);
/* Print "NAME  PATH" for every profile on the search path, first one wins. */
int profile_list(FILE *out, struct corral_error *e);
/* The search path, one directory per entry, in order. */
int profile_search_path(struct strv *dirs);
