/* cgroup.c: the run's cgroup, through libcgroup; the only file that includes
 * libcgroup's headers.
 *
 * A run with limits gets one cgroup, corral-<pid>, beneath the cgroup corral
 * itself is in, per controller (on a v1 or hybrid host each controller is its
 * own hierarchy and corral may sit at a different path in each: here memory
 * is at /process_api/<hash> and the others at /), or beneath cgroup-parent.
 * Controllers at the same relative path share one libcgroup `struct cgroup`
 * (a "part"), which libcgroup creates in every hierarchy that covers them.
 *
 * Lifetime: created with the limits written, before clone on a v2 host, so
 * that init enters it at clone (CLONE_INTO_CGROUP); elsewhere after clone,
 * while init builds the sandbox, and init is attached. Either way init waits
 * at sync point 1b until it is in the cgroup before it forks the command, so
 * the command cannot run one instruction outside it. At
 * the end: kill what is left, read usage and OOM kills, remove. A corral
 * killed with SIGKILL cannot remove its cgroup; the next run removes every
 * corral-<digits> beneath the same parent whose pid is dead.
 *
 * libcgroup is initialised only when a limit is asked (cgroup_init reads
 * /proc/mounts and every controller list: about 1 ms), and each phase is
 * timed; -vv prints the figures. Usage and knob files that are not limits
 * (cgroup.kill, memory.peak, cpu.stat, ...) are read and written directly:
 * libcgroup's cgroup_get_cgroup reads every file of every controller, which
 * costs more than the whole launch. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

/* libcgroup's mount table, where the static build has it (cgtable.c);
 * NULL elsewhere. An entry is a name and a path of FILENAME_MAX each and a
 * little more: 8208 bytes in libcgroup 2.0 (its size over 100 entries;
 * not public). */
extern char cg_mount_table[] __attribute__((weak));
#define CG_MOUNT_ENTRY 8208

#define MAX_CTL 6
#define CPU_PERIOD_US 100000ULL

struct ctl {
	const char *name;
	char *mount;  /* where libcgroup found the hierarchy */
	bool v2;
	char parent[PATH_MAX]; /* relative to the mount, "" for its root */
	char dir[PATH_MAX];    /* mount/parent/corral-<pid> */
	int part;
};

struct part {
	char path[PATH_MAX]; /* parent/corral-<pid>, as libcgroup names it */
	struct cgroup *cg;
	bool created;
};

struct corral_cgroup {
	struct ctl ctl[MAX_CTL];
	unsigned nctl;
	struct part part[MAX_CTL];
	unsigned npart;
	int v2_fd; /* the v2 directory when every controller is on v2 */
	bool cpu_quota; /* a cpus limit is written: throttling is counted */
	double t_init, t_create, t_attach, t_delete;
};

/* libcgroup returns positive ECG* codes; ECGOTHER means "see errno". */
__attribute__((format(printf, 3, 4))) static int cg_error(struct corral_error *e, int ret,
							  const char *fmt, ...)
{
	char what[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	int err = cgroup_get_last_errno();
	if (ret == ECGOTHER || ret == ECGROUPNOTEQUAL)
		return corral_error_set(e, err ? err : EIO, "%s", what);
	return corral_error_set(e, 0, "%s: %s", what, cgroup_strerror(ret));
}

/* libcgroup logs errors to stdout by default, which is the command's. */
static void cg_logger(void *userdata, int level, const char *fmt, va_list ap)
{
	(void)userdata;
	(void)level;
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("libcgroup: %s", buf);
}

bool cgroup_used(const struct corral_spec *spec)
{
	return cgroup_wanted(spec) && spec->cgroup != CORRAL_CGROUP_OFF;
}

bool cgroup_v2_host(void)
{
	struct statfs sf;
	return statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

bool cgroup_wanted(const struct corral_spec *spec)
{
	return spec->memory != CORRAL_UNSET || spec->cpus > 0 || spec->pids != CORRAL_UNSET ||
	       (spec->cpuset && spec->cpuset[0]) || spec->cpu_time_limit != CORRAL_UNSET;
}

/* "memory, pids": the options that need a cgroup, for messages. */
static void limit_names(const struct corral_spec *spec, char *buf, size_t size, bool *plural)
{
	const char *names[5];
	unsigned n = 0;
	if (spec->memory != CORRAL_UNSET)
		names[n++] = "memory";
	if (spec->cpus > 0)
		names[n++] = "cpus";
	if (spec->pids != CORRAL_UNSET)
		names[n++] = "pids";
	if (spec->cpuset && spec->cpuset[0])
		names[n++] = "cpuset";
	if (spec->cpu_time_limit != CORRAL_UNSET)
		names[n++] = "cpu-time-limit";
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "", names[i]);
	*plural = n > 1;
}

int cgroup_validate(const struct corral_spec *spec, struct corral_error *e)
{
	if (spec->cgroup_parent && spec->cgroup_parent[0]) {
		const char *p = spec->cgroup_parent;
		for (const char *s = p; (s = strstr(s, "..")); s += 2)
			if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
				return corral_error_set(e, 0, "option cgroup-parent: '%s' must not contain '..'", p);
	}
	if (spec->cgroup != CORRAL_CGROUP_OFF || !cgroup_wanted(spec))
		return 0;
	char names[96];
	bool plural;
	limit_names(spec, names, sizeof(names), &plural);
	return corral_error_set(e, 0, "option%s %s need%s a cgroup, but cgroup = off (drop the limit%s, or set cgroup = required or auto)",
				plural ? "s" : "", names, plural ? "" : "s", plural ? "s" : "");
}

/* No writable cgroup: an error naming the options, or (cgroup = auto) a
 * warning and a run without the limits. */
static int no_cgroup(const struct corral_spec *spec, struct corral_error *e, const char *why)
{
	char names[96];
	bool plural;
	limit_names(spec, names, sizeof(names), &plural);
	if (spec->cgroup == CORRAL_CGROUP_AUTO) {
		log_warn("cgroup = auto: running without the limit%s %s: %s", plural ? "s" : "",
			 names, why);
		return 0;
	}
	return corral_error_set(e, 0, "option%s %s need%s a writable cgroup: %s (run as root, "
				"use a delegated cgroup, e.g. through systemd-run --user --scope -p Delegate=yes, "
				"and name it with cgroup-parent; or cgroup = auto to run without the limits)",
				plural ? "s" : "", names, plural ? "" : "s", why);
}

/* This process's cgroup in a hierarchy, from /proc/self/cgroup: the v1 line
 * whose controller list holds name, or the v2 line "0::/path". Without the
 * leading slash ("" for the root). */
static int own_cgroup(const char *name, bool v2, char *out, size_t size)
{
	/* A line per v1 hierarchy, each with a path: room for long ones.
	 * Read once: corral never moves itself, and a run with limits asks
	 * for each hierarchy (nine reads on a v1 host). */
	static char text[16384];
	static bool have;
	if (!have && read_file_at(AT_FDCWD, "/proc/self/cgroup", text, sizeof(text)) < 0)
		return -1;
	have = true;
	char buf[sizeof(text)];
	memcpy(buf, text, strlen(text) + 1);
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		bool match = false;
		if (v2) {
			match = c1[1] == '\0' && strncmp(line, "0:", 2) == 0;
		} else {
			size_t n = strlen(name);
			for (const char *s = c1 + 1; s && !match; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL)
				match = strncmp(s, name, n) == 0 && (s[n] == ',' || s[n] == '\0');
		}
		if (match) {
			const char *p = c2 + 1;
			while (*p == '/')
				p++;
			snprintf(out, size, "%s", p);
			return 0;
		}
	}
	return -1;
}

static void join(char *out, size_t size, const char *a, const char *b)
{
	snprintf(out, size, "%s%s%s", a, a[0] && b[0] ? "/" : "", b);
}

/* Add controller name to the plan; false if this host lacks it. */
static bool plan_ctl(struct corral_cgroup *cg, const struct corral_spec *spec, const char *name)
{
	struct ctl *c = &cg->ctl[cg->nctl];
	char *mount = NULL;
	if (cgroup_get_subsys_mount_point(name, &mount) != 0 || !mount)
		return false;
	struct statfs sf;
	c->name = name;
	c->mount = mount;
	c->v2 = statfs(mount, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
	if (spec->cgroup_parent && spec->cgroup_parent[0]) {
		const char *p = spec->cgroup_parent;
		while (*p == '/')
			p++;
		snprintf(c->parent, sizeof(c->parent), "%s", p);
		size_t n = strlen(c->parent);
		while (n && c->parent[n - 1] == '/')
			c->parent[--n] = '\0';
	} else if (own_cgroup(name, c->v2, c->parent, sizeof(c->parent)) < 0) {
		free(mount);
		c->mount = NULL;
		return false;
	}
	char leaf[32], rel[PATH_MAX];
	snprintf(leaf, sizeof(leaf), "corral-%d", (int)getpid());
	join(rel, sizeof(rel), c->parent, leaf);
	snprintf(c->dir, sizeof(c->dir), "%s/%s", mount, rel);
	c->part = -1;
	for (unsigned i = 0; i < cg->npart; i++)
		if (strcmp(cg->part[i].path, rel) == 0)
			c->part = (int)i;
	if (c->part < 0) {
		c->part = (int)cg->npart++;
		snprintf(cg->part[c->part].path, sizeof(cg->part[c->part].path), "%s", rel);
	}
	cg->nctl++;
	return true;
}

static struct ctl *find_ctl(struct corral_cgroup *cg, const char *name)
{
	for (unsigned i = 0; i < cg->nctl; i++)
		if (strcmp(cg->ctl[i].name, name) == 0)
			return &cg->ctl[i];
	return NULL;
}

/* Read a file of the run's cgroup in ctl's hierarchy. */
static int read_knob(const struct ctl *c, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", c->dir, file);
	return read_file_at(AT_FDCWD, path, buf, size) < 0 ? -1 : 0;
}

/* "key value" lines (cpu.stat, memory.events, memory.oom_control). */
static bool keyed_value(const char *text, const char *key, uint64_t *v)
{
	size_t n = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, n) == 0 && l[n] == ' ')
			return sscanf(l + n + 1, "%lu", v) == 1;
	return false;
}

static bool file_value(const struct ctl *c, const char *file, uint64_t *v)
{
	char buf[64];
	return c && read_knob(c, file, buf, sizeof(buf)) == 0 && sscanf(buf, "%lu", v) == 1;
}

/* A previous corral killed with SIGKILL cannot remove its cgroup. Remove
 * corral-<digits> cgroups beneath our parent whose pid is dead, and only
 * empty ones: rmdir of a cgroup with processes fails, so a live run's
 * cgroup, even of a corral in another PID namespace, is never harmed. In
 * every controller corral ever uses, not only this run's: a run killed with
 * --cpus leaves cpu/corral-N, which a later run with only --memory would
 * otherwise never look at. Never our own name (a dead run's corral-<pid>
 * with our pid is libcgroup's to reuse), so this run's cgroup does not
 * wait for it: launch.c calls it once the command may start. */
void cgroup_sweep_stale(const struct corral_spec *spec)
{
	static const char *const ctls[] = {"memory", "cpu", "cpuacct", "pids", "cpuset"};
	char swept[ARRAY_SIZE(ctls)][PATH_MAX];
	unsigned nswept = 0;
	for (size_t i = 0; i < ARRAY_SIZE(ctls); i++) {
		char *mount = NULL, parent[PATH_MAX], path[PATH_MAX * 2];
		if (cgroup_get_subsys_mount_point(ctls[i], &mount) != 0 || !mount)
			continue;
		struct statfs sf;
		bool v2 = statfs(mount, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
		if (spec->cgroup_parent && spec->cgroup_parent[0])
			snprintf(parent, sizeof(parent), "%s", spec->cgroup_parent + strspn(spec->cgroup_parent, "/"));
		else if (own_cgroup(ctls[i], v2, parent, sizeof(parent)) < 0)
			parent[0] = '\0';
		snprintf(path, sizeof(path), "%s%s%s", mount, parent[0] ? "/" : "", parent);
		free(mount);
		bool seen = false;
		for (unsigned j = 0; j < nswept; j++)
			seen |= strcmp(swept[j], path) == 0;
		if (seen || strlen(path) >= PATH_MAX)
			continue;
		snprintf(swept[nswept++], PATH_MAX, "%s", path);
		DIR *d = opendir(path);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			const char *num = de->d_name + 7;
			if (strncmp(de->d_name, "corral-", 7) != 0 || !*num ||
			    strspn(num, "0123456789") != strlen(num) || strlen(num) > 9)
				continue;
			pid_t pid = (pid_t)atoi(num);
			if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
				continue;
			char rel[PATH_MAX];
			join(rel, sizeof(rel), parent, de->d_name);
			struct cgroup *stale = cgroup_new_cgroup(rel);
			if (stale && cgroup_add_controller(stale, ctls[i])) {
				int r = cgroup_delete_cgroup_ext(stale, CGFLAG_DELETE_EMPTY_ONLY);
				log_debug("cgroup: stale %s/%s: %s", path, de->d_name,
					  r ? cgroup_strerror(r) : "removed");
			}
			cgroup_free(&stale);
		}
		if (d)
			closedir(d);
	}
}

static int add_value(struct cgroup_controller *cc, const char *name, const char *value,
		     struct corral_error *e)
{
	int r = cgroup_add_value_string(cc, name, value);
	return r ? cg_error(e, r, "cgroup: set %s", name) : 0;
}

/* The limit knobs of one controller. */
static int add_limits(const struct ctl *c, struct cgroup_controller *cc,
		      const struct corral_spec *spec, struct corral_error *e)
{
	char v[128];
	if (strcmp(c->name, "memory") == 0) {
		snprintf(v, sizeof(v), "%lu", spec->memory);
		return add_value(cc, c->v2 ? "memory.max" : "memory.limit_in_bytes", v, e);
	}
	if (strcmp(c->name, "cpu") == 0) {
		if (spec->cpus <= 0)
			return 0; /* only for the CPU-time limit's accounting */
		uint64_t quota = (uint64_t)(spec->cpus * (double)CPU_PERIOD_US + 0.5);
		if (quota < 1000)
			quota = 1000; /* the kernel's minimum is 1 ms */
		if (c->v2) {
			snprintf(v, sizeof(v), "%lu %llu", quota, CPU_PERIOD_US);
			return add_value(cc, "cpu.max", v, e);
		}
		snprintf(v, sizeof(v), "%llu", CPU_PERIOD_US);
		if (add_value(cc, "cpu.cfs_period_us", v, e) < 0)
			return -1;
		snprintf(v, sizeof(v), "%lu", quota);
		return add_value(cc, "cpu.cfs_quota_us", v, e);
	}
	if (strcmp(c->name, "pids") == 0) {
		snprintf(v, sizeof(v), "%lu", spec->pids);
		return add_value(cc, "pids.max", v, e);
	}
	if (strcmp(c->name, "cpuset") == 0) {
		if (add_value(cc, "cpuset.cpus", spec->cpuset, e) < 0)
			return -1;
		if (c->v2)
			return 0;
		/* A v1 cpuset with no mems takes no tasks (ENOSPC on attach):
		 * give it the parent's. */
		char path[PATH_MAX * 2];
		snprintf(path, sizeof(path), "%s/%s/cpuset.mems", c->mount, c->parent);
		ssize_t r = read_file_at(AT_FDCWD, path, v, sizeof(v));
		if (r < 0)
			return corral_error_set(e, (int)-r, "cgroup: read %s", path);
		v[strcspn(v, "\n")] = '\0';
		return add_value(cc, "cpuset.mems", v, e);
	}
	return 0;
}

/* Swap is part of the memory limit, as the option says; the knob exists
 * only with swap accounting, so it is set after creation when present. */
static int limit_swap(struct corral_cgroup *cg, const struct corral_spec *spec,
		      struct corral_error *e)
{
	struct ctl *c = find_ctl(cg, "memory");
	if (!c)
		return 0;
	const char *knob = c->v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
	char path[PATH_MAX + 64], v[32];
	snprintf(path, sizeof(path), "%s/%s", c->dir, knob);
	if (access(path, F_OK) < 0)
		return 0;
	/* v2 counts swap apart from memory, v1's memsw counts both. */
	snprintf(v, sizeof(v), "%lu", c->v2 ? 0 : spec->memory);
	struct cgroup *m = cgroup_new_cgroup(cg->part[c->part].path);
	struct cgroup_controller *cc = m ? cgroup_add_controller(m, "memory") : NULL;
	int r = cc ? cgroup_add_value_string(cc, knob, v) : ECGFAIL;
	if (!r)
		r = cgroup_modify_cgroup(m);
	cgroup_free(&m);
	return r ? cg_error(e, r, "cgroup: set %s", knob) : 0;
}

/* The kernel refuses a cpuset outside the parent's CPUs (EINVAL, ERANGE):
 * say which CPUs there are. */
static int hint_cpuset(struct corral_cgroup *cg, const struct corral_spec *spec,
		       struct corral_error *e)
{
	struct ctl *c = find_ctl(cg, "cpuset");
	char path[PATH_MAX * 2], cpus[128];
	if (!c)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/%s", c->mount, c->parent,
		 c->v2 ? "cpuset.cpus.effective" : "cpuset.effective_cpus");
	if (read_file_at(AT_FDCWD, path, cpus, sizeof(cpus)) < 0)
		return -1;
	cpus[strcspn(cpus, "\n")] = '\0';
	return corral_error_prefix(e, "option cpuset: '%s' is not within the CPUs available (%s)",
				   spec->cpuset, cpus);
}

/* cgroup_create's work, apart: its frame (some 37 kB of paths) is taken
 * only by a run that makes a cgroup. Each new page of stack is a fault and
 * then a copy-on-write in both processes after the clone. */
static __attribute__((noinline)) int create(const struct corral_spec *spec,
					    struct corral_cgroup **out, struct corral_error *e)
{
	static bool initialised;
	/* A run's cgroup takes about 170 kB of fresh heap: ours below (paths,
	 * 70 kB), and libcgroup's structures, whose paths and values are 4 kB
	 * each (its mount table aside, below). Mapped in one call instead of a
	 * page fault per page. On a v1 host this runs after clone, so these
	 * pages are the supervisor's alone; the faults were 0.14 ms of a
	 * launch with limits (bench/README.md). */
	prefault_heap(192 * 1024);
	_cleanup_cgroup_ struct corral_cgroup *cg = calloc(1, sizeof(*cg));
	if (!cg)
		return corral_error_set(e, ENOMEM, "cgroup");
	cg->v2_fd = -1;
	cg->cpu_quota = spec->cpus > 0;

	double t = now_ms();
	if (!initialised) {
		/* cgroup_init writes a dozen entries of its mount table (8 kB
		 * each, in .bss) and each page would be a page fault of its
		 * own (util.c, prefault): map the first 16 at once. The table's
		 * size is libcgroup's, not public: cgtable.c says more. */
		prefault(cg_mount_table, 16 * CG_MOUNT_ENTRY);
		cgroup_set_logger(cg_logger, CGROUP_LOG_WARNING, NULL);
		int r = cgroup_init();
		if (r)
			return no_cgroup(spec, e, cgroup_strerror(r));
		initialised = true;
	}
	cg->t_init = now_ms() - t;

	struct {
		const char *name;
		bool want;
	} want[] = {
		{"memory", spec->memory != CORRAL_UNSET},
		{"cpu", spec->cpus > 0},
		{"pids", spec->pids != CORRAL_UNSET},
		{"cpuset", spec->cpuset && spec->cpuset[0]},
		/* The CPU-time limit reads the cpu controller's accounting on
		 * v2 (cpu.stat) and cpuacct's on v1 (added below). */
		{"cpu", spec->cpu_time_limit != CORRAL_UNSET && spec->cpus <= 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		if (!want[i].want || plan_ctl(cg, spec, want[i].name))
			continue;
		char why[128];
		snprintf(why, sizeof(why), "the %s controller is not available here", want[i].name);
		return no_cgroup(spec, e, why);
	}
	/* v1 keeps CPU usage in its own controller; v2 has cpu.stat in every cgroup. */
	bool all_v2 = true;
	for (unsigned i = 0; i < cg->nctl; i++)
		all_v2 &= cg->ctl[i].v2;
	if (!all_v2 && !find_ctl(cg, "cpuacct") && plan_ctl(cg, spec, "cpuacct")) {
		/* Only for the figures: where its parent is missing or not ours
		 * (a delegated v1 cgroup-parent covers only the limited
		 * controllers), go without it and take CPU time from rusage. */
		struct ctl *acct = &cg->ctl[cg->nctl - 1];
		char path[PATH_MAX * 2];
		snprintf(path, sizeof(path), "%s/%s", acct->mount, acct->parent);
		if (access(path, W_OK) < 0) {
			if (spec->cpu_time_limit != CORRAL_UNSET) {
				char why[PATH_MAX * 2 + 64];
				snprintf(why, sizeof(why), "%s is not writable by uid %u", path,
					 (unsigned)geteuid());
				return no_cgroup(spec, e, why);
			}
			bool shared = false;
			for (unsigned i = 0; i + 1 < cg->nctl; i++)
				shared |= cg->ctl[i].part == acct->part;
			if (!shared)
				cg->npart--;
			free(acct->mount);
			acct->mount = NULL;
			cg->nctl--;
		}
	}

	/* Every parent must exist and be writable, checked before anything is made. */
	for (unsigned i = 0; i < cg->nctl; i++) {
		const struct ctl *c = &cg->ctl[i];
		char path[PATH_MAX * 2], why[PATH_MAX * 2 + 64];
		snprintf(path, sizeof(path), "%s/%s", c->mount, c->parent);
		if (access(path, F_OK) < 0 && errno == ENOENT && spec->cgroup_parent)
			return corral_error_set(e, 0, "option cgroup-parent: no cgroup %s (%s)",
						spec->cgroup_parent, path);
		if (access(path, W_OK) < 0) {
			snprintf(why, sizeof(why), "%s is not writable by uid %u", path,
				 (unsigned)geteuid());
			return no_cgroup(spec, e, why);
		}
	}

	t = now_ms();
	for (unsigned p = 0; p < cg->npart; p++) {
		struct part *pt = &cg->part[p];
		pt->cg = cgroup_new_cgroup(pt->path);
		if (!pt->cg)
			return corral_error_set(e, ENOMEM, "cgroup");
		for (unsigned i = 0; i < cg->nctl; i++) {
			const struct ctl *c = &cg->ctl[i];
			if (c->part != (int)p)
				continue;
			struct cgroup_controller *cc = cgroup_add_controller(pt->cg, c->name);
			if (!cc)
				return corral_error_set(e, 0, "cgroup: add controller %s", c->name);
			if (add_limits(c, cc, spec, e) < 0)
				return -1;
		}
		int r = cgroup_create_cgroup(pt->cg, 1);
		/* Even a partial failure may have made directories: remove them. */
		pt->created = true;
		if (r) {
			cg_error(e, r, "cgroup: create %s with the limits", pt->path);
			return hint_cpuset(cg, spec, e);
		}
	}
	if (limit_swap(cg, spec, e) < 0)
		return -1;
	if (all_v2 && cg->nctl) {
		cg->v2_fd = open(cg->ctl[0].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg->v2_fd < 0)
			return corral_error_set(e, errno, "cgroup: open %s", cg->ctl[0].dir);
	}
	cg->t_create = now_ms() - t;
	for (unsigned i = 0; i < cg->nctl; i++)
		log_debug("cgroup: %s (%s) at %s", cg->ctl[i].name, cg->ctl[i].v2 ? "v2" : "v1",
			  cg->ctl[i].dir);
	*out = steal_pointer(&cg);
	return 0;
}

int cgroup_create(const struct corral_spec *spec, struct corral_cgroup **out,
		  struct corral_error *e)
{
	*out = NULL;
	if (!cgroup_used(spec))
		return 0;
	return create(spec, out, e);
}

int cgroup_clone_fd(const struct corral_cgroup *cg)
{
	return cg ? cg->v2_fd : -1;
}

int cgroup_attach(struct corral_cgroup *cg, pid_t pid, struct corral_error *e)
{
	double t = now_ms();
	for (unsigned p = 0; p < cg->npart; p++) {
		int r = cgroup_attach_task_pid(cg->part[p].cg, pid);
		if (r)
			return cg_error(e, r, "cgroup: attach the sandbox to %s", cg->part[p].path);
	}
	cg->t_attach = now_ms() - t;
	return 0;
}

/* Processes still in the cgroup; 0 when empty or unknown. */
static int kill_listed(struct corral_cgroup *cg)
{
	const struct ctl *c = &cg->ctl[0];
	pid_t *pids = NULL;
	int n = 0;
	if (cgroup_get_procs(cg->part[c->part].path, (char *)c->name, &pids, &n) != 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (pids[i] > 0 && pids[i] != getpid())
			kill(pids[i], SIGKILL);
	free(pids);
	return n;
}

void cgroup_kill(struct corral_cgroup *cg)
{
	if (!cg || !cg->nctl)
		return;
	/* v2 (5.14+): one write kills every process, forks in flight included. */
	if (cg->v2_fd >= 0 && write_file_at(cg->v2_fd, "cgroup.kill", "1") == 0)
		return;
	/* Else kill what is listed until nothing is: a process forked between
	 * the read and the kill is caught the next round; pids.max bounds it. */
	for (int round = 0; round < 200 && kill_listed(cg) > 0; round++) {
		struct timespec ts = {0, 2000000};
		nanosleep(&ts, NULL);
	}
}

int cgroup_cpu_usage(struct corral_cgroup *cg, uint64_t *usec)
{
	char buf[4096];
	uint64_t v;
	struct ctl *acct = cg ? find_ctl(cg, "cpuacct") : NULL;
	struct ctl *cpu = cg ? find_ctl(cg, "cpu") : NULL;
	if (acct && file_value(acct, "cpuacct.usage", &v)) {
		*usec = v / 1000;
		return 0;
	}
	if (cpu && cpu->v2 && read_knob(cpu, "cpu.stat", buf, sizeof(buf)) == 0 &&
	    keyed_value(buf, "usage_usec", &v)) {
		*usec = v;
		return 0;
	}
	if (cg && cg->v2_fd >= 0 && read_file_at(cg->v2_fd, "cpu.stat", buf, sizeof(buf)) >= 0 &&
	    keyed_value(buf, "usage_usec", &v)) {
		*usec = v;
		return 0;
	}
	return -1;
}

void cgroup_collect(struct corral_cgroup *cg, struct corral_result *res)
{
	if (!cg)
		return;
	cgroup_kill(cg);

	char buf[4096];
	uint64_t v, u;
	struct ctl *acct = find_ctl(cg, "cpuacct");
	uint64_t total;
	if (acct && file_value(acct, "cpuacct.usage", &total) &&
	    file_value(acct, "cpuacct.usage_user", &u) && file_value(acct, "cpuacct.usage_sys", &v)) {
		/* usage is exact (ns of runtime); the user/sys split is sampled at
		 * ticks and drifts under load, so scale it to the exact total, as
		 * v2's cpu.stat does (cputime_adjust). */
		double user = u + v ? (double)total * (double)u / (double)(u + v) : (double)total;
		res->have_cgroup_cpu = true;
		res->cgroup_cpu_user_ms = user / 1e6;
		res->cgroup_cpu_system_ms = ((double)total - user) / 1e6;
	} else if (cg->v2_fd >= 0 && read_file_at(cg->v2_fd, "cpu.stat", buf, sizeof(buf)) >= 0 &&
		   keyed_value(buf, "user_usec", &u) && keyed_value(buf, "system_usec", &v)) {
		res->have_cgroup_cpu = true;
		res->cgroup_cpu_user_ms = (double)u / 1e3;
		res->cgroup_cpu_system_ms = (double)v / 1e3;
	}

	struct ctl *mem = find_ctl(cg, "memory");
	if (mem && file_value(mem, mem->v2 ? "memory.peak" : "memory.max_usage_in_bytes", &v)) {
		res->have_memory_peak = true;
		res->memory_peak_bytes = v;
	}
	/* OOM kills: v2 memory.events, v1 memory.oom_control (4.13+); each
	 * counts the cgroup's kills, whichever process the killer chose. */
	if (mem && read_knob(mem, mem->v2 ? "memory.events" : "memory.oom_control", buf,
			     sizeof(buf)) == 0 &&
	    keyed_value(buf, "oom_kill", &v)) {
		res->have_oom_kills = true;
		res->oom_kills = v;
	}

	struct ctl *pids = find_ctl(cg, "pids");
	if (file_value(pids, "pids.peak", &v)) {
		res->have_pids_peak = true;
		res->pids_peak = v;
	}
	/* pids.events "max": forks and clones refused at pids.max (v1 and v2). */
	if (pids && read_knob(pids, "pids.events", buf, sizeof(buf)) == 0 &&
	    keyed_value(buf, "max", &v)) {
		res->have_pids_refused = true;
		res->pids_refused = v;
	}

	/* Throttling by the cpus quota: cpu.stat of the cpu controller, v2 in
	 * microseconds, v1 in nanoseconds. Only with a cpus limit. */
	struct ctl *cpu = find_ctl(cg, "cpu");
	if (cpu && cg->cpu_quota && read_knob(cpu, "cpu.stat", buf, sizeof(buf)) == 0 &&
	    keyed_value(buf, "nr_throttled", &v) &&
	    keyed_value(buf, cpu->v2 ? "throttled_usec" : "throttled_time", &u)) {
		res->have_cpu_throttled = true;
		res->cpu_throttled_periods = v;
		res->cpu_throttled_ms = (double)u / (cpu->v2 ? 1e3 : 1e6);
	}

	if (log_verbosity() >= CORRAL_VERBOSE) {
		char line[384] = "";
		if (res->have_cgroup_cpu)
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 ", cpu user %.3f s system %.3f s", res->cgroup_cpu_user_ms / 1e3,
				 res->cgroup_cpu_system_ms / 1e3);
		if (res->have_memory_peak)
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 ", memory peak %lu bytes", res->memory_peak_bytes);
		if (res->have_pids_peak)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), ", pids peak %lu",
				 res->pids_peak);
		/* The limits' counters only when they bit (zeros are the report's). */
		if (res->have_oom_kills && res->oom_kills)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), ", oom kills %lu",
				 res->oom_kills);
		if (res->have_pids_refused && res->pids_refused)
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 ", forks refused %lu", res->pids_refused);
		if (res->have_cpu_throttled && res->cpu_throttled_periods)
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 ", throttled %lu periods %.1f ms", res->cpu_throttled_periods,
				 res->cpu_throttled_ms);
		/* Items are written ", x"; the first one's comma goes. */
		log_info("cgroup usage: %s", line[0] == ',' ? line + 2 : line + 1);
	}
}

void cgroup_destroy(struct corral_cgroup **cgp)
{
	struct corral_cgroup *cg = *cgp;
	if (!cg)
		return;
	double t = now_ms();
	bool any = false;
	for (unsigned p = 0; p < cg->npart; p++) {
		struct part *pt = &cg->part[p];
		if (pt->created) {
			any = true;
			/* Never migrate tasks to the parent: kill, then remove only an
			 * empty cgroup. Exiting tasks leave it a moment after wait4. */
			int r = 0;
			for (int tries = 0; tries < 250; tries++) {
				r = cgroup_delete_cgroup_ext(pt->cg, CGFLAG_DELETE_EMPTY_ONLY);
				if (!r)
					break;
				if (tries == 0)
					cgroup_kill(cg);
				struct timespec ts = {0, 2000000};
				nanosleep(&ts, NULL);
			}
			if (r)
				log_warn("could not remove cgroup %s: %s", pt->path, cgroup_strerror(r));
		}
		cgroup_free(&pt->cg);
	}
	cg->t_delete = now_ms() - t;
	if (any)
		log_debug("cgroup: libcgroup phases: init %.3f ms, create %.3f ms, attach %.3f ms, "
			  "delete %.3f ms",
			  cg->t_init, cg->t_create, cg->t_attach, cg->t_delete);
	if (cg->v2_fd >= 0)
		close(cg->v2_fd);
	for (unsigned i = 0; i < cg->nctl; i++)
		free(cg->ctl[i].mount);
	free(cg);
	*cgp = NULL;
}

void cgroup_dirs(const struct corral_cgroup *cg, struct strv *out)
{
	for (unsigned i = 0; cg && i < cg->nctl; i++)
		if (!strv_contains(out, cg->ctl[i].dir))
			strv_push(out, cg->ctl[i].dir);
}

int cgroup_enter(const char *dir, pid_t supervisor, pid_t pid, struct corral_error *e)
{
	/* Only a run's own cgroup: the record names it, corral-SUPERVISOR. */
	char leaf[32];
	snprintf(leaf, sizeof(leaf), "/corral-%d", (int)supervisor);
	size_t n = strlen(dir), k = strlen(leaf);
	if (dir[0] != '/' || n < k || strcmp(dir + n - k, leaf) != 0 || strstr(dir, "/.."))
		return corral_error_set(e, 0, "cgroup: %s is not the run's cgroup", dir);
	char procs[PATH_MAX + 16], value[32];
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	snprintf(value, sizeof(value), "%d", (int)pid);
	int r = write_file_at(AT_FDCWD, procs, value);
	if (r < 0)
		return corral_error_set(e, -r, "cgroup: enter %s", dir);
	return 0;
}
