/* caps.h: capabilities with libcap. Everything not in cap-keep is dropped
 * from the bounding, permitted, effective, inheritable and ambient sets of
 * init and of the command. */
#pragma once

#include <stdbool.h>

#include "log.h"
#include "spec.h"

/* Validator for cap-keep: CAP_NET_BIND_SERVICE or NET_BIND_SERVICE, any case. */
int caps_check_name(const char *value, struct corral_error *e);
/* Every capability this libcap knows, as cap-keep spells them: NET_ADMIN.
 * 0, or -ENOMEM. */
int caps_names(struct strv *names);

/* init, before it forks the command: the bounding set becomes cap-keep,
 * for init and, inherited, for the command (which then need not drop it
 * again: caps_apply's bounding = false). init never executes anything, so
 * its own bounding set limits nothing it needs. */
int caps_bound(const struct corral_spec *spec, struct corral_error *e);
/* init, after forking the command: drop every capability; keep only CAP_KILL
 * (permitted and effective) when keep_kill, so init can still relay signals
 * to a command that runs as another uid; bounding: also empty the bounding
 * set but for that (false where caps_bound already narrowed it). */
int caps_drop_init(bool keep_kill, bool bounding, struct corral_error *e);
/* Whether the command keeps CAP_SETUID: its processes may then run as uids
 * init could not signal without CAP_KILL. */
bool caps_keeps_setuid(const struct corral_spec *spec);

/* The command, before the uid changes: keep the permitted set across
 * setresuid (PR_SET_KEEPCAPS), so caps_apply can still drop the bounding set
 * and hand kept capabilities to a non-root uid. */
int caps_before_ids(struct corral_error *e);
/* The command, after the ids: only cap-keep in every set, ambient included,
 * so the kept capabilities survive execve for a non-root uid as well;
 * bounding: drop the others from the bounding set too (false where init
 * already did, caps_bound). */
int caps_apply(const struct corral_spec *spec, bool bounding, struct corral_error *e);
