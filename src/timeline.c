/* timeline.c: the launch's steps, timed from inside (corral -vv).
 *
 * A launch is three processes on two CPUs: the supervisor and init work
 * side by side until READY, then init forks the command. Where the time
 * goes is a question of which way to READY was the longer, and a tracer
 * (strace, perf trace) slows each system call, so the more a process makes
 * the later it seems. Here each process writes CLOCK_MONOTONIC (the vDSO:
 * no system call) into its own slot of a page mapped shared before clone;
 * the supervisor prints the slots as it ends. Only under -vv: at
 * other levels no page is made and a mark is one test of a NULL pointer.
 *
 * The command's view of the page ends at its execve; init's at its exit.
 * The supervisor only prints what is there: numbers, or "-" for a step not
 * reached (a failed set-up, a command that never ran). */
#include "timeline.h"

#include <sys/mman.h>

#include "log.h"
#include "util.h"

static double start_ms;
static double *slots;

static const char *const names[TIMELINE_STEPS] = {
	[TIMELINE_CLONE] = "clone",
	[TIMELINE_INIT] = "init runs",
	[TIMELINE_BUILT] = "sandbox built",
	[TIMELINE_READY_SENT] = "READY sent",
	[TIMELINE_READY_TAKEN] = "READY taken",
	[TIMELINE_COMMAND] = "command forked",
	[TIMELINE_FILTER] = "filter loading",
	[TIMELINE_EXECVE] = "execve",
	[TIMELINE_ENDED] = "command reaped",
	[TIMELINE_STATUS] = "status taken",
	[TIMELINE_GONE] = "init gone",
	[TIMELINE_DONE] = "corral done",
};

void timeline_start(void)
{
	start_ms = now_ms();
}

void timeline_open(void)
{
	if (slots || log_verbosity() < CORRAL_DEBUG)
		return;
	void *m = mmap(NULL, sizeof(double) * TIMELINE_STEPS, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	slots = m == MAP_FAILED ? NULL : m;
}

void timeline_mark(enum timeline_step step)
{
	if (slots)
		slots[step] = now_ms();
}

void timeline_print(void)
{
	if (!slots)
		return;
	timeline_mark(TIMELINE_DONE);
	char line[512] = "";
	size_t n = 0;
	for (int i = 0; i < TIMELINE_STEPS && n < sizeof(line); i++) {
		char ms[32] = "-";
		if (slots[i] > 0)
			snprintf(ms, sizeof(ms), "%.3f", slots[i] - start_ms);
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s %s", i ? ", " : "", names[i], ms);
	}
	log_debug("timeline, ms after corral's start: %s", line);
	munmap(slots, sizeof(double) * TIMELINE_STEPS);
	slots = NULL;
}
