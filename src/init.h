/* init.h: PID 1 inside the sandbox. */
#pragma once

#include "spec.h"
#include "sync.h"

/* Finish the sandbox, fork the command, reap and relay until it ends, then
 * exit with its status. Never returns. */
__attribute__((noreturn)) void init_main(const struct corral_spec *spec, struct launch *l);

/* SIGCONT sent to init with sigqueue and this value: the job is in the
 * foreground again; give the command's group the terminal, then continue it. */
#define INIT_CONT_FOREGROUND 1

/* The signals init relays to the command's process group. */
extern const int init_relayed_signals[];
extern const unsigned init_relayed_count;
