/* options.c: the option table from options.def, and everything derived from
 * it: lookup, did-you-mean, defaults, option_apply, --help, --check, and the
 * command line (getopt_long). */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <string.h>

#include "mountplan.h"
#include "net.h"
#include "caps.h"
#include "seccomp.h"
#include "units.h"

static int check_hostname(const char *v, struct corral_error *e);
static int check_share(const char *v, struct corral_error *e);
static int check_id(const char *v, struct corral_error *e);
static int check_setenv(const char *v, struct corral_error *e);
static int check_envname(const char *v, struct corral_error *e);
static int check_pids(const char *v, struct corral_error *e);
static int check_rlimit(const char *v, struct corral_error *e);
static int check_memory(const char *v, struct corral_error *e);
static int check_join(const char *v, struct corral_error *e);

const struct option_row option_table[OPT__COUNT] = {
#define X(id, name, sh, kind, field, metavar, def, flags, check, help)            \
	[OPT_##id] = {OPT_##id, name, sh, kind, offsetof(struct corral_spec, field), \
		      metavar, def, flags, check, help},
#include "options.def"
#undef X
};

/* Each row's field has the type its kind reads and writes: FIELD() below
 * turns the offset into a pointer of that type, so a row whose field is of
 * another type would write the wrong bytes. Such a row does not compile. */
#define KIND_TYPE_ARG_NONE int
#define KIND_TYPE_ARG_BOOL bool
#define KIND_TYPE_ARG_STRING char *
#define KIND_TYPE_ARG_UINT uint64_t
#define KIND_TYPE_ARG_SIZE uint64_t
#define KIND_TYPE_ARG_DURATION uint64_t
#define KIND_TYPE_ARG_CPUS double
#define KIND_TYPE_ARG_ENUM int /* the enum's value; see test_options.c */
#define KIND_TYPE_ARG_LIST struct strv
#define KIND_TYPE_ARG_WORDS struct strv
#define X(id, name, sh, kind, field, ...)                                                         \
	_Static_assert(__builtin_types_compatible_p(__typeof__(((struct corral_spec *)0)->field), \
						    KIND_TYPE_##kind),                            \
		       "options.def: " #id ": spec." #field " is not of the type " #kind " needs");
#include "options.def"
#undef X

const struct option_row *option_find(const char *name)
{
	for (size_t i = 0; i < OPT__COUNT; i++)
		if (strcmp(option_table[i].name, name) == 0)
			return &option_table[i];
	return NULL;
}

const char *option_suggest(const char *name)
{
	struct suggest sg;
	suggest_init(&sg, name);
	for (size_t i = 0; i < OPT__COUNT; i++)
		suggest_offer(&sg, option_table[i].name);
	/* Point into the table: the caller keeps the answer. */
	const struct option_row *row = suggest_best(&sg) ? option_find(sg.best) : NULL;
	return row ? row->name : NULL;
}

#define FIELD(spec, row, type) ((type *)((char *)(spec) + (row)->offset))

static int enum_index(const char *choices, const char *value)
{
	int i = 0;
	size_t len = strlen(value);
	for (const char *p = choices; *p; i++) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && strncmp(p, value, n) == 0)
			return i;
		if (!bar)
			break;
		p = bar + 1;
	}
	return -1;
}

static void enum_name(const char *choices, int index, char *buf, size_t size)
{
	const char *p = choices;
	for (int i = 0; i < index && p; i++) {
		p = strchr(p, '|');
		if (p)
			p++;
	}
	size_t n = p ? strcspn(p, "|") : 0;
	if (n >= size)
		n = size - 1;
	memcpy(buf, p ? p : "", n);
	buf[n] = '\0';
}

static int bad_value(struct corral_error *e, const struct option_row *row,
		     const char *value, int r)
{
	const char *what = "";
	switch (row->kind) {
	case ARG_SIZE:
		what = " (expected a size such as 64M or 1G)";
		break;
	case ARG_DURATION:
		what = " (expected a duration such as 10s, 1.5s or 250ms)";
		break;
	case ARG_CPUS:
		what = " (expected a number of CPUs such as 0.5 or 2, or a share such as 150%)";
		break;
	case ARG_UINT:
		what = " (expected a whole number)";
		break;
	case ARG_BOOL:
		what = " (expected yes or no; true/false, on/off and 1/0 too)";
		break;
	case ARG_ENUM: {
		struct suggest sg;
		char choice[64];
		suggest_init(&sg, value);
		for (int i = 0; enum_name(row->metavar, i, choice, sizeof(choice)), choice[0]; i++)
			suggest_offer(&sg, choice);
		if (suggest_best(&sg))
			return corral_error_set(e, 0, "%s: invalid value '%s' (did you mean '%s'? expected %s)",
						row->name, value, suggest_best(&sg), row->metavar);
		return corral_error_set(e, 0, "%s: invalid value '%s' (expected %s)",
					row->name, value, row->metavar);
	}
	default:
		break;
	}
	return corral_error_set(e, 0, "%s: %s '%s'%s", row->name,
				r == -ERANGE ? "value out of range" : "invalid value",
				value, what);
}

static int apply_entry(struct corral_spec *spec, const struct option_row *row,
		       const char *value, struct corral_error *e)
{
	if (row->check && row->check(value, e) < 0)
		return corral_error_prefix(e, "%s", row->name);
	int r = strv_push(FIELD(spec, row, struct strv), value);
	return r < 0 ? corral_error_set(e, -r, "%s", row->name) : 0;
}

int option_apply(struct corral_spec *spec, const struct option_row *row,
		 const char *value, struct corral_error *e)
{
	int r = 0;
	bool empty = !value || !*value;

	if (row->kind != ARG_LIST && row->kind != ARG_WORDS && !empty && row->check &&
	    row->check(value, e) < 0)
		return corral_error_prefix(e, "%s", row->name);

	switch (row->kind) {
	case ARG_NONE:
		return 0;
	case ARG_BOOL:
		if (empty)
			return corral_error_set(e, 0, "%s: needs a value (yes or no)", row->name);
		r = units_parse_bool(value, FIELD(spec, row, bool));
		break;
	case ARG_STRING: {
		char **s = FIELD(spec, row, char *);
		free(*s);
		*s = empty ? NULL : strdup(value);
		if (!empty && !*s)
			return corral_error_set(e, ENOMEM, "%s", row->name);
		return 0;
	}
	case ARG_UINT:
	case ARG_SIZE:
	case ARG_DURATION: {
		uint64_t *u = FIELD(spec, row, uint64_t);
		if (empty) {
			*u = CORRAL_UNSET;
			return 0;
		}
		if (row->kind == ARG_UINT)
			r = units_parse_uint(value, UINT64_MAX - 1, u);
		else if (row->kind == ARG_SIZE)
			r = units_parse_size(value, u);
		else
			r = units_parse_duration(value, u);
		if (r == 0 && row->kind != ARG_UINT && *u == 0)
			r = -ERANGE;
		break;
	}
	case ARG_CPUS: {
		double *d = FIELD(spec, row, double);
		if (empty) {
			*d = 0;
			return 0;
		}
		r = units_parse_cpus(value, d);
		break;
	}
	case ARG_ENUM: {
		int i = empty ? -1 : enum_index(row->metavar, value);
		bool yes;
		/* Choices that include yes and no take every spelling a
		 * yes/no key takes: bind-cwd = true. */
		if (i < 0 && !empty && units_parse_bool(value, &yes) == 0)
			i = enum_index(row->metavar, yes ? "yes" : "no");
		if (i < 0)
			return bad_value(e, row, value ? value : "", -EINVAL);
		*FIELD(spec, row, int) = i;
		return 0;
	}
	case ARG_LIST:
		if (empty) {
			strv_clear(FIELD(spec, row, struct strv));
			return 0;
		}
		return apply_entry(spec, row, value, e);
	case ARG_WORDS: {
		if (empty) {
			strv_clear(FIELD(spec, row, struct strv));
			return 0;
		}
		_cleanup_free_ char *copy = strdup(value);
		if (!copy)
			return corral_error_set(e, ENOMEM, "%s", row->name);
		char *save = NULL;
		for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save))
			if (apply_entry(spec, row, w, e) < 0)
				return -1;
		return 0;
	}
	}
	return r < 0 ? bad_value(e, row, value, r) : 0;
}

int option_defaults(struct corral_spec *spec, struct corral_error *e)
{
	memset(spec, 0, sizeof(*spec));
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if (row->kind == ARG_NONE)
			continue;
		if (option_apply(spec, row, row->def, e) < 0)
			return corral_error_prefix(e, "default of");
	}
	return 0;
}

void option_spec_free(struct corral_spec *spec)
{
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if (row->kind == ARG_STRING) {
			char **s = FIELD(spec, row, char *);
			free(*s);
			*s = NULL;
		} else if (row->kind == ARG_LIST || row->kind == ARG_WORDS) {
			strv_clear(FIELD(spec, row, struct strv));
		}
	}
}

/* The value of a scalar row as profile text; "" when unset. */
static void format_value(const struct corral_spec *spec, const struct option_row *row,
			 char *buf, size_t size)
{
	struct corral_spec *s = (struct corral_spec *)spec;
	buf[0] = '\0';
	switch (row->kind) {
	case ARG_BOOL:
		snprintf(buf, size, "%s", *FIELD(s, row, bool) ? "yes" : "no");
		break;
	case ARG_STRING:
		snprintf(buf, size, "%s", *FIELD(s, row, char *) ? *FIELD(s, row, char *) : "");
		break;
	case ARG_UINT:
	case ARG_SIZE:
	case ARG_DURATION: {
		uint64_t u = *FIELD(s, row, uint64_t);
		if (u == CORRAL_UNSET)
			break;
		if (row->kind == ARG_SIZE)
			units_format_size(u, buf, (unsigned)size);
		else if (row->kind == ARG_DURATION)
			units_format_duration(u, buf, (unsigned)size);
		else
			snprintf(buf, size, "%llu", (unsigned long long)u);
		break;
	}
	case ARG_CPUS:
		if (*FIELD(s, row, double) > 0)
			snprintf(buf, size, "%.17g", *FIELD(s, row, double));
		break;
	case ARG_ENUM:
		enum_name(row->metavar, *FIELD(s, row, int), buf, size);
		break;
	default:
		break;
	}
}

int option_profile_text_ok(const char *what, const char *v, struct corral_error *e)
{
	size_t n = strlen(v);
	bool edge = n && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]));
	for (const char *c = v; *c && !edge; c++)
		edge = (unsigned char)*c < 0x20 || *c == 0x7f;
	if (!edge)
		return 0;
	char shown[128];
	size_t k = 0;
	for (const char *c = v; *c && k + 5 < sizeof(shown); c++)
		k += (size_t)((unsigned char)*c < 0x20 || *c == 0x7f
				      ? snprintf(shown + k, sizeof(shown) - k, "\\x%02x", (unsigned char)*c)
				      : snprintf(shown + k, sizeof(shown) - k, "%c", *c));
	return corral_error_set(e, 0,
				"%s '%s' holds a control character (a newline would start a "
				"line of its own) or blanks at an end: a profile cannot say it",
				what, shown);
}

int option_check_spec_text(const struct corral_spec *spec, struct corral_error *e)
{
	for (size_t j = 0; j < spec->profiles.n; j++)
		if (option_profile_text_ok("profile", spec->profiles.v[j], e) < 0)
			return -1;
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if (row->flags & OPT_CLI)
			continue;
		if (row->kind == ARG_LIST || row->kind == ARG_WORDS) {
			const struct strv *l = FIELD((struct corral_spec *)spec, row, struct strv);
			for (size_t j = 0; j < l->n; j++)
				if (option_profile_text_ok(row->name, l->v[j], e) < 0)
					return -1;
			continue;
		}
		char buf[4096];
		format_value(spec, row, buf, sizeof(buf));
		if (option_profile_text_ok(row->name, buf, e) < 0)
			return -1;
	}
	return 0;
}

void option_print_spec(FILE *out, const struct corral_spec *spec)
{
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if (row->flags & OPT_CLI)
			continue;
		if (row->kind == ARG_LIST || row->kind == ARG_WORDS) {
			const struct strv *l = FIELD((struct corral_spec *)spec, row, struct strv);
			if (l->n == 0)
				fprintf(out, "%s =\n", row->name);
			for (size_t j = 0; j < l->n; j++)
				fprintf(out, "%s = %s\n", row->name, l->v[j]);
			continue;
		}
		char buf[4096];
		format_value(spec, row, buf, sizeof(buf));
		fprintf(out, buf[0] ? "%s = %s\n" : "%s =%s\n", row->name, buf);
	}
}

void option_print_help(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [OPTION]... [--] COMMAND [ARG]...\n"
		"       %s --check [OPTION]...\n"
		"       %s --list-profiles\n"
		"       %s --list [--report-format json]\n"
		"       %s --join PID -- COMMAND [ARG]...\n"
		"Run COMMAND in a sandbox: new namespaces, cgroup limits, no capabilities,\n"
		"a seccomp filter, and a PID 1 that reaps and relays. Every option except\n"
		"those marked * is also a profile key: --memory 64M is 'memory = 64M'.\n\n",
		prog, prog, prog, prog, prog);
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if (row->flags & OPT_HIDDEN)
			continue;
		char left[128];
		int n = snprintf(left, sizeof(left), "  %c%c%s--%s", row->short_name ? '-' : ' ',
				 row->short_name ? row->short_name : ' ',
				 row->short_name ? ", " : "  ", row->name);
		if (row->kind == ARG_BOOL)
			snprintf(left + n, sizeof(left) - (size_t)n, "[=%s]", row->metavar);
		else if (row->kind != ARG_NONE)
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", row->metavar);
		fprintf(out, "%-34s %s%s", left, (row->flags & OPT_CLI) ? "* " : "", row->help);
		if (row->def[0])
			fprintf(out, " [%s]", row->def);
		fputc('\n', out);
	}
	fprintf(out, "\nExit status: the command's; 128+N if killed by signal N; 124 time limit;\n"
		     "152 CPU-time limit; 153 output limit; 137 out of memory; 159 seccomp\n"
		     "kill; 125 corral's error; 126 not executable; 127 not found. See\n"
		     "corral(1) and corral.profile(5).\n");
}

/* getopt_long's arrays: longopts holds OPT__COUNT + 1 entries, shortopts
 * at least 3 * OPT__COUNT + 3 bytes. */
static void getopt_table(struct option *longopts, char *shortopts)
{
	char *s = shortopts;
	*s++ = '+'; /* stop at the command */
	*s++ = ':'; /* a missing value is ':', not '?' */
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		int has = row->kind == ARG_NONE ? no_argument
			  : row->kind == ARG_BOOL ? optional_argument
						  : required_argument;
		longopts[i] = (struct option){row->name, has, NULL, 256 + (int)i};
		if (row->short_name) {
			*s++ = (char)row->short_name;
			if (has == required_argument)
				*s++ = ':';
			else if (has == optional_argument)
				*s++ = ':', *s++ = ':';
		}
	}
	longopts[OPT__COUNT] = (struct option){0, 0, 0, 0};
	*s = '\0';
}

/* What getopt_long refused (it returned '?', or ':' when a value is
 * missing), as one line naming the option; arg is the word it stopped at. */
static int bad_option(const char *arg, bool missing, struct corral_error *e)
{
	if (optopt > 0 && optopt < 256)
		return corral_error_set(e, 0, "option -%c %s", optopt,
					missing ? "needs a value" : "is unknown");
	if (optopt >= 256 && optopt < 256 + OPT__COUNT)
		return corral_error_set(e, 0, "option --%s %s", option_table[optopt - 256].name,
					missing ? "needs a value" : "takes no value");
	/* optopt 0: a long option that matched no name, or the start of
	 * several (getopt_long takes a prefix of exactly one). */
	const char *name = arg + (strncmp(arg, "--", 2) == 0 ? 2 : 0);
	size_t len = strcspn(name, "=");
	char matches[512] = "";
	unsigned n = 0;
	for (size_t i = 0; i < OPT__COUNT; i++) {
		if (len == 0 || strncmp(option_table[i].name, name, len) != 0)
			continue;
		size_t used = strlen(matches);
		snprintf(matches + used, sizeof(matches) - used, "%s--%s", n++ ? ", " : "",
			 option_table[i].name);
	}
	if (n > 1)
		return corral_error_set(e, 0, "option '%s' is ambiguous (%s)", arg, matches);
	char bare[128];
	snprintf(bare, sizeof(bare), "%.*s", (int)len, name);
	const char *hint = option_suggest(bare);
	if (hint)
		return corral_error_set(e, 0, "unknown option '%s' (did you mean '--%s'?)", arg,
					hint);
	return corral_error_set(e, 0, "unknown option '%s' (see corral --help)", arg);
}

int option_parse(int argc, char **argv, enum option_pass pass, struct corral_spec *spec,
		 struct option_cli *cli, struct corral_error *e)
{
	bool apply = pass == OPTION_PASS_APPLY;
	struct option longopts[OPT__COUNT + 1];
	char shortopts[3 * OPT__COUNT + 3];
	getopt_table(longopts, shortopts);

	optind = 0; /* a full reset: this runs twice */
	opterr = 0;
	int c, idx;
	while ((c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		const struct option_row *row = NULL;
		if (c >= 256 && c < 256 + OPT__COUNT) {
			row = &option_table[c - 256];
		} else if (c == '?' || c == ':') {
			return bad_option(argv[optind - 1], c == ':', e);
		} else {
			for (size_t i = 0; i < OPT__COUNT; i++)
				if (option_table[i].short_name == c)
					row = &option_table[i];
		}
		if (!row)
			return corral_error_set(e, 0, "unknown option");

		const char *value = optarg;
		bool word;
		/* getopt takes an optional value only after '=': in
		 * "--seccomp-log no -- cmd" the "no" is the command. */
		if (row->kind == ARG_BOOL && !value && apply && optind < argc &&
		    units_parse_bool(argv[optind], &word) == 0)
			log_warn("--%s takes its value only as --%s=%s; '%s' is the command", row->name,
				 row->name, argv[optind], argv[optind]);
		if (row->kind == ARG_BOOL && !value)
			value = "yes";
		switch (row->id) {
		case OPT_HELP:
			cli->help = true;
			continue;
		case OPT_VERSION:
			cli->version = true;
			continue;
		case OPT_CHECK:
			cli->check = true;
			continue;
		case OPT_LIST_PROFILES:
			cli->list_profiles = true;
			continue;
		case OPT_LIST:
			cli->list = true;
			continue;
		case OPT_JOIN:
			/* In the first pass, like --profile: main needs it before
			 * any profile is read (--join reads none). */
			if (apply)
				continue;
			break;
		case OPT_VERBOSE:
			if (!apply)
				cli->verbosity = cli->verbosity < 0 ? 1 : cli->verbosity + 1;
			continue;
		case OPT_QUIET:
			if (!apply)
				cli->verbosity = CORRAL_QUIET;
			continue;
		case OPT_PROFILE:
			if (apply)
				continue;
			break;
		default:
			if (!apply)
				continue;
			if (!cli->sandbox_option && row->id != OPT_REPORT_FORMAT)
				cli->sandbox_option = row->name;
		}
		if (option_apply(spec, row, value, e) < 0)
			return -1;
	}
	spec->argv = argv + optind;
	spec->argc = argc - optind;
	return 0;
}

/* Validators. */

static int check_hostname(const char *v, struct corral_error *e)
{
	size_t n = strlen(v);
	if (n > 64)
		return corral_error_set(e, 0, "'%s' is longer than 64 characters", v);
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return corral_error_set(e, 0, "'%s' is not a valid host name", v);
	return 0;
}

/* pid is not one: check_share says why. */
const char *const option_share_names[] = {"ipc", "uts", "cgroup", "net", NULL};

static int check_share(const char *v, struct corral_error *e)
{
	for (size_t i = 0; option_share_names[i]; i++)
		if (strcmp(v, option_share_names[i]) == 0)
			return 0;
	/* In the host's PID namespace the command sees corral's pid: it can
	 * stop it (the time limit never fires, the verdict says "exited") or
	 * kill it (its own processes then outlive the run, cgroup or not). */
	if (strcmp(v, "pid") == 0)
		return corral_error_set(e, 0, "'pid' cannot be shared: in the host's PID namespace the "
					      "command could stop or kill corral itself, so neither "
					      "the time limit nor the end of the run would hold");
	return corral_error_set(e, 0, "unknown namespace '%s' (expected ipc, uts, cgroup or net)", v);
}

static int check_join(const char *v, struct corral_error *e)
{
	uint64_t pid;
	if (units_parse_uint(v, 4194304, &pid) < 0 || pid == 0)
		return corral_error_set(e, 0, "invalid pid '%s' (see corral --list)", v);
	return 0;
}

static int check_id(const char *v, struct corral_error *e)
{
	uint64_t id;
	if (units_parse_uint(v, 4294967294ULL, &id) < 0)
		return corral_error_set(e, 0, "invalid id '%s' (expected 0 to 4294967294)", v);
	return 0;
}

static int check_envname(const char *v, struct corral_error *e)
{
	if (!*v || isdigit((unsigned char)*v))
		return corral_error_set(e, 0, "invalid variable name '%s'", v);
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return corral_error_set(e, 0, "invalid variable name '%s'", v);
	return 0;
}

static int check_setenv(const char *v, struct corral_error *e)
{
	const char *eq = strchr(v, '=');
	if (!eq) /* NAME alone: the caller's value */
		return check_envname(v, e);
	char name[256];
	size_t n = (size_t)(eq - v);
	if (n >= sizeof(name))
		return corral_error_set(e, 0, "variable name too long in '%s'", v);
	memcpy(name, v, n);
	name[n] = '\0';
	return check_envname(name, e);
}

static int check_pids(const char *v, struct corral_error *e)
{
	uint64_t n;
	if (units_parse_uint(v, 4194304, &n) < 0 || n == 0)
		return corral_error_set(e, 0, "invalid value '%s' (expected 1 to 4194304)", v);
	return 0;
}

/* The smallest memory limit under which anything runs: init (a copy of
 * corral) and the command are charged to the cgroup, and below this even a
 * static program is killed before its first instruction (measured: 240K
 * kills tests/probe; `true` needs about 300K). */
#define MEMORY_FLOOR (256ULL * 1024)

/* "--memory 200" is 200 bytes: a limit that can run nothing is an error
 * saying so, with the value and the unit it was read in. */
static int check_memory(const char *v, struct corral_error *e)
{
	uint64_t b;
	if (units_parse_size(v, &b) < 0 || b == 0 || b >= MEMORY_FLOOR)
		return 0; /* a bad value is option_apply's error; a good one passes */
	size_t n = strspn(v, "0123456789.");
	if (v[n] == '\0')
		return corral_error_set(e, 0, "'%s' is %s bytes (a size without a unit is in bytes), "
					"too small to run any program: the sandbox needs at least 256K "
					"(did you mean %sM?)", v, v, v);
	static const char *unit[] = {['b'] = "bytes", ['k'] = "KiB", ['m'] = "MiB"};
	char c = (char)(v[n] | 0x20);
	return corral_error_set(e, 0, "'%s' is %llu bytes (read in %s), too small to run any "
				"program: the sandbox needs at least 256K", v, (unsigned long long)b,
				c == 'b' || c == 'k' || c == 'm' ? unit[(unsigned char)c] : v + n);
}

static int check_rlimit(const char *v, struct corral_error *e)
{
	struct units_rlimit rl;
	int r = units_parse_rlimit(v, &rl);
	if (r == -ENOENT)
		return corral_error_set(e, 0, "unknown resource in '%s' (expected as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)", v);
	if (r < 0)
		return corral_error_set(e, 0, "invalid value '%s' (expected NAME=VALUE or NAME=SOFT:HARD)", v);
	return 0;
}
