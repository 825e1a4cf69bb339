/* timeline.h: with -vv, when each process of a run reached each step of the
 * launch and of the end, on one clock, without a tracer's cost. */
#pragma once

enum timeline_step {
	TIMELINE_CLONE,       /* supervisor: clone has returned */
	TIMELINE_INIT,        /* init: its first step */
	TIMELINE_BUILT,       /* init: the root and namespaces are built; it waits for READY */
	TIMELINE_READY_SENT,  /* supervisor: READY sent (cgroup, network, filter, timers done) */
	TIMELINE_READY_TAKEN, /* init: READY received */
	TIMELINE_COMMAND,     /* the command: its first step, after init's fork */
	TIMELINE_FILTER,      /* the command: its seccomp filter is being loaded */
	TIMELINE_EXECVE,      /* the command: execve */
	TIMELINE_ENDED,       /* init: the command reaped */
	TIMELINE_STATUS,      /* supervisor: the command's status received */
	TIMELINE_GONE,        /* supervisor: init has exited */
	TIMELINE_DONE,        /* supervisor: the cgroup removed, the report written; corral exits */
	TIMELINE_STEPS
};

/* corral's start: main's first step. Cheap, so always taken. */
void timeline_start(void);
/* Before clone, with -vv: a page shared with init and the command (until
 * its execve). Without it every mark is a no-op. */
void timeline_open(void);
/* Now, for step; in any of the three processes. */
void timeline_mark(enum timeline_step step);
/* At the end (TIMELINE_DONE marked here): one debug line, each step
 * reached in ms after corral's start, and the page unmapped. */
void timeline_print(void);
