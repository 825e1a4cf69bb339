/* supervisor.h: the process outside the sandbox. */
#pragma once

#include "log.h"
#include "report.h"
#include "spec.h"

/* Launch spec->argv in the sandbox and wait for it; fill res with the
 * evidence for the verdict. Returns 0 when the run happened (whatever the
 * command did), or -1 with e set when the sandbox could not be made. */
int supervisor_run(const struct corral_spec *spec, struct corral_result *res,
		   struct corral_error *e);
