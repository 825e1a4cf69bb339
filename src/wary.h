/* wary.h: host paths resolved without following a swappable symlink. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

/* path, as an O_PATH fd, resolved beneath root (an fd of the host's /: "/"
 * itself, or /oldroot in init). Not wary: as the host would resolve it
 * (RESOLVE_IN_ROOT). Wary (corral runs as root): one component at a time,
 * without following a symlink that lies in a directory another user can
 * change; such a path is refused (e->err 0), as what would be used might
 * not be what was named. Negative on failure, e->err the errno when a
 * component is missing or unreadable. */
int wary_open(int root, const char *path, bool wary, struct corral_error *e);

/* The text of the symlink at path (absolute, normalised) on the host, into
 * buf (NUL-terminated): its length, or 0 when path is no symlink, cannot be
 * reached, or (wary) lies in a directory another user can change, which
 * wary_open would refuse to follow. The parent is resolved as wary_open
 * resolves. */
size_t wary_readlink(int root, const char *path, bool wary, char *buf, size_t size);
