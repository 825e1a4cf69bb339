/* learn.c: --learn FILE. The supervisor runs the command under a filter
 * that notifies every call and lets each continue (notify.c), recording the
 * set; this writes that set as a profile. The learned profile is an
 * allowlist: exactly what was used, with the included profiles' deny lists
 * still winning (and holding during the learning run: seccomp.c), and seccomp-log so that a call it refuses is named (under
 * `seccomp-action = kill` too: the supervisor kills and names the call).
 *
 * What the command's own start-up needs once the filter is loaded (execve,
 * the dynamic loader's mmap and openat, ...) is in the set, since the filter
 * is loaded before execve. */
#include "learn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "options.h"
#include "seccomp.h"
#include "syscall_groups.h"

/* Groups never written: a deny list, and sets so broad that naming them
 * would hide what the program really used. */
static bool skip_group(const char *g)
{
	return strcmp(g, "default-deny") == 0 || strcmp(g, "system-service") == 0;
}

/* The native syscalls of @g (nested groups expanded) into out. */
static int group_members(const char *g, struct strv *out, int depth)
{
	const char *const *m = syscall_groups_members(g);
	for (; m && *m && depth < 8; m++) {
		if ((*m)[0] == '@') {
			if (group_members(*m + 1, out, depth + 1) < 0)
				return -ENOMEM;
		} else if (seccomp_filter_native(*m) && !strv_contains(out, *m) &&
			   strv_push(out, *m) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

static bool all_in(const struct strv *sub, const struct strv *set)
{
	for (size_t i = 0; i < sub->n; i++)
		if (!strv_contains(set, sub->v[i]))
			return false;
	return true;
}

/* How an include line names profile p: a path is read relative to the
 * including file, so a relative one is made absolute (in abs). */
static const char *learn_profile_name(const char *p, char abs[PATH_MAX])
{
	if (strchr(p, '/') && p[0] != '/' && realpath(p, abs))
		return abs;
	return p;
}

int learn_validate(const struct corral_spec *spec, struct corral_error *e)
{
	if (!spec->learn)
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", spec->learn);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
	else
		snprintf(dir, sizeof(dir), ".");
	/* Each profile becomes an include line: its name must read back as
	 * itself (a newline in it would add lines of its own, loosening the
	 * learned profile). Relative names are written absolute. */
	for (size_t i = 0; i < spec->profiles.n; i++) {
		char abs[PATH_MAX];
		const char *p = learn_profile_name(spec->profiles.v[i], abs);
		if (option_profile_text_ok("--learn: profile", p, e) < 0)
			return -1;
	}
	struct stat st;
	if (stat(spec->learn, &st) == 0 && S_ISDIR(st.st_mode))
		return corral_error_set(e, 0, "--learn: %s is a directory", spec->learn);
	if (lstat(spec->learn, &st) == 0 && !spec->learn_overwrite)
		return corral_error_set(e, 0, "--learn: %s exists (add --learn-overwrite to replace it)",
					spec->learn);
	if (access(dir, W_OK) < 0)
		return corral_error_set(e, errno, "--learn: cannot write in %s", dir);
	return 0;
}

/* A shell word for the comment header, on one line. */
static void print_word(FILE *out, const char *w)
{
	bool plain = w[0] != '\0';
	for (const char *c = w; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-", *c))
			plain = false;
	if (plain) {
		fputs(w, out);
		return;
	}
	fputc('\'', out);
	for (const char *c = w; *c; c++) {
		if (*c == '\'')
			fputs("'\\''", out);
		else if ((unsigned char)*c < 0x20 || *c == 0x7f)
			fputc('?', out); /* a newline would end the comment */
		else
			fputc(*c, out);
	}
	fputc('\'', out);
}

int learn_print(FILE *out, const struct corral_spec *spec, const struct strv *names, time_t when)
{
	char date[64];
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(out, "# Learned by corral --learn on %s from a run of:\n#  ", date);
	for (int i = 0; i < spec->argc; i++) {
		fputc(' ', out);
		print_word(out, spec->argv[i]);
	}
	fprintf(out, "\n# It allows the %zu syscalls that run used and denies the rest.\n", names->n);

	for (size_t i = 0; i < spec->profiles.n; i++) {
		char abs[PATH_MAX];
		const char *p = learn_profile_name(spec->profiles.v[i], abs);
		struct corral_error e;
		if (option_profile_text_ok("profile", p, &e) < 0)
			return -EINVAL; /* learn_validate said so before the run */
		fprintf(out, "include %s\n", p);
	}
	fputs("# Name a refused call in the report (and under seccomp-action = kill,\n"
	      "# in the verdict): the supervisor answers denied calls.\n"
	      "seccomp = yes\nseccomp-log = yes\n"
	      "# Only what the run used; the included profiles' seccomp-deny still wins.\n"
	      "seccomp-allow =\n", out);

	/* Whole groups, largest first so a group inside a chosen one is not
	 * named again. */
	_cleanup_strv_ struct strv covered = {0};
	_cleanup_strv_ struct strv chosen = {0};
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; syscall_groups_name(i); i++) {
			const char *g = syscall_groups_name(i);
			if (skip_group(g))
				continue;
			_cleanup_strv_ struct strv m = {0};
			if (group_members(g, &m, 0) < 0)
				return -ENOMEM;
			if (m.n == 0 || !all_in(&m, names))
				continue;
			/* pass 0: groups with nested groups; pass 1: the rest */
			bool nested = false;
			for (const char *const *x = syscall_groups_members(g); *x; x++)
				nested |= (*x)[0] == '@';
			if (nested != (pass == 0) || all_in(&m, &covered))
				continue;
			/* A group left out with its members counted as covered
			 * would drop calls from the profile: fail instead. */
			if (strv_push(&chosen, g) < 0)
				return -ENOMEM;
			for (size_t k = 0; k < m.n; k++)
				if (!strv_contains(&covered, m.v[k]) && strv_push(&covered, m.v[k]) < 0)
					return -ENOMEM;
		}
	}
	/* Sorted: groups by name (the table is), then names (names is). */
	for (size_t i = 0; syscall_groups_name(i); i++)
		if (strv_contains(&chosen, syscall_groups_name(i)))
			fprintf(out, "seccomp-allow = @%s\n", syscall_groups_name(i));
	for (size_t i = 0; i < names->n; i++)
		if (!strv_contains(&covered, names->v[i]))
			fprintf(out, "seccomp-allow = %s\n", names->v[i]);
	return 0;
}

struct learned {
	const struct corral_spec *spec;
	const struct strv *names;
	time_t now;
};

static int print_learned(FILE *out, const void *arg)
{
	const struct learned *l = arg;
	return learn_print(out, l->spec, l->names, l->now);
}

/* A profile later runs trust, in a directory the sandbox may have written:
 * written as the report is (outfile.c), with no symlink followed and by
 * rename, after every process of the sandbox is gone. */
int learn_write(const struct corral_spec *spec, const struct strv *names, struct corral_error *e)
{
	struct outfile o;
	struct learned l = {.spec = spec, .names = names, .now = time(NULL)};
	if (outfile_prepare(&o, spec->learn, "--learn", e) < 0)
		return -1;
	return outfile_commit(&o, print_learned, &l, "--learn", e);
}
