/* mounts.c: the mount namespace. Everything here runs inside init's own mount
 * namespace after / is made MS_PRIVATE|MS_REC, so no mount reaches the host. */
#include "mounts.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>

#include "namespaces.h"

int mounts_setup(const struct corral_spec *spec, struct corral_error *e)
{
	/* Without this, mounts made here would propagate back to the host's
	 * shared mounts (systemd makes / shared). */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return corral_error_set(e, errno, "make / private");

	if (namespaces_clone_flags(spec) & CLONE_NEWPID) {
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return corral_error_set(e, errno, "mount proc on /proc");
	}
	return 0;
}
