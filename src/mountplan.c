/* mountplan.c: the filesystem keys as one ordered list of mounts.
 *
 * The order is a property of the list, not of the order keys happen to be
 * written in: entries are sorted by the depth of their destination, so a
 * parent is always mounted before anything below it (ro-bind = /usr before
 * bind = /srv:/usr/local/srv, whatever the profile's line order). Entries of
 * the same depth go by kind (dir, symlink, ro-bind, ro-bind-try, bind,
 * bind-try, bind-cwd, overlay, tmpfs, proc, dev, sys, mask), and entries of one kind in the
 * order given. Two entries with the same destination: the later one in this
 * order is on top. */
#include "mountplan.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "overlay.h"
#include "units.h"

int mountplan_normalise(const char *path, char *out, size_t size)
{
	if (!path || path[0] != '/')
		return -EINVAL;
	size_t n = 0;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, "/");
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		if (n + 1 + len + 1 > size)
			return -ENAMETOOLONG;
		out[n++] = '/';
		memcpy(out + n, p, len);
		n += len;
		p += len;
	}
	if (n == 0) {
		if (size < 2)
			return -ENAMETOOLONG;
		out[n++] = '/';
	}
	out[n] = '\0';
	return 0;
}

static int check_path(const char *what, const char *v, struct corral_error *e)
{
	char buf[4096];
	int r = mountplan_normalise(v, buf, sizeof(buf));
	if (r == -ENAMETOOLONG)
		return corral_error_set(e, 0, "%s '%s' is too long", what, v);
	if (r < 0)
		return corral_error_set(e, 0, "%s '%s' must be an absolute path without . or .. components",
					what, v);
	return 0;
}

/* SRC[:DST], split at the first colon. */
static void split_first(const char *v, char *a, char *b, size_t size)
{
	const char *c = strchr(v, ':');
	size_t n = c ? (size_t)(c - v) : strlen(v);
	snprintf(a, size, "%.*s", (int)n, v);
	snprintf(b, size, "%s", c ? c + 1 : "");
}

/* X:Y, split at the last colon. */
static void split_last(const char *v, char *a, char *b, size_t size)
{
	const char *c = strrchr(v, ':');
	size_t n = c ? (size_t)(c - v) : strlen(v);
	snprintf(a, size, "%.*s", (int)n, v);
	snprintf(b, size, "%s", c ? c + 1 : "");
}

int mountplan_check_bind(const char *v, struct corral_error *e)
{
	char src[4096], dst[4096];
	split_first(v, src, dst, sizeof(src));
	if (check_path("source", src, e) < 0)
		return -1;
	if (strchr(v, ':') && check_path("destination", dst, e) < 0)
		return -1;
	return 0;
}

int mountplan_check_tmpfs(const char *v, struct corral_error *e)
{
	char dst[4096], size[4096];
	split_last(v, dst, size, sizeof(dst));
	if (check_path("destination", dst, e) < 0)
		return -1;
	uint64_t b;
	if (strchr(v, ':') && (units_parse_size(size, &b) < 0 || b == 0))
		return corral_error_set(e, 0, "invalid size '%s' (expected a size such as 64M)", size);
	return 0;
}

int mountplan_check_dst(const char *v, struct corral_error *e)
{
	return check_path("path", v, e);
}

int mountplan_check_symlink(const char *v, struct corral_error *e)
{
	char target[4096], dst[4096];
	split_last(v, target, dst, sizeof(target));
	if (!strchr(v, ':') || !target[0])
		return corral_error_set(e, 0, "'%s' is not TARGET:DST", v);
	return check_path("destination", dst, e);
}

int mountplan_split_overlay(const char *v, char *src, char *dst, char *upper, size_t size)
{
	const char *a = strchr(v, ':');
	const char *b = a ? strchr(a + 1, ':') : NULL;
	if (!a || (b && strchr(b + 1, ':')))
		return -1;
	snprintf(src, size, "%.*s", (int)(a - v), v);
	snprintf(dst, size, "%.*s", (int)(b ? b - a - 1 : (long)strlen(a + 1)), a + 1);
	snprintf(upper, size, "%s", b ? b + 1 : "");
	return 0;
}

int mountplan_check_overlay(const char *v, struct corral_error *e)
{
	char src[4096], dst[4096], upper[4096];
	if (mountplan_split_overlay(v, src, dst, upper, sizeof(src)) < 0)
		return corral_error_set(e, 0, "'%s' is not SRC:DST or SRC:DST:UPPER", v);
	if (check_path("source", src, e) < 0 || check_path("destination", dst, e) < 0)
		return -1;
	if (strchr(v, ':') != strrchr(v, ':') && check_path("upper directory", upper, e) < 0)
		return -1;
	return 0;
}

static unsigned depth(const char *dst)
{
	unsigned d = 0;
	for (const char *p = dst; *p; p++)
		if (*p == '/' && p[1])
			d++;
	return d;
}

static int push(struct mount_plan *p, enum mount_kind kind, const char *key, const char *src,
		const char *dst, const char *size, size_t index, struct corral_error *e)
{
	char norm[4096];
	if (mountplan_normalise(dst, norm, sizeof(norm)) < 0)
		return corral_error_set(e, 0, "%s: invalid destination '%s'", key, dst);
	struct mount_entry *v = realloc(p->v, (p->n + 1) * sizeof(*v));
	if (!v)
		return corral_error_set(e, ENOMEM, "%s", key);
	p->v = v;
	struct mount_entry *m = &v[p->n];
	*m = (struct mount_entry){
		.kind = kind,
		.key = key,
		.ro = kind == MOUNT_RO_BIND || kind == MOUNT_RO_BIND_TRY,
		.try_ = kind == MOUNT_RO_BIND_TRY || kind == MOUNT_BIND_TRY,
		.depth = depth(norm),
		.index = index,
	};
	m->dst = strdup(norm);
	m->src = src ? strdup(src) : NULL;
	m->size = size && *size ? strdup(size) : NULL;
	p->n++;
	if (!m->dst || (src && !m->src) || (size && *size && !m->size))
		return corral_error_set(e, ENOMEM, "%s", key);
	return 0;
}

static int push_binds(struct mount_plan *p, enum mount_kind kind, const char *key,
		      const struct strv *l, struct corral_error *e)
{
	for (size_t i = 0; i < l->n; i++) {
		char src[4096], dst[4096];
		split_first(l->v[i], src, dst, sizeof(src));
		if (push(p, kind, key, src, dst[0] ? dst : src, NULL, i, e) < 0)
			return -1;
	}
	return 0;
}

static int compare(const void *a, const void *b)
{
	const struct mount_entry *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

int mountplan_build(const struct corral_spec *spec, const char *cwd, struct mount_plan *p,
		    struct corral_error *e)
{
	*p = (struct mount_plan){0};
	for (size_t i = 0; i < spec->dir.n; i++)
		if (push(p, MOUNT_DIR, "dir", NULL, spec->dir.v[i], NULL, i, e) < 0)
			return -1;
	for (size_t i = 0; i < spec->symlink.n; i++) {
		char target[4096], dst[4096];
		split_last(spec->symlink.v[i], target, dst, sizeof(target));
		if (push(p, MOUNT_SYMLINK, "symlink", target, dst, NULL, i, e) < 0)
			return -1;
	}
	if (push_binds(p, MOUNT_RO_BIND, "ro-bind", &spec->ro_bind, e) < 0 ||
	    push_binds(p, MOUNT_RO_BIND_TRY, "ro-bind-try", &spec->ro_bind_try, e) < 0 ||
	    push_binds(p, MOUNT_BIND, "bind", &spec->bind, e) < 0 ||
	    push_binds(p, MOUNT_BIND_TRY, "bind-try", &spec->bind_try, e) < 0)
		return -1;
	for (size_t i = 0; i < spec->overlay.n; i++) {
		char src[4096], dst[4096], upper[4096];
		if (mountplan_split_overlay(spec->overlay.v[i], src, dst, upper, sizeof(src)) < 0)
			return corral_error_set(e, 0, "overlay: '%s' is not SRC:DST[:UPPER]",
						spec->overlay.v[i]);
		if (push(p, MOUNT_OVERLAY, "overlay", src, dst, NULL, i, e) < 0)
			return -1;
		if (upper[0] && !(p->v[p->n - 1].upper = strdup(upper)))
			return corral_error_set(e, ENOMEM, "overlay");
	}
	if (spec->bind_cwd != CORRAL_BIND_CWD_NO) {
		if (!cwd || cwd[0] != '/')
			return corral_error_set(e, 0, "bind-cwd: the current directory is unknown");
		if (push(p, MOUNT_BIND_CWD, "bind-cwd", cwd, cwd, NULL, 0, e) < 0)
			return -1;
		p->v[p->n - 1].ro = spec->bind_cwd == CORRAL_BIND_CWD_RO;
	}
	for (size_t i = 0; i < spec->tmpfs.n; i++) {
		char dst[4096], size[4096];
		split_last(spec->tmpfs.v[i], dst, size, sizeof(dst));
		if (push(p, MOUNT_TMPFS, "tmpfs", NULL, dst, size, i, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < spec->proc.n; i++)
		if (push(p, MOUNT_PROC, "proc", NULL, spec->proc.v[i], NULL, i, e) < 0)
			return -1;
	for (size_t i = 0; i < spec->dev.n; i++)
		if (push(p, MOUNT_DEV, "dev", NULL, spec->dev.v[i], NULL, i, e) < 0)
			return -1;
	for (size_t i = 0; i < spec->sys.n; i++)
		if (push(p, MOUNT_SYS, "sys", NULL, spec->sys.v[i], NULL, i, e) < 0)
			return -1;
	/* A mask covers what is there once everything else is mounted, so it
	 * sorts after every other mount, whatever its depth. */
	for (size_t i = 0; i < spec->mask.n; i++) {
		if (push(p, MOUNT_MASK, "mask", NULL, spec->mask.v[i], NULL, i, e) < 0)
			return -1;
		p->v[p->n - 1].depth = UINT_MAX;
	}
	if (p->n)
		qsort(p->v, p->n, sizeof(*p->v), compare);
	return 0;
}

/* An entry of p at path, or with above, one other than dir at or above it. */
static bool covered(const struct mount_plan *p, const char *path, bool above)
{
	for (size_t i = 0; i < p->n; i++) {
		const char *d = p->v[i].dst;
		size_t n = strlen(d);
		if (above && p->v[i].kind == MOUNT_DIR)
			continue; /* a directory of the read-only root */
		if (strcmp(d, path) == 0 ||
		    (above && (n == 1 || (strncmp(d, path, n) == 0 && path[n] == '/'))))
			return true;
	}
	return false;
}

int mountplan_add_implicit(const struct corral_spec *spec, const char *home,
			   struct mount_plan *p, struct corral_error *e)
{
	static const char *const files[][2] = {{"hosts", "/etc/hosts"},
					       {"hostname", "/etc/hostname"}};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (!covered(p, files[i][1], false) &&
		    push(p, MOUNT_FILE, files[i][0], NULL, files[i][1], NULL, i, e) < 0)
			return -1;
	char norm[4096];
	/* Not at /, nor at /nonexistent: the HOME of users without one
	 * (Debian's nobody), a path programs rely on not existing. */
	if (spec->home == CORRAL_HOME_TMPFS && home &&
	    mountplan_normalise(home, norm, sizeof(norm)) == 0 && strcmp(norm, "/") != 0 &&
	    strcmp(norm, "/nonexistent") != 0 && !covered(p, norm, true)) {
		if (push(p, MOUNT_TMPFS, "home", NULL, norm, NULL, 0, e) < 0)
			return -1;
		p->v[p->n - 1].home = true;
	}
	if (p->n)
		qsort(p->v, p->n, sizeof(*p->v), compare);
	return 0;
}

const char *mountplan_command_home(const struct corral_spec *spec)
{
	for (size_t i = spec->setenv.n; i-- > 0;)
		if (strncmp(spec->setenv.v[i], "HOME=", 5) == 0)
			return spec->setenv.v[i] + 5;
	if (spec->clearenv)
		return NULL;
	for (size_t i = 0; i < spec->unsetenv.n; i++)
		if (strcmp(spec->unsetenv.v[i], "HOME") == 0)
			return NULL;
	return getenv("HOME");
}

void mountplan_free(struct mount_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].src);
		free(p->v[i].dst);
		free(p->v[i].size);
		free(p->v[i].upper);
	}
	free(p->v);
	*p = (struct mount_plan){0};
}

int mountplan_validate(const struct corral_spec *spec, struct corral_error *e)
{
	if (spec->root == CORRAL_ROOT_HOST) {
		static const struct {
			const char *key;
			size_t offset;
		} keys[] = {
			{"ro-bind", offsetof(struct corral_spec, ro_bind)},
			{"ro-bind-try", offsetof(struct corral_spec, ro_bind_try)},
			{"bind", offsetof(struct corral_spec, bind)},
			{"bind-try", offsetof(struct corral_spec, bind_try)},
			{"overlay", offsetof(struct corral_spec, overlay)},
			{"tmpfs", offsetof(struct corral_spec, tmpfs)},
			{"dir", offsetof(struct corral_spec, dir)},
			{"symlink", offsetof(struct corral_spec, symlink)},
			{"proc", offsetof(struct corral_spec, proc)},
			{"dev", offsetof(struct corral_spec, dev)},
			{"sys", offsetof(struct corral_spec, sys)},
			{"mask", offsetof(struct corral_spec, mask)},
		};
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			const struct strv *l = (const struct strv *)((const char *)spec + keys[i].offset);
			if (l->n)
				return corral_error_set(e, 0,
							"%s = %s: mount options need root = tmpfs "
							"(root = host runs in the host's files; clear it with '%s =')",
							keys[i].key, l->v[0], keys[i].key);
		}
		if (spec->bind_cwd != CORRAL_BIND_CWD_NO)
			return corral_error_set(e, 0, "bind-cwd: mount options need root = tmpfs");
		return 0;
	}

	if (overlay_validate(spec, e) < 0)
		return -1;
	/* A missing source is found here, before clone, so nothing is made. */
	const struct {
		const char *key;
		const struct strv *l;
	} plain[] = {{"ro-bind", &spec->ro_bind}, {"bind", &spec->bind}};
	for (size_t k = 0; k < ARRAY_SIZE(plain); k++)
		for (size_t i = 0; i < plain[k].l->n; i++) {
			char src[4096], dst[4096];
			struct stat st;
			split_first(plain[k].l->v[i], src, dst, sizeof(src));
			if (stat(src, &st) < 0)
				return corral_error_set(e, errno, "%s: source '%s'", plain[k].key, src);
		}
	return 0;
}

static bool is_bind(enum mount_kind k)
{
	return k == MOUNT_RO_BIND || k == MOUNT_RO_BIND_TRY || k == MOUNT_BIND || k == MOUNT_BIND_TRY;
}

/* A bind of a host path onto the same path. */
static bool self_bind(const struct mount_entry *m)
{
	char src[4096];
	return is_bind(m->kind) && mountplan_normalise(m->src, src, sizeof(src)) == 0 &&
	       strcmp(src, m->dst) == 0;
}

/* a is path or one of its parents. */
static bool at_or_above(const char *a, const char *path)
{
	size_t n = strlen(a);
	return (n == 1 && a[0] == '/') ||
	       (strncmp(a, path, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

long mountplan_link_base(const struct mount_plan *p, size_t i, const char *link, char *t,
			 size_t size)
{
	const struct mount_entry *x = &p->v[i];
	if (!self_bind(x) || !link[0] || strcmp(x->dst, "/") == 0)
		return -1;
	char joined[8192];
	if (link[0] == '/')
		snprintf(joined, sizeof(joined), "%s", link);
	else
		snprintf(joined, sizeof(joined), "%.*s/%s", (int)(strrchr(x->dst, '/') - x->dst),
			 x->dst, link);
	/* Lexically, as the host resolves it only without . and .. */
	if (mountplan_normalise(joined, t, size) < 0 || at_or_above(t, x->dst) ||
	    at_or_above(x->dst, t))
		return -1;
	/* The deepest bind before i that shows t. */
	long b = -1;
	for (size_t k = 0; k < i; k++)
		if (at_or_above(p->v[k].dst, t) && p->v[k].kind != MOUNT_DIR &&
		    (b < 0 || strlen(p->v[k].dst) > strlen(p->v[b].dst)))
			b = (long)k;
	if (b < 0 || !self_bind(&p->v[b]) || !p->v[b].bound || p->v[b].ro != x->ro)
		return -1;
	for (size_t k = 0; k < p->n; k++) {
		const struct mount_entry *m = &p->v[k];
		if (k == i || (long)k == b)
			continue;
		if (at_or_above(x->dst, m->dst))
			return -1; /* something at or below the link's place */
		if (m->kind != MOUNT_DIR && at_or_above(m->dst, t) &&
		    strlen(m->dst) >= strlen(p->v[b].dst))
			return -1; /* b is not what shows t */
	}
	return b;
}
