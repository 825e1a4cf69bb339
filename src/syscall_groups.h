/* syscall_groups.h: the @groups seccomp lists accept. */
#pragma once

#include <stddef.h>

/* The pseudo member of @default-deny for personality() with unsafe flags:
 * seccomp.c turns it into an argument filter. */
#define PERSONALITY_UNSAFE "personality:unsafe"

/* The members of a group (without the '@'), NULL-terminated, or NULL if there
 * is no such group. A member is a syscall name or @group. */
const char *const *syscall_groups_members(const char *name);
/* The i-th group's name, or NULL past the last. */
const char *syscall_groups_name(size_t i);
