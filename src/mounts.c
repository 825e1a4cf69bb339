/* mounts.c: the mount namespace. Everything here runs in init, inside its own
 * mount namespace, after / is made MS_PRIVATE|MS_REC, so no mount reaches the
 * host (systemd makes / shared; without this, mounts would propagate back).
 *
 * Every root: first guard.c's mounts (the seccomp filter cache out of the
 * sandbox's reach), in the host's tree, so that every bind copies them.
 *
 * root = host: the host's files, a fresh /proc with the host kernel's parts
 * read-only and its kernel-wide files masked (proc_protect). That is all.
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

#include "mountplan.h"
#include "namespaces.h"
#include "overlay.h"
#include "wary.h"

#define BASE "/tmp"

struct ctx {
	const struct corral_spec *spec;
	int oldroot;      /* O_PATH fd of the host's root, at /oldroot */
	int root;         /* O_PATH fd of the new root, at /newroot */
	bool root_ours;   /* root is a tmpfs of ours (not a bind on /) */
	int cwd;          /* O_PATH fd of the caller's directory, for bind-cwd */
	bool wary;        /* corral runs as root: see wary_open (wary.c) */
	const struct overlay_state *ov; /* the supervisor's part of overlay (overlay.c) */
	unsigned n_overlay; /* tmpfs upper layers made, for their names in the base */
	dev_t *ours;      /* st_dev of every tmpfs we made: the only places we create in */
	size_t n_ours;    /* (grown as needed: as many as the options ask for) */
	char tty[256];    /* the caller's terminal (fd 0, 1 or 2) on the host; "": none */
	dev_t tty_rdev;
};

static int resolve(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static bool is_ours(const struct ctx *c, int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return false;
	for (size_t i = 0; i < c->n_ours; i++)
		if (c->ours[i] == st.st_dev)
			return true;
	return false;
}

static int add_ours_dev(struct ctx *c, dev_t dev, struct corral_error *e)
{
	dev_t *v = realloc(c->ours, (c->n_ours + 1) * sizeof(*v));
	if (!v)
		return corral_error_set(e, ENOMEM, "remember a new tmpfs");
	c->ours = v;
	c->ours[c->n_ours++] = dev;
	return 0;
}

static int add_ours(struct ctx *c, int fd, struct corral_error *e)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return corral_error_set(e, errno, "stat a new tmpfs");
	return add_ours_dev(c, st.st_dev, e);
}

/* An O_PATH fd for path in the new root, a directory (dir) or a file, made
 * with its parents when missing, but only on a tmpfs of ours. */
static int target(struct ctx *c, const char *path, bool dir, struct corral_error *e)
{
	/* A directory in / (most are): made first, in two calls; when
	 * anything has the name (EEXIST), resolved as below. */
	const char *last = strrchr(path, '/');
	if (dir && last == path && path[1] && c->root_ours && mkdirat(c->root, path + 1, 0755) == 0) {
		int made = openat(c->root, path + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		return made >= 0 ? made : corral_error_set(e, errno, "open %s", path);
	}
	int fd = resolve(c->root, path, O_PATH);
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
	_cleanup_close_ int opened = slash == parent ? -1 : target(c, parent, true, e);
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
static int new_fs(struct ctx *c, const char *type, const char *const *options,
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
	_cleanup_close_ int fd = resolve(c->root, own, O_PATH | O_DIRECTORY);
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
static int bind_fd(int src, int tgt, bool ro, bool recursive, const char *what,
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
 * and for root = host's /proc, where bind_fd's walk (which looks in
 * /oldroot/proc) does not apply. Where the kernel lacks open_tree (before
 * 5.2; valgrind does not know it either) by path, and where it lacks
 * mount_setattr (before 5.12) the remount walk through /proc/self: both
 * name what exists before any sandbox runs. */
static int self_bind(const char *path, int fd, bool ro, const char *what, struct corral_error *e)
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

static int do_bind(struct ctx *c, struct mount_entry *m, struct corral_error *e)
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
	_cleanup_close_ int tgt = target(c, m->dst, S_ISDIR(st.st_mode), e);
	if (tgt < 0)
		return corral_error_prefix(e, "%s %s", m->key, m->src);
	char what[4200];
	snprintf(what, sizeof(what), "%s %s on %s", m->key, m->src, m->dst);
	if (bind_fd(src, tgt, m->ro, true, what, e) < 0)
		return -1;
	m->bound = true;
	return 0;
}

/* overlay = SRC:DST[:UPPER] (overlay.c): SRC taken as a bind source is, the
 * upper layer and work directory on a tmpfs of the base (dropped from sight
 * with the base at the pivot; the overlay keeps it) or UPPER and the work
 * directory the supervisor made beside it. */
static int do_overlay(struct ctx *c, const struct mount_entry *m, struct corral_error *e)
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
		    new_fs(c, "tmpfs", opts, MS_NOSUID | MS_NODEV, at, NULL, e) < 0)
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
	_cleanup_close_ int tgt = target(c, m->dst, true, e);
	if (tgt < 0)
		return corral_error_prefix(e, "overlay %s", m->src);
	char what[4200];
	snprintf(what, sizeof(what), "overlay %s on %s", m->src, m->dst);
	return overlay_mount(lower, upper, work, tgt, "/oldroot/proc/self/fd",
			     namespaces_clone_flags(c->spec) & CLONE_NEWUSER, what, e);
}

static int do_symlink(struct ctx *c, const struct mount_entry *m, struct corral_error *e)
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
	_cleanup_close_ int opened = slash == parent ? -1 : target(c, parent, true, e);
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

static int do_tmpfs(struct ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	_cleanup_close_ int tgt = target(c, m->dst, true, e);
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
	if (new_fs(c, "tmpfs", opts, MS_NOSUID | MS_NODEV, tgt, m->dst, e) < 0)
		return corral_error_prefix(e, "tmpfs %s", m->dst);
	return 0;
}

/* Cover path (a plain path or a magic /proc/self/fd/N one) as runc and
 * Docker mask a path: a file with /dev/null (null: the host's, by path),
 * reading as empty; a directory with an empty read-only tmpfs. mount(2) by
 * path, not open_tree: half the cost (5 against 10 us here), and the target
 * is named through an fd already resolved. */
static int mask_at(const char *path, bool dir, const char *null, const char *what,
		   struct corral_error *e)
{
	int r = dir ? mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			    "mode=0555")
		    : mount(null, path, NULL, MS_BIND, NULL);
	return r < 0 ? corral_error_set(e, errno, "mask %s", what) : 0;
}

/* The kernel-wide files of any proc, new or the host's, that are not the
 * sandbox's business: what runc's and Docker's default specs mask
 * (opencontainers/runc libcontainer/specconv/example.go MaskedPaths; moby
 * daemon/pkg/oci/defaults.go defaultLinuxMaskedPaths, which adds
 * interrupts for GHSA-6fw5-f8r9-fgfm), plus the keyring users, the kernel
 * heap's and the page allocator's state and the per-page flags, which root
 * without capabilities can read and which help an exploit aim. */
static const char *const proc_masked[] = {
	"acpi",         "asound",     "interrupts",  "kcore",     "keys",        "key-users",
	"latency_stats", "sched_debug", "scsi",      "timer_list", "timer_stats", "slabinfo",
	"vmallocinfo",  "pagetypeinfo", "kpagecount", "kpageflags", "kpagecgroup",
};

/* The parts of any proc, new or the host's, that are not the PID
 * namespace's but the host kernel's: read-only, as bubblewrap and runc make
 * them, and proc_masked hidden. Without a user namespace the command is uid
 * 0 without capabilities, and a sysctl checks only the file's mode bits
 * (owner root, 0644): it could write the host's kernel.core_pattern, which
 * the kernel runs as root on the host at the next crash, or
 * /proc/sysrq-trigger (no capability check). proc is an fd of the proc's
 * directory; self the proc that names our fds (for magic paths to it); null
 * the host's /dev/null. */
static int proc_protect(int proc, const char *self, const char *null, const char *dst,
			struct corral_error *e)
{
	static const char *const parts[] = {"sys", "sysrq-trigger", "irq", "bus", "fs"};
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		_cleanup_close_ int p = openat(proc, parts[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (p < 0 && errno == ENOENT)
			continue; /* this kernel lacks it */
		if (p < 0)
			return corral_error_set(e, errno, "proc %s/%s", dst, parts[i]);
		char what[4200];
		snprintf(what, sizeof(what), "proc %s/%s", dst, parts[i]);
		/* root = host names its /proc by path ("/proc": mounted just
		 * now, or the host's), for self_bind's fallback; a new root
		 * needs open_tree anyway (openat2 is newer). */
		char path[256];
		snprintf(path, sizeof(path), "/proc/%s", parts[i]);
		if (strcmp(self, "/proc") == 0 ? self_bind(path, p, true, what, e) < 0
					       : bind_fd(p, p, true, true, what, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(proc_masked); i++) {
		struct stat st;
		if (fstatat(proc, proc_masked[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* this kernel lacks it */
		char path[256], what[4200];
		snprintf(path, sizeof(path), "%s/self/fd/%d/%s", self, proc, proc_masked[i]);
		snprintf(what, sizeof(what), "proc %s/%s", dst, proc_masked[i]);
		if (mask_at(path, S_ISDIR(st.st_mode), null, what, e) < 0)
			return -1;
	}
	return 0;
}

static int proc_read_only(struct ctx *c, const char *dst, struct corral_error *e)
{
	_cleanup_close_ int proc = resolve(c->root, dst, O_PATH | O_DIRECTORY);
	if (proc < 0)
		return corral_error_set(e, errno, "proc %s", dst);
	return proc_protect(proc, "/oldroot/proc", "/oldroot/dev/null", dst, e);
}

/* mask = PATH: after every other mount (mountplan sorts it last). */
static int do_mask(struct ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	_cleanup_close_ int fd = resolve(c->root, m->dst, O_PATH);
	if (fd < 0 && errno == ENOENT)
		return 0;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return corral_error_set(e, errno, "mask %s", m->dst);
	char path[64];
	snprintf(path, sizeof(path), "/oldroot/proc/self/fd/%d", fd);
	return mask_at(path, S_ISDIR(st.st_mode), "/oldroot/dev/null", m->dst, e);
}

static int do_proc(struct ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	_cleanup_close_ int tgt = target(c, m->dst, true, e);
	if (tgt < 0)
		return corral_error_prefix(e, "proc");
	if (!(namespaces_clone_flags(c->spec) & CLONE_NEWPID)) {
		/* The host's PID namespace: a new proc would need privilege over
		 * it, so the host's proc it is. */
		_cleanup_close_ int src = resolve(c->oldroot, "/proc", O_PATH);
		if (src < 0)
			return corral_error_set(e, errno, "proc: the host's /proc");
		if (bind_fd(src, tgt, false, true, "proc", e) < 0)
			return -1;
		return proc_read_only(c, m->dst, e);
	}
	if (new_fs(c, "proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC, tgt, NULL, e) < 0)
		return corral_error_prefix(e, "proc %s", m->dst);
	return proc_read_only(c, m->dst, e);
}

/* The caller's terminal, when fd 0, 1 or 2 is one, at dev/console, as
 * bubblewrap binds it: the command holds it already, and with a name it can
 * say so (tty, ttyname). Not the host's /dev/pts: only this one terminal.
 * Looked up by name on the host, so the name is checked to be that device. */
static int bind_console(struct ctx *c, const char *dst, struct corral_error *e)
{
	if (!c->tty[0])
		return 0;
	_cleanup_close_ int src = resolve(c->oldroot, c->tty, O_PATH);
	struct stat st;
	if (src < 0 || fstat(src, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != c->tty_rdev)
		return 0; /* not nameable on the host either */
	char path[4200];
	snprintf(path, sizeof(path), "%s/console", strcmp(dst, "/") ? dst : "");
	_cleanup_close_ int node = target(c, path, false, e);
	if (node < 0 || bind_fd(src, node, false, false, "the terminal", e) < 0)
		return corral_error_prefix(e, "dev");
	return 0;
}

/* The host's harmless device nodes in the dev tmpfs (which is not nodev):
 * made with mknod, the host node's numbers and mode, as crun does when it
 * can (no mount to make and tear down, and a chmod inside changes the
 * sandbox's node, not the host's); bound where mknod is refused (a user
 * namespace, or a root without CAP_MKNOD). The command has no CAP_MKNOD,
 * so it can make no node of its own. 0 made, 1 to bind instead, -1 error. */
static int make_node(int hostdev, int dev, const char *name, bool *may, struct corral_error *e)
{
	struct stat st;
	if (!*may || hostdev < 0 || fstatat(hostdev, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISCHR(st.st_mode))
		return 1;
	if (mknodat(dev, name, S_IFCHR | (st.st_mode & 0777), st.st_rdev) == 0)
		return 0;
	if (errno != EPERM)
		return corral_error_set(e, errno, "dev: mknod %s", name);
	*may = false;
	return 1;
}

/* A tmpfs with the host's harmless device nodes (make_node), a new devpts
 * instance (so the host's ptys are not there), shm and mqueue. */
static int do_dev(struct ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
	static const char *const links[][2] = {{"fd", "/proc/self/fd"},
					       {"stdin", "/proc/self/fd/0"},
					       {"stdout", "/proc/self/fd/1"},
					       {"stderr", "/proc/self/fd/2"},
					       {"ptmx", "pts/ptmx"}};
	_cleanup_close_ int tgt = target(c, m->dst, true, e);
	if (tgt < 0)
		return corral_error_prefix(e, "dev");
	/* It holds only nodes, links and mount points: a size, so that no
	 * command fills memory through it. */
	const char *opts[] = {"mode=0755", "size=64k", "nr_inodes=1024", NULL};
	if (new_fs(c, "tmpfs", opts, MS_NOSUID | MS_NOEXEC, tgt, m->dst, e) < 0)
		return corral_error_prefix(e, "dev %s", m->dst);
	_cleanup_close_ int dev = resolve(c->root, m->dst, O_PATH | O_DIRECTORY);
	if (dev < 0)
		return corral_error_set(e, errno, "dev %s", m->dst);

	bool may_mknod = !(namespaces_clone_flags(c->spec) & CLONE_NEWUSER);
	_cleanup_close_ int hostdev = may_mknod ? resolve(c->oldroot, "/dev", O_PATH | O_DIRECTORY)
						: -1;
	mode_t umask_was = umask(0); /* the host node's mode, as it is */
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		int made = make_node(hostdev, dev, nodes[i], &may_mknod, e);
		if (made <= 0) {
			if (made < 0)
				return -1;
			continue;
		}
		char host[64], dst[4200];
		snprintf(host, sizeof(host), "/dev/%s", nodes[i]);
		_cleanup_close_ int src = resolve(c->oldroot, host, O_PATH);
		if (src < 0)
			continue; /* the host lacks it (no tty in some containers) */
		snprintf(dst, sizeof(dst), "%s/%s", strcmp(m->dst, "/") ? m->dst : "", nodes[i]);
		_cleanup_close_ int node = target(c, dst, false, e);
		if (node < 0 || bind_fd(src, node, false, false, host, e) < 0)
			return corral_error_prefix(e, "dev");
	}
	umask(umask_was);
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0)
			return corral_error_set(e, errno, "dev: symlink %s", links[i][0]);
	if (bind_console(c, m->dst, e) < 0)
		return -1;

	static const char *const dirs[] = {"pts", "shm", "mqueue"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdirat(dev, dirs[i], 0755) < 0)
			return corral_error_set(e, errno, "dev: mkdir %s", dirs[i]);
	_cleanup_close_ int pts = openat(dev, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int shm = openat(dev, "shm", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int mq = openat(dev, "mqueue", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pts < 0 || shm < 0 || mq < 0)
		return corral_error_set(e, errno, "dev: open pts, shm and mqueue");
	/* No gid=5: the tty group may not be mapped in a user namespace. */
	const char *pts_opts[] = {"newinstance", "ptmxmode=0666", "mode=620", NULL};
	char shm_size[64];
	snprintf(shm_size, sizeof(shm_size), "size=%llu", (unsigned long long)c->spec->shm_size);
	const char *shm_opts[] = {"mode=1777", c->spec->shm_size != CORRAL_UNSET ? shm_size : NULL, NULL};
	char shm_at[4200];
	snprintf(shm_at, sizeof(shm_at), "%s/shm", strcmp(m->dst, "/") ? m->dst : "");
	if (new_fs(c, "devpts", pts_opts, MS_NOSUID | MS_NOEXEC, pts, NULL, e) < 0 ||
	    new_fs(c, "tmpfs", shm_opts, MS_NOSUID | MS_NODEV, shm, shm_at, e) < 0)
		return corral_error_prefix(e, "dev");
	/* mqueue belongs to the IPC namespace: only a new one can be mounted. */
	if (namespaces_clone_flags(c->spec) & CLONE_NEWIPC) {
		if (new_fs(c, "mqueue", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC, mq, NULL, e) < 0)
			return corral_error_prefix(e, "dev");
	}
	return 0;
}

/* /etc/hosts or /etc/hostname of the sandbox's own, as container runtimes
 * write them: localhost and the sandbox's host name resolve (on loopback),
 * and, in the host's network, the host's own names after them. Written to
 * the base tmpfs (dropped with it after the pivot; the bind keeps the file)
 * and bound read-only over whatever the root has there. Where the root has
 * no place for it (a bind of the host's files without the file), it is
 * left out. */
static int do_file(struct ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	unsigned long flags = namespaces_clone_flags(c->spec);
	char name[256] = "", path[64];
	if ((flags & CLONE_NEWUTS) && c->spec->hostname)
		snprintf(name, sizeof(name), "%s", c->spec->hostname);
	else if (gethostname(name, sizeof(name) - 1) < 0)
		return corral_error_set(e, errno, "%s: gethostname", m->key);
	snprintf(path, sizeof(path), "/%s", m->key);
	_cleanup_fclose_ FILE *f = fopen(path, "wxe");
	if (!f)
		return corral_error_set(e, errno, "%s: create", m->key);
	if (strcmp(m->key, "hostname") == 0) {
		fprintf(f, "%s\n", name);
	} else {
		fprintf(f, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
			   "127.0.1.1\t%s\n",
			name);
		_cleanup_fclose_ FILE *host = NULL;
		if (!(flags & CLONE_NEWNET) && (host = fopen("/oldroot/etc/hosts", "re"))) {
			char buf[4096];
			size_t n;
			fputs("# the host's /etc/hosts\n", f);
			while ((n = fread(buf, 1, sizeof(buf), host)) > 0)
				fwrite(buf, 1, n, f);
		}
	}
	if (fflush(f) != 0 || ferror(f))
		return corral_error_set(e, errno, "%s: write", m->key);
	_cleanup_close_ int tgt = target(c, m->dst, false, e);
	if (tgt < 0) {
		*e = (struct corral_error){0};
		return 0;
	}
	/* The file itself, through the fd written: open_tree takes any fd. */
	return bind_fd(fileno(f), tgt, true, false, m->dst, e);
}

/* A read-only /sys: a new sysfs (it shows the sandbox's network namespace),
 * or where that is refused (a user namespace in the host's network), the
 * host's, bound read-only with every submount. What runc and crun mask is
 * hidden: firmware tables, the RAPL energy counters (a side channel), the
 * SELinux interface, the host's block devices. */
static int do_sys(struct ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	static const char *const masked[] = {"firmware", "devices/virtual/powercap", "fs/selinux",
					     "dev/block"};
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	_cleanup_close_ int tgt = target(c, m->dst, true, e);
	if (tgt < 0)
		return corral_error_prefix(e, "sys");
	if (new_fs(c, "sysfs", NULL, ro, tgt, NULL, e) < 0) {
		_cleanup_close_ int src = resolve(c->oldroot, "/sys", O_PATH | O_DIRECTORY);
		if (src < 0 || bind_fd(src, tgt, true, true, "sys", e) < 0)
			return corral_error_prefix(e, "sys %s", m->dst);
	}
	_cleanup_close_ int sys = resolve(c->root, m->dst, O_PATH | O_DIRECTORY);
	_cleanup_close_ int null = resolve(c->oldroot, "/dev/null", O_PATH);
	if (sys < 0 || null < 0)
		return corral_error_set(e, errno, "sys %s", m->dst);
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		_cleanup_close_ int p = openat(sys, masked[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (p < 0 && errno == ENOENT)
			continue; /* this kernel or host lacks it */
		if (p < 0 || fstat(p, &st) < 0)
			return corral_error_set(e, errno, "sys: mask %s", masked[i]);
		int r = S_ISDIR(st.st_mode) ? new_fs(c, "tmpfs", (const char *const[]){"size=0", NULL},
						     ro, p, NULL, e)
					    : bind_fd(null, p, true, false, masked[i], e);
		if (r < 0)
			return corral_error_prefix(e, "sys: mask %s", masked[i]);
	}
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
static int bind_as_link(struct ctx *c, const struct mount_plan *plan, size_t i,
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

static int apply(struct ctx *c, struct mount_plan *plan, size_t i, struct corral_error *e)
{
	struct mount_entry *m = &plan->v[i];
	int r;
	switch (m->kind) {
	case MOUNT_DIR: {
		int fd = target(c, m->dst, true, e);
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
		r = do_proc(c, m, e);
		break;
	case MOUNT_DEV:
		r = do_dev(c, m, e);
		break;
	case MOUNT_SYS:
		r = do_sys(c, m, e);
		break;
	case MOUNT_FILE:
		r = do_file(c, m, e);
		break;
	case MOUNT_MASK:
		return do_mask(c, m, e);
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
	struct ctx c = {.spec = spec, .oldroot = -1, .root = -1, .cwd = here_fd, .wary = wary,
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
	int probe = resolve(c.root, "/", O_PATH);
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
		if (self_bind(path, fd, g->v[i].ro, what, e) < 0)
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
	if (namespaces_clone_flags(spec) & CLONE_NEWPID) {
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return corral_error_set(e, errno, "mount proc on /proc");
	}
	/* The host's files, but not the host kernel's settings: the same
	 * read-only parts and masks as in a new root. */
	_cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return corral_error_set(e, errno, "open /proc");
	return proc_protect(proc, "/proc", "/dev/null", "/proc", e);
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
