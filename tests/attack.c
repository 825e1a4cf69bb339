/* attack: the escape suite's attacks (tests/escape.bats), one subcommand
 * each, run inside the sandbox. Each prints the outcome, "ok" or the errno's
 * name, and exits 0 when the attack's call succeeded, 1 when it failed.
 * `attack CMD [ARG]...`. Static, like the probe, so it needs nothing from
 * the sandbox's root.
 *
 * Every subcommand but listen-abstract (the host side of one test) refuses
 * to run unless PID 1 is corral's init: run on the host, some would change
 * it (mount, write to /proc/sys, signal processes). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox_probe.h"


static const struct {
	const char *name;
	unsigned long flag;
} ns_names[] = {
	{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},      {"pid", CLONE_NEWPID},
	{"net", CLONE_NEWNET},   {"ipc", CLONE_NEWIPC},     {"uts", CLONE_NEWUTS},
	{"cgroup", CLONE_NEWCGROUP}, {"time", 0x80 /* CLONE_NEWTIME */},
};

static unsigned long ns_flag(const char *name)
{
	for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++)
		if (strcmp(ns_names[i].name, name) == 0)
			return ns_names[i].flag;
	fprintf(stderr, "attack: unknown namespace %s\n", name);
	exit(2);
}

/* A child of a clone that worked: gone at once. */
static int reap(long pid)
{
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, __WALL);
	return sandbox_outcome(pid);
}

/* open PATH r|w|rw|path: open only, never write (the file may be the
 * host's /proc/sysrq-trigger). */
static int do_open(const char *path, const char *mode)
{
	int fl = strcmp(mode, "r") == 0    ? O_RDONLY
		 : strcmp(mode, "w") == 0  ? O_WRONLY
		 : strcmp(mode, "rw") == 0 ? O_RDWR
					   : O_PATH;
	return sandbox_outcome(open(path, fl | O_NOCTTY | O_NONBLOCK));
}

/* The runc CVE-2019-5736 pattern: the program's own file reopened for
 * writing through a magic link, directly or from an O_PATH fd. */
static int exe_write(const char *link)
{
	int fd = open(link, O_PATH);
	if (fd < 0)
		return sandbox_outcome(fd);
	char via[64];
	snprintf(via, sizeof(via), "/proc/self/fd/%d", fd);
	int w = open(via, O_WRONLY);
	if (w < 0)
		return sandbox_outcome(w);
	/* Opened: that alone is the escape; write nothing. */
	return sandbox_outcome(0);
}

/* Docker's 2014 "shocker": open_by_handle_at with a guessed ext4/xfs handle
 * of the file system's root inode (2), from any fd on that file system. */
static int shocker(const char *path)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[8];
	} h = {.fh = {.handle_bytes = 8, .handle_type = 1}};
	uint32_t ino[2] = {2, 0};
	memcpy(h.fh.f_handle, ino, sizeof(ino));
	int dir = open(path, O_RDONLY | O_DIRECTORY);
	if (dir < 0)
		return sandbox_outcome(dir);
	return sandbox_outcome(syscall(SYS_open_by_handle_at, dir, &h.fh, O_RDONLY));
}

/* The classic chroot escape: chroot into a subdirectory while keeping the
 * cwd outside it, climb, chroot(".") there. */
static int chroot_escape(void)
{
	mkdir("/tmp/jail", 0755);
	if (syscall(SYS_chroot, "/tmp/jail") < 0)
		return sandbox_outcome(-1);
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	return sandbox_outcome(syscall(SYS_chroot, "."));
}

/* A syscall that is harmless even where it works: bad arguments, or a
 * query. EPERM is a filter's or a missing capability's. */
/* Calls newer than libseccomp 2.5's table (Linux 6.8 to 6.17), by their
 * number (the same on x86_64, i386 and the generic table), each harmless
 * with every argument 0: a bad pointer, an empty list, a zero-length seal. */
static int newsys(const char *name)
{
	static const struct {
		const char *name;
		long nr;
	} calls[] = {{"statmount", 457},     {"listmount", 458},      {"lsm_get_self_attr", 459},
		     {"lsm_list_modules", 461}, {"mseal", 462},       {"getxattrat", 464},
		     {"listxattrat", 465},   {"open_tree_attr", 467}, {"file_getattr", 468}};
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(calls[i].name, name) == 0)
			return sandbox_outcome(syscall(calls[i].nr, 0L, 0L, 0L, 0L, 0L, 0L));
	fprintf(stderr, "attack: unknown new syscall %s\n", name);
	exit(2);
}

static int sys(const char *name)
{
	if (strcmp(name, "userfaultfd") == 0)
		return sandbox_outcome(syscall(SYS_userfaultfd, O_CLOEXEC));
	if (strcmp(name, "io_uring_setup") == 0) {
		char params[120] = {0};
		return sandbox_outcome(syscall(SYS_io_uring_setup, 1, params));
	}
	if (strcmp(name, "init_module") == 0)
		/* An empty image: ENOEXEC or EINVAL past the capability check. */
		return sandbox_outcome(syscall(SYS_init_module, "", 0, ""));
	if (strcmp(name, "finit_module") == 0)
		return sandbox_outcome(syscall(SYS_finit_module, 0, "", 0));
	if (strcmp(name, "reboot") == 0)
		/* Bad magic: EINVAL once past the CAP_SYS_BOOT check. */
		return sandbox_outcome(syscall(SYS_reboot, 0, 0, RB_AUTOBOOT, NULL));
	if (strcmp(name, "settimeofday") == 0)
		/* Both NULL: only the CAP_SYS_TIME check happens. */
		return sandbox_outcome(syscall(SYS_settimeofday, NULL, NULL));
	if (strcmp(name, "ioperm") == 0)
		return sandbox_outcome(syscall(SYS_ioperm, 0x80, 1, 1));
	if (strcmp(name, "iopl") == 0)
		return sandbox_outcome(syscall(SYS_iopl, 3));
	if (strcmp(name, "swapoff") == 0)
		return sandbox_outcome(syscall(SYS_swapoff, "/no/such/swap"));
	if (strcmp(name, "process_vm_writev") == 0) {
		/* One byte to init's address 0: EFAULT once past the access check
		 * (zero bytes would return before it). */
		char b = 0;
		struct iovec local = {&b, 1}, remote = {NULL, 1};
		return sandbox_outcome(syscall(SYS_process_vm_writev, 1, &local, 1, &remote, 1, 0));
	}
	if (strcmp(name, "pidfd_getfd") == 0) {
		int p = (int)syscall(SYS_pidfd_open, 1, 0);
		if (p < 0)
			return sandbox_outcome(p);
		return sandbox_outcome(syscall(SYS_pidfd_getfd, p, 0, 0));
	}
	if (strcmp(name, "vsock") == 0)
		/* The hypervisor's and the guests' sockets. */
		return sandbox_outcome(socket(AF_VSOCK, SOCK_STREAM, 0));
	if (strcmp(name, "vsock-high") == 0)
		/* The same family with the int's upper half set: the kernel
		 * truncates it back to AF_VSOCK. */
		return sandbox_outcome(syscall(SYS_socket, 0x100000000L | AF_VSOCK, SOCK_STREAM, 0));
	if (strcmp(name, "fsopen") == 0)
		return sandbox_outcome(syscall(SYS_fsopen, "tmpfs", 0));
	if (strcmp(name, "open_tree") == 0)
		return sandbox_outcome(syscall(SYS_open_tree, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */));
	fprintf(stderr, "attack: unknown syscall %s\n", name);
	exit(2);
}

/* An i386 call by int $0x80 (i386 numbers), arguments harmless as in sys(). */
static int int80(const char *name)
{
	long nr, a1 = 0, a2 = 0, a3 = 0;
	static char tmpfs[] = "tmpfs", tmp[] = "/tmp";
	if (strcmp(name, "mount") == 0)
		nr = 21, a1 = (long)tmpfs, a2 = (long)tmp, a3 = (long)tmpfs;
	else if (strcmp(name, "ptrace") == 0)
		nr = 26, a1 = PTRACE_ATTACH, a2 = 1;
	else if (strcmp(name, "unshare-mnt") == 0)
		nr = 310, a1 = CLONE_NEWNS;
	else if (strcmp(name, "setns") == 0)
		nr = 346, a1 = 0;
	else if (strcmp(name, "getpid") == 0)
		nr = 20;
	else {
		fprintf(stderr, "attack: unknown i386 call %s\n", name);
		return 2;
	}
	return sandbox_int80(nr, a1, a2, a3);
}

/* The x32 ABI: x86_64 numbers with bit 30 set. */
static int x32(const char *name)
{
	long nr;
	if (strcmp(name, "getpid") == 0)
		nr = SYS_getpid;
	else if (strcmp(name, "unshare-user") == 0)
		nr = SYS_unshare;
	else {
		fprintf(stderr, "attack: unknown x32 call %s\n", name);
		return 2;
	}
	return sandbox_outcome(syscall(nr | 0x40000000L, CLONE_NEWUSER));
}

/* The terminal: stdin when it is one. */
static int tty_ioctl(const char *what)
{
	if (!isatty(0)) {
		fprintf(stderr, "attack: stdin is not a terminal\n");
		return 2;
	}
	char c = '\n';
	int ldisc = 27; /* N_NULL: the terminal's output goes nowhere */
	if (strcmp(what, "tiocsetd") == 0)
		return sandbox_outcome(ioctl(0, TIOCSETD, &ldisc));
	if (strcmp(what, "tiocsetd-high") == 0)
		return sandbox_outcome(syscall(SYS_ioctl, 0, 0x100000000UL | TIOCSETD, &ldisc));
	if (strcmp(what, "tioccons") == 0)
		return sandbox_outcome(ioctl(0, TIOCCONS));
	if (strcmp(what, "tiocexcl") == 0)
		return sandbox_outcome(ioctl(0, TIOCEXCL));
	if (strcmp(what, "tiocvhangup") == 0)
		return sandbox_outcome(ioctl(0, TIOCVHANGUP));
	if (strcmp(what, "kdskbmode") == 0)
		/* K_RAW on a virtual console; a pty answers ENOTTY or EINVAL. */
		return sandbox_outcome(ioctl(0, 0x4b45 /* KDSKBMODE */, 0));
	if (strcmp(what, "tiocsti") == 0)
		return sandbox_outcome(ioctl(0, TIOCSTI, &c));
	if (strcmp(what, "tiocsti-high") == 0)
		/* CVE-2019-10063: the kernel truncates the request to 32 bits. */
		return sandbox_outcome(syscall(SYS_ioctl, 0, 0x100000000UL | TIOCSTI, &c));
	if (strcmp(what, "tioclinux") == 0) {
		/* TIOCL_PASTESEL: paste the console selection as input. */
		char sub = 3;
		return sandbox_outcome(ioctl(0, TIOCLINUX, &sub));
	}
	fprintf(stderr, "attack: unknown tty ioctl %s\n", what);
	return 2;
}

/* Create PATH with a set-user-id (or, with "gid", set-group-id) mode by one
 * way: chmod fchmod fchmodat fchmodat2 (of a file made first with 0755),
 * open openat creat tmpfile mknod (made so), mkdir mkdirat, openat2. */
static int setid(const char *path, const char *how, const char *which)
{
	mode_t mode = (strcmp(which, "gid") == 0 ? S_ISGID : S_ISUID) | 0755;
	if (strncmp(how, "chmod", 5) == 0 || strncmp(how, "fchmod", 6) == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
		if (fd < 0)
			return sandbox_outcome(fd);
		if (strcmp(how, "chmod") == 0)
			return sandbox_outcome(chmod(path, mode));
		if (strcmp(how, "fchmod") == 0)
			return sandbox_outcome(fchmod(fd, mode));
		if (strcmp(how, "fchmodat") == 0)
			return sandbox_outcome(syscall(SYS_fchmodat, AT_FDCWD, path, mode));
		if (strcmp(how, "fchmodat2") == 0)
			return sandbox_outcome(syscall(452 /* fchmodat2 */, AT_FDCWD, path, mode, 0));
	}
	if (strcmp(how, "open") == 0)
		return sandbox_outcome(syscall(SYS_open, path, O_WRONLY | O_CREAT, mode));
	if (strcmp(how, "openat") == 0)
		return sandbox_outcome(openat(AT_FDCWD, path, O_WRONLY | O_CREAT, mode));
	if (strcmp(how, "creat") == 0)
		return sandbox_outcome(syscall(SYS_creat, path, mode));
	if (strcmp(how, "tmpfile") == 0) {
		char dir[4096], via[64];
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		int fd = open(slash ? dir : ".", O_TMPFILE | O_WRONLY, mode);
		if (fd < 0)
			return sandbox_outcome(fd);
		snprintf(via, sizeof(via), "/proc/self/fd/%d", fd);
		return sandbox_outcome(linkat(AT_FDCWD, via, AT_FDCWD, path, AT_SYMLINK_FOLLOW));
	}
	if (strcmp(how, "mknod") == 0)
		return sandbox_outcome(syscall(SYS_mknod, path, S_IFREG | mode, 0));
	if (strcmp(how, "mknodat") == 0)
		return sandbox_outcome(mknodat(AT_FDCWD, path, S_IFREG | mode, 0));
	if (strcmp(how, "mkdir") == 0)
		return sandbox_outcome(syscall(SYS_mkdir, path, mode));
	if (strcmp(how, "mkdirat") == 0)
		return sandbox_outcome(mkdirat(AT_FDCWD, path, mode));
	if (strcmp(how, "openat2") == 0) {
		struct {
			uint64_t flags, mode, resolve;
		} h = {O_WRONLY | O_CREAT, mode, 0};
		return sandbox_outcome(syscall(SYS_openat2, AT_FDCWD, path, &h, sizeof(h)));
	}
	fprintf(stderr, "attack: unknown way %s\n", how);
	exit(2);
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	size_t n = strlen(name);
	if (n > sizeof(a->sun_path) - 2)
		n = sizeof(a->sun_path) - 2;
	memcpy(a->sun_path + 1, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* The host side: listen on an abstract name, print "listening", accept
 * until killed and say so on stderr for each connection. */
static int listen_abstract(const char *name)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, name);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 8) < 0)
		return perror("listen-abstract"), 1;
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c >= 0) {
			fprintf(stderr, "accepted\n");
			close(c);
		}
	}
}

static int connect_abstract(const char *name)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, name);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		return sandbox_outcome(s);
	return sandbox_outcome(connect(s, (struct sockaddr *)&a, len));
}

/* A field of /proc/PID/status, such as "CapEff"; "" when there is none. */
static void status_field(pid_t pid, const char *key, char *out, size_t size)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	out[0] = '\0';
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	size_t k = strlen(key);
	for (char *line = buf; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, k) != 0 || line[k] != ':')
			continue;
		line += k + 1 + strspn(line + k + 1, " \t");
		snprintf(out, size, "%.*s", (int)strcspn(line, "\n"), line);
		return;
	}
}

/* The runc CVE-2016-9962 pattern: a process entering the sandbox from
 * outside (corral --join) is taken over before it is confined. The next
 * pid of this PID namespace (the joined command: nothing else forks here)
 * is watched from its birth; once it has dropped its capabilities, and
 * before any execve (its name still corral's), its memory is opened for
 * writing: were that allowed, its code could be rewritten before it loads
 * the seccomp filter. Join a command that does not exist: its execve then
 * fails, so the memory opened is always corral's, never the new program's
 * (whose opening is fine). "ready" on stdout when watching; then the
 * outcome, or "missed" (exit 2) when it was gone before we saw it. */
/* Whether fd, pid's /proc/PID/mem, reaches memory: a byte at the start of
 * its first mapping reads. Linux 6.1 checks dumpability only while the
 * process has its memory: once it has exited (a zombie), anyone of its uid
 * opens its mem, dumpable or not, and the file reaches nothing (6.18
 * refuses the open). The watcher can come that late: that is a miss, not
 * a hole. */
static bool mem_reaches(pid_t pid, int fd)
{
	char path[64], line[256];
	unsigned long start;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "r");
	bool got = f && fgets(line, sizeof(line), f) && sscanf(line, "%lx-", &start) == 1;
	if (f)
		fclose(f);
	char byte;
	return got && pread(fd, &byte, 1, (off_t)start) == 1;
}

static int seize_next(void)
{
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	if (c < 0)
		return sandbox_outcome(-1);
	waitpid(c, NULL, 0);
	pid_t next = c + 1;
	printf("ready\n");
	fflush(stdout);
	/* Never for ever: a test that failed half-way must still end. */
	time_t give_up = time(NULL) + 30;
	while (kill(next, 0) < 0) {
		if (errno != ESRCH)
			return sandbox_outcome(-1);
		if (time(NULL) > give_up) {
			printf("missed (no process %d)\n", (int)next);
			return 2;
		}
	}
	char path[64], name[64], caps[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)next);
	for (;;) {
		status_field(next, "Name", name, sizeof(name));
		status_field(next, "CapEff", caps, sizeof(caps));
		if (strcmp(name, "corral") != 0) {
			printf("missed (%s)\n", name[0] ? name : "gone");
			return 2;
		}
		if (caps[0] && strtoull(caps, NULL, 16) == 0) {
			int fd = open(path, O_RDWR);
			if ((fd < 0 && (errno == ENOENT || errno == ESRCH)) ||
			    (fd >= 0 && !mem_reaches(next, fd))) {
				printf("missed (gone)\n");
				return 2;
			}
			return sandbox_outcome(fd);
		}
	}
}

/* A confused deputy: init hands the terminal to the command's group when
 * the supervisor continues a job at fg (a SIGCONT queued with the value
 * INIT_CONT_FOREGROUND, 1). The same SIGCONT forged from inside, by a run
 * in the background: "ok" when fd 0's foreground group is then ours (we
 * would read what is typed to the shell), "refused" after half a second. */
static int cont_foreground(void)
{
	if (sigqueue(1, SIGCONT, (union sigval){.sival_int = 1}) < 0)
		return sandbox_outcome(-1);
	for (int i = 0; i < 50; i++) {
		if (tcgetpgrp(0) == getpgrp())
			return sandbox_outcome(0);
		usleep(10000);
	}
	printf("refused\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
			"usage: attack open PATH r|w|rw|path | exe-write LINK | ptrace PID | kill PID |\n"
			"              pidfd PID | mount | umount PATH | pivot-root | chroot-escape |\n"
			"              unshare NS | clone NS | clone3 NS | setns PATH | shocker DIR |\n"
			"              sys NAME | newsys NAME | int80 NAME | x32 NAME |\n"
			"              tty tiocsti|tiocsti-high|tioclinux|tiocsetd|tiocsetd-high|tioccons|\n"
			"                  tiocexcl|tiocvhangup|kdskbmode |\n"
			"              setid PATH chmod|fchmod|fchmodat|fchmodat2|open|openat|creat|tmpfile|\n"
			"                  mknod|mknodat|mkdir|mkdirat|openat2 [uid|gid] |\n"
			"              mknod PATH c|b | oom-adj | connect-abstract NAME | listen-abstract NAME |\n"
			"              seize-next | cont-foreground\n");
		return 2;
	}
	const char *cmd = argv[1], *a2 = argc > 2 ? argv[2] : "", *a3 = argc > 3 ? argv[3] : "";
	if (strcmp(cmd, "listen-abstract") == 0)
		return listen_abstract(a2);
	if (!sandbox_inside()) {
		fprintf(stderr, "attack: runs only inside a corral sandbox\n");
		return 3;
	}

	if (strcmp(cmd, "open") == 0)
		return do_open(a2, a3);
	if (strcmp(cmd, "exe-write") == 0)
		return exe_write(a2);
	if (strcmp(cmd, "ptrace") == 0)
		return sandbox_outcome(ptrace(PTRACE_SEIZE, atoi(a2), 0, 0));
	if (strcmp(cmd, "kill") == 0)
		return sandbox_outcome(kill(atoi(a2), SIGKILL));
	if (strcmp(cmd, "pidfd") == 0)
		return sandbox_outcome(syscall(SYS_pidfd_open, atoi(a2), 0));
	if (strcmp(cmd, "mount") == 0)
		return sandbox_outcome(mount("tmpfs", "/tmp", "tmpfs", 0, NULL));
	if (strcmp(cmd, "umount") == 0)
		return sandbox_outcome(umount2(a2, MNT_DETACH));
	if (strcmp(cmd, "pivot-root") == 0)
		return sandbox_outcome(syscall(SYS_pivot_root, "/tmp", "/tmp"));
	if (strcmp(cmd, "chroot-escape") == 0)
		return chroot_escape();
	if (strcmp(cmd, "unshare") == 0)
		return sandbox_outcome(unshare((int)ns_flag(a2)));
	if (strcmp(cmd, "clone") == 0)
		return reap(syscall(SYS_clone, (ns_flag(a2) & ~0xffUL) | SIGCHLD, 0, 0, 0, 0));
	if (strcmp(cmd, "clone3") == 0) {
		struct clone_args ca = {.flags = ns_flag(a2), .exit_signal = SIGCHLD};
		return reap(syscall(SYS_clone3, &ca, sizeof(ca)));
	}
	if (strcmp(cmd, "setns") == 0) {
		int fd = open(a2, O_RDONLY);
		if (fd < 0)
			return sandbox_outcome(fd);
		return sandbox_outcome(setns(fd, 0));
	}
	if (strcmp(cmd, "shocker") == 0)
		return shocker(a2);
	if (strcmp(cmd, "sys") == 0)
		return sys(a2);
	if (strcmp(cmd, "newsys") == 0)
		return newsys(a2);
	if (strcmp(cmd, "int80") == 0)
		return int80(a2);
	if (strcmp(cmd, "x32") == 0)
		return x32(a2);
	if (strcmp(cmd, "tty") == 0)
		return tty_ioctl(a2);
	if (strcmp(cmd, "setid") == 0)
		return setid(a2, a3, argc > 4 ? argv[4] : "uid");
	if (strcmp(cmd, "mknod") == 0)
		return sandbox_outcome(mknod(a2, (strcmp(a3, "b") == 0 ? S_IFBLK : S_IFCHR) | 0600,
				     strcmp(a3, "b") == 0 ? makedev(8, 0) : makedev(1, 1)));
	if (strcmp(cmd, "oom-adj") == 0) {
		/* -1000: never chosen by the OOM killer. Needs CAP_SYS_RESOURCE. */
		int fd = open("/proc/self/oom_score_adj", O_WRONLY);
		if (fd < 0)
			return sandbox_outcome(fd);
		return sandbox_outcome(write(fd, "-1000", 5));
	}
	if (strcmp(cmd, "connect-abstract") == 0)
		return connect_abstract(a2);
	if (strcmp(cmd, "seize-next") == 0)
		return seize_next();
	if (strcmp(cmd, "cont-foreground") == 0)
		return cont_foreground();
	fprintf(stderr, "attack: unknown command %s\n", cmd);
	return 2;
}
