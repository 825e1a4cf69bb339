/* caps.c: capabilities with libcap.
 *
 * The command (after setresuid, which PR_SET_KEEPCAPS makes keep the
 * permitted set): raise effective to permitted, so CAP_SETPCAP is there to
 * drop the bounding set; then set permitted, effective and inheritable to
 * cap-keep and raise those in ambient. The bounding set is what makes the
 * drop final: without it, a setuid-root or file-capability binary would get
 * capabilities back on execve (no_new_privs blocks that too; both hold).
 * Ambient is what lets a kept capability survive execve for a non-root uid,
 * whose file has no capabilities of its own. */
#include "caps.h"

#include <sys/capability.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

static void cap_freep(cap_t *c)
{
	if (*c)
		cap_free(*c);
}
#define _cleanup_cap_ __attribute__((cleanup(cap_freep)))

/* cap_to_name's string belongs to libcap: copy it and cap_free it. */
static const char *cap_name(cap_value_t c, char *buf, size_t size)
{
	char *n = cap_to_name(c);
	snprintf(buf, size, "%s", n ? n : "a capability");
	if (n)
		cap_free(n);
	return buf;
}

/* "NET_BIND_SERVICE", "cap_net_bind_service", "Cap_Net_Bind_Service". */
static int parse_name(const char *value, cap_value_t *cap)
{
	char name[64] = "cap_";
	const char *v = strncasecmp(value, "cap_", 4) == 0 ? value + 4 : value;
	size_t n = strlen(v);
	if (n == 0 || n + 5 > sizeof(name))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)v[i]) && v[i] != '_')
			return -EINVAL;
		name[4 + i] = (char)tolower((unsigned char)v[i]);
	}
	name[4 + n] = '\0';
	if (cap_from_name(name, cap) < 0)
		return -EINVAL;
	return 0;
}

int caps_names(struct strv *names)
{
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++) {
		char buf[64];
		cap_name(c, buf, sizeof(buf));
		if (strncmp(buf, "cap_", 4) != 0) /* a number: no name here */
			continue;
		for (char *p = buf; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (strv_push(names, buf + 4) < 0)
			return -ENOMEM;
	}
	return 0;
}

bool caps_keeps_setuid(const struct corral_spec *spec)
{
	cap_value_t c;
	for (size_t i = 0; i < spec->cap_keep.n; i++)
		if (parse_name(spec->cap_keep.v[i], &c) == 0 && c == CAP_SETUID)
			return true;
	return false;
}

int caps_check_name(const char *value, struct corral_error *e)
{
	cap_value_t cap;
	if (parse_name(value, &cap) == 0)
		return 0;
	struct suggest sg;
	_cleanup_strv_ struct strv names = {0};
	suggest_init(&sg, strncasecmp(value, "cap_", 4) == 0 ? value + 4 : value);
	if (caps_names(&names) == 0)
		for (size_t i = 0; i < names.n; i++)
			suggest_offer(&sg, names.v[i]);
	if (suggest_best(&sg))
		return corral_error_set(e, 0, "unknown capability '%s' (did you mean %s?)", value,
					suggest_best(&sg));
	return corral_error_set(e, 0, "unknown capability '%s' (expected a name such as NET_BIND_SERVICE)",
				value);
}

/* libcap's cap_reset_ambient reads every capability's ambient bit (41
 * prctls) and clears only if one is set; PR_CAP_AMBIENT_CLEAR_ALL is one
 * call to the same end. EINVAL: a kernel before 4.3, without ambient. */
static int clear_ambient(struct corral_error *e)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return corral_error_set(e, errno, "clear the ambient capabilities");
	return 0;
}

static int drop_bounding(const cap_value_t *keep, size_t nkeep, struct corral_error *e)
{
	int max = cap_max_bits();
	for (cap_value_t c = 0; c < (cap_value_t)max; c++) {
		bool kept = false;
		for (size_t i = 0; i < nkeep; i++)
			kept |= keep[i] == c;
		if (kept)
			continue;
		/* EINVAL: a capability this kernel lacks. Asking first
		 * (CAP_IS_SUPPORTED) would double the prctls. */
		if (cap_drop_bound(c) < 0 && errno != EINVAL) {
			int err = errno;
			char name[64];
			return corral_error_set(e, err, "drop %s from the bounding set",
						cap_name(c, name, sizeof(name)));
		}
	}
	return 0;
}

/* Set permitted, effective and inheritable to exactly keep. */
static int set_sets(const cap_value_t *keep, size_t nkeep, bool inheritable,
		    struct corral_error *e)
{
	_cleanup_cap_ cap_t c = cap_init();
	if (!c)
		return corral_error_set(e, errno, "capabilities");
	if (nkeep &&
	    (cap_set_flag(c, CAP_PERMITTED, (int)nkeep, keep, CAP_SET) < 0 ||
	     cap_set_flag(c, CAP_EFFECTIVE, (int)nkeep, keep, CAP_SET) < 0 ||
	     (inheritable && cap_set_flag(c, CAP_INHERITABLE, (int)nkeep, keep, CAP_SET) < 0)))
		return corral_error_set(e, errno, "capabilities");
	if (cap_set_proc(c) < 0)
		return corral_error_set(e, errno, "set capabilities%s",
					errno == EPERM && nkeep ? " (a kept capability is not permitted here)" : "");
	return 0;
}

int caps_drop_init(bool keep_kill, bool bounding, struct corral_error *e)
{
	cap_value_t kill_cap = CAP_KILL;
	size_t n = keep_kill ? 1 : 0;
	if (bounding && drop_bounding(&kill_cap, n, e) < 0)
		return -1;
	if (clear_ambient(e) < 0)
		return -1;
	return set_sets(&kill_cap, n, false, e);
}

/* cap-keep as capability values, each once (libcap refuses more than it
 * has bits); *keep is the caller's to free. */
static int keep_list(const struct corral_spec *spec, cap_value_t **keep, size_t *nkeep,
		     struct corral_error *e)
{
	*nkeep = 0;
	*keep = calloc(spec->cap_keep.n + 1, sizeof(**keep));
	if (!*keep)
		return corral_error_set(e, ENOMEM, "cap-keep");
	for (size_t i = 0; i < spec->cap_keep.n; i++) {
		cap_value_t c;
		if (parse_name(spec->cap_keep.v[i], &c) < 0)
			return corral_error_set(e, 0, "cap-keep: unknown capability '%s'",
						spec->cap_keep.v[i]);
		bool seen = false;
		for (size_t k = 0; k < *nkeep; k++)
			seen |= (*keep)[k] == c;
		if (!seen)
			(*keep)[(*nkeep)++] = c;
	}
	return 0;
}

int caps_bound(const struct corral_spec *spec, struct corral_error *e)
{
	_cleanup_free_ cap_value_t *keep = NULL;
	size_t nkeep;
	if (keep_list(spec, &keep, &nkeep, e) < 0)
		return -1;
	return drop_bounding(keep, nkeep, e);
}

int caps_before_ids(struct corral_error *e)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return corral_error_set(e, errno, "keep capabilities across setuid");
	return 0;
}

int caps_apply(const struct corral_spec *spec, bool bounding, struct corral_error *e)
{
	_cleanup_free_ cap_value_t *keep = NULL;
	size_t nkeep;
	if (keep_list(spec, &keep, &nkeep, e) < 0)
		return -1;

	/* setresuid to a non-root uid cleared effective; permitted was kept. */
	_cleanup_cap_ cap_t cur = cap_get_proc();
	if (!cur)
		return corral_error_set(e, errno, "read capabilities");
	cap_value_t all[64];
	size_t nall = 0;
	if ((size_t)cap_max_bits() > ARRAY_SIZE(all))
		return corral_error_set(e, 0, "this kernel has %u capabilities, corral knows of %zu at most",
					(unsigned)cap_max_bits(), ARRAY_SIZE(all));
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(cur, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			all[nall++] = c;
	}
	if (nall && (cap_set_flag(cur, CAP_EFFECTIVE, (int)nall, all, CAP_SET) < 0 ||
		     cap_set_proc(cur) < 0))
		return corral_error_set(e, errno, "raise the permitted capabilities");

	if (bounding && drop_bounding(keep, nkeep, e) < 0)
		return -1;
	if (clear_ambient(e) < 0)
		return -1;
	if (set_sets(keep, nkeep, true, e) < 0)
		return -1;
	for (size_t i = 0; i < nkeep; i++)
		if (cap_set_ambient(keep[i], CAP_SET) < 0) {
			int err = errno;
			char name[64];
			return corral_error_set(e, err, "raise %s in the ambient set",
						cap_name(keep[i], name, sizeof(name)));
		}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return corral_error_set(e, errno, "reset keep-capabilities");
	return 0;
}
