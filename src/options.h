/* options.h: the option table and the one way to apply an option. */
#pragma once

#include <stdio.h>

#include "log.h"
#include "spec.h"

enum option_kind {
	ARG_NONE,     /* command-line action, no value */
	ARG_BOOL,     /* yes|no */
	ARG_STRING,   /* any text; empty is unset */
	ARG_UINT,     /* decimal integer */
	ARG_SIZE,     /* 256M */
	ARG_DURATION, /* 1.5s */
	ARG_CPUS,     /* 0.5 */
	ARG_ENUM,     /* one of metavar's choices */
	ARG_LIST,     /* each value one entry; empty clears */
	ARG_WORDS,    /* each value split on blanks and commas; empty clears */
};

enum option_flags {
	OPT_CLI = 1 << 0,    /* command line only, not a profile key */
	OPT_HIDDEN = 1 << 1, /* not in --help */
};

enum option_id {
#define X(id, ...) OPT_##id,
#include "options.def"
#undef X
	OPT__COUNT
};

struct option_row {
	enum option_id id;
	const char *name;
	int short_name;
	enum option_kind kind;
	size_t offset;
	const char *metavar;
	const char *def;
	unsigned flags;
	int (*check)(const char *value, struct corral_error *e);
	const char *help;
};

extern const struct option_row option_table[OPT__COUNT];

/* The row for a profile key or long option name, or NULL. */
const struct option_row *option_find(const char *name);
/* The closest name for a did-you-mean hint, or NULL when none is close. */
const char *option_suggest(const char *name);
/* The namespaces share takes, NULL-terminated. */
extern const char *const option_share_names[];

/* Fill spec with every row's default. */
int option_defaults(struct corral_spec *spec, struct corral_error *e);
/* Apply one value; origin ("argv" or "file:line") is not added here: the
 * caller prefixes it to e->msg. */
int option_apply(struct corral_spec *spec, const struct option_row *row,
		 const char *value, struct corral_error *e);
void option_spec_free(struct corral_spec *spec);

/* 0 when v reads back from profile text as itself: no control character
 * (a newline would inject a line), no blank at either end; else an error
 * naming what. Every writer of profile text (--check, --learn) asks first. */
int option_profile_text_ok(const char *what, const char *v, struct corral_error *e);
/* option_profile_text_ok for every value option_print_spec would write, and
 * the profile names. */
int option_check_spec_text(const struct corral_spec *spec, struct corral_error *e);
/* Print every profile key's value in profile syntax (the --check output). */
void option_print_spec(FILE *out, const struct corral_spec *spec);
/* Print --help. */
void option_print_help(FILE *out, const char *prog);
/* What the command line asks for besides the spec: the OPT_CLI actions. */
struct option_cli {
	bool help, version, check, list_profiles, list;
	/* The first option given that configures a sandbox (NULL: none):
	 * --list and --join take none. Set by the second pass. */
	const char *sandbox_option;
	int verbosity; /* enum corral_verbosity: -v counts up, -q is quiet */
};

/* The command line is read twice, so that it wins over the profiles it
 * names: first the actions, the verbosity and --profile (nothing else is
 * applied), then, once main has read those profiles, every other option,
 * left to right. Parsing stops at the first word that is not an option, or
 * after "--": spec->argv and spec->argc are the command. */
enum option_pass {
	OPTION_PASS_FIRST,
	OPTION_PASS_APPLY,
};
/* One pass over argv (argv[0] is the program). An unknown option, a
 * missing value or a bad one: -1 with e set, naming the option. */
int option_parse(int argc, char **argv, enum option_pass pass, struct corral_spec *spec,
		 struct option_cli *cli, struct corral_error *e);

