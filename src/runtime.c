/* runtime.c: the records of running sandboxes, for corral --list and --join.
 *
 * Each run writes one record, SUPERVISOR.run (and its seccomp filter,
 * SUPERVISOR.bpf), in the caller's runtime directory, after init is
 * released, and removes it on every way out. A corral killed with SIGKILL
 * cannot: the next --list or --join finds the record stale (the supervisor
 * or init gone, or a pid whose start time differs: reused) and removes it.
 *
 * A record decides what --join does: which process's namespaces it enters,
 * which cgroups it joins, which filter, capabilities and ids it takes. So
 * the directory follows the filter cache's rules (filter_cache.c): reached
 * without a symlink, ours, writable by nobody else; each file ours, regular,
 * not writable by others, read whole; made before any sandbox exists, and
 * kept out of every sandbox's reach by guard.c (a read-only bind over
 * itself wherever a writable bind or root = host exposes it). */
#include "runtime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "namespaces.h"
#include "options.h"
#include "report.h"
#include "units.h"

#define RECORD_MAX (256 * 1024)

unsigned runtime_dir_places(char (*place)[PATH_MAX])
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	unsigned n = 0;
	if (geteuid() == 0)
		snprintf(place[n++], PATH_MAX, "/run/corral");
	if (xdg && xdg[0] == '/' && !strstr(xdg, "/.") && strlen(xdg) < PATH_MAX - 8)
		snprintf(place[n++], PATH_MAX, "%s/corral", xdg);
	snprintf(place[n++], PATH_MAX, "/tmp/corral-%u", (unsigned)geteuid());
	return n;
}

int runtime_dir_open(char *out, size_t size, struct corral_error *e)
{
	char place[RUNTIME_PLACES][PATH_MAX];
	unsigned n = runtime_dir_places(place), i = 0;
	/* Root's, when it is the host's root: uid 0 of a user namespace
	 * (unshare -r) cannot write /run, and goes on as any user does. */
	int fd = geteuid() == 0 ? open_dir_nofollow(place[i], true, O_RDONLY) : -1;
	if (geteuid() == 0 && fd < 0)
		i++;
	if (fd < 0) {
		/* $XDG_RUNTIME_DIR/corral only when that directory is ours and
		 * private; else the last place, in /tmp. */
		if (i < n - 1) {
			char *slash = strrchr(place[i], '/');
			*slash = '\0';
			int x = open_dir_nofollow(place[i], false, O_RDONLY);
			*slash = '/';
			if (x < 0 || !fd_private(x, true))
				i = n - 1;
			if (x >= 0)
				close(x);
		}
		fd = open_dir_nofollow(place[i], true, O_RDONLY);
	}
	if (fd < 0)
		return corral_error_set(e, errno, "the runtime directory %s", place[i]);
	if (!fd_private(fd, true)) {
		close(fd);
		return corral_error_set(e, 0, "the runtime directory %s is not the caller's own "
					      "private directory (owner uid %u, mode 0700 expected)",
					place[i], (unsigned)geteuid());
	}
	if (out)
		snprintf(out, size, "%s", place[i]);
	return fd;
}

void runtime_record_free(struct runtime_record *r)
{
	strv_clear(&r->argv);
	strv_clear(&r->cgroups);
	free(r->spec);
	r->spec = NULL;
}

unsigned long long runtime_start_time(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || read_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return 0;
	/* After the command name, which may hold anything but ends at the last ')'. */
	char *p = strrchr(buf, ')');
	unsigned long long v = 0;
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtoull(p + 1, NULL, 10);
	return v;
}

/* The pid corral runs as (static: one run per process). */
static pid_t registered;
static int registered_dir = -1;

static void limits_text(const struct corral_spec *spec, char *buf, size_t size)
{
	size_t k = 0;
	char v[32];
	buf[0] = '\0';
	if (spec->memory != CORRAL_UNSET) {
		units_format_size(spec->memory, v, sizeof(v));
		k += (size_t)snprintf(buf + k, size - k, "memory=%s ", v);
	}
	if (spec->cpus > 0 && k < size)
		k += (size_t)snprintf(buf + k, size - k, "cpus=%g ", spec->cpus);
	if (spec->pids != CORRAL_UNSET && k < size)
		k += (size_t)snprintf(buf + k, size - k, "pids=%llu ", (unsigned long long)spec->pids);
	if (spec->time_limit != CORRAL_UNSET && k < size) {
		units_format_duration(spec->time_limit, v, sizeof(v));
		k += (size_t)snprintf(buf + k, size - k, "time-limit=%s ", v);
	}
	if (spec->cpu_time_limit != CORRAL_UNSET && k < size) {
		units_format_duration(spec->cpu_time_limit, v, sizeof(v));
		k += (size_t)snprintf(buf + k, size - k, "cpu-time-limit=%s ", v);
	}
	if (spec->output_limit != CORRAL_UNSET && k < size) {
		units_format_size(spec->output_limit, v, sizeof(v));
		k += (size_t)snprintf(buf + k, size - k, "output-limit=%s ", v);
	}
	if (k && k < size)
		buf[k - 1] = '\0';
}

/* One line of text: control characters (C1's too, for --list's terminal)
 * as '?'. */
static void one_line(FILE *f, const char *key, const char *v)
{
	_cleanup_free_ char *text = strdup(v);
	if (text)
		log_printable(text);
	fprintf(f, "%s %s\n", key, text ? text : "?");
}

static int write_at(int dir, const char *tmp, const char *name, const void *buf, size_t len)
{
	int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int r = write_all(fd, buf, len);
	close(fd);
	if (r == 0 && renameat(dir, tmp, dir, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dir, tmp, 0);
	return r;
}

int runtime_register(const struct corral_spec *spec, pid_t init, const struct corral_cgroup *cg,
		     const struct sock_fprog *filter, const struct namespaces_id *ns,
		     struct corral_error *e)
{
	int dir = runtime_dir_open(NULL, 0, e);
	if (dir < 0)
		return -1;
	pid_t self = getpid();
	char name[64], tmp[64];
	if (filter && filter->len) {
		snprintf(name, sizeof(name), "%d.bpf", (int)self);
		snprintf(tmp, sizeof(tmp), ".%d.bpf.tmp", (int)self);
		int r = write_at(dir, tmp, name, filter->filter, filter->len * sizeof(struct sock_filter));
		if (r < 0) {
			close(dir);
			return corral_error_set(e, -r, "write the run's record %s", name);
		}
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		close(dir);
		return corral_error_set(e, errno, "the run's record");
	}
	char limits[256];
	limits_text(spec, limits, sizeof(limits));
	fprintf(f, "# corral run record (runtime.c): what --list shows and --join takes\n");
	fprintf(f, "version 1\nsupervisor %d %llu\ninit %d %llu\nuid %u\nuserns %d\nlearn %d\n"
		   "filter %d\nstarted %lld\n",
		(int)self, runtime_start_time(self), (int)init, runtime_start_time(init),
		(unsigned)getuid(), (int)namespaces_want_userns(spec), spec->learn != NULL,
		filter && filter->len, (long long)time(NULL));
	/* Which namespaces --join may enter: the command's, as init forked
	 * it. A command that made its own since (seccomp = no) is refused. */
	for (size_t i = 0; ns && i < NAMESPACES_KINDS; i++)
		fprintf(f, "ns %s %llu %llu\n", namespaces_kinds[i].name,
			(unsigned long long)ns[i].dev, (unsigned long long)ns[i].ino);
	fprintf(f, "profiles ");
	for (size_t i = 0; i < spec->profiles.n; i++)
		fprintf(f, "%s%s", i ? "," : "", spec->profiles.v[i]);
	fputc('\n', f);
	one_line(f, "limits", limits);
	for (int i = 0; i < spec->argc; i++)
		one_line(f, "arg", spec->argv[i]);
	struct strv dirs = {0};
	cgroup_dirs(cg, &dirs);
	for (size_t i = 0; i < dirs.n; i++)
		one_line(f, "cgroup", dirs.v[i]);
	strv_clear(&dirs);
	fprintf(f, "spec\n");
	option_print_spec(f, spec);
	if (fclose(f) != 0) {
		free(text);
		close(dir);
		return corral_error_set(e, ENOMEM, "the run's record");
	}
	snprintf(name, sizeof(name), "%d.run", (int)self);
	snprintf(tmp, sizeof(tmp), ".%d.run.tmp", (int)self);
	int r = write_at(dir, tmp, name, text, len);
	free(text);
	if (r < 0) {
		close(dir);
		return corral_error_set(e, -r, "write the run's record %s", name);
	}
	registered = self;
	registered_dir = dir;
	return 0;
}

static void remove_record(int dir, pid_t pid)
{
	char name[64];
	snprintf(name, sizeof(name), "%d.run", (int)pid);
	unlinkat(dir, name, 0);
	snprintf(name, sizeof(name), "%d.bpf", (int)pid);
	unlinkat(dir, name, 0);
}

void runtime_unregister(void)
{
	if (registered_dir < 0 || registered != getpid())
		return;
	remove_record(registered_dir, registered);
	close(registered_dir);
	registered_dir = -1;
	registered = 0;
}

/* "mnt DEV INO" */
static void parse_ns(const char *v, struct runtime_record *r)
{
	char name[16];
	unsigned long long dev, ino;
	if (sscanf(v, "%15s %llu %llu", name, &dev, &ino) != 3)
		return;
	for (size_t i = 0; i < NAMESPACES_KINDS; i++)
		if (strcmp(name, namespaces_kinds[i].name) == 0) {
			r->ns[i] = (struct namespaces_id){.dev = dev, .ino = ino};
			r->ns_known |= 1u << i;
		}
}

static int parse(char *text, struct runtime_record *r)
{
	char *save = NULL;
	int version = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ' ');
		if (strcmp(line, "spec") == 0) {
			/* The rest, as it was: profile text. */
			char *rest = line + strlen(line) + 1;
			r->spec = strdup(save && *save ? rest : "");
			return r->spec && version == 1 ? 0 : -1;
		}
		if (line[0] == '#' || !v)
			continue;
		*v++ = '\0';
		if (strcmp(line, "version") == 0)
			version = atoi(v);
		else if (strcmp(line, "supervisor") == 0)
			sscanf(v, "%d %llu", &r->supervisor, &r->supervisor_start);
		else if (strcmp(line, "init") == 0)
			sscanf(v, "%d %llu", &r->init, &r->init_start);
		else if (strcmp(line, "uid") == 0)
			r->uid = (uid_t)strtoul(v, NULL, 10);
		else if (strcmp(line, "userns") == 0)
			r->userns = atoi(v);
		else if (strcmp(line, "learn") == 0)
			r->learn = atoi(v);
		else if (strcmp(line, "filter") == 0)
			r->filter = atoi(v);
		else if (strcmp(line, "started") == 0)
			r->started = atoll(v);
		else if (strcmp(line, "ns") == 0)
			parse_ns(v, r);
		else if (strcmp(line, "profiles") == 0)
			snprintf(r->profiles, sizeof(r->profiles), "%s", v);
		else if (strcmp(line, "limits") == 0)
			snprintf(r->limits, sizeof(r->limits), "%s", v);
		else if (strcmp(line, "arg") == 0 && strv_push(&r->argv, v) < 0)
			return -1;
		else if (strcmp(line, "cgroup") == 0 && strv_push(&r->cgroups, v) < 0)
			return -1;
	}
	return -1;
}

/* Read a whole file of ours (regular, not writable by others). */
static ssize_t read_ours(int dir, const char *name, char **out)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (!fd_private(fd, false) || fstat(fd, &st) < 0 || st.st_size > RECORD_MAX) {
		close(fd);
		return -EPERM;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(buf);
		return -EIO;
	}
	buf[n] = '\0';
	*out = buf;
	return n;
}

int runtime_record_read(int dir, pid_t supervisor, struct runtime_record *r,
			struct corral_error *e)
{
	*r = (struct runtime_record){0};
	char name[64];
	snprintf(name, sizeof(name), "%d.run", (int)supervisor);
	char *text = NULL;
	ssize_t n = read_ours(dir, name, &text);
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return corral_error_set(e, (int)-n, "the record %s", name);
	int p = parse(text, r);
	free(text);
	if (p < 0 || r->supervisor != supervisor || r->init <= 0) {
		runtime_record_free(r);
		return corral_error_set(e, 0, "the record %s cannot be read", name);
	}
	/* Alive: both processes are still the ones that wrote it. */
	if (runtime_start_time(r->supervisor) != r->supervisor_start ||
	    runtime_start_time(r->init) != r->init_start) {
		remove_record(dir, supervisor);
		runtime_record_free(r);
		return -ESTALE;
	}
	return 1;
}

int runtime_filter_read(int dir, pid_t supervisor, struct sock_fprog *prog,
			struct corral_error *e)
{
	char name[64];
	snprintf(name, sizeof(name), "%d.bpf", (int)supervisor);
	char *buf = NULL;
	ssize_t n = read_ours(dir, name, &buf);
	if (n < 0)
		return corral_error_set(e, (int)-n, "the run's filter %s", name);
	if (n == 0 || n % (ssize_t)sizeof(struct sock_filter) ||
	    n / (ssize_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		free(buf);
		return corral_error_set(e, 0, "the run's filter %s is damaged", name);
	}
	prog->len = (unsigned short)(n / (ssize_t)sizeof(struct sock_filter));
	prog->filter = (struct sock_filter *)buf;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	const struct runtime_record *x = a, *y = b;
	return (x->started > y->started) - (x->started < y->started) ?:
	       (x->supervisor > y->supervisor) - (x->supervisor < y->supervisor);
}

static void print_json(FILE *out, const struct runtime_record *v, size_t n)
{
	fprintf(out, "{\"version\": 1, \"sandboxes\": [");
	for (size_t i = 0; i < n; i++) {
		const struct runtime_record *r = &v[i];
		fprintf(out, "%s{\"pid\": %d, \"init_pid\": %d, \"uid\": %u, \"started\": %lld, "
			     "\"profiles\": [", i ? ", " : "", (int)r->supervisor, (int)r->init,
			(unsigned)r->uid, r->started);
		char p[sizeof(r->profiles)];
		snprintf(p, sizeof(p), "%s", r->profiles);
		char *save = NULL;
		int k = 0;
		for (char *s = strtok_r(p, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
			fputs(k++ ? ", " : "", out);
			report_json_string(out, s);
		}
		fprintf(out, "], \"command\": [");
		for (size_t j = 0; j < r->argv.n; j++) {
			fputs(j ? ", " : "", out);
			report_json_string(out, r->argv.v[j]);
		}
		fprintf(out, "], \"limits\": {");
		char l[sizeof(r->limits)];
		snprintf(l, sizeof(l), "%s", r->limits);
		k = 0;
		for (char *s = strtok_r(l, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(s, '=');
			if (!eq)
				continue;
			*eq = '\0';
			fputs(k++ ? ", " : "", out);
			report_json_string(out, s);
			fputs(": ", out);
			report_json_string(out, eq + 1);
		}
		fprintf(out, "}}");
	}
	fprintf(out, "]}\n");
}

static void print_table(FILE *out, const struct runtime_record *v, size_t n)
{
	fprintf(out, "%-8s %-19s %-16s %-28s %s\n", "PID", "STARTED", "PROFILE", "LIMITS",
		"COMMAND");
	for (size_t i = 0; i < n; i++) {
		const struct runtime_record *r = &v[i];
		char when[32] = "?";
		time_t t = (time_t)r->started;
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(out, "%-8d %-19s %-16s %-28s", (int)r->supervisor, when, r->profiles,
			r->limits[0] ? r->limits : "-");
		for (size_t j = 0; j < r->argv.n; j++)
			fprintf(out, " %s", r->argv.v[j]);
		fputc('\n', out);
	}
}

int runtime_list(FILE *out, bool json, struct corral_error *e)
{
	int dir = runtime_dir_open(NULL, 0, e);
	if (dir < 0)
		return -1;
	DIR *d = dir_open_at(dir, ".", 0);
	if (!d) {
		close(dir);
		return corral_error_set(e, errno, "read the runtime directory");
	}
	struct runtime_record *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		const char *name = de->d_name + (de->d_name[0] == '.');
		long pid = strtol(name, &end, 10);
		/* A filter or temporary file of a corral killed before its
		 * record was in place: nothing else would remove it. */
		if (pid > 0 && strcmp(end, ".run") != 0 && (end[0] == '.') &&
		    kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			unlinkat(dir, de->d_name, 0);
			continue;
		}
		if (pid <= 0 || strcmp(end, ".run") != 0 || name != de->d_name)
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 16;
			struct runtime_record *w = realloc(v, c * sizeof(*w));
			if (!w)
				break;
			v = w;
			cap = c;
		}
		struct corral_error ignored = {0};
		if (runtime_record_read(dir, (pid_t)pid, &v[n], &ignored) == 1)
			n++;
	}
	closedir(d);
	close(dir);
	if (n)
		qsort(v, n, sizeof(*v), by_pid);
	if (json)
		print_json(out, v, n);
	else
		print_table(out, v, n);
	for (size_t i = 0; i < n; i++)
		runtime_record_free(&v[i]);
	free(v);
	return fflush(out) == 0 ? 0 : corral_error_set(e, errno, "write the list");
}
