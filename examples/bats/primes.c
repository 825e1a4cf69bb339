/* primes: count the primes below a limit with a pool of worker processes.
 *
 *   primes [-j JOBS] [-m sieve|trial] [--nice N] LIMIT
 *
 * Prints how many primes are below LIMIT. The work is split over JOBS
 * worker processes (default 2), which send their counts back over one pipe
 * (as examples/process_pool.c does). Two methods:
 *
 *   sieve  (default) Eratosthenes: a byte per number in one shared anonymous
 *          mapping (as examples/shared_array.c), each worker crossing out
 *          the multiples of the base primes in its own slice. Fast, and it
 *          needs LIMIT bytes of memory: 10^6 takes 1M, 10^9 a gigabyte.
 *   trial  trial division of every number by the odd numbers up to its
 *          square root: no memory to speak of, and slow: 10^7 takes seconds,
 *          10^12 days.
 *
 * --nice N lowers each worker's priority by N (setpriority(2)) so that a
 * long count leaves the machine to others; a worker that may not do so
 * says why on stderr and counts anyway.
 *
 * A worker killed by a signal (the OOM killer's SIGKILL, a crash) is passed
 * on: primes dies of the same signal, as a shell passes on its child's
 * death, so whoever runs it sees how the work ended. A worker that fails
 * otherwise makes it exit 1; a bad command line, 2.
 *
 * A bug, kept on purpose for the example suite (examples/bats/primes.bats):
 * the base primes, up to the square root of LIMIT, are sieved in a
 * variable-length array on the stack. Above about 7 * 10^13 that array
 * outgrows an 8M stack and primes dies of SIGSEGV before it counts
 * anything, where it should have put them on the heap. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_JOBS 64

struct result {
	int worker;
	uint64_t count;
};

static void die(const char *what)
{
	fprintf(stderr, "primes: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t isqrt(uint64_t n)
{
	uint64_t r = 0;
	for (uint64_t bit = (uint64_t)1 << 62; bit; bit >>= 2) {
		if (n >= r + bit) {
			n -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

static int is_prime_trial(uint64_t n)
{
	if (n < 4)
		return n >= 2;
	if (n % 2 == 0)
		return 0;
	for (uint64_t d = 3; d <= n / d; d += 2)
		if (n % d == 0)
			return 0;
	return 1;
}

/* Count the primes in [lo, hi) of the shared sieve, crossing out in it the
 * multiples of the base primes (small[p] == 1 for a prime p <= root). */
static uint64_t sieve_slice(unsigned char *sieve, uint64_t lo, uint64_t hi,
			    const unsigned char *small, uint64_t root)
{
	memset(sieve + lo, 1, hi - lo);
	for (uint64_t p = 2; p <= root; p++) {
		if (!small[p])
			continue;
		uint64_t first = (lo + p - 1) / p * p;
		if (first < p * p)
			first = p * p;
		for (uint64_t m = first; m < hi; m += p)
			sieve[m] = 0;
	}
	uint64_t count = 0;
	for (uint64_t i = lo < 2 ? 2 : lo; i < hi; i++)
		count += sieve[i];
	return count;
}

static void usage(void)
{
	fprintf(stderr, "usage: primes [-j JOBS 1-%d] [-m sieve|trial] [--nice N] LIMIT\n", MAX_JOBS);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"jobs", required_argument, NULL, 'j'},
		{"method", required_argument, NULL, 'm'},
		{"nice", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int jobs = 2, nice_by = 0, trial = 0, c;
	while ((c = getopt_long(argc, argv, "j:m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			jobs = atoi(optarg);
			break;
		case 'm':
			if (strcmp(optarg, "trial") != 0 && strcmp(optarg, "sieve") != 0)
				usage();
			trial = strcmp(optarg, "trial") == 0;
			break;
		case 'n':
			nice_by = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	char *end;
	errno = 0;
	uint64_t limit = optind == argc - 1 ? strtoull(argv[optind], &end, 10) : 0;
	if (optind != argc - 1 || errno || *end || limit > (uint64_t)1 << 62 || jobs < 1 ||
	    jobs > MAX_JOBS || nice_by < 0)
		usage();

	/* The base primes: the bug described above is this array. */
	uint64_t root = isqrt(limit);
	unsigned char small[root + 1];
	memset(small, 1, root + 1);
	for (uint64_t p = 2; p * p <= root; p++)
		if (small[p])
			for (uint64_t m = p * p; m <= root; m += p)
				small[m] = 0;

	unsigned char *sieve = NULL;
	if (!trial && limit > 0) {
		sieve = mmap(NULL, limit, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (sieve == MAP_FAILED)
			die("mmap the sieve");
	}
	int results[2];
	if (pipe(results) < 0)
		die("pipe");
	for (int w = 0; w < jobs; w++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid > 0)
			continue;
		close(results[0]);
		if (nice_by && setpriority(PRIO_PROCESS, 0, nice_by) < 0)
			fprintf(stderr, "primes: worker %d: cannot lower its priority: %s\n", w + 1,
				strerror(errno));
		uint64_t lo = limit / (uint64_t)jobs * (uint64_t)w;
		uint64_t hi = w == jobs - 1 ? limit : limit / (uint64_t)jobs * (uint64_t)(w + 1);
		struct result r = {.worker = w};
		if (trial) {
			for (uint64_t n = lo; n < hi; n++)
				r.count += (uint64_t)is_prime_trial(n);
		} else if (hi > lo) {
			r.count = sieve_slice(sieve, lo, hi, small, root);
		}
		_exit(write(results[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(results[1]);

	uint64_t total = 0;
	struct result r;
	ssize_t got;
	while ((got = read(results[0], &r, sizeof(r))) == sizeof(r))
		total += r.count;
	if (got < 0)
		die("read the results");

	int failed = 0, killed_by = 0;
	for (int w = 0; w < jobs; w++) {
		int st;
		while (wait(&st) < 0)
			if (errno != EINTR)
				die("wait");
		if (WIFSIGNALED(st))
			killed_by = WTERMSIG(st);
		else if (WEXITSTATUS(st) != 0)
			failed = 1;
	}
	if (killed_by) {
		fprintf(stderr, "primes: a worker died of SIG%s; passing it on\n",
			sigabbrev_np(killed_by));
		signal(killed_by, SIG_DFL);
		raise(killed_by);
	}
	if (failed) {
		fprintf(stderr, "primes: a worker failed\n");
		return 1;
	}
	printf("%" PRIu64 "\n", total);
	return 0;
}
