/* gendoc.c: the man pages' option and key lists and the bash completion's
 * data, generated from the one option table (src/options.def).
 *
 * Usage: gendoc TEMPLATE > OUTPUT
 *
 * Copies TEMPLATE to stdout. A line that is exactly one of the markers below
 * is replaced by generated text; @VERSION@, @DATADIR@ and @DATADIR_REL@ are replaced inside
 * any line. Everything about an option comes from its row, so a new row in
 * options.def shows up in corral(1), corral.profile(5) and the completion
 * without a change here. A row without help text is an error: the build
 * fails naming it, so an undocumented option cannot ship.
 *
 *   @OPTIONS_CLI@      corral(1): the command-line-only rows (OPT_CLI)
 *   @OPTIONS_SANDBOX@  corral(1): every other row, the profile keys
 *   @KEYS@             corral.profile(5): the profile keys
 *   @LIST_KEYS@        corral.profile(5): the names of the list keys
 *   @COMPLETION_DATA@  corral.bash: arrays the completion function reads
 *
 * Built from tools/ and linked against build/libcorral.a, not part of it. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "options.h"
#include "seccomp.h"

#ifndef CORRAL_VERSION
#define CORRAL_VERSION "0.1"
#endif
#ifndef CORRAL_DATADIR
#define CORRAL_DATADIR "/usr/local/share/corral/profiles"
#endif
#ifndef CORRAL_DATADIR_REL
#define CORRAL_DATADIR_REL "../share/corral/profiles"
#endif

static bool is_list(const struct option_row *row)
{
	return row->kind == ARG_LIST || row->kind == ARG_WORDS;
}

static bool shown(const struct option_row *row)
{
	return !(row->flags & OPT_HIDDEN);
}

/* Text for roff: backslashes and hyphens escaped, so that "--memory" stays
 * two ASCII hyphens when rendered and copied, and a leading dot or quote
 * cannot be read as a request. */
static void roff(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

/* The argument: choices in bold, placeholders in italics. */
static void roff_metavar(FILE *out, const struct option_row *row)
{
	bool choices = row->kind == ARG_ENUM || row->kind == ARG_BOOL;
	_cleanup_free_ char *copy = strdup(row->metavar);
	if (!copy)
		exit(1);
	char *save = NULL;
	bool first = true;
	for (char *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
		if (!first)
			fputc('|', out);
		fputs(choices ? "\\fB" : "\\fI", out);
		roff(out, w);
		fputs("\\fR", out);
		first = false;
	}
}

static void roff_tag(FILE *out, const struct option_row *row, bool as_key)
{
	fputs(".TP\n", out);
	if (as_key) {
		fputs("\\fB", out);
		roff(out, row->name);
		fputs("\\fR = ", out);
		if (row->kind == ARG_NONE)
			fputs("\\fIyes\\fR", out);
		else
			roff_metavar(out, row);
		fputc('\n', out);
		return;
	}
	if (row->short_name)
		fprintf(out, "\\fB\\-%c\\fR, ", row->short_name);
	fputs("\\fB\\-\\-", out);
	roff(out, row->name);
	fputs("\\fR", out);
	if (row->kind == ARG_BOOL) {
		fputs("[=", out);
		roff_metavar(out, row);
		fputc(']', out);
	} else if (row->kind != ARG_NONE) {
		fputc(' ', out);
		roff_metavar(out, row);
	}
	fputc('\n', out);
}

static void roff_body(FILE *out, const struct option_row *row, bool as_key)
{
	/* The help is a phrase for --help; here it opens a sentence. */
	char first[2] = {(char)toupper((unsigned char)row->help[0]), '\0'};
	roff(out, first);
	roff(out, row->help + 1);
	fputs(row->help[strlen(row->help) - 1] == '.' ? "\n" : ".\n", out);
	if (row->kind == ARG_BOOL && !as_key)
		fputs("Without a value, \\fByes\\fR.\n", out);
	if (is_list(row)) {
		if (row->kind == ARG_WORDS)
			fputs("Each value is split on blanks and commas.\n", out);
		fputs(as_key ? "Values accumulate; \\fB" : "Values accumulate; \\fB\\-\\-", out);
		roff(out, row->name);
		fputs(as_key ? " =\\fR with no value clears them.\n"
			     : "=\\fR with an empty value clears them.\n",
		      out);
	}
	if (row->def[0]) {
		fputs("Default: \\fB", out);
		roff(out, row->def);
		fputs("\\fR.\n", out);
	}
}

static void options(FILE *out, bool cli)
{
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if (!shown(row) || !!(row->flags & OPT_CLI) != cli)
			continue;
		roff_tag(out, row, false);
		roff_body(out, row, false);
	}
}

static void keys(FILE *out)
{
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if (row->flags & OPT_CLI)
			continue;
		roff_tag(out, row, true);
		roff_body(out, row, true);
	}
}

static void list_keys(FILE *out)
{
	bool first = true;
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if ((row->flags & OPT_CLI) || !is_list(row))
			continue;
		fputs(first ? "\\fB" : ", \\fB", out);
		roff(out, row->name);
		fputs("\\fR", out);
		first = false;
	}
	fputs(".\n", out);
}

/* What the completion offers for an option's argument, from its kind and
 * metavar: the choices of an enum or bool, profile names for --profile,
 * directories or files when the metavar names a path, else nothing (a size
 * or a number cannot be guessed). */
static const char *arg_class(const struct option_row *row, char *buf, size_t size)
{
	const char *m = row->metavar;
	if (row->kind == ARG_NONE)
		return NULL;
	if (row->kind == ARG_ENUM || row->kind == ARG_BOOL) {
		snprintf(buf, size, "%s:%s", row->kind == ARG_BOOL ? "optional" : "enum", m);
		return buf;
	}
	if (strcmp(row->name, "profile") == 0)
		return "profile";
	/* Lists of names: every name the option's check takes. */
	struct strv names = {0};
	if (row->check == caps_check_name)
		caps_names(&names);
	else if (row->check == seccomp_filter_check_name)
		seccomp_filter_names(&names);
	else if (row->id == OPT_SHARE)
		for (size_t i = 0; option_share_names[i]; i++)
			strv_push(&names, option_share_names[i]);
	else if (row->id == OPT_SECCOMP_ACTION)
		seccomp_filter_action_names(&names);
	if (names.n) {
		size_t n = (size_t)snprintf(buf, size, "words:");
		for (size_t i = 0; i < names.n && n < size; i++)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "", names.v[i]);
		strv_clear(&names);
		if (n >= size) {
			fprintf(stderr, "gendoc: error: --%s: too many names for the completion\n", row->name);
			exit(1);
		}
		return buf;
	}
	if (strstr(m, "DIR"))
		return "dir";
	if (strstr(m, "PATH") || strstr(m, "FILE") || strstr(m, "SRC") || strstr(m, "DST"))
		return "file";
	return "value";
}

/* A bash single-quoted word. */
static void shq(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	fputc('\'', out);
}

static void completion_data(FILE *out)
{
	fputs("# Generated by tools/gendoc from src/options.def.\n", out);
	fputs("declare -ga _corral_options=(", out);
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if (!shown(row))
			continue;
		fprintf(out, " --%s", row->name);
		if (row->short_name)
			fprintf(out, " -%c", row->short_name);
	}
	fputs(" )\n", out);
	/* -g: bash-completion sources this file inside a function. */
	fputs("declare -gA _corral_long=(", out);
	for (size_t i = 0; i < OPT__COUNT; i++)
		if (option_table[i].short_name)
			fprintf(out, " [-%c]=--%s", option_table[i].short_name, option_table[i].name);
	fputs(" )\n", out);
	fputs("declare -gA _corral_arg=(", out);
	for (size_t i = 0; i < OPT__COUNT; i++) {
		static char buf[16384];
		const char *cls = arg_class(&option_table[i], buf, sizeof(buf));
		if (!cls)
			continue;
		fprintf(out, "\n\t[--%s]=", option_table[i].name);
		shq(out, cls);
	}
	fputs("\n)\n", out);
}

static void substitute(FILE *out, const char *line)
{
	static const struct {
		const char *token, *value;
	} tokens[] = {{"@VERSION@", CORRAL_VERSION},
		      {"@DATADIR@", CORRAL_DATADIR},
		      {"@DATADIR_REL@", CORRAL_DATADIR_REL}};
	while (*line) {
		bool hit = false;
		for (size_t i = 0; i < ARRAY_SIZE(tokens); i++) {
			size_t n = strlen(tokens[i].token);
			if (strncmp(line, tokens[i].token, n) == 0) {
				fputs(tokens[i].value, out);
				line += n;
				hit = true;
				break;
			}
		}
		if (!hit)
			fputc(*line++, out);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gendoc TEMPLATE > OUTPUT\n");
		return 2;
	}
	int bad = 0;
	for (size_t i = 0; i < OPT__COUNT; i++)
		if (!option_table[i].help || !option_table[i].help[0]) {
			fprintf(stderr, "gendoc: error: option --%s has no help text in src/options.def\n",
				option_table[i].name);
			bad = 1;
		}
	if (bad)
		return 1;

	_cleanup_fclose_ FILE *in = fopen(argv[1], "re");
	if (!in) {
		fprintf(stderr, "gendoc: error: %s: %m\n", argv[1]);
		return 1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, in)) > 0) {
		if (strcmp(line, "@OPTIONS_CLI@\n") == 0)
			options(stdout, true);
		else if (strcmp(line, "@OPTIONS_SANDBOX@\n") == 0)
			options(stdout, false);
		else if (strcmp(line, "@KEYS@\n") == 0)
			keys(stdout);
		else if (strcmp(line, "@LIST_KEYS@\n") == 0)
			list_keys(stdout);
		else if (strcmp(line, "@COMPLETION_DATA@\n") == 0)
			completion_data(stdout);
		else
			substitute(stdout, line);
	}
	free(line);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gendoc: error: writing output: %m\n");
		return 1;
	}
	return 0;
}
