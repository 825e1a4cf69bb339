/* seccomp.h: the command's seccomp filter. Built with libseccomp in the
 * supervisor before clone, exported as classic BPF, loaded by the command as
 * the last step before execve with no library code in the child.
 *
 * Note: libseccomp's own header is <seccomp.h>; this one is "seccomp.h"
 * (the build uses -iquote src). Exports are seccomp_filter_* so that they
 * never collide with libseccomp's seccomp_* names. */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "spec.h"

/* Validators for options.def: a syscall name known to some architecture, or
 * an @group; an action errno[:NAME] | kill | log | trap. */
int seccomp_filter_check_name(const char *value, struct corral_error *e);
/* Every name seccomp-deny and seccomp-allow take here: the syscalls of this
 * architecture as libseccomp names them, then the @groups. 0 or -ENOMEM. */
int seccomp_filter_names(struct strv *names);
int seccomp_filter_check_action(const char *value, struct corral_error *e);
/* The actions' spellings, for the completion (errno:NAME for common names). */
int seccomp_filter_action_names(struct strv *names);

/* Whether a denied call ends the process (kill, or trap with SIGSYS's default
 * disposition), so a SIGSYS death is the filter's verdict. */
bool seccomp_filter_kills(const struct corral_spec *spec);

/* What the supervisor answers a notification with (seccomp-log, --learn):
 * CORRAL_NOTIFY_ERRNO with *err, kill the process, or let the call continue
 * (--learn, and the log action); -ENOTSUP for trap, which has no answer. */
enum { CORRAL_NOTIFY_ERRNO, CORRAL_NOTIFY_KILL, CORRAL_NOTIFY_CONTINUE };
int seccomp_filter_notify_answer(const struct corral_spec *spec, int *err);

/* The name of syscall nr of arch (an AUDIT_ARCH_* value, as in struct
 * seccomp_data), or "syscall-NR" and -ENOENT when libseccomp has none. */
int seccomp_filter_syscall_name(uint32_t arch, int nr, char *buf, size_t size);
/* Whether name is a syscall of the native architecture. */
bool seccomp_filter_native(const char *name);

/* Build the filter for spec into prog (prog->filter is malloc'd; free with
 * seccomp_filter_free). Supervisor side; every error is reported here, before
 * anything is created. */
int seccomp_filter_build(const struct corral_spec *spec, struct sock_fprog *prog,
			 struct corral_error *e);
void seccomp_filter_free(struct sock_fprog *prog);

/* In the command, after no_new_privs: load prog. 0 or -errno. Makes no
 * libseccomp call. */
int seccomp_filter_install(const struct sock_fprog *prog);
/* The same with SECCOMP_FILTER_FLAG_NEW_LISTENER: the listener fd, or -errno. */
int seccomp_filter_install_listener(const struct sock_fprog *prog);

