/* outfile.h: a file corral writes for the user after the run (the report),
 * in a directory the sandbox may be able to write. No symlink is followed at
 * any point, and the file at the path at the end is the one corral wrote. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "log.h"

struct outfile {
	const char *path; /* as given */
	FILE *stream;     /* a target written in place: a pipe, a terminal, /dev/stderr */
	bool replace;     /* else: a new file renamed over path at the end */
};

/* Before the run: check path, and remove a file (or symlink) there, so that
 * no stale content stays if corral is killed. /dev/stdout, /dev/stderr and
 * /dev/fd/N are those fds; an existing FIFO, socket or device is opened and
 * written in place; a symlink anywhere in path is an error, and one at the
 * end is removed, never followed. what names the option in errors. */
int outfile_prepare(struct outfile *o, const char *path, const char *what, struct corral_error *e);

/* After the run: write (through write, given arg; it returns 0 or a
 * negative errno) to a new file in path's directory, reached again without
 * symlinks, and rename it over path. For a stream, write to it in place.
 * Closes everything. */
int outfile_commit(struct outfile *o, int (*write)(FILE *out, const void *arg), const void *arg,
		   const char *what, struct corral_error *e);
