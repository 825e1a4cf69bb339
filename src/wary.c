/* wary.c: a host path taken as an fd, as a bind or overlay source or an
 * overlay's upper directory, without following a symlink that another user
 * could swap between a check and its use (issue 25). Used by init (in the
 * host's tree at /oldroot) and by the supervisor (overlay.c, at /). */
#include "wary.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* Whether a symlink st in the directory dirfd is safe to follow when corral
 * runs as root: only its owner (root, trusted) or root can replace it there. */
static bool may_follow_in(const struct stat *d, const struct stat *st, uid_t trusted)
{
	if (d->st_uid != trusted)
		return false;
	if (!(d->st_mode & S_IWOTH) && (!(d->st_mode & S_IWGRP) || d->st_gid == 0))
		return true;
	return (d->st_mode & S_ISVTX) && st->st_uid == trusted;
}

static bool may_follow(int dirfd, const struct stat *st, uid_t trusted)
{
	struct stat d;
	return fstat(dirfd, &d) == 0 && may_follow_in(&d, st, trusted);
}

/* Not wary, the caller can use only what it can reach anyway. */
int wary_open(int root, const char *path, bool wary, struct corral_error *e)
{
	if (!wary) {
		struct open_how how = {
			.flags = O_PATH | O_CLOEXEC,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
		if (fd < 0)
			corral_error_set(e, errno, "source '%s'", path);
		return fd;
	}
	/* Most paths hold no symlink at all: then one call, following none,
	 * is the walk's answer. Any failure (a symlink met) walks. */
	struct open_how plain = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS,
	};
	int fast = (int)syscall(SYS_openat2, root, path, &plain, sizeof(plain));
	if (fast >= 0)
		return fast;
	struct stat root_st;
	if (fstat(root, &root_st) < 0)
		return corral_error_set(e, errno, "source '%s'", path);
	char rest[2 * PATH_MAX];
	snprintf(rest, sizeof(rest), "%s", path);
	int dir = dup(root);
	if (dir < 0)
		return corral_error_set(e, errno, "source '%s'", path);
	unsigned links = 0;
	char *p = rest;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			return dir;
		size_t len = strcspn(p, "/");
		char name[NAME_MAX + 1];
		if (len > NAME_MAX) {
			close(dir);
			errno = ENAMETOOLONG;
			return corral_error_set(e, errno, "source '%s'", path);
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		if (strcmp(name, ".") == 0)
			continue;
		struct stat st;
		if (strcmp(name, "..") == 0 && fstat(dir, &st) == 0 && st.st_dev == root_st.st_dev &&
		    st.st_ino == root_st.st_ino)
			continue; /* ".." stops at the host's root, as in the host */
		int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			int err = errno;
			if (fd >= 0)
				close(fd);
			close(dir);
			errno = err;
			return corral_error_set(e, err, "source '%s'", path);
		}
		if (!S_ISLNK(st.st_mode)) {
			close(dir);
			dir = fd;
			continue;
		}
		char target[PATH_MAX];
		ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
		int err = errno;
		close(fd);
		if (n < 0 || ++links > 40) {
			close(dir);
			errno = n < 0 ? err : ELOOP;
			return corral_error_set(e, errno, "source '%s'", path);
		}
		target[n] = '\0';
		if (!may_follow(dir, &st, root_st.st_uid)) {
			close(dir);
			return corral_error_set(e, 0,
						"source '%s': %s is a symlink in a directory another user "
						"can change; as root, corral does not follow it (name the "
						"target instead)",
						path, name);
		}
		char joined[2 * PATH_MAX];
		if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", target, p) >= sizeof(joined)) {
			close(dir);
			errno = ENAMETOOLONG;
			return corral_error_set(e, errno, "source '%s'", path);
		}
		memcpy(rest, joined, sizeof(rest));
		p = rest;
		if (target[0] == '/') {
			close(dir);
			dir = dup(root);
			if (dir < 0)
				return corral_error_set(e, errno, "source '%s'", path);
		}
	}
}

size_t wary_readlink(int root, const char *path, bool wary, char *buf, size_t size)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash || !slash[1] || size < 2 || (size_t)(slash - path) >= sizeof(parent))
		return 0;
	snprintf(parent, sizeof(parent), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	struct corral_error e = {0};
	/* In /, root itself: one call for a path that is no symlink. */
	_cleanup_close_ int opened = slash == path ? -1 : wary_open(root, parent, wary, &e);
	int dir = slash == path ? root : opened;
	struct stat st, root_st;
	if (dir < 0 || fstatat(dir, slash + 1, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	if (wary && (fstat(root, &root_st) < 0 ||
		     !(dir == root ? may_follow_in(&root_st, &st, root_st.st_uid)
				   : may_follow(dir, &st, root_st.st_uid))))
		return 0;
	ssize_t n = readlinkat(dir, slash + 1, buf, size - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (size_t)n;
}
