/* wary.h: host paths resolved without following a swappable symlink. */
#pragma once

#include <stdbool.h>

#include "log.h"

/* path, as an O_PATH fd, resolved beneath root (an fd of the host's /: "/"
 * itself, or /oldroot in init). Not wary: as the host would resolve it
 * (RESOLVE_IN_ROOT). Wary (corral runs as root): one component at a time,
 * without following a symlink that lies in a directory another user can
 * change; such a path is refused (e->err 0), as what would be used might
 * not be what was named. Negative on failure, e->err the errno when a
 * component is missing or unreadable. */
int wary_open(int root, const char *path, bool wary, struct corral_error *e);
