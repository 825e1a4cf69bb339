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

/* After the run, --learn: the names of every syscall seen, sorted, into
 * res->learned. */
int notify_learned(const struct notify *n, struct corral_result *res, struct corral_error *e);
