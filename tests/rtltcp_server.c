/* rtltcp_server.c - an rtl_tcp server for tests, speaking the real protocol
 * over 127.0.0.1 (see capture/rtltcp.c for the byte layout).
 *
 * usage: rtltcp_server [options]
 *   -p PORT     listen on PORT (default 0: any free port); the port is
 *               printed on stdout as "port N" once listening
 *   -i FILE     serve this cu8 recording (default: seeded random bytes)
 *   -L          loop the recording forever (default: serve it once, then
 *               close the connection)
 *   -S SEED     seed of the random bytes (default 1)
 *   -N BYTES    random bytes to serve before closing (default: unlimited)
 *   -r RATE     pace the stream at RATE samples/s (default: as fast as the
 *               client reads)
 *   -d BYTES    close each of the first -c connections after BYTES bytes of
 *               samples (a lost connection)
 *   -c COUNT    connections -d applies to (default 1)
 *   --cut-mean BYTES
 *               close every connection after a random, even number of
 *               bytes of samples, uniform in BYTES/2 .. 3*BYTES/2 (lost
 *               connections, again and again); -x logs each as
 *               "CONN cut POS", POS the stream position (bytes) after the
 *               last byte sent
 *   --cut-seed SEED
 *               seed of those numbers (default 1): the same cuts every run
 *   -m MAGIC    send MAGIC (4 characters) instead of "RTL0"
 *   -t TUNER    tuner type in the header (default 5, R820T)
 *   -g GAINS    gain count in the header (default 29)
 *   -w FILE     append every sample byte sent to FILE
 *   -x FILE     write every command received to FILE, one line each:
 *               "CONN CMD PARAM" (decimal), flushed per line
 *   -a COUNT    exit after COUNT connections ended (default: never)
 *   --file FREQ=PATH
 *               a cu8 recording made at FREQ (Hz, or with k/M/G: 847M,
 *               781.5M); may be repeated (up to 16)
 *   --dir DIR   every DIR/NAME_<freq>M_REST.cu8 (the names of rtl_433 and of
 *               samples/, e.g. "nbiot-lte-gsm_847M_2.4M.cu8") as --file
 *   --tolerance HZ
 *               a frequency command matches a recording made within HZ of
 *               it (default 1000)
 *
 * With --file or --dir the server obeys frequency commands (0x01) as a
 * dongle would: from the next byte on, the stream comes from the recording
 * made at the commanded frequency (a frequency that matches none leaves the
 * current one on). Until a command has matched one, nothing is streamed:
 * the dongle is not tuned yet, so no byte of the wrong recording can be
 * taken for the right one. -x logs every switch as "CONN switch FREQ BYTE",
 * BYTE being the position in the stream (bytes since the first one of all
 * connections) of the first byte of the new recording.
 *
 * The sample stream continues across connections: a client that reconnects
 * gets the bytes that follow the last one sent (as a live dongle would go on
 * producing). Stops on SIGTERM/SIGINT.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

#define MAX_RECORDINGS 16

/* A recording and the frequency it was made at (--file, --dir). */
struct recording {
	double freq_hz;
	char *path;
	uint8_t *data;
	size_t len;
};

struct server {
	const char *in_path;
	int loop;
	uint64_t seed;
	long long random_bytes; /* < 0 unlimited */
	double rate;
	long long drop_after;   /* < 0 never */
	int drop_count;
	char magic[5];
	uint32_t tuner, gains;
	FILE *sent_log;
	FILE *cmd_log;
	int max_conns;
	struct recording recs[MAX_RECORDINGS];
	int n_recs;
	double tolerance_hz;
	long long cut_mean;     /* < 0 never */
	uint64_t cut_rng;

	uint8_t *file;          /* whole recording being served (NULL: random
	                           bytes, or with recordings: not tuned yet) */
	size_t file_len;
	uint64_t pos;           /* bytes of the stream produced so far */
	uint64_t rng;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Up to len bytes of the stream from s->pos; 0 at its end. Does not
 * advance s->pos (the caller does, by what it actually sent). */
static size_t next_bytes(struct server *s, uint8_t *buf, size_t len)
{
	if (s->file) {
		size_t k = 0;
		while (k < len) {
			uint64_t off = s->pos + k;
			if (!s->loop && off >= s->file_len)
				break;
			buf[k] = s->file[off % s->file_len];
			k++;
		}
		return k;
	}
	if (s->random_bytes >= 0 && s->pos + len > (uint64_t)s->random_bytes)
		len = s->pos >= (uint64_t)s->random_bytes ? 0 : (size_t)((uint64_t)s->random_bytes - s->pos);
	/* Byte i of the stream depends only on i and the seed. */
	for (size_t k = 0; k < len; k++) {
		uint64_t x = (s->pos + k) * 0x9E3779B97F4A7C15ULL ^ s->seed;
		x ^= x >> 31;
		x *= 0xBF58476D1CE4E5B9ULL;
		x ^= x >> 29;
		buf[k] = (uint8_t)(x >> 24);
	}
	return len;
}

/* A frequency command switches to the recording made at that frequency:
 * the next byte sent is the byte of the new recording at the same stream
 * position (time goes on, as with a dongle). */
static void obey(struct server *s, int conn, uint32_t freq_hz)
{
	for (int i = 0; i < s->n_recs; i++) {
		struct recording *r = &s->recs[i];
		double off = r->freq_hz - (double)freq_hz;
		if (off > s->tolerance_hz || off < -s->tolerance_hz)
			continue;
		if (s->file != r->data && s->cmd_log) {
			fprintf(s->cmd_log, "%d switch %u %llu\n", conn, (unsigned)freq_hz,
			        (unsigned long long)s->pos);
			fflush(s->cmd_log);
		}
		s->file = r->data;
		s->file_len = r->len;
		return;
	}
}

static void log_cmd(struct server *s, int conn, const uint8_t *c)
{
	uint32_t param = (uint32_t)c[1] << 24 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 8 | c[4];
	if (s->cmd_log) {
		fprintf(s->cmd_log, "%d %u %u\n", conn, (unsigned)c[0], (unsigned)param);
		fflush(s->cmd_log);
	}
	if (c[0] == 0x01)
		obey(s, conn, param);
}

/* After our side is shut: log commands until the client closes (10 s at
 * most). */
static void drain(struct server *s, int fd, int conn, uint8_t *cmd, size_t cmd_fill)
{
	double end = now_s() + 10;
	while (!stop && now_s() < end) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		ssize_t n = recv(fd, cmd + cmd_fill, 5 - cmd_fill, 0);
		if (n <= 0)
			return;
		cmd_fill += (size_t)n;
		if (cmd_fill == 5) {
			log_cmd(s, conn, cmd);
			cmd_fill = 0;
		}
	}
}

/* --cut-mean: the bytes of the next connection, even, in mean/2 .. 3*mean/2
 * (splitmix64 of the seed, so the same on every run). */
static long long next_cut(struct server *s)
{
	uint64_t x = (s->cut_rng += 0x9E3779B97F4A7C15ULL);
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	x ^= x >> 31;
	uint64_t span = (uint64_t)s->cut_mean + 1;
	long long bytes = s->cut_mean / 2 + (long long)(x % span);
	return bytes < 2 ? 2 : bytes & ~1LL;
}

/* Serve one client until it leaves, the stream ends or -d cuts it. */
static void serve(struct server *s, int fd, int conn)
{
	uint8_t hdr[12];
	memcpy(hdr, s->magic, 4);
	put_be32(hdr + 4, s->tuner);
	put_be32(hdr + 8, s->gains);
	if (send(fd, hdr, sizeof hdr, MSG_NOSIGNAL) != (ssize_t)sizeof hdr)
		return;
	long long limit = conn < s->drop_count ? s->drop_after : -1;
	if (s->cut_mean > 0)
		limit = next_cut(s);
	uint64_t sent = 0;
	uint8_t cmd[5];
	size_t cmd_fill = 0;
	uint8_t buf[16384];
	double t0 = now_s();
	int ended = 0;
	while (!stop) {
		short ev = POLLIN;
		size_t want = sizeof buf;
		if (limit >= 0 && sent + want > (uint64_t)limit)
			want = (size_t)((uint64_t)limit - sent);
		if (s->rate > 0) {
			double allowed = (now_s() - t0) * s->rate * 2 - (double)sent;
			if (allowed < (double)want)
				want = allowed > 0 ? (size_t)allowed & ~(size_t)1 : 0;
		}
		/* With recordings by frequency, nothing until tuned to one. */
		if (s->n_recs > 0 && !s->file)
			want = 0;
		if (want > 0 && !ended)
			ev |= POLLOUT;
		struct pollfd pfd = {.fd = fd, .events = ev};
		int rc = poll(&pfd, 1, 5);
		if (rc < 0 && errno != EINTR)
			return;
		if (rc > 0 && (pfd.revents & POLLIN)) {
			ssize_t n = recv(fd, cmd + cmd_fill, sizeof cmd - cmd_fill, 0);
			if (n <= 0)
				return; /* the client left */
			cmd_fill += (size_t)n;
			if (cmd_fill == sizeof cmd) {
				log_cmd(s, conn, cmd);
				cmd_fill = 0;
			}
		}
		if (rc > 0 && (pfd.revents & (POLLERR | POLLHUP))) {
			/* The client left: log the commands it sent before that
			 * (several can wait in the socket behind a hangup). */
			drain(s, fd, conn, cmd, cmd_fill);
			return;
		}
		if (rc > 0 && (pfd.revents & POLLOUT)) {
			size_t k = next_bytes(s, buf, want);
			if (k == 0) {
				/* End of the stream: close after a moment for the
				 * last commands. */
				ended = 1;
				shutdown(fd, SHUT_WR);
				continue;
			}
			ssize_t n = send(fd, buf, k, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				return;
			}
			if (s->sent_log) {
				fwrite(buf, 1, (size_t)n, s->sent_log);
				fflush(s->sent_log);
			}
			s->pos += (uint64_t)n;
			sent += (uint64_t)n;
			if (limit >= 0 && sent >= (uint64_t)limit) {
				/* The cut: no more data, but read what the client
				 * sent (closing with unread bytes would reset the
				 * connection before the client saw all the data). */
				if (s->cmd_log) {
					fprintf(s->cmd_log, "%d cut %llu\n", conn,
					        (unsigned long long)s->pos);
					fflush(s->cmd_log);
				}
				shutdown(fd, SHUT_WR);
				drain(s, fd, conn, cmd, cmd_fill);
				return;
			}
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: rtltcp_server [-p PORT] [-i FILE [-L]] [-S SEED] [-N BYTES] [-r RATE]\n"
	                "       [-d BYTES [-c COUNT]] [-m MAGIC] [-t TUNER] [-g GAINS] [-w FILE]\n"
	                "       [-x FILE] [-a COUNT] [--file FREQ=PATH]... [--dir DIR]\n"
	                "       [--tolerance HZ] [--cut-mean BYTES [--cut-seed SEED]]\n");
}

/* "847000000", "847M", "781.5M", "1.8G", "500k": Hz, or -1. */
static double parse_freq(const char *text)
{
	char *end;
	double v = strtod(text, &end);
	if (end == text || !(v >= 0))
		return -1;
	double unit = 1;
	if (*end == 'k' || *end == 'K')
		unit = 1e3;
	else if (*end == 'M')
		unit = 1e6;
	else if (*end == 'G' || *end == 'g')
		unit = 1e9;
	if (unit != 1)
		end++;
	return *end ? -1 : v * unit;
}

static int read_whole(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	long n = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (n > 0 && fseek(f, 0, SEEK_SET) == 0) {
		*data = malloc((size_t)n);
		if (*data && fread(*data, 1, (size_t)n, f) == (size_t)n) {
			*len = (size_t)n;
			fclose(f);
			return 0;
		}
		free(*data);
		*data = NULL;
	}
	fclose(f);
	fprintf(stderr, "%s: cannot read (or empty)\n", path);
	return -1;
}

static int add_recording(struct server *s, double freq_hz, const char *path)
{
	if (freq_hz <= 0 || freq_hz > 4294967295.0) {
		fprintf(stderr, "%s: no valid frequency\n", path);
		return -1;
	}
	if (s->n_recs == MAX_RECORDINGS) {
		fprintf(stderr, "%s: more than %d recordings\n", path, MAX_RECORDINGS);
		return -1;
	}
	struct recording *r = &s->recs[s->n_recs];
	r->freq_hz = freq_hz;
	r->path = strdup(path);
	if (!r->path || read_whole(path, &r->data, &r->len) != 0) {
		free(r->path);
		r->path = NULL;
		return -1;
	}
	s->n_recs++;
	return 0;
}

/* --file FREQ=PATH */
static int add_file_arg(struct server *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char freq[32];
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof freq) {
		fprintf(stderr, "--file %s: expected FREQ=PATH\n", arg);
		return -1;
	}
	memcpy(freq, arg, (size_t)(eq - arg));
	freq[eq - arg] = '\0';
	return add_recording(s, parse_freq(freq), eq + 1);
}

/* The frequency in a name like "scene_847M_2.4M.cu8": the first
 * "_<number>M_" field. */
static double freq_from_name(const char *name)
{
	for (const char *p = strchr(name, '_'); p; p = strchr(p + 1, '_')) {
		const char *m = p + 1;
		while ((*m >= '0' && *m <= '9') || *m == '.')
			m++;
		if (m > p + 1 && m[0] == 'M' && m[1] == '_') {
			char num[32];
			size_t k = (size_t)(m - (p + 1));
			if (k >= sizeof num)
				continue;
			memcpy(num, p + 1, k);
			num[k] = '\0';
			return strtod(num, NULL) * 1e6;
		}
	}
	return -1;
}

/* --dir DIR: every NAME_<freq>M_REST.cu8 in DIR. */
static int add_dir(struct server *s, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return -1;
	}
	int rc = 0, added = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 4, ".cu8") != 0)
			continue;
		double f = freq_from_name(e->d_name);
		if (f <= 0)
			continue;
		size_t plen = strlen(dir) + n + 2;
		char *path = malloc(plen);
		if (!path) {
			rc = -1;
			break;
		}
		snprintf(path, plen, "%s/%s", dir, e->d_name);
		rc = add_recording(s, f, path);
		free(path);
		added++;
	}
	closedir(d);
	if (rc == 0 && added == 0) {
		fprintf(stderr, "%s: no *_<freq>M_*.cu8 recording\n", dir);
		rc = -1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct server s = {.seed = 1, .random_bytes = -1, .drop_after = -1, .drop_count = 1,
	                   .tuner = 5, .gains = 29, .max_conns = -1, .tolerance_hz = 1000,
	                   .cut_mean = -1, .cut_rng = 1};
	memcpy(s.magic, "RTL0", 5);
	enum { OPT_FILE = 256, OPT_DIR, OPT_TOLERANCE, OPT_CUT_MEAN, OPT_CUT_SEED };
	static const struct option long_opts[] = {
	    {"file", required_argument, NULL, OPT_FILE},
	    {"dir", required_argument, NULL, OPT_DIR},
	    {"tolerance", required_argument, NULL, OPT_TOLERANCE},
	    {"cut-mean", required_argument, NULL, OPT_CUT_MEAN},
	    {"cut-seed", required_argument, NULL, OPT_CUT_SEED},
	    {NULL, 0, NULL, 0},
	};
	int port = 0, c;
	while ((c = getopt_long(argc, argv, "p:i:LS:N:r:d:c:m:t:g:w:x:a:", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_FILE:
			if (add_file_arg(&s, optarg) != 0)
				return 1;
			break;
		case OPT_DIR:
			if (add_dir(&s, optarg) != 0)
				return 1;
			break;
		case OPT_TOLERANCE:
			s.tolerance_hz = parse_freq(optarg);
			if (s.tolerance_hz < 0) {
				usage();
				return 2;
			}
			break;
		case OPT_CUT_MEAN: s.cut_mean = atoll(optarg); break;
		case OPT_CUT_SEED: s.cut_rng = strtoull(optarg, NULL, 0); break;
		case 'p': port = atoi(optarg); break;
		case 'i': s.in_path = optarg; break;
		case 'L': s.loop = 1; break;
		case 'S': s.seed = strtoull(optarg, NULL, 0); break;
		case 'N': s.random_bytes = atoll(optarg); break;
		case 'r': s.rate = atof(optarg); break;
		case 'd': s.drop_after = atoll(optarg); break;
		case 'c': s.drop_count = atoi(optarg); break;
		case 'm':
			if (strlen(optarg) != 4) {
				usage();
				return 2;
			}
			memcpy(s.magic, optarg, 4);
			break;
		case 't': s.tuner = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'g': s.gains = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'w':
			s.sent_log = fopen(optarg, "wb");
			if (!s.sent_log) {
				perror(optarg);
				return 1;
			}
			break;
		case 'x':
			s.cmd_log = fopen(optarg, "w");
			if (!s.cmd_log) {
				perror(optarg);
				return 1;
			}
			break;
		case 'a': s.max_conns = atoi(optarg); break;
		default: usage(); return 2;
		}
	}
	if (s.in_path && s.n_recs > 0) {
		fprintf(stderr, "rtltcp_server: -i and --file/--dir exclude each other\n");
		return 2;
	}
	if (s.in_path) {
		FILE *f = fopen(s.in_path, "rb");
		if (!f) {
			perror(s.in_path);
			return 1;
		}
		fseek(f, 0, SEEK_END);
		long len = ftell(f);
		fseek(f, 0, SEEK_SET);
		s.file = malloc(len > 0 ? (size_t)len : 1);
		if (!s.file || len <= 0 || fread(s.file, 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "%s: cannot read\n", s.in_path);
			return 1;
		}
		s.file_len = (size_t)len;
		fclose(f);
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int ls = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 4) != 0) {
		perror("rtltcp_server: listen");
		return 1;
	}
	socklen_t al = sizeof a;
	getsockname(ls, (struct sockaddr *)&a, &al);
	printf("port %d\n", ntohs(a.sin_port));
	fflush(stdout);

	for (int conn = 0; !stop && (s.max_conns < 0 || conn < s.max_conns); conn++) {
		struct pollfd pfd = {.fd = ls, .events = POLLIN};
		while (!stop && poll(&pfd, 1, 100) <= 0) {
		}
		if (stop)
			break;
		int fd = accept(ls, NULL, NULL);
		if (fd < 0) {
			conn--;
			continue;
		}
		serve(&s, fd, conn);
		close(fd);
	}
	close(ls);
	if (s.sent_log)
		fclose(s.sent_log);
	if (s.cmd_log)
		fclose(s.cmd_log);
	if (s.n_recs == 0)
		free(s.file);
	for (int i = 0; i < s.n_recs; i++) {
		free(s.recs[i].data);
		free(s.recs[i].path);
	}
	return 0;
}
