/* guard.c: keeping what corral trusts out of the sandbox's reach.
 *
 * The seccomp filter cache decides what later runs may do. A command whose
 * sandbox could write it (a bind of the directory, of ~/.cache for pip, of
 * the home directory, or root = host) could replace a cached filter with one
 * that allows everything, for every later run of every profile. So before
 * any bind is made, init mounts the cache directory read-only over itself
 * in the host's tree, and every bind that contains it carries that mount:
 * inside, the directory can be read but not written, renamed or removed
 * (a mount point is EBUSY to rename and rmdir). That alone would leave a
 * way round: rename an ancestor the sandbox can write (~/.cache inside a
 * bound home) and make a new path with planted files. So each such ancestor
 * is pinned too, by a writable bind over itself. An ancestor that is a mount
 * point already needs nothing; neither does one whose parent the sandbox
 * cannot write. Nothing is mounted unless a writable bind reaches the cache
 * (or root = host): the default and strict profiles pay nothing.
 *
 * The runtime directory (runtime.c) is kept the same way: its records tell
 * corral --join which namespaces, cgroups, filter and ids to take, so a
 * sandbox that could write one could make --join run a command outside any
 * sandbox. Both directories are created before the sandbox exists (by
 * filter_cache_open and runtime_dir_open), so that none can make them
 * first. */
#include "guard.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "filter_cache.h"
#include "runtime.h"

#define CHAIN_MAX 64

struct node {
	dev_t dev;
	ino_t ino;
	uid_t uid;
	mode_t mode;
	bool mount_root; /* a mount point: cannot be renamed while mounted */
	unsigned len;    /* the prefix of the path it is */
};

static bool node_at(const char *path, unsigned len, struct node *n)
{
	char p[PATH_MAX];
	struct statx sx;
	snprintf(p, sizeof(p), "%.*s", (int)len, path);
	if (statx(AT_FDCWD, p, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
		return false;
	*n = (struct node){
		.dev = makedev(sx.stx_dev_major, sx.stx_dev_minor),
		.ino = sx.stx_ino,
		.uid = sx.stx_uid,
		.mode = sx.stx_mode,
		/* Without the attribute (before Linux 5.8): not known to be one,
		 * so pinned, which costs a mount and is never wrong. */
		.mount_root = (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
			      (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT),
		.len = len,
	};
	return true;
}

static bool same(const struct node *n, const struct stat *st)
{
	return n->dev == st->st_dev && n->ino == st->st_ino;
}

/* Where writable source src meets the chain: the index of the chain node it
 * is (so the sandbox can write from there down), the last index when it is
 * inside the guarded directory, or -1. */
static int meets(const struct node *chain, int n, const char *src)
{
	struct stat st;
	if (stat(src, &st) < 0)
		return -1;
	for (int k = 0; k < n; k++)
		if (same(&chain[k], &st))
			return k;
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", src);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return -1;
	slash[slash == parent] = '\0';
	return stat(parent, &st) == 0 && same(&chain[n - 1], &st) ? n - 1 : -1;
}

static void add(struct guard *g, unsigned d, unsigned len, bool ro)
{
	if (g->n < GUARD_MAX)
		g->v[g->n++] = (struct guard_mount){.dir = d, .len = len, .ro = ro};
}

static void plan_dir(const struct corral_spec *spec, const char *cwd, struct guard *g,
		     unsigned d)
{
	const char *path = g->path[d];
	/* "/", "/a", "/a/b", ... the guarded directory (reached without a
	 * symlink: filter_cache_open and runtime_dir_open checked). */
	struct node chain[CHAIN_MAX];
	int n = 0;
	size_t plen = strlen(path);
	for (size_t i = 1; i <= plen && n < CHAIN_MAX; i++) {
		if (i != 1 && i != plen && path[i] != '/')
			continue;
		if (!node_at(path, (unsigned)i, &chain[n]))
			return;
		n++;
		if (i == plen)
			break;
	}
	if (n < 2 || chain[n - 1].len != plen)
		return;

	int top = -1; /* the highest node the sandbox can write below */
	if (spec->root == CORRAL_ROOT_HOST) {
		top = 0;
	} else {
		const struct strv *lists[] = {&spec->bind, &spec->bind_try};
		for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
			for (size_t i = 0; i < lists[l]->n; i++) {
				char src[PATH_MAX];
				const char *v = lists[l]->v[i];
				snprintf(src, sizeof(src), "%.*s", (int)strcspn(v, ":"), v);
				int k = meets(chain, n, src);
				if (k >= 0 && (top < 0 || k < top))
					top = k;
			}
		if (spec->bind_cwd == CORRAL_BIND_CWD_YES && cwd && cwd[0] == '/') {
			int k = meets(chain, n, cwd);
			if (k >= 0 && (top < 0 || k < top))
				top = k;
		}
	}
	if (top < 0)
		return;

	/* Pins, outermost first: every node strictly between what the sandbox
	 * can write and the cache directory that is not a mount point. With
	 * root = host, only where the parent is writable by the command: as
	 * root (any uid), any; else the caller's own or group/other-writable. */
	for (int j = top + 1; j < n - 1; j++) {
		if (chain[j].mount_root)
			continue;
		if (spec->root == CORRAL_ROOT_HOST && geteuid() != 0 &&
		    chain[j - 1].uid != geteuid() && !(chain[j - 1].mode & 022))
			continue;
		add(g, d, chain[j].len, false);
	}
	add(g, d, chain[n - 1].len, true);
}

void guard_plan(const struct corral_spec *spec, const char *cwd, struct guard *g)
{
	g->n = 0;
	g->path[GUARD_CACHE][0] = g->path[GUARD_RUNTIME][0] = '\0';
	/* No writable bind into a new root: nothing of the host is writable,
	 * neither directory can even be made. No work at all. */
	if (spec->root == CORRAL_ROOT_TMPFS && spec->bind.n == 0 && spec->bind_try.n == 0 &&
	    spec->bind_cwd != CORRAL_BIND_CWD_YES)
		return;
	int dir = filter_cache_open(g->path[GUARD_CACHE], sizeof(g->path[GUARD_CACHE]));
	if (dir >= 0) {
		close(dir);
		plan_dir(spec, cwd, g, GUARD_CACHE);
	}
	struct corral_error e = {0};
	dir = runtime_dir_open(g->path[GUARD_RUNTIME], sizeof(g->path[GUARD_RUNTIME]), &e);
	if (dir >= 0) {
		close(dir);
		plan_dir(spec, cwd, g, GUARD_RUNTIME);
	}
}
