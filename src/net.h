/* net.h: net = pasta, a user-mode network for the sandbox's namespace, and
 * its forwarded ports. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

#include "log.h"
#include "spec.h"

/* One --port value: [HOST_ADDR:]HOST_PORT:SANDBOX_PORT[/udp]. */
struct net_port {
	char addr[INET6_ADDRSTRLEN]; /* the host address, 127.0.0.1 when not given */
	int family;                  /* AF_INET or AF_INET6 */
	unsigned host, sandbox;      /* 1..65535 */
	bool udp;
};

/* Parse one --port value; the error names what is wrong in it. */
int net_parse_port(const char *v, struct net_port *p, struct corral_error *e);
/* Validator for the port row of options.def. */
int net_check_port(const char *v, struct corral_error *e);
/* Checks across options: port and net-host-loopback need net = pasta, which
 * cannot share the host's network namespace. */
int net_validate(const struct corral_spec *spec, struct corral_error *e);

/* The pasta process of one run. */
struct net_pasta {
	char path[4096]; /* the pasta binary, found by net_pasta_prepare */
	pid_t pid;       /* 0: none to end */
};

/* Before anything exists: find pasta on PATH, and check that every host
 * port is free (pasta skips a taken IPv4 port without a word). */
int net_pasta_prepare(const struct corral_spec *spec, struct net_pasta *p, struct corral_error *e);
/* Start pasta on the network namespace of pid (and its user namespace when
 * userns) and wait until it has configured it. A signal on sig_fd that
 * ends a run (SIGINT, SIGTERM, SIGHUP) ends the wait with an error. */
int net_pasta_start(const struct corral_spec *spec, struct net_pasta *p, pid_t pid, bool userns,
		    int sig_fd, struct corral_error *e);
/* Kill and reap pasta, if it runs. */
void net_pasta_stop(struct net_pasta *p);
