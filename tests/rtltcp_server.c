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
 *   -m MAGIC    send MAGIC (4 characters) instead of "RTL0"
 *   -t TUNER    tuner type in the header (default 5, R820T)
 *   -g GAINS    gain count in the header (default 29)
 *   -w FILE     append every sample byte sent to FILE
 *   -x FILE     write every command received to FILE, one line each:
 *               "CONN CMD PARAM" (decimal), flushed per line
 *   -a COUNT    exit after COUNT connections ended (default: never)
 *
 * The sample stream continues across connections: a client that reconnects
 * gets the bytes that follow the last one sent (as a live dongle would go on
 * producing). Stops on SIGTERM/SIGINT.
 */
#include <errno.h>
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

	uint8_t *file;          /* whole recording */
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

static void log_cmd(struct server *s, int conn, const uint8_t *c)
{
	if (!s->cmd_log)
		return;
	uint32_t param = (uint32_t)c[1] << 24 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 8 | c[4];
	fprintf(s->cmd_log, "%d %u %u\n", conn, (unsigned)c[0], (unsigned)param);
	fflush(s->cmd_log);
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
		if (rc > 0 && (pfd.revents & (POLLERR | POLLHUP)))
			return;
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
	                "       [-x FILE] [-a COUNT]\n");
}

int main(int argc, char **argv)
{
	struct server s = {.seed = 1, .random_bytes = -1, .drop_after = -1, .drop_count = 1,
	                   .tuner = 5, .gains = 29, .max_conns = -1};
	memcpy(s.magic, "RTL0", 5);
	int port = 0, c;
	while ((c = getopt(argc, argv, "p:i:LS:N:r:d:c:m:t:g:w:x:a:")) != -1) {
		switch (c) {
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
	free(s.file);
	return 0;
}
