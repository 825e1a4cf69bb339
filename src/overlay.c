/* overlay.c: overlay = SRC:DST[:UPPER] (bubblewrap 0.11's --overlay and
 * --tmp-overlay in one key).
 *
 * The lower layer is SRC, taken as an fd as a bind source is (wary.c) and
 * never written: overlayfs writes only its upper layer. The upper layer and
 * overlayfs's work directory must be on one filesystem:
 *   - without UPPER, both are directories of a tmpfs init makes in its base
 *     (mounts.c): the changes vanish with the sandbox's mount namespace;
 *   - with UPPER, the changes are kept there, and the work directory is made
 *     by the supervisor beside it, as .NAME.corral-work-PID in UPPER's
 *     parent, and removed after the run. Beside, because overlayfs refuses a
 *     work directory inside the upper one and needs both on one
 *     filesystem; a fresh one per run (with the pid), so that runs never
 *     share one; one left by a corral killed before its end is removed by
 *     the next run with the same UPPER (when its pid is gone), as cgroups
 *     are.
 *
 * What outlives a run is UPPER itself, and the next run with it trusts it as
 * the caller's own data, no more: the sandbox sees its files again, and
 * corral reads nothing in it. So UPPER must be the caller's, writable by no
 * one else, in a directory no one else can rename it in, and it is taken
 * without following a swappable symlink (as root) and never through a
 * symlink at its end; it is locked (flock) for the run, so two runs never
 * share it; it may not hold the seccomp filter cache (guard.c's read-only
 * mounts do not reach writes that overlayfs makes in its upper layer).
 *
 * overlayfs takes each layer from an fd where the kernel can (FSCONFIG_SET_FD
 * with lowerdir+, upperdir and workdir: Linux 6.13), else by the path
 * /proc/self/fd/N of that fd, which names the same directory (and holds no
 * ':' or ',' to escape). The layers are resolved in init's own mount
 * namespace: overlayfs clones each layer's mount and refuses one of another
 * namespace (clone_private_mount), so the supervisor's fds only serve to
 * check that init's are the same directories.
 *
 * The mount is nosuid and nodev, as every writable mount of the sandbox:
 * a device node or a set-user-ID file in UPPER means nothing inside. */
#include "overlay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "filter_cache.h"
#include "mountplan.h"
#include "runtime.h"
#include "util.h"
#include "wary.h"

#define WORK_SUFFIX ".corral-work-"

/* UPPER's parent and last component, from its normalised path. */
static int split_upper(const char *upper, char *dir, char *base, struct corral_error *e)
{
	char norm[PATH_MAX];
	if (mountplan_normalise(upper, norm, sizeof(norm)) < 0 || strcmp(norm, "/") == 0)
		return corral_error_set(e, 0, "overlay: upper '%s' cannot be /", upper);
	char *slash = strrchr(norm, '/');
	snprintf(base, NAME_MAX + 1, "%s", slash + 1);
	snprintf(dir, PATH_MAX, "%.*s", slash == norm ? 1 : (int)(slash - norm), norm);
	return 0;
}

static void work_name(char *out, size_t size, const char *base, pid_t pid)
{
	snprintf(out, size, ".%.200s" WORK_SUFFIX "%d", base, (int)pid);
}

/* The checks on UPPER (st) and its parent (pst), by path before anything
 * exists and again on the supervisor's fds. */
static int check_upper(const char *upper, const struct stat *st, const struct stat *pst,
		       struct corral_error *e)
{
	uid_t me = getuid();
	if (!S_ISDIR(st->st_mode))
		return corral_error_set(e, 0, "overlay: upper '%s' is not a directory", upper);
	if (st->st_uid != me)
		return corral_error_set(e, 0, "overlay: upper '%s' is not yours (owner uid %u): changes "
					"are kept only in a directory of the caller's",
					upper, (unsigned)st->st_uid);
	/* No one else may write it (and change what the next run sees) or
	 * reach into it: overlayfs copies a file of SRC up with its mode and
	 * owner when the sandbox changes its metadata, so a set-user-ID file
	 * or a device node of SRC can have a copy here. */
	if (st->st_mode & 077)
		return corral_error_set(e, 0, "overlay: upper '%s' is open to others (mode %04o; "
					"chmod 0700 it): only its owner may reach what a sandbox "
					"left there",
					upper, (unsigned)(st->st_mode & 07777));
	if ((pst->st_uid != me && pst->st_uid != 0) ||
	    ((pst->st_mode & (S_IWGRP | S_IWOTH)) && !(pst->st_mode & S_ISVTX)))
		return corral_error_set(e, 0, "overlay: upper '%s': another user can rename it in its "
					"directory (name one in a directory of yours)",
					upper);
	return 0;
}

/* a is b or below it (both normalised, symlink-free). */
static bool at_or_below(const char *a, const char *b)
{
	size_t n = strlen(b);
	if (n == 1)
		return true;
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* One overlay value, apart: its frame (some 37 kB of paths) is taken only
 * by a run that has an overlay (each new page of stack is a fault). */
static __attribute__((noinline)) int validate_one(const char *v, struct corral_error *e)
{
	char src[PATH_MAX], dst[PATH_MAX], upper[PATH_MAX];
	if (mountplan_split_overlay(v, src, dst, upper, sizeof(src)) < 0)
		return corral_error_set(e, 0, "overlay: '%s' is not SRC:DST[:UPPER]", v);
	struct stat st, pst;
	if (stat(src, &st) < 0)
		return corral_error_set(e, errno, "overlay: source '%s'", src);
	if (!S_ISDIR(st.st_mode))
		return corral_error_set(e, 0, "overlay: source '%s' is not a directory", src);
	if (!upper[0])
		return 0;
	char dir[PATH_MAX], base[NAME_MAX + 1];
	if (split_upper(upper, dir, base, e) < 0)
		return -1;
	if (lstat(upper, &st) < 0) {
		int r = corral_error_set(e, errno, "overlay: upper '%s'", upper);
		size_t len = strlen(e->msg);
		if (e->err == ENOENT)
			snprintf(e->msg + len, sizeof(e->msg) - len,
				 " (make it first: mkdir -m 0700 %s)", upper);
		return r;
	}
	if (S_ISLNK(st.st_mode))
		return corral_error_set(e, 0, "overlay: upper '%s' is a symlink (name the "
					"directory itself)", upper);
	if (stat(dir, &pst) < 0)
		return corral_error_set(e, errno, "overlay: upper '%s'", upper);
	char rs[PATH_MAX], ru[PATH_MAX], cache[PATH_MAX];
	if (!realpath(src, rs) || !realpath(upper, ru))
		return corral_error_set(e, errno, "overlay: resolve '%s'", v);
	if (at_or_below(ru, rs))
		return corral_error_set(e, 0, "overlay: upper '%s' is inside the source '%s' "
					"(keep the changes outside what they change)",
					upper, src);
	if (at_or_below(rs, ru))
		return corral_error_set(e, 0, "overlay: the source '%s' is inside the upper "
					"directory '%s'", src, upper);
	filter_cache_place(cache, sizeof(cache));
	if (cache[0] && (at_or_below(cache, ru) || at_or_below(ru, cache)))
		return corral_error_set(e, 0, "overlay: upper '%s' would hold corral's seccomp "
					"filter cache %s, which a sandbox must not write",
					upper, cache);
	/* Nor the runs' records and their filters, which --list and --join
	 * trust: any place runtime_dir_open may take, made or not. */
	char run[RUNTIME_PLACES][PATH_MAX];
	for (unsigned i = 0, n = runtime_dir_places(run); i < n; i++) {
		char real[PATH_MAX];
		const char *r = realpath(run[i], real) ? real : run[i];
		if (at_or_below(r, ru) || at_or_below(ru, r))
			return corral_error_set(e, 0, "overlay: upper '%s' would hold corral's runtime "
						"directory %s (the records --list and --join trust), "
						"which a sandbox must not write", upper, r);
	}
	return check_upper(upper, &st, &pst, e) < 0 ? -1 : 0;
}

int overlay_validate(const struct corral_spec *spec, struct corral_error *e)
{
	for (size_t i = 0; i < spec->overlay.n; i++)
		if (validate_one(spec->overlay.v[i], e) < 0)
			return -1;
	return 0;
}

/* A directory on the way down a walk: its inode (to check the way back
 * up), its name in its parent's list (NULL for the top), and the names of
 * its subdirectories still to visit, NUL-separated. */
struct frame {
	ino_t ino;
	const char *name;
	char *names;
	size_t len, off;
};

enum walk_mode { WALK_DEFUSE, WALK_REMOVE };

/* What overlayfs copied up from SRC with its metadata and must not stay on
 * the host in a root-run's UPPER: set-user-ID and set-group-ID bits are
 * cleared, file capabilities (security.capability) removed, device nodes
 * removed (the whiteouts, 0/0, stay). dir is an O_PATH fd; the xattr is
 * removed by the path of name in /proc/self/fd/DIR, one component not
 * followed (removexattr takes no O_PATH fd nor, before Linux 6.13, a dir fd). */
static void defuse_entry(int dir, const char *name, const struct stat *st)
{
	if (S_ISREG(st->st_mode)) {
		if (st->st_mode & (S_ISUID | S_ISGID))
			fchmodat(dir, name, st->st_mode & 01777, AT_SYMLINK_NOFOLLOW);
		char path[PATH_MAX];
		if (snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dir, name) < (int)sizeof(path))
			lremovexattr(path, "security.capability"); /* ENODATA: none */
	} else if ((S_ISCHR(st->st_mode) && st->st_rdev != 0) || S_ISBLK(st->st_mode)) {
		unlinkat(dir, name, 0);
	}
}

/* Read dir (an O_PATH fd of a directory of dev) once: act on each entry
 * that is not a directory (mode), and list in f the subdirectories to
 * visit; in WALK_REMOVE an empty one is removed at once. -1: out of
 * memory. */
static int scan(int dir, dev_t dev, enum walk_mode mode, struct frame *f)
{
	DIR *d = dir_open_at(dir, ".", 0);
	if (!d)
		return 0;
	struct dirent *de;
	int r = 0;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		struct stat st;
		if (!strcmp(name, ".") || !strcmp(name, "..") ||
		    fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			if (mode == WALK_REMOVE)
				unlinkat(dir, name, 0);
			else
				defuse_entry(dir, name, &st);
			continue;
		}
		if (mode == WALK_REMOVE && unlinkat(dir, name, AT_REMOVEDIR) == 0)
			continue;
		size_t n = strlen(name) + 1;
		char *grown = realloc(f->names, f->len + n);
		if (!grown) {
			r = -1;
			break;
		}
		f->names = grown;
		memcpy(f->names + f->len, name, n);
		f->len += n;
	}
	closedir(d);
	return r;
}

/* The directory of stack[n - 1], from cur (the directory of stack[n], just
 * done): its "..", checked to be that inode; else (moved meanwhile, which
 * nothing should do) the way down again by name from top, each step
 * checked. -1 if it is gone. */
static int walk_up(int top, int cur, const struct frame *stack, size_t n, dev_t dev)
{
	struct stat st;
	int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (up >= 0 && fstat(up, &st) == 0 && st.st_dev == dev && st.st_ino == stack[n - 1].ino)
		return up;
	if (up >= 0)
		close(up);
	up = openat(top, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 1; up >= 0 && i < n; i++) {
		int next = openat(up, stack[i].name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(up);
		up = next;
		if (up >= 0 && (fstat(up, &st) < 0 || st.st_dev != dev || st.st_ino != stack[i].ino)) {
			close(up);
			up = -1;
		}
	}
	return up;
}

/* Every entry below top (a directory of dev), depth first, to any depth:
 * no recursion, and three fds at most at a time (the one being read, its
 * parent, top), the way back up by "..", checked. Entries of another
 * filesystem are skipped, no symlink is followed. WALK_REMOVE empties top
 * (a directory overlayfs made mode 0, as its work/, is made ours to read
 * first); WALK_DEFUSE applies defuse_entry to each entry. */
static void walk(int top, enum walk_mode mode)
{
	struct stat st;
	if (fstat(top, &st) < 0)
		return;
	dev_t dev = st.st_dev;
	size_t n = 1, cap = 16;
	struct frame *stack = calloc(cap, sizeof(*stack));
	int cur = openat(top, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!stack || cur < 0)
		goto out;
	stack[0].ino = st.st_ino;
	if (scan(cur, dev, mode, &stack[0]) < 0)
		goto out;
	while (n) {
		struct frame *f = &stack[n - 1];
		if (f->off < f->len) {
			const char *name = f->names + f->off;
			f->off += strlen(name) + 1;
			int sub = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				continue;
			if (fstat(sub, &st) < 0 || st.st_dev != dev) {
				close(sub);
				continue;
			}
			if (mode == WALK_REMOVE && (st.st_mode & 0700) != 0700)
				fchmodat(cur, name, 0700, AT_SYMLINK_NOFOLLOW);
			if (n == cap) {
				struct frame *grown = realloc(stack, 2 * cap * sizeof(*stack));
				if (!grown) {
					close(sub);
					goto out;
				}
				stack = grown;
				cap *= 2;
			}
			stack[n++] = (struct frame){.ino = st.st_ino, .name = name};
			close(cur);
			cur = sub;
			if (scan(cur, dev, mode, &stack[n - 1]) < 0)
				goto out;
			continue;
		}
		/* f is done: back to its parent, where its name still is. */
		free(f->names);
		f->names = NULL;
		if (--n == 0)
			break;
		int up = walk_up(top, cur, stack, n, dev);
		if (up < 0)
			goto out;
		if (mode == WALK_REMOVE)
			unlinkat(up, f->name, AT_REMOVEDIR);
		close(cur);
		cur = up;
	}
out:
	if (stack)
		for (size_t i = 0; i < n; i++)
			free(stack[i].names);
	free(stack);
	if (cur >= 0)
		close(cur);
}

/* Remove name in parent and everything below it, to any depth, following
 * no symlink. */
static void remove_tree(int parent, const char *name)
{
	if (unlinkat(parent, name, AT_REMOVEDIR) == 0)
		return;
	int fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && (st.st_mode & 0700) != 0700)
		fchmodat(parent, name, 0700, AT_SYMLINK_NOFOLLOW);
	walk(fd, WALK_REMOVE);
	close(fd);
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* Work directories of UPPER (base) left by runs that ended without their
 * clean-up (corral killed): the caller's, whose pid is gone. */
static void sweep(int parent, const char *base)
{
	char prefix[NAME_MAX + 1];
	work_name(prefix, sizeof(prefix), base, 0);
	prefix[strlen(prefix) - 1] = '\0'; /* without the "0" */
	DIR *d = dir_open_at(parent, ".", 0);
	if (!d)
		return;
	int fd = dirfd(d);
	size_t n = strlen(prefix);
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		if (strncmp(de->d_name, prefix, n) != 0 || !de->d_name[n])
			continue;
		long pid = strtol(de->d_name + n, &end, 10);
		struct stat st;
		if (*end || pid <= 0 || pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_uid == getuid())
			remove_tree(fd, de->d_name);
	}
	closedir(d);
}

int overlay_prepare(const struct corral_spec *spec, bool wary, struct overlay_state *s,
		    struct corral_error *e)
{
	*s = (struct overlay_state){0};
	if (!spec->overlay.n)
		return 0;
	s->v = calloc(spec->overlay.n, sizeof(*s->v));
	if (!s->v)
		return corral_error_set(e, ENOMEM, "overlay");
	s->n = spec->overlay.n;
	for (size_t i = 0; i < s->n; i++)
		s->v[i].parent = s->v[i].upper = -1;
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return corral_error_set(e, errno, "overlay: open /");
	for (size_t i = 0; i < s->n; i++) {
		struct overlay_upper *u = &s->v[i];
		char src[PATH_MAX], dst[PATH_MAX], upper[PATH_MAX], dir[PATH_MAX], base[NAME_MAX + 1];
		if (mountplan_split_overlay(spec->overlay.v[i], src, dst, upper, sizeof(src)) < 0 ||
		    !upper[0])
			continue;
		if (split_upper(upper, dir, base, e) < 0)
			return -1;
		u->parent = wary_open(root, dir, wary, e);
		if (u->parent < 0)
			return corral_error_prefix(e, "overlay: upper '%s'", upper);
		u->upper = openat(u->parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (u->upper < 0)
			return corral_error_set(e, errno, "overlay: upper '%s'", upper);
		struct stat st, pst, wst;
		if (fstat(u->upper, &st) < 0 || fstat(u->parent, &pst) < 0)
			return corral_error_set(e, errno, "overlay: upper '%s'", upper);
		if (check_upper(upper, &st, &pst, e) < 0)
			return -1;
		if (flock(u->upper, LOCK_EX | LOCK_NB) < 0)
			return corral_error_set(e, errno == EWOULDBLOCK ? 0 : errno,
						"overlay: upper '%s' is in use by another run%s", upper,
						errno == EWOULDBLOCK ? " (or named twice)" : "");
		sweep(u->parent, base);
		char work[NAME_MAX + 1];
		work_name(work, sizeof(work), base, getpid());
		if (mkdirat(u->parent, work, 0700) < 0)
			return corral_error_set(e, errno, "overlay: make the work directory %s/%s", dir,
						work);
		snprintf(u->work, sizeof(u->work), "%s", work);
		_cleanup_close_ int w =
			openat(u->parent, work, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (w < 0 || fstat(w, &wst) < 0)
			return corral_error_set(e, errno, "overlay: open the work directory %s/%s", dir,
						work);
		if (wst.st_dev != st.st_dev)
			return corral_error_set(e, 0, "overlay: upper '%s' is a mount point, so the work "
						"directory beside it would be on another filesystem "
						"(name a directory inside it)",
						upper);
		u->dev = st.st_dev;
		u->upper_ino = st.st_ino;
		u->mode = st.st_mode & 07777;
		u->uid = st.st_uid;
		u->gid = st.st_gid;
		u->work_ino = wst.st_ino;
	}
	return 0;
}

/* defuse_entry on everything below UPPER (dir), to any depth: a change of
 * a lower file's metadata (touch) copies it up as it is, and a rename
 * takes it anywhere. The sandbox itself can make none of those (no
 * CAP_MKNOD, no CAP_SETFCAP; seccomp refuses set-ID modes). One filesystem,
 * no symlink followed; runs when every process of the sandbox is gone, and
 * no one else can write UPPER (overlay_validate). */
static void defuse(int dir)
{
	walk(dir, WALK_DEFUSE);
}

/* UPPER is the overlay's root directory: the sandbox, its owner inside, can
 * chmod it (open it to others on the host; the next run would refuse it).
 * Its owner and mode as overlay_prepare checked them, back. */
static void restore_upper(const struct overlay_upper *u)
{
	struct stat st;
	if (fstat(u->upper, &st) < 0)
		return;
	if (st.st_uid != u->uid || st.st_gid != u->gid)
		if (fchown(u->upper, u->uid, u->gid) < 0)
			return;
	if ((st.st_mode & 07777) != u->mode || st.st_uid != u->uid || st.st_gid != u->gid)
		fchmod(u->upper, u->mode);
}

void overlay_cleanup(struct overlay_state *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct overlay_upper *u = &s->v[i];
		if (u->parent >= 0 && u->work[0])
			remove_tree(u->parent, u->work);
		if (u->upper >= 0 && u->work[0]) {
			restore_upper(u);
			/* As root only: a copy-up by anyone else keeps only what
			 * is theirs (and cannot make a device node). */
			if (geteuid() == 0)
				defuse(u->upper);
		}
		closep(&u->upper);
		closep(&u->parent);
	}
	free(s->v);
	*s = (struct overlay_state){0};
}

int overlay_reopen(int root, const char *upper_path, const struct overlay_upper *u, bool wary,
		   int *upper, int *work, struct corral_error *e)
{
	char dir[PATH_MAX], base[NAME_MAX + 1];
	if (split_upper(upper_path, dir, base, e) < 0)
		return -1;
	_cleanup_close_ int parent = wary_open(root, dir, wary, e);
	if (parent < 0)
		return corral_error_prefix(e, "overlay: upper '%s'", upper_path);
	*upper = openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	*work = openat(parent, u->work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat a, b;
	if (*upper < 0 || *work < 0 || fstat(*upper, &a) < 0 || fstat(*work, &b) < 0)
		return corral_error_set(e, errno, "overlay: upper '%s'", upper_path);
	if (a.st_dev != u->dev || a.st_ino != u->upper_ino || b.st_dev != u->dev ||
	    b.st_ino != u->work_ino)
		return corral_error_set(e, 0, "overlay: upper '%s' is not the directory corral checked "
					"(swapped since); refusing it",
					upper_path);
	return 0;
}

/* One layer: by fd where the kernel takes one (Linux 6.13), else by the
 * path of the fd. by_fd is the probe's answer, kept for the next layers. */
static int layer(int fs, const char *key_fd, const char *key_path, int fd, const char *self_fd,
		 bool *by_fd)
{
	if (*by_fd) {
		if (fsconfig(fs, FSCONFIG_SET_FD, key_fd, NULL, fd) == 0)
			return 0;
		if (errno != EINVAL)
			return -1;
		*by_fd = false;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%d", self_fd, fd);
	return fsconfig(fs, FSCONFIG_SET_STRING, key_path, path, 0);
}

/* The last message overlayfs left in the context's log ("e overlay: ..."),
 * after ": ", or "". */
static void fs_log(int fs, char *out, size_t size)
{
	char buf[512];
	ssize_t n;
	out[0] = '\0';
	while ((n = read(fs, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(out, size, " (%s)", n > 2 ? buf + 2 : buf);
	}
}

int overlay_mount(int lower, int upper, int work, int tgt, const char *self_fd, bool userns,
		  const char *what, struct corral_error *e)
{
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return corral_error_set(e, errno, "%s%s", what,
					errno == ENODEV ? ": this kernel has no overlayfs (modprobe overlay)"
							: "");
	bool by_fd = !getenv("CORRAL_TEST_OVERLAY_BY_PATH");
	char log[400];
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0 ||
	    layer(fs, "lowerdir+", "lowerdir", lower, self_fd, &by_fd) < 0 ||
	    layer(fs, "upperdir", "upperdir", upper, self_fd, &by_fd) < 0 ||
	    layer(fs, "workdir", "workdir", work, self_fd, &by_fd) < 0 ||
	    /* In a user namespace the trusted.overlay.* xattrs (whiteouts of
	     * directories, opaque ones) cannot be set: user.overlay.* instead. */
	    (userns && fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)) {
		int err = errno;
		fs_log(fs, log, sizeof(log));
		return corral_error_set(e, err, "%s%s", what, log);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int err = errno;
		fs_log(fs, log, sizeof(log));
		if (userns && err == EPERM)
			return corral_error_set(e, err, "%s: the kernel refuses overlayfs in a user "
						"namespace (Linux 5.11 or later allows it): run corral "
						"as root, or drop overlay%s",
						what, log);
		return corral_error_set(e, err, "%s%s", what, log);
	}
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return corral_error_set(e, errno, "%s: fsmount", what);
	if (move_mount(mnt, "", tgt, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return corral_error_set(e, errno, "%s: mount", what);
	return 0;
}
