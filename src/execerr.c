/* execerr.c: why execve failed. execvp says ENOENT both for a file that is
 * not there and for a script whose #! interpreter (or a binary whose
 * dynamic loader) is not there, and EACCES for a directory: look at the file
 * execvp would have run and say which, as bash does ("bad interpreter",
 * "Is a directory"). Runs in the command after its filter is loaded: only
 * stat, open and read, which every filter that lets a program start
 * allows; when one is denied, the plain message stands. */
#include "execerr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* The file execvp would have tried: argv0 itself when it holds a slash,
 * else the first PATH entry (glibc's default without PATH) that exists. */
static bool find(const char *argv0, char *out, size_t size)
{
	if (strchr(argv0, '/')) {
		snprintf(out, size, "%s", argv0);
		return access(out, F_OK) == 0;
	}
	const char *env = getenv("PATH");
	_cleanup_free_ char *dirs = strdup(env ? env : "/bin:/usr/bin");
	char *save = NULL;
	for (char *d = dirs ? strtok_r(dirs, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, size, "%s/%s", d, argv0);
		if (access(out, F_OK) == 0)
			return true;
	}
	return false;
}

int execerr_explain(const char *argv0, int err, char *msg, size_t size)
{
	char path[PATH_MAX];
	struct stat st;
	bool found = find(argv0, path, sizeof(path)) && stat(path, &st) == 0;
	if (found && S_ISDIR(st.st_mode)) {
		snprintf(msg, size, "cannot execute %s: it is a directory", argv0);
		return 126;
	}
	if (found && err == ENOENT && S_ISREG(st.st_mode)) {
		char head[256] = "";
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, head, sizeof(head) - 1) : -1;
		if (fd >= 0)
			close(fd);
		head[n > 0 ? n : 0] = '\0';
		char *interp = head + 2;
		interp += strspn(interp, " \t");
		interp[strcspn(interp, " \t\r\n")] = '\0';
		if (head[0] == '#' && head[1] == '!' && access(interp, F_OK) < 0) {
			snprintf(msg, size,
				 "cannot execute %s: its interpreter %s (its #! line) is not in the sandbox",
				 argv0, interp);
			return 126;
		}
		if (n >= 4 && memcmp(head, "\177ELF", 4) == 0) {
			snprintf(msg, size,
				 "cannot execute %s: its dynamic loader (the ELF interpreter) is not in the sandbox",
				 argv0);
			return 126;
		}
	}
	if (err == ENOENT) {
		snprintf(msg, size, "%s: command not found", argv0);
		return 127;
	}
	snprintf(msg, size, "cannot execute %s: %s", argv0, strerror(err));
	return 126;
}
