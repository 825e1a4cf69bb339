/* mountfs.c: the kernel's filesystems of a new root, as mounts.c applies
 * mountplan.c's entries: a fresh /proc with the host kernel's parts
 * read-only and its kernel-wide files masked; a minimal /dev (nodes made
 * or bound, a new devpts, shm, mqueue, the caller's terminal at console);
 * a read-only /sys; the masks; /etc/hosts and /etc/hostname (also for
 * root = host, mountfs_host_files). Runs in init,
 * between the two pivots (see mounts.c): the host's tree at /oldroot, the
 * new root at /newroot. */
#include "mountfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces.h"
#include "util.h"

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
int mountfs_proc_protect(int proc, const char *self, const char *null, const char *dst,
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
		 * now, or the host's), for mounts_self_bind's fallback; a new root
		 * needs open_tree anyway (openat2 is newer). */
		char path[256];
		snprintf(path, sizeof(path), "/proc/%s", parts[i]);
		if (strcmp(self, "/proc") == 0 ? mounts_self_bind(path, p, true, what, e) < 0
					       : mounts_bind_fd(p, p, true, true, what, e) < 0)
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

static int proc_read_only(struct mounts_ctx *c, const char *dst, struct corral_error *e)
{
	_cleanup_close_ int proc = mounts_resolve(c->root, dst, O_PATH | O_DIRECTORY);
	if (proc < 0)
		return corral_error_set(e, errno, "proc %s", dst);
	return mountfs_proc_protect(proc, "/oldroot/proc", "/oldroot/dev/null", dst, e);
}

/* mask = PATH: after every other mount (mountplan sorts it last). */
int mountfs_mask(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	_cleanup_close_ int fd = mounts_resolve(c->root, m->dst, O_PATH);
	if (fd < 0 && errno == ENOENT)
		return 0;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return corral_error_set(e, errno, "mask %s", m->dst);
	char path[64];
	snprintf(path, sizeof(path), "/oldroot/proc/self/fd/%d", fd);
	return mask_at(path, S_ISDIR(st.st_mode), "/oldroot/dev/null", m->dst, e);
}

int mountfs_proc(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	_cleanup_close_ int tgt = mounts_target(c, m->dst, true, e);
	if (tgt < 0)
		return corral_error_prefix(e, "proc");
	if (!(namespaces_clone_flags(c->spec) & CLONE_NEWPID)) {
		/* The host's PID namespace: a new proc would need privilege over
		 * it, so the host's proc it is. */
		_cleanup_close_ int src = mounts_resolve(c->oldroot, "/proc", O_PATH);
		if (src < 0)
			return corral_error_set(e, errno, "proc: the host's /proc");
		if (mounts_bind_fd(src, tgt, false, true, "proc", e) < 0)
			return -1;
		return proc_read_only(c, m->dst, e);
	}
	if (mounts_new_fs(c, "proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC, tgt, NULL, e) < 0)
		return corral_error_prefix(e, "proc %s", m->dst);
	return proc_read_only(c, m->dst, e);
}

/* The caller's terminal, when fd 0, 1 or 2 is one, at dev/console, as
 * bubblewrap binds it: the command holds it already, and with a name it can
 * say so (tty, ttyname). Not the host's /dev/pts: only this one terminal.
 * Looked up by name on the host, so the name is checked to be that device.
 * Bound read-only: the node is the host's, and its owner (the sandbox's
 * root when root runs corral) could otherwise chmod or chown the caller's
 * terminal on the host; a read-only mount refuses that (EROFS) and still
 * lets the device be opened, read and written. */
static int bind_console(struct mounts_ctx *c, const char *dst, struct corral_error *e)
{
	if (!c->tty[0])
		return 0;
	_cleanup_close_ int src = mounts_resolve(c->oldroot, c->tty, O_PATH);
	struct stat st;
	if (src < 0 || fstat(src, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != c->tty_rdev)
		return 0; /* not nameable on the host either */
	char path[4200];
	snprintf(path, sizeof(path), "%s/console", strcmp(dst, "/") ? dst : "");
	_cleanup_close_ int node = mounts_target(c, path, false, e);
	if (node < 0 || mounts_bind_fd(src, node, true, false, "the terminal", e) < 0)
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
int mountfs_dev(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
	static const char *const links[][2] = {{"fd", "/proc/self/fd"},
					       {"stdin", "/proc/self/fd/0"},
					       {"stdout", "/proc/self/fd/1"},
					       {"stderr", "/proc/self/fd/2"},
					       {"ptmx", "pts/ptmx"}};
	_cleanup_close_ int tgt = mounts_target(c, m->dst, true, e);
	if (tgt < 0)
		return corral_error_prefix(e, "dev");
	/* It holds only nodes, links and mount points: a size, so that no
	 * command fills memory through it. */
	const char *opts[] = {"mode=0755", "size=64k", "nr_inodes=1024", NULL};
	if (mounts_new_fs(c, "tmpfs", opts, MS_NOSUID | MS_NOEXEC, tgt, m->dst, e) < 0)
		return corral_error_prefix(e, "dev %s", m->dst);
	_cleanup_close_ int dev = mounts_resolve(c->root, m->dst, O_PATH | O_DIRECTORY);
	if (dev < 0)
		return corral_error_set(e, errno, "dev %s", m->dst);

	bool may_mknod = !(namespaces_clone_flags(c->spec) & CLONE_NEWUSER);
	_cleanup_close_ int hostdev = may_mknod ? mounts_resolve(c->oldroot, "/dev", O_PATH | O_DIRECTORY)
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
		_cleanup_close_ int src = mounts_resolve(c->oldroot, host, O_PATH);
		if (src < 0)
			continue; /* the host lacks it (no tty in some containers) */
		snprintf(dst, sizeof(dst), "%s/%s", strcmp(m->dst, "/") ? m->dst : "", nodes[i]);
		_cleanup_close_ int node = mounts_target(c, dst, false, e);
		if (node < 0 || mounts_bind_fd(src, node, false, false, host, e) < 0)
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
	if (mounts_new_fs(c, "devpts", pts_opts, MS_NOSUID | MS_NOEXEC, pts, NULL, e) < 0 ||
	    mounts_new_fs(c, "tmpfs", shm_opts, MS_NOSUID | MS_NODEV, shm, shm_at, e) < 0)
		return corral_error_prefix(e, "dev");
	/* mqueue belongs to the IPC namespace: only a new one can be mounted. */
	if (namespaces_clone_flags(c->spec) & CLONE_NEWIPC) {
		if (mounts_new_fs(c, "mqueue", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC, mq, NULL, e) < 0)
			return corral_error_prefix(e, "dev");
	}
	return 0;
}

/* /etc/hosts or /etc/hostname (key "hosts" or "hostname") of the
 * sandbox's own, as container runtimes write them, at path: localhost and
 * the sandbox's host name resolve (on loopback), and, in the host's
 * network, the host's own names (host_hosts) after them. The file's fd, or
 * -1. With write(2), not stdio: init writes these on every launch, and
 * stdio's first use would cost it a buffer and its list's lock. */
static int write_etc(const struct corral_spec *spec, const char *key, const char *path,
		     const char *host_hosts, struct corral_error *e)
{
	unsigned long flags = namespaces_clone_flags(spec);
	char name[256] = "";
	if ((flags & CLONE_NEWUTS) && spec->hostname)
		snprintf(name, sizeof(name), "%s", spec->hostname);
	else if (gethostname(name, sizeof(name) - 1) < 0)
		return corral_error_set(e, errno, "%s: gethostname", key);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return corral_error_set(e, errno, "%s: create", key);
	char text[512];
	int n = strcmp(key, "hostname") == 0
			? snprintf(text, sizeof(text), "%s\n", name)
			: snprintf(text, sizeof(text),
				   "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				   "127.0.1.1\t%s\n",
				   name);
	int r = write_all(fd, text, (size_t)n);
	_cleanup_close_ int host = -1;
	if (r == 0 && strcmp(key, "hosts") == 0 && !(flags & CLONE_NEWNET) &&
	    (host = open(host_hosts, O_RDONLY | O_CLOEXEC)) >= 0) {
		static const char head[] = "# the host's /etc/hosts\n";
		char buf[4096];
		ssize_t got;
		r = write_all(fd, head, sizeof(head) - 1);
		while (r == 0 && ((got = read(host, buf, sizeof(buf))) > 0 || (got < 0 && errno == EINTR)))
			if (got > 0)
				r = write_all(fd, buf, (size_t)got);
	}
	if (r < 0) {
		close(fd);
		return corral_error_set(e, -r, "%s: write", key);
	}
	return fd;
}

/* In a new root: written to the base tmpfs (dropped with it after the
 * pivot; the bind keeps the file) and bound read-only over whatever the
 * root has there. Where the root has no place for it (a bind of the
 * host's files without the file), it is left out. */
int mountfs_file(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	char path[64];
	snprintf(path, sizeof(path), "/%s", m->key);
	_cleanup_close_ int fd = write_etc(c->spec, m->key, path, "/oldroot/etc/hosts", e);
	if (fd < 0)
		return -1;
	_cleanup_close_ int tgt = mounts_target(c, m->dst, false, e);
	if (tgt < 0) {
		*e = (struct corral_error){0};
		return 0;
	}
	/* The file itself, through the fd written: open_tree takes any fd. */
	return mounts_bind_fd(fd, tgt, true, false, m->dst, e);
}

int mountfs_host_files(const struct corral_spec *spec, const char *dir, struct corral_error *e)
{
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=64k") < 0)
		return corral_error_set(e, errno, "mount a tmpfs on %s for /etc/hosts", dir);
	static const char *const keys[] = {"hosts", "hostname"};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char path[PATH_MAX], dst[64];
		snprintf(path, sizeof(path), "%s/%s", dir, keys[i]);
		snprintf(dst, sizeof(dst), "/etc/%s", keys[i]);
		_cleanup_close_ int fd = write_etc(spec, keys[i], path, "/etc/hosts", e);
		if (fd < 0)
			return -1;
		/* The host's file, if it is one: corral makes nothing in the
		 * host's tree. By path, the mount(2) way: every kernel (and
		 * valgrind) has it, and both paths are root's or our own. */
		struct stat st;
		if (stat(dst, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (mount(path, dst, NULL, MS_BIND, NULL) < 0 ||
		    mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) < 0)
			return corral_error_set(e, errno, "%s: bind the sandbox's own", dst);
	}
	return 0;
}

/* A read-only /sys: a new sysfs (it shows the sandbox's network namespace),
 * or where that is refused (a user namespace in the host's network), the
 * host's, bound read-only with every submount. What runc and crun mask is
 * hidden: firmware tables, the RAPL energy counters (a side channel), the
 * SELinux interface, the host's block devices. And what /proc's masks hide
 * (mountfs_proc), which sysfs shows again: the slab caches (/proc/slabinfo),
 * every IRQ's per-CPU counts and devices (/proc/interrupts), and the crash
 * kernel's notes' physical address (vmcoreinfo). */
int mountfs_sys(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e)
{
	static const char *const masked[] = {"firmware",    "devices/virtual/powercap",
					     "fs/selinux",  "dev/block",
					     "kernel/slab", "kernel/irq",
					     "kernel/vmcoreinfo"};
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	_cleanup_close_ int tgt = mounts_target(c, m->dst, true, e);
	if (tgt < 0)
		return corral_error_prefix(e, "sys");
	if (mounts_new_fs(c, "sysfs", NULL, ro, tgt, NULL, e) < 0) {
		_cleanup_close_ int src = mounts_resolve(c->oldroot, "/sys", O_PATH | O_DIRECTORY);
		if (src < 0 || mounts_bind_fd(src, tgt, true, true, "sys", e) < 0)
			return corral_error_prefix(e, "sys %s", m->dst);
	}
	_cleanup_close_ int sys = mounts_resolve(c->root, m->dst, O_PATH | O_DIRECTORY);
	_cleanup_close_ int null = mounts_resolve(c->oldroot, "/dev/null", O_PATH);
	if (sys < 0 || null < 0)
		return corral_error_set(e, errno, "sys %s", m->dst);
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		_cleanup_close_ int p = openat(sys, masked[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (p < 0 && errno == ENOENT)
			continue; /* this kernel or host lacks it */
		if (p < 0 || fstat(p, &st) < 0)
			return corral_error_set(e, errno, "sys: mask %s", masked[i]);
		int r = S_ISDIR(st.st_mode) ? mounts_new_fs(c, "tmpfs", (const char *const[]){"size=0", NULL},
						     ro, p, NULL, e)
					    : mounts_bind_fd(null, p, true, false, masked[i], e);
		if (r < 0)
			return corral_error_prefix(e, "sys: mask %s", masked[i]);
	}
	return 0;
}
