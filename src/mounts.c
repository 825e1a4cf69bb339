/* mounts.c: the mount namespace. Everything here runs in init, inside its own
 * mount namespace, after / is made MS_PRIVATE|MS_REC, so no mount reaches the
 * host (systemd makes / shared; without this, mounts would propagate back).
 *
 * Every root: first guard.c's mounts (the seccomp filter cache out of the
 * sandbox's reach), in the host's tree, so that every bind copies them.
 *
 * root = host: the host's files, a fresh /proc with the host kernel's parts
 * read-only and its kernel-wide files masked (mountfs_proc_protect). That is
 * all. mountfs.c makes /proc, /dev, /sys, the masks and the files corral
 * writes; this file the rest.
 *
 * root = tmpfs, bubblewrap's way:
 *   1. A base tmpfs on /tmp with newroot/ (a second tmpfs: the new root) and
 *      oldroot/ in it; pivot_root into the base, the host's tree now at
 *      /oldroot, where it is fully visible again (the base no longer covers
 *      the host's /tmp).
 *   2. The mounts of mountplan.c, in its order: parents first (by depth of
 *      the destination), then by kind, then in the order given. A source is
 *      resolved inside /oldroot as the host would, except that when corral
 *      runs as root it follows no symlink in a directory another user can
 *      change (that user could swap a directory of theirs for a symlink to
 *      a root-only one between any check and the mount): such a source is
 *      refused. bind-cwd binds the directory init started in, taken as an
 *      fd before anything else, never its path again. A destination inside
 *      /newroot with openat2(RESOLVE_IN_ROOT), so neither a symlink in the
 *      new root nor one inside a bind source can lead a mount outside it: an
 *      absolute symlink means the new root's /, and ".." stops at it.
 *      Missing destination directories and files are created only on a tmpfs
 *      the sandbox made, never through a bind onto the host's files. A bind
 *      of a host symlink onto its own path whose target an earlier bind
 *      shows the same way is that symlink instead (bind_as_link).
 *   3. Read-only binds are made read-only with every submount
 *      (mount_setattr AT_RECURSIVE on the detached copy, before it is
 *      attached; on kernels without it, a remount of each mount keeping its
 *      locked flags, as a user namespace demands). Mounts that a later entry
 *      places below a ro-bind are that entry's own, and stay writable.
 *   4. mask entries cover what is there (/dev/null over a file, an empty
 *      read-only tmpfs over a directory), after every other mount.
 *   5. The new root's tmpfs is made read-only (writes go to tmpfs and bind
 *      entries only), then pivot_root(".", ".") in newroot and
 *      umount2(".", MNT_DETACH) drop the base and the host's tree at once. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mountctx.h"
#include "mountfs.h"
#include "mountplan.h"
#include "namespaces.h"
#include "overlay.h"
#include "wary.h"

#define BASE "/tmp"


int mounts_resolve(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static bool is_ours(const struct mounts_ctx *c, int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return false;
	for (size_t i = 0; i < c->n_ours; i++)
		if (c->ours[i] == st.st_dev)
			return true;
	return false;
}

static int add_ours_dev(struct mounts_ctx *c, dev_t dev, struct corral_error *e)
{
	dev_t *v = realloc(c->ours, (c->n_ours + 1) * sizeof(*v));
	if (!v)
		return corral_error_set(e, ENOMEM, "remember a new tmpfs");
	c->ours = v;
	c->ours[c->n_ours++] = dev;
	return 0;
}

static int add_ours(struct mounts_ctx *c, int fd, struct corral_error *e)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return corral_error_set(e, errno, "stat a new tmpfs");
	return add_ours_dev(c, st.st_dev, e);
}

/* An O_PATH fd for path in the new root, a directory (dir) or a file, made
 * with its parents when missing, but only on a tmpfs of ours. */
int mounts_target(struct mounts_ctx *c, const char *path, bool dir, struct corral_error *e)
{
	/* A directory in / (most are): made first, in two calls; when
	 * anything has the name (EEXIST), resolved as below. */
	const char *last = strrchr(path, '/');
	if (dir && last == path && path[1] && c->root_ours && mkdirat(c->root, path + 1, 0755) == 0) {
		int made = openat(c->root, path + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		return made >= 0 ? made : corral_error_set(e, errno, "open %s", path);
	}
	int fd = mounts_resolve(c->root, path, O_PATH);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) < 0) {
			close(fd);
			return corral_error_set(e, errno, "stat %s", path);
		}
		if (dir != !!S_ISDIR(st.st_mode)) {
			close(fd);
			return corral_error_set(e, 0, "%s exists in the new root and is %sa directory",
						path, dir ? "not " : "");
		}
		return fd;
	}
	if (errno != ENOENT)
		return corral_error_set(e, errno, "resolve %s in the new root", path);

	char parent[4096];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	const char *name = path + (slash - parent) + 1;
	if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	/* In /: the new root's fd, whose tmpfs is known (c->root_ours). */
	_cleanup_close_ int opened = slash == parent ? -1 : mounts_target(c, parent, true, e);
	int pfd = slash == parent ? c->root : opened;
	if (pfd < 0)
		return -1;
	/* Missing (resolve said so): a name there now is a dangling symlink. */
	struct stat lst;
	bool ours = slash == parent ? c->root_ours : is_ours(c, pfd);
	int r = !ours ? -1
	    : dir     ? mkdirat(pfd, name, 0755)
		      : openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (r < 0 && (!ours || errno == EEXIST) &&
	    fstatat(pfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode))
		return corral_error_set(e, 0,
					"cannot create %s: it is a symlink to a path the new root "
					"lacks (symlinks resolve inside the new root)",
					path);
	if (!ours)
		return corral_error_set(e, 0,
					"cannot create %s: %s is not on a tmpfs of the sandbox "
					"(create it in the bind's source, or mount a tmpfs there)",
					path, parent);
	if (r < 0)
		return corral_error_set(e, errno == EEXIST ? 0 : errno, "create %s%s", path,
					errno == EEXIST ? ": a dangling symlink is in the way" : "");
	if (!dir)
		close(r);
	fd = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return corral_error_set(e, errno, "open %s", path);
	return fd;
}

static int attach(int tree, int tgt)
{
	return move_mount(tree, "", tgt, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* A new filesystem of type at tgt, with options ("key=value" or "flag")
 * and MS_ flags. mount(2) through tgt's /proc/self/fd path: one call, where
 * fsopen, fsconfig for each option, fsmount and move_mount take five or
 * more (each a few microseconds in a VM). own: tgt's path in the new root,
 * for a tmpfs we may create in (its device is read back there, and must
 * differ from tgt's). */
int mounts_new_fs(struct mounts_ctx *c, const char *type, const char *const *options,
		  unsigned long flags, int tgt, const char *own, struct corral_error *e)
{
	char data[1024] = "", path[64];
	size_t n = 0;
	for (const char *const *o = options; o && *o; o++) {
		n += (size_t)snprintf(data + n, sizeof(data) - n, "%s%s", n ? "," : "", *o);
		if (n >= sizeof(data) || strchr(*o, ','))
			return corral_error_set(e, EINVAL, "%s option %s", type, *o);
	}
	snprintf(path, sizeof(path), "/oldroot/proc/self/fd/%d", tgt);
	/* The source names the kind in mountinfo ("tmpfs", not "none"). */
	if (mount(type, path, type, flags, n ? data : NULL) < 0)
		return corral_error_set(e, errno, "mount %s", type);
	if (!own)
		return 0;
	_cleanup_close_ int fd = mounts_resolve(c->root, own, O_PATH | O_DIRECTORY);
	struct stat now, under;
	if (fd < 0 || fstat(fd, &now) < 0 || fstat(tgt, &under) < 0)
		return corral_error_set(e, errno, "open the new %s at %s", type, own);
	if (now.st_dev == under.st_dev)
		return corral_error_set(e, 0, "the new %s is not at %s", type, own);
	return add_ours_dev(c, now.st_dev, e);
}

/* The remount walk for kernels without mount_setattr: every mount at or
 * below path, read-only, keeping the flags it has. In a user namespace the
 * kernel refuses a remount that would clear a locked flag (nosuid, nodev,
 * noexec, atime), so they are read back with statvfs and passed again. */
static int remount_ro_walk(const char *mountinfo, const char *path, struct corral_error *e)
{
	_cleanup_fclose_ FILE *f = fopen(mountinfo, "re");
	if (!f)
		return corral_error_set(e, errno, "read mountinfo");
	size_t len = strlen(path);
	/* getline: a line cut at a fixed length would hide the mount after it. */
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0) {
		_cleanup_free_ char *mp = NULL;
		if (sscanf(line, "%*s %*s %*s %*s %ms", &mp) != 1)
			continue;
		/* mountinfo escapes blanks and backslashes as \ooo. */
		char *w = mp;
		for (char *r = mp; *r; r++) {
			if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] && r[3]) {
				*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
				r += 3;
			} else {
				*w++ = *r;
			}
		}
		*w = '\0';
		if (strncmp(mp, path, len) != 0 || (mp[len] != '\0' && mp[len] != '/'))
			continue;
		struct statvfs sv;
		if (statvfs(mp, &sv) < 0)
			return corral_error_set(e, errno, "statvfs %s", mp);
		unsigned long keep = sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME |
						  ST_NODIRATIME | ST_RELATIME | ST_SYNCHRONOUS);
		if (mount(NULL, mp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL) < 0)
			return corral_error_set(e, errno, "remount %s read-only", mp);
	}
	/* A read error is not the end: a mount not seen would stay writable. */
	if (!feof(f))
		return corral_error_set(e, errno, "read mountinfo");
	return 0;
}

/* Bind src (an fd in the host's tree) at tgt, recursively; read-only all the
 * way down when ro. */
int mounts_bind_fd(int src, int tgt, bool ro, bool recursive, const char *what,
		   struct corral_error *e)
{
	_cleanup_close_ int tree =
		open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
					   (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return corral_error_set(e, errno, "%s: copy the mount", what);
	bool walk = false;
	/* The tests force the remount walk, which kernels before 5.12 take. */
	if (ro && getenv("CORRAL_TEST_REMOUNT_WALK"))
		walk = true;
	else if (ro) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
			if (errno != ENOSYS)
				return corral_error_set(e, errno, "%s: make read-only", what);
			walk = true;
		}
	}
	if (attach(tree, tgt) < 0)
		return corral_error_set(e, errno, "%s: mount", what);
	if (walk) {
		char link[64], path[4096];
		snprintf(link, sizeof(link), "/oldroot/proc/self/fd/%d", tgt);
		ssize_t n = readlink(link, path, sizeof(path) - 1);
		if (n < 0)
			return corral_error_set(e, errno, "%s: find the mount", what);
		path[n] = '\0';
		if (remount_ro_walk("/oldroot/proc/self/mountinfo", path, e) < 0)
			return corral_error_prefix(e, "%s", what);
	}
	return 0;
}

/* path (fd: an fd of it) bound over itself with every submount, read-only
 * all the way down when ro: for the host's tree before the pivot (guard.c)
 * and for root = host's /proc, where mounts_bind_fd's walk (which looks in
 * /oldroot/proc) does not apply. Where the kernel lacks open_tree (before
 * 5.2; valgrind does not know it either) by path, and where it lacks
 * mount_setattr (before 5.12) the remount walk through /proc/self: both
 * name what exists before any sandbox runs. */
int mounts_self_bind(const char *path, int fd, bool ro, const char *what, struct corral_error *e)
{
	bool walk = ro && getenv("CORRAL_TEST_REMOUNT_WALK");
	_cleanup_close_ int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
							    AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree >= 0) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		if (ro && !walk &&
		    mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
			if (errno != ENOSYS)
				return corral_error_set(e, errno, "%s: make read-only", what);
			walk = ro;
		}
		if (attach(tree, fd) < 0)
			return corral_error_set(e, errno, "%s: mount", what);
	} else if (errno != ENOSYS) {
		return corral_error_set(e, errno, "%s: copy the mount", what);
	} else {
		if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
			return corral_error_set(e, errno, "%s", what);
		walk = ro;
	}
	if (walk && remount_ro_walk("/proc/self/mountinfo", path, e) < 0)
		return corral_error_prefix(e, "%s", what);
	return 0;
}

static int do_bind(struct mounts_ctx *c, struct mount_entry *m, struct corral_error *e)
{
	/* bind-cwd: the directory itself, never its path, which another user
	 * may have pointed elsewhere since. */
	_cleanup_close_ int src = m->kind == MOUNT_BIND_CWD ? dup(c->cwd)
							   : wary_open(c->oldroot, m->src, c->wary, e);
	if (src < 0) {
		if (m->kind == MOUNT_BIND_CWD)
			return corral_error_set(e, errno, "bind-cwd: the current directory");
		if (e->err == ENOENT && m->try_)
			return 0;
		return corral_error_prefix(e, "%s", m->key);
	}
	struct stat st;
	if (fstat(src, &st) < 0)
		return corral_error_set(e, errno, "%s: source '%s'", m->key, m->src);
	_cleanup_close_ int tgt = mounts_target(c, m->dst, S_ISDIR(st.st_mode), e);
	if (tgt < 0)
		return corral_error_prefix(e, "%s %s", m->key, m->src);
	char what[4200];
	snprintf(what, sizeof(what), "%s %s on %s", m->key, m->src, m->dst);
	if (mounts_bind_fd(src, tgt, m->ro, true, what, e) < 0)
		return -1;
	m->bound = true;
	return 0;
}

/* overlay = SRC:DST[:UPPER] (overlay.c): SRC taken as a bind source is, the
 * upper layer and work directory on a tmpfs of the base (dropped from sight
 * with the base at the pivot; the overlay keeps it) or UPPER and the work
 * directory the supervisor made beside it. */
static int do_overlay(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	_cleanup_close_ int src = wary_open(c->oldroot, m->src, c->wary, e);
	if (src < 0)
		return corral_error_prefix(e, "overlay");
	/* Opened for reading: the kernel takes no O_PATH fd as a layer. */
	_cleanup_close_ int lower = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lower < 0)
		return corral_error_set(e, errno, "overlay: source '%s'", m->src);
	_cleanup_close_ int upper = -1, work = -1;
	if (m->upper) {
		if (!c->ov || m->index >= c->ov->n || c->ov->v[m->index].parent < 0)
			return corral_error_set(e, EINVAL, "overlay: upper '%s' was not prepared",
						m->upper);
		if (overlay_reopen(c->oldroot, m->upper, &c->ov->v[m->index], c->wary, &upper,
				   &work, e) < 0)
			return -1;
	} else {
		char dir[64];
		snprintf(dir, sizeof(dir), "/overlay-%u", c->n_overlay++);
		if (mkdir(dir, 0700) < 0)
			return corral_error_set(e, errno, "overlay: make %s in the base", dir);
		_cleanup_close_ int at = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		const char *opts[] = {"mode=0755", NULL};
		if (at < 0 ||
		    mounts_new_fs(c, "tmpfs", opts, MS_NOSUID | MS_NODEV, at, NULL, e) < 0)
			return corral_error_prefix(e, "overlay: the tmpfs for %s", m->dst);
		_cleanup_close_ int t = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		struct stat st;
		if (t < 0 || mkdirat(t, "upper", 0700) < 0 || mkdirat(t, "work", 0700) < 0 ||
		    (upper = openat(t, "upper", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
		    (work = openat(t, "work", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
		    fstat(lower, &st) < 0)
			return corral_error_set(e, errno, "overlay: the upper layer for %s", m->dst);
		/* DST's own directory is the upper layer's: SRC's owner and mode,
		 * as far as the user namespace maps its owner (if not, init's). */
		if ((fchown(upper, st.st_uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM) ||
		    fchmod(upper, st.st_mode & 07777) < 0)
			return corral_error_set(e, errno, "overlay: the upper layer for %s", m->dst);
	}
	_cleanup_close_ int tgt = mounts_target(c, m->dst, true, e);
	if (tgt < 0)
		return corral_error_prefix(e, "overlay %s", m->src);
	char what[4200];
	snprintf(what, sizeof(what), "overlay %s on %s", m->src, m->dst);
	return overlay_mount(lower, upper, work, tgt, "/oldroot/proc/self/fd",
			     namespaces_clone_flags(c->spec) & CLONE_NEWUSER, what, e);
}

static int do_symlink(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	char parent[4096];
	snprintf(parent, sizeof(parent), "%s", m->dst);
	char *slash = strrchr(parent, '/');
	const char *name = m->dst + (slash - parent) + 1;
	if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (!*name)
		return corral_error_set(e, 0, "symlink: cannot replace /");
	_cleanup_close_ int opened = slash == parent ? -1 : mounts_target(c, parent, true, e);
	int pfd = slash == parent ? c->root : opened;
	if (pfd < 0)
		return corral_error_prefix(e, "symlink %s", m->dst);
	if (!(slash == parent ? c->root_ours : is_ours(c, pfd)))
		return corral_error_set(e, 0, "symlink: cannot create %s: %s is not on a tmpfs of the sandbox",
					m->dst, parent);
	if (symlinkat(m->src, pfd, name) == 0)
		return 0;
	int err = errno;
	if (err != EEXIST)
		return corral_error_set(e, err, "symlink %s -> %s", m->dst, m->src);
	/* The same link twice (a profile and the command line) is no conflict;
	 * anything else in the way is named after the errno. */
	char have[4096], in_way[4200];
	struct stat st;
	ssize_t n = readlinkat(pfd, name, have, sizeof(have) - 1);
	if (n >= 0) {
		have[n] = '\0';
		if (strcmp(have, m->src) == 0)
			return 0;
		snprintf(in_way, sizeof(in_way), "a symlink to %s", have);
	} else {
		snprintf(in_way, sizeof(in_way), "%s",
			 fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)
				 ? "a directory"
				 : "a file");
	}
	int r = corral_error_set(e, err, "symlink %s -> %s", m->dst, m->src);
	size_t len = strlen(e->msg);
	snprintf(e->msg + len, sizeof(e->msg) - len, " (%s is there)", in_way);
	return r;
}

static int do_tmpfs(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	_cleanup_close_ int tgt = mounts_target(c, m->dst, true, e);
	if (tgt < 0)
		return corral_error_prefix(e, "tmpfs");
	char size[128], uid[32], gid[32];
	snprintf(size, sizeof(size), "size=%s", m->size ? m->size : "");
	const char *opts[] = {"mode=1777", m->size ? size : NULL, NULL, NULL};
	if (m->home) {
		/* The command's own, as a home directory is. */
		snprintf(uid, sizeof(uid), "uid=%u", (unsigned)namespaces_inner_uid(c->spec));
		snprintf(gid, sizeof(gid), "gid=%u", (unsigned)namespaces_inner_gid(c->spec));
		opts[0] = "mode=0700";
		opts[1] = uid;
		opts[2] = gid;
	}
	if (mounts_new_fs(c, "tmpfs", opts, MS_NOSUID | MS_NODEV, tgt, m->dst, e) < 0)
		return corral_error_prefix(e, "tmpfs %s", m->dst);
	return 0;
}

/* A bind of a host symlink onto its own path (the default profile's /bin
 * on a merged-/usr host: /bin -> usr/bin) made the symlink it is on the
 * host, with the host's text, where the path it names shows the same thing
 * through another bind already made (mountplan_link_base): one mount
 * fewer, at set-up and at teardown, and the view is the host's. The text
 * is read as wary_open reads a source (not in a directory another user can
 * change); the path it names in the new root must be reached without a
 * symlink and be the very file the bind would show (device and inode).
 * 1 when linked, 0 when it stays a bind. */
static int bind_as_link(struct mounts_ctx *c, const struct mount_plan *plan, size_t i,
			struct corral_error *e)
{
	const struct mount_entry *m = &plan->v[i];
	char text[4096], t[4096];
	if (m->kind == MOUNT_BIND_CWD || m->kind == MOUNT_OVERLAY || strcmp(m->dst, "/") == 0 ||
	    !wary_readlink(c->oldroot, m->dst, c->wary, text, sizeof(text)) ||
	    mountplan_link_base(plan, i, text, t, sizeof(t)) < 0)
		return 0;
	struct corral_error ignored = {0};
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS,
	};
	_cleanup_close_ int in = (int)syscall(SYS_openat2, c->root, t, &how, sizeof(how));
	/* What the bind would show: the host's m->src, which (its text read
	 * wary, without . or ..) resolves as the host's t does. */
	_cleanup_close_ int host = wary_open(c->oldroot, t, c->wary, &ignored);
	struct stat a, b;
	if (in < 0 || host < 0 || fstat(in, &a) < 0 || fstat(host, &b) < 0 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return 0;
	struct mount_entry link = {.kind = MOUNT_SYMLINK, .key = m->key, .src = text,
				   .dst = m->dst};
	return do_symlink(c, &link, e) < 0 ? -1 : 1;
}

static int apply(struct mounts_ctx *c, struct mount_plan *plan, size_t i, struct corral_error *e)
{
	struct mount_entry *m = &plan->v[i];
	int r;
	switch (m->kind) {
	case MOUNT_DIR: {
		int fd = mounts_target(c, m->dst, true, e);
		if (fd < 0)
			return corral_error_prefix(e, "dir");
		close(fd);
		return 0;
	}
	case MOUNT_SYMLINK:
		return do_symlink(c, m, e);
	case MOUNT_TMPFS:
		r = do_tmpfs(c, m, e);
		break;
	case MOUNT_PROC:
		r = mountfs_proc(c, m, e);
		break;
	case MOUNT_DEV:
		r = mountfs_dev(c, m, e);
		break;
	case MOUNT_SYS:
		r = mountfs_sys(c, m, e);
		break;
	case MOUNT_FILE:
		r = mountfs_file(c, m, e);
		break;
	case MOUNT_MASK:
		return mountfs_mask(c, m, e);
	case MOUNT_OVERLAY:
		r = do_overlay(c, m, e);
		break;
	default:
		r = bind_as_link(c, plan, i, e);
		if (r == 0)
			r = do_bind(c, m, e);
		else if (r > 0)
			r = 0;
	}
	/* A mount on / itself covers the tmpfs c->root points into. */
	if (r == 0 && strcmp(m->dst, "/") == 0) {
		close(c->root);
		c->root = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (c->root < 0)
			return corral_error_set(e, errno, "reopen the new root");
		c->root_ours = is_ours(c, c->root);
	}
	return r;
}

static int setup_tmpfs_root(const struct corral_spec *spec, const struct overlay_state *ov,
			    char *cwd, size_t cwd_size, bool wary, struct corral_error *e)
{
	/* The caller's directory, to start the command there when it is the
	 * same directory inside (same device and inode), and for bind-cwd. */
	char here[4096] = "";
	struct stat cwd_st = {0};
	_cleanup_close_ int here_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (here_fd < 0 || fstat(here_fd, &cwd_st) < 0 || !getcwd(here, sizeof(here)) ||
	    here[0] != '/')
		here[0] = '\0';
	/* The caller's terminal, by its host name, while that can be read. */
	struct mounts_ctx c = {.spec = spec, .oldroot = -1, .root = -1, .cwd = here_fd, .wary = wary,
		      .ov = ov};
	for (int fd = 0; fd <= 2 && !c.tty[0]; fd++) {
		struct stat st;
		if (isatty(fd) && fstat(fd, &st) == 0 && ttyname_r(fd, c.tty, sizeof(c.tty)) == 0)
			c.tty_rdev = st.st_rdev;
		else
			c.tty[0] = '\0';
	}

	if (mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
		return corral_error_set(e, errno, "mount a tmpfs on " BASE);
	if (chdir(BASE) < 0 || mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0)
		return corral_error_set(e, errno, "make the new root");
	if (mount("tmpfs", "newroot", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return corral_error_set(e, errno, "mount the new root");
	if (syscall(SYS_pivot_root, ".", "oldroot") < 0 || chdir("/") < 0)
		return corral_error_set(e, errno, "pivot_root into the base");

	struct mount_plan plan = {0};
	int r = -1;
	c.oldroot = open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	c.root = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c.oldroot < 0 || c.root < 0) {
		corral_error_set(e, errno, "open the roots");
		goto out;
	}
	int probe = mounts_resolve(c.root, "/", O_PATH);
	if (probe < 0) {
		corral_error_set(e, errno, "%s", errno == ENOSYS ? "root = tmpfs needs openat2 (Linux 5.6)"
								   : "open the new root");
		goto out;
	}
	close(probe);
	if (add_ours(&c, c.root, e) < 0)
		goto out;
	c.root_ours = true;
	if (mountplan_build(spec, here, &plan, e) < 0 ||
	    mountplan_add_implicit(spec, mountplan_command_home(spec), &plan, e) < 0)
		goto out;
	for (size_t i = 0; i < plan.n; i++)
		if (apply(&c, &plan, i, e) < 0)
			goto out;

	/* The root itself holds only mount points: read-only. */
	if (is_ours(&c, c.root) &&
	    mount(NULL, "/newroot", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
		  NULL) < 0) {
		corral_error_set(e, errno, "make the new root read-only");
		goto out;
	}
	/* pivot_root(".", ".") stacks the old root on the new one; detaching
	 * it drops the base and the whole host tree (bubblewrap's way). */
	if (chdir("/newroot") < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		corral_error_set(e, errno, "pivot_root into the new root");
		goto out;
	}

	struct stat st;
	if (here[0] && stat(here, &st) == 0 && st.st_dev == cwd_st.st_dev &&
	    st.st_ino == cwd_st.st_ino) {
		snprintf(cwd, cwd_size, "%s", here);
	} else if (spec->bind_cwd != CORRAL_BIND_CWD_NO) {
		/* Bound, yet something else is there now: refuse, never start
		 * the command elsewhere. */
		corral_error_set(e, 0, "bind-cwd: %s in the sandbox is not the directory corral "
				       "started in (a later mount covers it)", here);
		goto out;
	} else {
		snprintf(cwd, cwd_size, "/");
	}
	r = 0;
out:
	mountplan_free(&plan);
	if (c.oldroot >= 0)
		close(c.oldroot);
	if (c.root >= 0)
		close(c.root);
	free(c.ours);
	return r;
}

/* guard.c's mounts, in the host's tree before anything copies it: each
 * prefix of a guarded path bound over itself, read-only where asked. */
static int guard_mounts(const struct guard *g, struct corral_error *e)
{
	for (unsigned i = 0; g && i < g->n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%.*s", (int)g->v[i].len, g->path[g->v[i].dir]);
		_cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return corral_error_set(e, errno, "guard %s", path);
		char what[PATH_MAX + 64];
		snprintf(what, sizeof(what), "guard %s (%s)", path,
			 g->v[i].dir == GUARD_CACHE ? "the seccomp filter cache"
						    : "corral's runtime directory");
		if (mounts_self_bind(path, fd, g->v[i].ro, what, e) < 0)
			return -1;
	}
	return 0;
}

int mounts_setup(const struct corral_spec *spec, const struct guard *guard,
		 const struct overlay_state *ov, char *cwd, size_t cwd_size, bool wary,
		 struct corral_error *e)
{
	cwd[0] = '\0';
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return corral_error_set(e, errno, "make / private");
	if (guard_mounts(guard, e) < 0)
		return -1;

	if (spec->root == CORRAL_ROOT_TMPFS) {
		/* Directories made for mount points: 0755 whatever the caller's umask. */
		mode_t old = umask(022);
		int r = setup_tmpfs_root(spec, ov, cwd, cwd_size, wary, e);
		umask(old);
		return r;
	}
	unsigned long flags = namespaces_clone_flags(spec);
	if (flags & CLONE_NEWPID) {
		/* A host name of the sandbox's own resolves, as in a new root:
		 * its files on a tmpfs the fresh /proc then covers. Without
		 * our own /proc there is no such place, and nothing is made. */
		if ((flags & CLONE_NEWUTS) && spec->hostname && mountfs_host_files(spec, "/proc", e) < 0)
			return -1;
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return corral_error_set(e, errno, "mount proc on /proc");
	}
	/* The host's files, but not the host kernel's settings: the same
	 * read-only parts and masks as in a new root. */
	_cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return corral_error_set(e, errno, "open /proc");
	return mountfs_proc_protect(proc, "/proc", "/dev/null", "/proc", e);
}

void mounts_not_found_hint(const struct corral_spec *spec, const char *cmd, char *buf,
			   size_t size)
{
	buf[0] = '\0';
	if (spec->root != CORRAL_ROOT_TMPFS || !cmd || !*cmd)
		return;
	/* Only worth saying when the host has it: then the profile does not
	 * bind it. Looked up outside, on the host's PATH. */
	char path[PATH_MAX];
	if (strchr(cmd, '/')) {
		if (access(cmd, F_OK) == 0)
			snprintf(buf, size, " (%s exists on the host, but the sandbox's root holds only what the profile binds)", cmd);
		return;
	}
	const char *env = getenv("PATH");
	_cleanup_free_ char *dirs = strdup(env ? env : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;
	for (char *d = dirs ? strtok_r(dirs, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", d, cmd);
		if (access(path, X_OK) == 0) {
			snprintf(buf, size, " (the host has %s, but the sandbox's root holds only what the profile binds)", path);
			return;
		}
	}
}
