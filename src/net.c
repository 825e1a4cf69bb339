/* net.c: net = pasta. The sandbox gets its own network namespace (as with
 * net = none), and pasta (Debian's passt package) connects it to the outside
 * in user mode: the sandbox's connections become the connections of an
 * ordinary process on the host, and --port forwards listen on the host.
 *
 * pasta is started by the supervisor once init's namespaces exist, attached
 * to them through fds of /proc/PID/ns (never by spawning the command, whose
 * forwarded sockets would leak into it), and before init is released: the
 * command starts with the network up. It runs in the foreground, as the
 * supervisor's child with PR_SET_PDEATHSIG, in a process group of its own
 * (a Ctrl-C is the command's, not pasta's), and it is killed and reaped at
 * the end of the run. What Debian's pasta (0.0~git20230309) needs:
 *   - as root, --runas=0 (it would switch to nobody), and --netns given as a
 *     path: attaching by pid opens /proc/PID/ns/user, the host's, and fails;
 *   - -T none -U none and --no-map-gw, or the host's loopback is reachable
 *     from inside (ports bound on it are mirrored; the gateway address is
 *     translated to it); -t none -u none unless ports are forwarded, or it
 *     forwards every port bound inside;
 *   - a taken IPv4 port is skipped without a word: net_pasta_prepare checks;
 *   - -P FILE is written once the namespace is configured: a pipe here, our
 *     readiness signal; its end without a line means pasta failed;
 *   - without a syslog it writes "Failed to send" lines to stderr: -q, and
 *     stderr is a memfd whose last other line is the error we report. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int parse_port_number(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*out = v;
	return 0;
}

int net_parse_port(const char *v, struct net_port *p, struct corral_error *e)
{
	*p = (struct net_port){.family = AF_INET};
	strcpy(p->addr, "127.0.0.1");
	const char *end = v + strlen(v);
	const char *slash = strrchr(v, '/');
	if (slash) {
		if (strcmp(slash, "/udp") == 0)
			p->udp = true;
		else if (strcmp(slash, "/tcp") != 0)
			return corral_error_set(e, 0, "'%s': unknown protocol '%s' (expected /udp or /tcp)",
						v, slash + 1);
		end = slash;
	}
	const char *ports = v;
	if (*v == '[') {
		const char *close = memchr(v, ']', (size_t)(end - v));
		if (!close || close[1] != ':' || (size_t)(close - v - 1) >= sizeof(p->addr))
			return corral_error_set(e, 0, "'%s': expected [IPV6]:HOST_PORT:SANDBOX_PORT", v);
		memcpy(p->addr, v + 1, (size_t)(close - v - 1));
		p->addr[close - v - 1] = '\0';
		p->family = AF_INET6;
		ports = close + 2;
	} else {
		const char *c1 = memchr(v, ':', (size_t)(end - v));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (c2 && memchr(c2 + 1, ':', (size_t)(end - c2 - 1)))
			return corral_error_set(e, 0, "'%s': an IPv6 address goes in brackets, as [::1]:8080:80",
						v);
		if (c2) {
			if ((size_t)(c1 - v) >= sizeof(p->addr))
				return corral_error_set(e, 0, "'%s': the address is too long", v);
			memcpy(p->addr, v, (size_t)(c1 - v));
			p->addr[c1 - v] = '\0';
			ports = c1 + 1;
		}
	}
	unsigned char buf[sizeof(struct in6_addr)];
	if (inet_pton(p->family, p->addr, buf) != 1)
		return corral_error_set(e, 0, "'%s': '%s' is not an IP%s address", v, p->addr,
					p->family == AF_INET6 ? "v6" : "v4");
	const char *colon = memchr(ports, ':', (size_t)(end - ports));
	if (!colon || parse_port_number(ports, (size_t)(colon - ports), &p->host) < 0 ||
	    parse_port_number(colon + 1, (size_t)(end - colon - 1), &p->sandbox) < 0)
		return corral_error_set(e, 0,
					"'%s': expected [HOST_ADDR:]HOST_PORT:SANDBOX_PORT[/udp], "
					"ports from 1 to 65535",
					v);
	return 0;
}

int net_check_port(const char *v, struct corral_error *e)
{
	struct net_port p;
	return net_parse_port(v, &p, e);
}

static bool wildcard(const struct net_port *p)
{
	return strcmp(p->addr, "0.0.0.0") == 0 || strcmp(p->addr, "::") == 0;
}

int net_validate(const struct corral_spec *spec, struct corral_error *e)
{
	bool pasta = spec->net == CORRAL_NET_PASTA;
	if (!pasta && spec->port.n)
		return corral_error_set(e, 0, "port: forwarding needs net = pasta");
	if (!pasta && spec->net_host_loopback)
		return corral_error_set(e, 0, "net-host-loopback: needs net = pasta");
	if (pasta && strv_contains(&spec->share, "net"))
		return corral_error_set(e, 0, "share: net contradicts net = pasta, "
					      "which gives the sandbox a network namespace of its own");
	for (size_t i = 0; i < spec->port.n; i++) {
		struct net_port a;
		net_parse_port(spec->port.v[i], &a, e);
		for (size_t j = 0; j < i; j++) {
			struct net_port b;
			net_parse_port(spec->port.v[j], &b, e);
			if (a.udp == b.udp && a.host == b.host && a.family == b.family &&
			    (strcmp(a.addr, b.addr) == 0 || wildcard(&a) || wildcard(&b)))
				return corral_error_set(e, 0, "port: %s and %s forward the same host port",
							spec->port.v[j], spec->port.v[i]);
		}
	}
	return 0;
}

/* pasta on PATH, as execvp would find it. */
static int find_pasta(char *out, size_t size)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
	for (const char *d = path; *d;) {
		size_t n = strcspn(d, ":");
		if (n > 0 && (size_t)snprintf(out, size, "%.*s/pasta", (int)n, d) < size &&
		    access(out, X_OK) == 0)
			return 0;
		d += n + (d[n] == ':');
	}
	return -1;
}

/* Is the host port free? bind as pasta will (SO_REUSEADDR, so a connection
 * in TIME_WAIT from an earlier run does not count), then let go. */
static int port_free(const struct net_port *p, const char *text, struct corral_error *e)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} a = {0};
	socklen_t len;
	if (p->family == AF_INET) {
		a.in.sin_family = AF_INET;
		a.in.sin_port = htons((uint16_t)p->host);
		inet_pton(AF_INET, p->addr, &a.in.sin_addr);
		len = sizeof(a.in);
	} else {
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_port = htons((uint16_t)p->host);
		inet_pton(AF_INET6, p->addr, &a.in6.sin6_addr);
		len = sizeof(a.in6);
	}
	_cleanup_close_ int fd = socket(p->family, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return corral_error_set(e, errno, "port %s: socket", text);
	int one = 1;
	if (!p->udp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &a.sa, len) == 0)
		return 0;
	int err = errno;
	if (err == EADDRINUSE)
		return corral_error_set(e, 0, "port %s: %s port %u on %s is already in use on the host",
					text, p->udp ? "UDP" : "TCP", p->host, p->addr);
	if (err == EACCES)
		return corral_error_set(e, 0, "port %s: port %u needs privilege on the host "
					      "(see the sysctl net.ipv4.ip_unprivileged_port_start)",
					text, p->host);
	return corral_error_set(e, err, "port %s: cannot listen on %s port %u", text, p->addr, p->host);
}

int net_pasta_prepare(const struct corral_spec *spec, struct net_pasta *p, struct corral_error *e)
{
	if (find_pasta(p->path, sizeof(p->path)) < 0)
		return corral_error_set(e, 0, "net = pasta: pasta is not on PATH "
					      "(install Debian's passt package)");
	for (size_t i = 0; i < spec->port.n; i++) {
		struct net_port port;
		if (net_parse_port(spec->port.v[i], &port, e) < 0 ||
		    port_free(&port, spec->port.v[i], e) < 0)
			return -1;
	}
	return 0;
}

/* pasta's -t or -u: "ADDR/HOST:SANDBOX,..." for the ports of that protocol,
 * or "none". */
static void port_spec(const struct corral_spec *spec, bool udp, char *buf, size_t size)
{
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < spec->port.n && k < size; i++) {
		struct net_port p;
		struct corral_error ignored;
		if (net_parse_port(spec->port.v[i], &p, &ignored) < 0 || p.udp != udp)
			continue;
		k += (size_t)snprintf(buf + k, size - k, "%s%s/%u:%u", k ? "," : "", p.addr, p.host,
				      p.sandbox);
	}
	if (!buf[0])
		snprintf(buf, size, "none");
}

/* In the child, before exec: fds 0 and 1 /dev/null, 2 the log memfd, 3 the
 * pid pipe, 4 the network namespace, 5 the user namespace (or nothing);
 * every other fd closed. */
static void child_fds(int null_fd, int log_fd, int pid_w, int net_fd, int user_fd)
{
	int src[] = {null_fd, null_fd, log_fd, pid_w, net_fd, user_fd};
	int high[ARRAY_SIZE(src)];
	for (size_t i = 0; i < ARRAY_SIZE(src); i++)
		high[i] = src[i] >= 0 ? fcntl(src[i], F_DUPFD_CLOEXEC, 16) : -1;
	for (size_t i = 0; i < ARRAY_SIZE(src); i++)
		if (high[i] >= 0 && dup2(high[i], (int)i) < 0)
			_exit(127);
	int first = user_fd >= 0 ? 6 : 5;
	if (syscall(SYS_close_range, first, ~0U, 0) < 0)
		for (int fd = first; fd < 1024; fd++)
			close(fd);
}

/* The last line pasta wrote that says something: not its complaint that
 * there is no syslog. */
static void last_words(int log_fd, char *out, size_t size)
{
	char buf[4096];
	ssize_t n = pread(log_fd, buf, sizeof(buf) - 1, 0);
	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, "Failed to send ", 15) != 0 && line[strspn(line, " \t")])
			snprintf(out, size, "%s", line);
}

static int wait_ready(struct net_pasta *p, int pid_r, int sig_fd, int log_fd, struct corral_error *e)
{
	struct pollfd fds[2] = {{.fd = pid_r, .events = POLLIN}, {.fd = sig_fd, .events = POLLIN}};
	for (;;) {
		if (poll(fds, sig_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return corral_error_set(e, errno, "pasta: poll");
		}
		if (fds[0].revents) {
			char line[32];
			ssize_t n = read(pid_r, line, sizeof(line));
			if (n > 0)
				return 0;
			break;
		}
		/* Only the signals that end a run end the wait; the others
		 * (SIGCHLD, SIGWINCH...) come before the command exists. */
		struct signalfd_siginfo si;
		if (read(sig_fd, &si, sizeof(si)) == sizeof(si) &&
		    (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP))
			return corral_error_set(e, 0, "pasta: interrupted by %s while it started",
						strsignal((int)si.ssi_signo));
	}
	/* The pipe ended without a line: pasta is gone. */
	int st = 0;
	while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
		;
	p->pid = 0;
	char why[512];
	last_words(log_fd, why, sizeof(why));
	char status[64];
	if (WIFSIGNALED(st))
		snprintf(status, sizeof(status), "killed by %s", strsignal(WTERMSIG(st)));
	else
		snprintf(status, sizeof(status), "exit status %d", WEXITSTATUS(st));
	const char *hint = "";
	if (strstr(why, "tun") && access("/dev/net/tun", R_OK | W_OK) < 0)
		hint = " (this user cannot open /dev/net/tun: it is usually mode 0666)";
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && !why[0])
		snprintf(why, sizeof(why), "cannot run %s", p->path);
	return corral_error_set(e, 0, "pasta failed to start (%s)%s%s%s", status, why[0] ? ": " : "",
				why, hint);
}

int net_pasta_start(const struct corral_spec *spec, struct net_pasta *p, pid_t pid, bool userns,
		    int sig_fd, struct corral_error *e)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	_cleanup_close_ int net_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (net_fd < 0)
		return corral_error_set(e, errno, "pasta: open %s", path);
	_cleanup_close_ int user_fd = -1;
	if (userns) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		user_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (user_fd < 0)
			return corral_error_set(e, errno, "pasta: open %s", path);
	}
	_cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	_cleanup_close_ int log_fd = memfd_create("corral-pasta", MFD_CLOEXEC);
	if (null_fd < 0 || log_fd < 0)
		return corral_error_set(e, errno, "pasta: open its log");
	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return corral_error_set(e, errno, "pasta: pipe");
	_cleanup_close_ int pid_r = pipe_fds[0], pid_w = pipe_fds[1];

	char tcp[2048], udp[2048];
	port_spec(spec, false, tcp, sizeof(tcp));
	port_spec(spec, true, udp, sizeof(udp));
	const char *argv[32];
	int n = 0;
	argv[n++] = "pasta";
	argv[n++] = "--foreground";
	argv[n++] = "--quiet";
	argv[n++] = "--config-net";
	argv[n++] = "--pid";
	argv[n++] = "/proc/self/fd/3";
	argv[n++] = "-t";
	argv[n++] = tcp;
	argv[n++] = "-u";
	argv[n++] = udp;
	argv[n++] = "-T";
	argv[n++] = "none";
	argv[n++] = "-U";
	argv[n++] = "none";
	if (!spec->net_host_loopback)
		argv[n++] = "--no-map-gw";
	if (geteuid() == 0)
		argv[n++] = "--runas=0";
	argv[n++] = "--netns";
	argv[n++] = "/proc/self/fd/4";
	if (userns) {
		argv[n++] = "--userns";
		argv[n++] = "/proc/self/fd/5";
	}
	argv[n] = NULL;
	if (log_verbosity() >= CORRAL_DEBUG) {
		char line[1024];
		size_t k = 0;
		for (int i = 0; i < n && k < sizeof(line); i++)
			k += (size_t)snprintf(line + k, sizeof(line) - k, " %s", argv[i]);
		log_debug("net: %s%s", p->path, line + 6);
	}

	pid_t parent = getpid();
	pid_t child = fork();
	if (child < 0)
		return corral_error_set(e, errno, "pasta: fork");
	if (child == 0) {
		/* Dies with corral, even by SIGKILL; and a Ctrl-C is not its. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		setpgid(0, 0);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		child_fds(null_fd, log_fd, pid_w, net_fd, user_fd);
		execv(p->path, (char *const *)argv);
		_exit(127);
	}
	p->pid = child;
	close(take_fd(&pid_w));
	double t0 = now_ms();
	if (wait_ready(p, pid_r, sig_fd, log_fd, e) < 0)
		return -1;
	log_debug("net: pasta %d ready in %.3f ms", (int)p->pid, now_ms() - t0);
	return 0;
}

void net_pasta_stop(struct net_pasta *p)
{
	if (p->pid <= 0)
		return;
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	p->pid = 0;
}
