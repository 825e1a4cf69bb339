/* floor.c: the cheapest launch there is, fork + execve + waitpid, so the
 * launch table has a row for what any launcher pays before it isolates
 * anything. Usage: floor PROGRAM [ARG]...; exits with the program's status. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: floor PROGRAM [ARG]...\n");
		return 125;
	}
	pid_t pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0) {
		execve(argv[1], argv + 1, environ);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return 125;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
