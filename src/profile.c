/* profile.c: profile files.
 *
 * A profile is lines of `key = value`, `include NAME`, `# comment` and blank
 * lines. Keys are the option table's long names and go through the same
 * option_apply as the command line. Errors name FILE:LINE. */
#include "profile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"

/* Where `make install` puts the shipped profiles, and the same directory
 * relative to the installed binary's (both from the Makefile). */
#ifndef CORRAL_DATADIR
#define CORRAL_DATADIR "/usr/local/share/corral/profiles"
#endif
#ifndef CORRAL_DATADIR_REL
#define CORRAL_DATADIR_REL "../share/corral/profiles"
#endif

#define PROFILE_MAX_SIZE (1 << 20)
#define PROFILE_MAX_DEPTH 16
/* Files read for one profile, includes counted each time: depth alone
 * bounds nothing (five files each including the next a hundred times are
 * 100^4 reads). */
#define PROFILE_MAX_FILES 256

struct stack {
	char *files[PROFILE_MAX_DEPTH];
	int depth;
	unsigned read; /* files read so far, at most PROFILE_MAX_FILES */
};

static int load_file(struct corral_spec *spec, const char *path, struct stack *st,
		     struct corral_error *e);

/* Add base[/rel] to dirs: always (when always), else only an existing
 * directory, and once, compared by its real path. -ENOMEM or 0. */
static int push_dir(struct strv *dirs, const char *base, const char *rel, bool always)
{
	char path[PATH_MAX], real[PATH_MAX];
	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", base, rel ? "/" : "", rel ? rel : "") >=
	    sizeof(path))
		return 0;
	struct stat st;
	bool is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	if (!is_dir && !always)
		return 0;
	/* Shown without "..": the directory as a user would name it. */
	const char *shown = is_dir && realpath(path, real) ? real : path;
	/* Two names of one directory are one inode: only then is a real
	 * path worth resolving (a call for each component). */
	for (size_t i = 0; i < dirs->n; i++) {
		if (strcmp(dirs->v[i], shown) == 0)
			return 0;
		struct stat o;
		if (!is_dir || stat(dirs->v[i], &o) < 0 || o.st_dev != st.st_dev ||
		    o.st_ino != st.st_ino)
			continue;
		_cleanup_free_ char *other = realpath(dirs->v[i], NULL);
		if (other && strcmp(other, shown) == 0)
			return 0;
	}
	return strv_push(dirs, shown);
}

int profile_search_path(struct strv *dirs)
{
	const char *env = getenv("CORRAL_PROFILE_PATH");
	char buf[PATH_MAX];

	if (env && *env) {
		_cleanup_free_ char *copy = strdup(env);
		if (!copy)
			return -ENOMEM;
		char *save = NULL;
		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
			if (strv_push(dirs, d) < 0)
				return -ENOMEM;
	}
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, sizeof(buf), "%s/corral/profiles", xdg);
	else if (home && *home)
		snprintf(buf, sizeof(buf), "%s/.config/corral/profiles", home);
	else
		buf[0] = '\0';
	if (buf[0] && strv_push(dirs, buf) < 0)
		return -ENOMEM;
	if (strv_push(dirs, "/etc/corral/profiles") < 0)
		return -ENOMEM;

	/* The shipped profiles: first those of the tree this binary is in
	 * (installed under DESTDIR, or a prefix moved as a whole, still finds
	 * its own), then where the build said they go, then profiles/ beside
	 * a binary run from its source tree. */
	char exe_dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 1);
	char *slash = n > 0 ? memrchr(exe_dir, '/', (size_t)n) : NULL;
	if (slash)
		*slash = '\0';
	if (slash && CORRAL_DATADIR_REL[0] &&
	    push_dir(dirs, exe_dir, CORRAL_DATADIR_REL, false) < 0)
		return -ENOMEM;
	if (push_dir(dirs, CORRAL_DATADIR, NULL, true) < 0)
		return -ENOMEM;
	if (slash && push_dir(dirs, exe_dir, "profiles", false) < 0)
		return -ENOMEM;
	return 0;
}

static bool valid_name(const char *name)
{
	if (!*name || name[0] == '.' || strlen(name) > 128)
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	return true;
}

/* The names of dir's *.profile files, sorted, without the suffix, into
 * names (a missing or unreadable dir adds none). 0 or -ENOMEM. */
static int profile_names(const char *dir, struct strv *names)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, alphasort), r = 0;
	for (int j = 0; j < n; j++) {
		char *name = list[j]->d_name;
		size_t len = strlen(name);
		if (r == 0 && len > 8 && strcmp(name + len - 8, ".profile") == 0) {
			name[len - 8] = '\0';
			r = strv_push(names, name);
		}
		free(list[j]);
	}
	free(list);
	return r;
}

/* Whether st may hold or be a profile corral reads: owned by root or the
 * caller, and writable by no one else (a group of root's or the caller's
 * own excepted). sticky_ok: a directory above, where a sticky bit keeps
 * others from replacing what is not theirs (/tmp). */
/* In a user namespace of its own (corral in a container or sandbox), the
 * host's owners outside the map all show as the overflow uid: no owner can
 * be told from another there, so only the write bits are judged. */
static bool in_userns(void)
{
	char buf[128] = "";
	_cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
	if (!f || !fgets(buf, sizeof(buf), f))
		return false;
	unsigned a, b, n;
	return sscanf(buf, "%u %u %u", &a, &b, &n) == 3 && !(a == 0 && b == 0 && n == 4294967295U);
}

static int trust_one(const char *path, const struct stat *st, bool sticky_ok,
		     struct corral_error *e)
{
	if (st->st_uid != 0 && st->st_uid != getuid() && !(st->st_uid == 65534 && in_userns()))
		return corral_error_set(e, 0, "%s is owned by uid %u, neither root nor you", path,
					(unsigned)st->st_uid);
	bool others = st->st_mode & S_IWOTH;
	bool group = (st->st_mode & S_IWGRP) && st->st_gid != 0 && st->st_gid != getgid();
	if ((others || group) && !(sticky_ok && (st->st_mode & S_ISVTX)))
		return corral_error_set(e, 0, "%s is writable by %s", path,
					others ? "anyone" : "its group");
	return 0;
}

int profile_check_trust(const char *dir, const char *file, struct corral_error *e)
{
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(dir, real))
		return corral_error_set(e, errno, "%s", dir);
	/* Every directory from / down: any of them could be swapped by its
	 * owner, or by anyone when anyone can write it. */
	for (char *p = real;;) {
		char *slash = strchr(p + 1, '/');
		char keep = 0;
		if (slash) {
			keep = *slash;
			*slash = '\0';
		}
		const char *shown = real[0] ? real : "/";
		if (stat(shown, &st) < 0)
			return corral_error_set(e, errno, "%s", shown);
		int r = trust_one(shown, &st, slash != NULL, e);
		if (slash)
			*slash = keep;
		if (r < 0)
			return r;
		if (!slash)
			break;
		p = slash;
	}
	if (!file)
		return 0;
	if (stat(file, &st) < 0)
		return corral_error_set(e, errno, "%s", file);
	return trust_one(file, &st, false, e);
}

int profile_resolve(const char *name, char *path, size_t size, struct corral_error *e)
{
	if (strchr(name, '/')) {
		if ((size_t)snprintf(path, size, "%s", name) >= size)
			return corral_error_set(e, 0, "profile path too long: %s", name);
		return 0;
	}
	if (!valid_name(name))
		return corral_error_set(e, 0, "invalid profile name '%s'", name);

	_cleanup_strv_ struct strv dirs = {0};
	if (profile_search_path(&dirs) < 0)
		return corral_error_set(e, ENOMEM, "profile search path");
	for (size_t i = 0; i < dirs.n; i++) {
		snprintf(path, size, "%s/%s.profile", dirs.v[i], name);
		if (access(path, F_OK) != 0)
			continue;
		/* Found: only where no one but root and the caller could
		 * have put it (CORRAL_PROFILE_PATH is the caller's to set, but
		 * under sudo it may still name another user's directory). */
		if (profile_check_trust(dirs.v[i], path, e) < 0)
			return corral_error_prefix(e, "profile '%s' is %s, not trusted", name, path);
		log_debug("profile '%s': %s (search path directory %zu of %zu)", name, path, i + 1,
			 dirs.n);
		return 0;
	}
	struct suggest sg;
	_cleanup_strv_ struct strv names = {0};
	suggest_init(&sg, name);
	for (size_t i = 0; i < dirs.n; i++)
		profile_names(dirs.v[i], &names);
	for (size_t i = 0; i < names.n; i++)
		suggest_offer(&sg, names.v[i]);
	if (suggest_best(&sg))
		return corral_error_set(e, 0, "profile '%s' not found (did you mean '%s'? corral --list-profiles shows them all)",
					name, suggest_best(&sg));
	return corral_error_set(e, 0, "profile '%s' not found (corral --list-profiles shows the search path)",
				name);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int apply_line(struct corral_spec *spec, const char *file, unsigned line, char *text,
		      struct stack *st, struct corral_error *e)
{
	char *s = trim(text);
	if (!*s || *s == '#')
		return 0;

	if (strncmp(s, "include", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
		char *name = trim(s + 8);
		char path[PATH_MAX];
		int r;
		if (!*name)
			return corral_error_set(e, 0, "%s:%u: include needs a profile name", file, line);
		if (strchr(name, '/') && name[0] != '/') {
			/* Relative to the including file's directory. */
			const char *slash = strrchr(file, '/');
			int dl = slash ? (int)(slash - file) : 1;
			snprintf(path, sizeof(path), "%.*s/%s", dl, slash ? file : ".", name);
			r = 0;
		} else {
			r = profile_resolve(name, path, sizeof(path), e);
		}
		if (r < 0)
			return corral_error_prefix(e, "%s:%u", file, line);
		if (load_file(spec, path, st, e) < 0)
			return corral_error_prefix(e, "%s:%u: in include '%s'", file, line, name);
		return 0;
	}

	char *eq = strchr(s, '=');
	if (!eq) {
		/* "memory 300M", "memory: 300M": a key, then its value. */
		size_t klen = strcspn(s, " \t:");
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)klen, s);
		const char *rest = s + klen + strspn(s + klen, " \t:");
		const struct option_row *row = option_find(key);
		if (row && !(row->flags & OPT_CLI) && *rest)
			return corral_error_set(e, 0, "%s:%u: expected 'key = value' (did you mean '%s = %s'?)",
						file, line, key, rest);
		return corral_error_set(e, 0, "%s:%u: expected 'key = value' or 'include NAME'", file,
					line);
	}
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	const struct option_row *row = option_find(key);
	if (!row) {
		const char *hint = option_suggest(key);
		if (hint)
			return corral_error_set(e, 0, "%s:%u: unknown key '%s' (did you mean '%s'?)",
						file, line, key, hint);
		return corral_error_set(e, 0, "%s:%u: unknown key '%s'", file, line, key);
	}
	if (row->flags & OPT_CLI)
		return corral_error_set(e, 0, "%s:%u: '%s' is a command-line option, not a profile key",
					file, line, key);
	if (option_apply(spec, row, value, e) < 0)
		return corral_error_prefix(e, "%s:%u", file, line);
	/* A bind source that must exist and does not: said here, where the
	 * line that named it is known (the mounts check it again). */
	if ((row->id == OPT_RO_BIND || row->id == OPT_BIND) && *value) {
		char src[PATH_MAX];
		struct stat st_src;
		snprintf(src, sizeof(src), "%.*s", (int)strcspn(value, ":"), value);
		if (lstat(src, &st_src) < 0 && errno == ENOENT)
			return corral_error_set(e, 0, "%s:%u: %s: source '%s': %s", file, line,
						row->name, src, strerror(errno));
	}
	return 0;
}

/* Apply text line by line; text is modified in place. */
static int apply_text(struct corral_spec *spec, const char *file, char *text, struct stack *st,
		      struct corral_error *e)
{
	unsigned line = 0;
	for (char *p = text, *next; p; p = next) {
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		line++;
		if (strlen(p) > 4096)
			return corral_error_set(e, 0, "%s:%u: line longer than 4096 characters", file,
						line);
		if (apply_line(spec, file, line, p, st, e) < 0)
			return -1;
	}
	return 0;
}

int profile_load_text(struct corral_spec *spec, const char *file, const char *text,
		      struct corral_error *e)
{
	struct stack st = {.depth = 0};
	_cleanup_free_ char *copy = strdup(text);
	if (!copy)
		return corral_error_set(e, ENOMEM, "%s", file);
	return apply_text(spec, file, copy, &st, e);
}

static int load_file(struct corral_spec *spec, const char *path, struct stack *st,
		     struct corral_error *e)
{
	char real[PATH_MAX];
	struct stat sb;

	/* Not a regular file: refuse before open(), which on a device node has
	 * side effects of its own (opening /dev/watchdog arms it, a tape
	 * rewinds). The fstat below checks again what was opened. */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return corral_error_set(e, 0, "%s: not a regular file", path);
	/* O_NONBLOCK: a FIFO named as a profile must not hang us. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return corral_error_set(e, errno, "cannot read profile %s", path);
	if (fstat(fd, &sb) < 0)
		return corral_error_set(e, errno, "%s", path);
	if (!S_ISREG(sb.st_mode))
		return corral_error_set(e, 0, "%s: not a regular file", path);
	if (sb.st_size > PROFILE_MAX_SIZE)
		return corral_error_set(e, 0, "%s: larger than 1 MiB", path);
	if (!realpath(path, real))
		return corral_error_set(e, errno, "%s", path);
	for (int i = 0; i < st->depth; i++)
		if (strcmp(st->files[i], real) == 0)
			return corral_error_set(e, 0, "include cycle: %s includes itself", path);
	if (st->depth >= PROFILE_MAX_DEPTH)
		return corral_error_set(e, 0, "%s: includes nested deeper than %d", path,
					PROFILE_MAX_DEPTH);
	if (st->read >= PROFILE_MAX_FILES)
		return corral_error_set(e, 0, "%s: more than %d profile files read for one profile "
					"(includes fan out too far)", path, PROFILE_MAX_FILES);
	st->read++;

	/* Read to the end of the file. A read error is not an end of file, and
	 * a file whose length is not what fstat said is being written as we
	 * read it: either way, part of a profile must never be applied. One
	 * byte more than the size is asked for, to see that it did not grow. */
	size_t size = (size_t)sb.st_size, got = 0;
	_cleanup_free_ char *text = malloc(size + 2);
	if (!text)
		return corral_error_set(e, ENOMEM, "%s", path);
	for (;;) {
		ssize_t r = read(fd, text + got, size + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return corral_error_set(e, errno, "cannot read profile %s", path);
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > size)
			break;
	}
	if (got != size)
		return corral_error_set(e, 0, "%s: changed while being read (size %zu, %zu bytes read)",
					path, size, got);
	text[got] = '\0';
	if (memchr(text, '\0', got))
		return corral_error_set(e, 0, "%s: contains a NUL byte", path);

	log_debug("profile: read %s%s", real, st->depth ? " (included)" : "");
	st->files[st->depth] = real;
	st->depth++;
	int r = apply_text(spec, path, text, st, e);
	st->depth--;
	return r;
}

int profile_load(struct corral_spec *spec, const char *name, struct corral_error *e)
{
	char path[PATH_MAX];
	struct stack st = {.depth = 0};
	if (profile_resolve(name, path, sizeof(path), e) < 0)
		return -1;
	return load_file(spec, path, &st, e);
}

/* What a profile is for: the first sentence of the comment it opens with,
 * "# NAME: who it is for. More...", at most 60 characters. */
static void describe_profile(const char *path, const char *name, char *buf, size_t size)
{
	char text[512] = "", line[256];
	buf[0] = '\0';
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f) && line[0] == '#' && strlen(text) < 300) {
		line[strcspn(line, "\n")] = '\0';
		size_t used = strlen(text);
		snprintf(text + used, sizeof(text) - used, "%s%s", used ? " " : "", trim(line + 1));
	}
	const char *d = text;
	size_t nlen = strlen(name);
	if (strncmp(d, name, nlen) == 0 && d[nlen] == ':')
		d = trim((char *)d + nlen + 1);
	size_t n = strcspn(d, "."), max = 60;
	if (n > max) { /* cut at a word */
		n = max - 3;
		while (n > 0 && d[n] != ' ')
			n--;
		snprintf(buf, size, "%.*s...", (int)n, d);
	} else {
		snprintf(buf, size, "%.*s", (int)n, d);
	}
}

static void list_one(FILE *out, const char *dir, const char *name)
{
	char path[PATH_MAX], what[128];
	snprintf(path, sizeof(path), "%s/%s.profile", dir, name);
	describe_profile(path, name, what, sizeof(what));
	fprintf(out, "%-10s %s%s(%s)\n", name, what, what[0] ? " " : "", path);
}

int profile_list(FILE *out, struct corral_error *e)
{
	_cleanup_strv_ struct strv dirs = {0}, seen = {0};
	if (profile_search_path(&dirs) < 0)
		return corral_error_set(e, ENOMEM, "profile search path");
	fprintf(out, "# search path:");
	for (size_t i = 0; i < dirs.n; i++)
		fprintf(out, " %s", dirs.v[i]);
	fputc('\n', out);
	for (size_t i = 0; i < dirs.n; i++) {
		_cleanup_strv_ struct strv names = {0};
		if (profile_names(dirs.v[i], &names) < 0)
			return corral_error_set(e, ENOMEM, "list the profiles");
		for (size_t j = 0; j < names.n; j++) {
			/* The first of a name is the one used: a later one
			 * listed too would mislead. */
			if (!valid_name(names.v[j]) || strv_contains(&seen, names.v[j]))
				continue;
			if (strv_push(&seen, names.v[j]) < 0)
				return corral_error_set(e, ENOMEM, "list the profiles");
			list_one(out, dirs.v[i], names.v[j]);
		}
	}
	return 0;
}
