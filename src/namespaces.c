/* namespaces.c: clone flags, uid/gid maps, host name, loopback. */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* "auto" is decided once, by the supervisor before clone, and init and the
 * command inherit the answer: inside the user namespace geteuid() reads the
 * mapped id, 0 under uid = 0, and asking again there would turn "auto" into
 * "no" (and setgroups, denied in the namespace, would then fail). */
static int auto_userns = -1;

static int loopback_up(struct corral_error *e);

bool namespaces_want_userns(const struct corral_spec *spec)
{
	if (spec->user_ns == CORRAL_YES)
		return true;
	if (spec->user_ns == CORRAL_NO)
		return false;
	if (auto_userns < 0)
		auto_userns = geteuid() != 0;
	return auto_userns;
}

static bool shared(const struct corral_spec *spec, const char *ns)
{
	return strv_contains(&spec->share, ns);
}

unsigned long namespaces_clone_flags(const struct corral_spec *spec)
{
	unsigned long flags = CLONE_NEWNS;

	if (!shared(spec, "pid"))
		flags |= CLONE_NEWPID;
	if (!shared(spec, "uts"))
		flags |= CLONE_NEWUTS;
	if (!shared(spec, "ipc"))
		flags |= CLONE_NEWIPC;
	if (!shared(spec, "cgroup"))
		flags |= CLONE_NEWCGROUP;
	if (spec->net != CORRAL_NET_HOST && !shared(spec, "net"))
		flags |= CLONE_NEWNET;
	if (namespaces_want_userns(spec))
		flags |= CLONE_NEWUSER;
	return flags;
}

/* Without a user namespace, the supervisor makes the network namespace
 * itself after clone, while init builds the sandbox, instead of clone
 * making it before init can start: a new network namespace is the most
 * costly of them (the loopback device, every protocol's per-namespace
 * state). Not in a user namespace (the supervisor, outside it, could not
 * give init one owned by it), not with pasta (which joins init's), and not
 * with a new sysfs, which shows the network namespace of whoever mounts it:
 * init must be in its own by then. */
bool namespaces_net_beside(const struct corral_spec *spec, unsigned long flags)
{
	return (flags & CLONE_NEWNET) && !(flags & CLONE_NEWUSER) &&
	       spec->net != CORRAL_NET_PASTA && spec->sys.n == 0;
}

int namespaces_make_net(int *out, struct corral_error *e)
{
	_cleanup_close_ int ours = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ours < 0)
		return corral_error_set(e, errno, "open our network namespace");
	if (unshare(CLONE_NEWNET) < 0)
		return corral_error_set(e, errno, "make the sandbox's network namespace");
	*out = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int err = *out < 0 ? errno : 0;
	/* Its loopback up while we are in it: not on init's path. */
	struct corral_error lo = {0};
	int up = err ? 0 : loopback_up(&lo);
	/* Back into ours, come what may. Should that fail, the run ends here:
	 * what is left to do (remove the cgroup and the record) needs no
	 * network. */
	if (setns(ours, CLONE_NEWNET) < 0)
		return corral_error_set(e, errno, "return to corral's network namespace");
	if (err)
		return corral_error_set(e, err, "open the sandbox's network namespace");
	if (up < 0) {
		*e = lo;
		return -1;
	}
	return 0;
}

int namespaces_join_net(int fd, struct corral_error *e)
{
	if (fd < 0)
		return corral_error_set(e, 0, "the sandbox's network namespace did not come");
	if (setns(fd, CLONE_NEWNET) < 0)
		return corral_error_set(e, errno, "enter the sandbox's network namespace");
	return 0;
}

uid_t namespaces_inner_uid(const struct corral_spec *spec)
{
	return spec->uid == CORRAL_UNSET ? getuid() : (uid_t)spec->uid;
}

gid_t namespaces_inner_gid(const struct corral_spec *spec)
{
	return spec->gid == CORRAL_UNSET ? getgid() : (gid_t)spec->gid;
}

const char *namespaces_clone_hint(unsigned long flags, bool root, int err)
{
	bool userns = flags & CLONE_NEWUSER;
	if (err == ENOSPC)
		/* The counts in /proc/sys/user are per user namespace and nested
		 * ones count against every ancestor; user namespaces also nest at
		 * most 32 deep (kernel/user_namespace.c). */
		return userns ? " (the limit on user namespaces is reached: see the sysctl "
				"user.max_user_namespaces; they also nest at most 32 deep)"
			      : " (a namespace limit is reached: see the sysctls in /proc/sys/user)";
	if (err != EPERM)
		return "";
	if (userns)
		/* Debian's kernel.unprivileged_userns_clone = 0, Ubuntu's AppArmor
		 * restriction, or a seccomp filter (inside another sandbox, such as
		 * corral's own default profile) all give EPERM. */
		return " (a user namespace is not permitted here: unprivileged user namespaces may be "
		       "disabled, see the sysctls kernel.unprivileged_userns_clone and "
		       "kernel.apparmor_restrict_unprivileged_userns, or a seccomp filter forbids them, "
		       "as inside another sandbox)";
	if (!root)
		return " (as non-root, namespaces need a user namespace: drop user-ns = no)";
	return " (no CAP_SYS_ADMIN here, as inside a container: try user-ns = yes)";
}

static int write_proc(pid_t pid, const char *file, const char *text, struct corral_error *e)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int r = write_file_at(AT_FDCWD, path, text);
	if (r < 0)
		return corral_error_set(e, -r, "write %s", path);
	return 0;
}

int namespaces_write_maps(pid_t pid, const struct corral_spec *spec, struct corral_error *e)
{
	char map[64];

	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)namespaces_inner_uid(spec),
		 (unsigned)getuid());
	if (write_proc(pid, "uid_map", map, e) < 0)
		return -1;
	/* An unprivileged writer must deny setgroups before gid_map, or a
	 * process could drop supplementary groups used to deny it access
	 * (CVE-2014-8989); its groups stay, shown as the overflow gid. Root
	 * (user-ns = yes) leaves setgroups allowed, so the command can drop
	 * root's supplementary groups, as it does without a user namespace. */
	if (geteuid() != 0 && write_proc(pid, "setgroups", "deny", e) < 0 && e->err != ENOENT)
		return -1;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)namespaces_inner_gid(spec),
		 (unsigned)getgid());
	return write_proc(pid, "gid_map", map, e);
}

static int loopback_up(struct corral_error *e)
{
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};

	if (fd < 0)
		return corral_error_set(e, errno, "socket for loopback");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return corral_error_set(e, errno, "get flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return corral_error_set(e, errno, "bring up lo");
	return 0;
}

int namespaces_setup_inside(const struct corral_spec *spec, bool net_later, struct corral_error *e)
{
	unsigned long flags = namespaces_clone_flags(spec);

	if ((flags & CLONE_NEWUTS) && spec->hostname &&
	    sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return corral_error_set(e, errno, "set host name '%s'", spec->hostname);
	if ((flags & CLONE_NEWNET) && !net_later && loopback_up(e) < 0)
		return -1;
	return 0;
}

const struct namespaces_kind namespaces_kinds[NAMESPACES_KINDS] = {
	{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},  {"pid", CLONE_NEWPID},
	{"net", CLONE_NEWNET},   {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
	{"cgroup", CLONE_NEWCGROUP},
};

int namespaces_identify(int nsdir, struct namespaces_id id[NAMESPACES_KINDS],
			struct corral_error *e)
{
	for (size_t i = 0; i < NAMESPACES_KINDS; i++) {
		struct stat st;
		/* Following the link: the namespace's nsfs inode, the same
		 * whichever proc mount it is reached through. */
		if (fstatat(nsdir, namespaces_kinds[i].name, &st, 0) < 0)
			return corral_error_set(e, errno, "identify the %s namespace",
						namespaces_kinds[i].name);
		id[i] = (struct namespaces_id){.dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino};
	}
	return 0;
}
