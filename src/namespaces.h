/* namespaces.h: which namespaces, uid/gid maps, hostname and loopback. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "log.h"
#include "spec.h"

/* Whether this run needs a user namespace (not root, or user-ns = yes). */
bool namespaces_want_userns(const struct corral_spec *spec);
/* CLONE_NEW* flags for the clone of init, from net, share and user-ns. */
unsigned long namespaces_clone_flags(const struct corral_spec *spec);
/* Supervisor side, before releasing init: setgroups deny, uid_map, gid_map. */
int namespaces_write_maps(pid_t pid, const struct corral_spec *spec, struct corral_error *e);
/* Why clone with these flags failed with err, for the error line: a hint
 * starting " (" and ending ")", or "" when there is nothing to add. */
const char *namespaces_clone_hint(unsigned long flags, bool root, int err);
/* Whether the supervisor makes the network namespace beside init's set-up
 * (namespaces.c says when): clone is then called without CLONE_NEWNET. */
bool namespaces_net_beside(const struct corral_spec *spec, unsigned long flags);
/* Supervisor side, after clone: a new network namespace with its loopback
 * up, as an fd in *out for init, while the supervisor stays in its own. */
int namespaces_make_net(int *out, struct corral_error *e);
/* Inside, in init: host name, and loopback unless net_later. */
int namespaces_setup_inside(const struct corral_spec *spec, bool net_later, struct corral_error *e);
/* Inside, in init: enter the network namespace made beside (fd, from the
 * supervisor; -1: it did not come). */
int namespaces_join_net(int fd, struct corral_error *e);
/* The ids the command runs as inside. */
uid_t namespaces_inner_uid(const struct corral_spec *spec);
gid_t namespaces_inner_gid(const struct corral_spec *spec);

/* The kinds of namespace a process has that --join enters, by their names
 * in /proc/PID/ns, in the order it enters them: the user namespace first
 * (it gives the capabilities the others need). */
#define NAMESPACES_KINDS 7
struct namespaces_kind {
	const char *name;
	int flag; /* CLONE_NEW* */
};
extern const struct namespaces_kind namespaces_kinds[NAMESPACES_KINDS];
/* Which namespace: stat of its /proc/PID/ns link (nsfs's device, inode). */
struct namespaces_id {
	uint64_t dev;
	uint64_t ino;
};
/* The namespaces of the process whose /proc/PID/ns directory nsdir is,
 * one per kind. 0, or -1 with e set. */
int namespaces_identify(int nsdir, struct namespaces_id id[NAMESPACES_KINDS],
			struct corral_error *e);
