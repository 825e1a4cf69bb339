/* cgtable.c: libcgroup's mount table is not zeroed twice.
 *
 * cgroup_init begins by zeroing libcgroup's mount table, cg_mount_table: 100
 * entries of two 4 kB paths each, 821 kB, of which a host uses a dozen. In
 * corral the table is in the static binary's .bss, which the kernel gives
 * zeroed and maps on first touch, so that memset only makes the kernel
 * allocate and clear 205 pages that nothing reads: about 800 kB of the
 * supervisor's peak RSS (2.2 MB with limits against 1.2 MB without) and
 * 205 of the ~270 page faults the limits add, each a first touch of fresh
 * memory, which costs 4 to 25 ms per launch on a loaded VM (bench/README).
 *
 * The static corral is linked with -Wl,--wrap=memset (Makefile), so every
 * memset call outside glibc comes here. The first memset of zeros over the
 * table is skipped: it is the first write the table ever gets (libcgroup
 * refuses every other call before cgroup_init, and corral calls cgroup_init
 * once), so its bytes are still the loader's zeros. Every other memset,
 * including a second cgroup_init's, is memset. libcgroup still does all the
 * cgroup work; it only does not pay to write zeros over zeros.
 *
 * If a libcgroup has no such symbol, the weak reference is NULL and nothing
 * is skipped. Nothing calls this file: --wrap pulls it from the library, and
 * links without --wrap (unit tests, the dynamic build) leave it out. */
#include <stdbool.h>
#include <stddef.h>

extern char cg_mount_table[] __attribute__((weak));
void *__real_memset(void *s, int c, size_t n);
void *__wrap_memset(void *s, int c, size_t n);

void *__wrap_memset(void *s, int c, size_t n)
{
	static bool table_written;
	if (s == (void *)cg_mount_table && s) {
		bool first = !table_written;
		table_written = true;
		if (first && c == 0)
			return s;
	}
	return __real_memset(s, c, n);
}
