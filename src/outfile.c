/* outfile.c: files corral writes after the run (see outfile.h).
 *
 * The report's directory may be writable by the sandbox (a judge that binds
 * its work directory; a build's current directory). Written in place, the
 * report could be redirected (a symlink planted by this run or an earlier
 * one: root would write its JSON through it) or forged (the file renamed
 * away during the run, a forged one left in its place: corral's write then
 * lands in the old inode). So the path is walked one component at a time
 * with O_NOFOLLOW, and the report is written at the end, when every process
 * of the sandbox is gone, to a new file that is renamed over the path:
 * rename replaces whatever the sandbox left there, link or file, without
 * following it. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* The directory part of path (or "."), and the last component. */
static int split(const char *path, char *dir, size_t size, const char **name)
{
	const char *slash = strrchr(path, '/');
	*name = slash ? slash + 1 : path;
	if (!**name || strcmp(*name, ".") == 0 || strcmp(*name, "..") == 0)
		return -1;
	if (!slash)
		snprintf(dir, size, ".");
	else if (slash == path)
		snprintf(dir, size, "/");
	else
		snprintf(dir, size, "%.*s", (int)(slash - path), path);
	return 0;
}

/* dir (of path), opened component by component without following a
 * symlink. */
static int open_dir(const char *dir, const char *path, const char *what, struct corral_error *e)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", dir);
	int fd = open(buf[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return corral_error_set(e, errno, "%s %s", what, path);
	char *save = NULL;
	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int err = errno;
			struct stat st;
			bool link = fstatat(fd, c, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
			close(fd);
			if (link)
				return corral_error_set(e, 0, "%s %s: '%s' is a symlink (corral follows "
							"none in the path of a file it writes; give the "
							"path without it)", what, path, c);
			return corral_error_set(e, err, "%s %s", what, path);
		}
		close(fd);
		fd = next;
	}
	return fd;
}

static int std_stream(const char *path)
{
	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	if (strncmp(path, "/dev/fd/", 8) == 0 && path[8]) {
		char *end;
		long n = strtol(path + 8, &end, 10);
		if (!*end && n >= 0 && n < INT_MAX)
			return (int)n;
	}
	return -1;
}

static int stream_fd(struct outfile *o, int fd, const char *what, struct corral_error *e)
{
	o->stream = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!o->stream) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return corral_error_set(e, err, "%s %s", what, o->path);
	}
	return 0;
}

/* A FIFO or a device at the path: written as a stream. Opened without
 * blocking: a FIFO with no reader would hold corral before the run, its
 * signals blocked, for ever (one an earlier sandbox left in a directory
 * it could write). ENXIO then says so; a FIFO with a reader is written
 * as before, blocking. */
static int open_stream(struct outfile *o, int dir, const char *name, bool fifo, const char *what,
		       struct corral_error *e)
{
	int fd = openat(dir, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENXIO && fifo)
		return corral_error_set(e, 0, "%s %s: a FIFO that no process reads", what, o->path);
	if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		int err = errno;
		close(fd);
		return corral_error_set(e, err, "%s %s", what, o->path);
	}
	return stream_fd(o, fd, what, e);
}

int outfile_prepare(struct outfile *o, const char *path, const char *what, struct corral_error *e)
{
	*o = (struct outfile){.path = path};
	int std = std_stream(path);
	if (std >= 0)
		return stream_fd(o, fcntl(std, F_DUPFD_CLOEXEC, 3), what, e);

	char dir[PATH_MAX];
	const char *name;
	if (split(path, dir, sizeof(dir), &name) < 0)
		return corral_error_set(e, 0, "%s %s: not a file name", what, path);
	_cleanup_close_ int d = open_dir(dir, path, what, e);
	if (d < 0)
		return -1;
	struct stat st;
	if (fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			return corral_error_set(e, EISDIR, "%s %s", what, path);
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
			return open_stream(o, d, name, S_ISFIFO(st.st_mode), what, e);
	} else if (errno != ENOENT) {
		return corral_error_set(e, errno, "%s %s", what, path);
	}
	/* The directory must take the new file; the old one (or a link) goes
	 * now, so that a corral killed before the end leaves nothing stale. */
	if (faccessat(d, ".", W_OK, AT_EACCESS) < 0)
		return corral_error_set(e, errno, "%s %s", what, path);
	if (unlinkat(d, name, 0) < 0 && errno != ENOENT)
		return corral_error_set(e, errno, "%s %s: remove the old file", what, path);
	o->replace = true;
	return 0;
}

int outfile_commit(struct outfile *o, int (*write)(FILE *out, const void *arg), const void *arg,
		   const char *what, struct corral_error *e)
{
	if (o->stream) {
		FILE *out = steal_pointer(&o->stream);
		int r = write(out, arg);
		int bad = r < 0 || ferror(out), err = r < 0 ? -r : errno;
		if (fclose(out) != 0 || bad)
			return corral_error_set(e, bad ? err : errno, "%s: write %s", what, o->path);
		return 0;
	}
	if (!o->replace)
		return 0;
	o->replace = false;
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	const char *name;
	if (split(o->path, dir, sizeof(dir), &name) < 0)
		return corral_error_set(e, 0, "%s %s: not a file name", what, o->path);
	/* Again: the sandbox may have changed the path during the run. */
	_cleanup_close_ int d = open_dir(dir, o->path, what, e);
	if (d < 0)
		return -1;
	int fd = -1;
	for (int i = 0; fd < 0 && i < 8; i++) {
		unsigned r = 0;
		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (unsigned)getpid() * 2654435761U + (unsigned)i;
		snprintf(tmp, sizeof(tmp), ".%.200s.corral-%08x", name, r);
		fd = openat(d, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		return corral_error_set(e, errno, "%s: create a new file in %s", what, dir);
	FILE *out = fdopen(fd, "w");
	if (!out) {
		int err = errno;
		close(fd);
		unlinkat(d, tmp, 0);
		return corral_error_set(e, err, "%s: %s", what, o->path);
	}
	int r = write(out, arg);
	int bad = r < 0 || ferror(out), err = r < 0 ? -r : errno;
	if (fclose(out) != 0 || bad) {
		err = bad ? err : errno;
		unlinkat(d, tmp, 0);
		return corral_error_set(e, err, "%s: write %s", what, o->path);
	}
	if (renameat(d, tmp, d, name) < 0) {
		err = errno;
		unlinkat(d, tmp, 0);
		return corral_error_set(e, err, "%s: replace %s", what, o->path);
	}
	return 0;
}
