/* replay.c: run a fuzz target's entry point over files, without libFuzzer.
 *
 * make check builds each target with gcc, ASan and UBSan against this main,
 * and replays the seed and regression corpus: every input once. One TAP line
 * per corpus: "ok - NAME: N inputs". A crash or sanitizer report aborts. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	uint8_t *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s NAME DIR|FILE...\n", argv[0]);
		return 2;
	}
	unsigned count = 0;
	for (int i = 2; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			printf("not ok - %s: %s missing\n", argv[1], argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			count += run_file(argv[i]) == 0;
			continue;
		}
		struct dirent **list;
		int n = scandir(argv[i], &list, NULL, alphasort);
		for (int j = 0; j < n; j++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], list[j]->d_name);
			if (list[j]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				fprintf(stderr, "# %s\n", path);
				count += run_file(path) == 0;
			}
			free(list[j]);
		}
		free(list);
	}
	printf("%s - %s: %u inputs\n", count ? "ok" : "not ok", argv[1], count);
	return count ? 0 : 1;
}
