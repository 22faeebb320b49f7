/* replay.c - runs a fuzz target without libFuzzer: every file of the
 * directories (or the files) given on the command line goes through
 * LLVMFuzzerTestOneInput once, in name order. Built with any compiler, it
 * keeps the seed corpus and every input that once crashed a target
 * (tests/fuzz/regress/<target>/) in the normal test suite, with ASan and
 * UBSan in the sanitizer build and under valgrind.
 *
 * usage: replay_<target> DIR|FILE...   (a missing directory counts 0 files)
 * Exit status 0 when every input ran; a crash is the target's own abort.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "fuzz.h"

/* The largest input replayed: seeds and regression inputs are small. */
#define REPLAY_MAX_BYTES ((size_t)16 << 20)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* An exact-size heap copy, so that ASan sees a read past the end. */
	uint8_t *buf = malloc(REPLAY_MAX_BYTES);
	if (!buf) {
		fclose(f);
		return -1;
	}
	size_t n = fread(buf, 1, REPLAY_MAX_BYTES, f);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(buf);
		return -1;
	}
	uint8_t *data = malloc(n ? n : 1);
	if (!data) {
		free(buf);
		return -1;
	}
	memcpy(data, buf, n);
	free(buf);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip(const struct dirent *e)
{
	/* Hidden files and notes (README) are not inputs. */
	return e->d_name[0] != '.' && strcmp(e->d_name, "README") != 0;
}

int main(int argc, char **argv)
{
	unsigned files = 0, errors = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: not there, 0 files\n", argv[i]);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) == 0)
				files++;
			else
				errors++;
			continue;
		}
		struct dirent **list = NULL;
		int n = scandir(argv[i], &list, skip, by_name);
		if (n < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			errors++;
			continue;
		}
		for (int k = 0; k < n; k++) {
			char path[8192];
			snprintf(path, sizeof path, "%s/%s", argv[i], list[k]->d_name);
			struct stat fs;
			if (stat(path, &fs) == 0 && S_ISREG(fs.st_mode)) {
				if (run_file(path) == 0)
					files++;
				else
					errors++;
			}
			free(list[k]);
		}
		free(list);
	}
	printf("replay: %u inputs, %u unreadable\n", files, errors);
	return errors ? 1 : 0;
}
