/* notify.h: the supervisor's end of seccomp user notification: seccomp-log
 * names and counts the calls the filter denied and answers them with the
 * configured action; --learn lets every call continue and records it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "report.h"
#include "spec.h"

/* Syscall numbers recorded per architecture while learning: x86_64's and
 * i386's are all below 512; anything above is counted, not recorded. */
#define NOTIFY_MAX_NR 1024

struct notify {
	int fd;                 /* the listener, from the command; -1 until then */
	int answer;             /* CORRAL_NOTIFY_* (seccomp.h) */
	int err;                /* CORRAL_NOTIFY_ERRNO: the errno */
	bool learn;
	unsigned printed;       /* -v lines so far */
	uint64_t calls;         /* notifications taken */
	void *req, *resp;       /* sized as the kernel says (SECCOMP_GET_NOTIF_SIZES) */
	size_t sz_req, sz_resp;
	/* violations: the (arch, nr) of res->violations[i], to count without
	 * resolving a name per call */
	struct {
		uint32_t arch;
		int nr;
	} key[CORRAL_MAX_VIOLATIONS];
	/* learning: one bit per syscall, for the first two architectures seen */
	uint32_t arch[2];
	uint64_t seen[2][NOTIFY_MAX_NR / 64];
	/* the CPU governor: the share of a CPU allowed, a window of wall and
	 * process CPU time (ms), and when to read the listener again */
	double share, win_wall, win_cpu, resume_at;
};

/* Whether this kernel has seccomp user notification; what names the feature
 * ("seccomp-log" or "--learn") goes into the one-line error. */
int notify_check(const char *what, struct corral_error *e);

/* Before clone: the answer from the spec, buffers. */
int notify_init(struct notify *n, const struct corral_spec *spec, struct corral_error *e);
void notify_free(struct notify *n);

/* Take one pending notification from n->fd and answer it; bounded work and
 * no allocation, so a flood of denied calls costs time per call, never
 * memory. Returns false when the listener is gone (every filtered process
 * has exited). */
bool notify_handle(struct notify *n, struct corral_result *res);

/* The supervisor runs outside every limit, and each notification costs it
 * more CPU than the denied call costs the sandbox: a flood of denied calls
 * would make it the busiest process of the run. So it spends at most
 * NOTIFY_CPU_SHARE of one CPU on them, and at most half the command's cpus
 * limit when that is lower: after a window in which it spent
 * more, it leaves the listener alone for as long as it takes to fall back
 * (the callers wait in the kernel meanwhile, so a flood slows down rather
 * than costing more). 0: read the listener now, else how many ms to wait. */
#define NOTIFY_CPU_SHARE 0.25
int notify_pause_ms(struct notify *n);

/* After the run, --learn: the names of every syscall seen, sorted, into
 * res->learned. */
int notify_learned(const struct notify *n, struct corral_result *res, struct corral_error *e);
