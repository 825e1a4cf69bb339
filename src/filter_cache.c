/* filter_cache.c: the cache of exported seccomp filters.
 *
 * Building a filter costs far more than loading it (measured here: the
 * default denylist 1.3 ms to build, 0.14 ms to load; a 300-call allowlist 9
 * to 16 ms to build, 0.3 ms to load). Files live in $XDG_CACHE_HOME/corral
 * (else ~/.cache/corral). A cached filter decides what every later run may
 * do, so nothing a sandbox can reach may write, replace or plant one:
 *   - the key covers what the filter is built from (the caller's salt: the
 *     lists, the action, the mode, libseccomp's version and the running
 *     kernel) and this binary's build id, so a corral whose rules changed
 *     never takes another build's filter;
 *   - the directory is used only when reached without a symlink, ours and
 *     writable by nobody else, as must each file be; it exists before any
 *     sandbox does (created here), and guard.c keeps it, and every ancestor
 *     a sandbox could rename, out of the sandbox's reach;
 *   - a file is read only whole, with the sum of its instructions that
 *     its header holds (a torn write or a damaged disk is built again);
 *   - seccomp.c runs what is read through bpf_run and rejects a program
 *     whose answers for the rules every filter has are wrong (a forger
 *     can compute the sum: the answers are what a forgery must get past);
 *   - at most FILTER_CACHE_MAX entries stay (least recently used go).
 * Anything odd, and the filter is built instead. */
#include "filter_cache.h"
#include "mountplan.h"
#include "runtime.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CACHE_MAGIC "CORRALB2"

struct cache_header {
	char magic[8];
	struct filter_cache_key key;
	uint32_t len;
	uint32_t sum; /* of the instructions: prog_sum */
};

struct build_id {
	unsigned char v[64];
	size_t n;
};

/* The linker's symbol for where the ELF header is mapped; an array of
 * unknown size, as the program headers follow it. */
extern const char __ehdr_start[];

/* This binary's GNU build id, from its own ELF header and program headers
 * (mapped with its first segment, static or PIE alike). Not through
 * dl_iterate_phdr: its lock and a static copy of the id were two writes,
 * so after clone two pages copied on every launch (1 to 2 % of a launch
 * with limits, interleaved perf stat). */
static void build_id(struct build_id *id)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)__ehdr_start;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(__ehdr_start + eh->e_phoff);
	uintptr_t bias = 0;
	*id = (struct build_id){.n = 0};
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			bias = (uintptr_t)eh - ph[i].p_vaddr;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		const unsigned char *p = (const unsigned char *)(bias + ph[i].p_vaddr);
		const unsigned char *end = p + ph[i].p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			size_t name = (nh->n_namesz + 3) & ~3UL, desc = (nh->n_descsz + 3) & ~3UL;
			const unsigned char *d = p + sizeof(*nh) + name;
			if (d + desc > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(p + sizeof(*nh), "GNU", 4) == 0 && nh->n_descsz <= sizeof(id->v)) {
				memcpy(id->v, d, nh->n_descsz);
				id->n = nh->n_descsz;
				return;
			}
			p = d + desc;
		}
	}
}

static void fnv(struct filter_cache_key *k, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		k->h[0] = (k->h[0] ^ c[i]) * 0x100000001b3ULL;
		k->h[1] = (k->h[1] ^ (c[i] ^ 0x5a)) * 0x100000001b3ULL;
	}
}

static void fnv_strv(struct filter_cache_key *k, const struct strv *l)
{
	uint32_t n = (uint32_t)l->n;
	fnv(k, &n, sizeof(n));
	for (size_t i = 0; i < l->n; i++)
		fnv(k, l->v[i], strlen(l->v[i]) + 1);
}

bool filter_cache_key(struct filter_cache_key *k, const void *salt, size_t salt_len,
		      const struct strv *a, const struct strv *b)
{
	struct build_id id;
	build_id(&id);
	*k = (struct filter_cache_key){{0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL}};
	fnv(k, CACHE_MAGIC, 8);
	fnv(k, id.v, id.n);
	fnv(k, salt, salt_len);
	fnv_strv(k, a);
	fnv_strv(k, b);
	return id.n > 0;
}

/* A sum of the instructions, in the header: a file of the right size whose
 * instructions changed (a torn write after a crash, a damaged disk) is built
 * again. It is no defence against a forger, who can compute it too: that is
 * what the directory's protection and seccomp.c's check of the program's
 * answers are for. */
static uint32_t prog_sum(const struct sock_filter *f, size_t len)
{
	struct filter_cache_key k = {{0xcbf29ce484222325ULL, 0}};
	fnv(&k, f, len);
	return (uint32_t)(k.h[0] ^ (k.h[0] >> 32));
}

/* The cache's parent as the environment names it, $XDG_CACHE_HOME or
 * ~/.cache, when absolute; false when neither is. */
static bool cache_parent(char *given, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		snprintf(given, size, "%s", xdg);
	else if (home && home[0] == '/')
		snprintf(given, size, "%s/.cache", home);
	else
		return false;
	return true;
}

void filter_cache_place(char *out, size_t size)
{
	char given[PATH_MAX], real[PATH_MAX];
	out[0] = '\0';
	if (!cache_parent(given, sizeof(given)))
		return;
	if (realpath(given, real))
		snprintf(out, size, "%s/corral", strcmp(real, "/") ? real : "");
	else if (mountplan_normalise(given, real, sizeof(real)) == 0)
		snprintf(out, size, "%s/corral", real);
}

/* dir's subdirectory name, made (0700) if missing, opened without
 * following a symlink: only if it is ours and writable by nobody else. */
static int private_subdir(int dir, const char *name)
{
	if (mkdirat(dir, name, 0700) < 0 && errno != EEXIST)
		return -1;
	int fd = openat(dir, name, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !fd_private(fd, true)) {
		close(fd);
		return -1;
	}
	return fd;
}

int filter_cache_open(char *out, size_t size)
{
	char given[4096], base[4096];
	if (!cache_parent(given, sizeof(given)))
		return -1;
	/* One spelling (no "//", ".", ".."), so that guard.c's prefixes are
	 * the directories they name. */
	if (mountplan_normalise(given, base, sizeof(base) - 16) < 0)
		return -1;
	char *slash = strrchr(base, '/');
	if (!slash || !slash[1])
		return -1;
	const char *leaf = slash + 1;

	/* The cache's parent ($XDG_CACHE_HOME or ~/.cache) is made if missing:
	 * the directory must exist before any sandbox does, or one that can
	 * write its parent could make it and fill it. The parent's name is
	 * base cut at the slash (one buffer less of stack: a page less to
	 * fault in on every run). */
	*slash = '\0';
	_cleanup_close_ int p = open_dir_nofollow(slash == base ? "/" : base, false, O_PATH);
	*slash = '/';
	if (p < 0)
		return -1;
	_cleanup_close_ int b = private_subdir(p, leaf);
	if (b < 0)
		return -1;
	int fd = private_subdir(b, "corral");
	if (fd >= 0 && out)
		snprintf(out, size, "%s/corral", base);
	return fd;
}

static void cache_name(const struct filter_cache_key *k, char *buf, size_t size)
{
	snprintf(buf, size, "seccomp-%016llx%016llx.bpf", (unsigned long long)k->h[0],
		 (unsigned long long)k->h[1]);
}

int filter_cache_open_any(char *out, size_t size)
{
	int fd = filter_cache_open(out, size);
	if (fd >= 0)
		return fd;
	struct corral_error e = {0};
	char where[PATH_MAX];
	_cleanup_close_ int run = runtime_dir_open(where, sizeof(where), &e);
	if (run < 0)
		return -1;
	fd = private_subdir(run, "filters");
	if (fd >= 0 && out)
		snprintf(out, size, "%s/filters", where);
	return fd;
}

bool filter_cache_read(int dir, const struct filter_cache_key *k, struct sock_fprog *prog)
{
	char name[64];
	cache_name(k, name, sizeof(name));
	_cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct cache_header h;
	struct stat st;
	if (fd < 0 || !fd_private(fd, false) || fstat(fd, &st) < 0 ||
	    read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) || memcmp(h.magic, CACHE_MAGIC, 8) != 0 ||
	    memcmp(&h.key, k, sizeof(*k)) != 0 || h.len == 0 || h.len > BPF_MAXINSNS ||
	    (size_t)st.st_size != sizeof(h) + h.len * sizeof(struct sock_filter))
		return false;
	size_t len = h.len * sizeof(struct sock_filter);
	_cleanup_free_ struct sock_filter *f = malloc(len);
	if (!f || read(fd, f, len) != (ssize_t)len || prog_sum(f, len) != h.sum)
		return false;
	/* Least recently used goes first: a hit counts as a use, noted at
	 * most once a day so that a hit costs no write. */
	if (st.st_mtime < time(NULL) - 86400)
		futimens(fd, NULL);
	prog->len = (unsigned short)h.len;
	prog->filter = steal_pointer(&f);
	return true;
}

struct entry {
	char name[64];
	time_t mtime;
};

static int by_mtime(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}

/* Temporary files of writers that died (".NAME.PID"), and the least
 * recently used entries beyond FILTER_CACHE_MAX. Never follows a link. */
static void evict(int dir)
{
	DIR *d = dir_open_at(dir, ".", 0);
	if (!d)
		return;
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		struct stat st;
		if (fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (strncmp(de->d_name, ".seccomp-", 9) == 0) {
			const char *dot = strrchr(de->d_name, '.');
			long pid = dot ? strtol(dot + 1, NULL, 10) : 0;
			if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
				unlinkat(dir, de->d_name, 0);
			continue;
		}
		if (strncmp(de->d_name, "seccomp-", 8) != 0 || strlen(de->d_name) >= sizeof(v->name))
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct entry *w = realloc(v, c * sizeof(*w));
			if (!w)
				break;
			v = w;
			cap = c;
		}
		snprintf(v[n].name, sizeof(v[n].name), "%s", de->d_name);
		v[n++].mtime = st.st_mtime;
	}
	closedir(d);
	if (n > FILTER_CACHE_MAX) {
		qsort(v, n, sizeof(*v), by_mtime);
		for (size_t i = 0; i < n - FILTER_CACHE_MAX; i++)
			unlinkat(dir, v[i].name, 0);
	}
	free(v);
}

/* Write to a private temporary name, then rename: a reader sees the whole
 * file or none. */
void filter_cache_write(int dir, const struct filter_cache_key *k, const struct sock_fprog *prog)
{
	char name[64], tmp[96];
	cache_name(k, name, sizeof(name));
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	_cleanup_close_ int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	struct cache_header h = {.key = *k,
				 .len = prog->len,
				 .sum = prog_sum(prog->filter, prog->len * sizeof(struct sock_filter))};
	memcpy(h.magic, CACHE_MAGIC, 8);
	if (write_all(fd, &h, sizeof(h)) < 0 ||
	    write_all(fd, prog->filter, prog->len * sizeof(struct sock_filter)) < 0 ||
	    renameat(dir, tmp, dir, name) < 0) {
		unlinkat(dir, tmp, 0);
		return;
	}
	evict(dir);
}
