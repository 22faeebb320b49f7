/* test_sink_mqtt.c - MQTT against a real mosquitto broker started here on
 * 127.0.0.1 (a free port): events published with QoS 1 reach a subscriber
 * on <prefix>/<sensor>/<type>; the broker is stopped mid-run and restarted,
 * and every event written meanwhile arrives (the on-disk queue replays);
 * a queue left by a run that could not deliver is sent by the next run.
 * Skipped (77) when mosquitto is not installed. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "simsweep/block.h"
#include "simsweep/mqtt.h"
#include "simsweep/sink.h"

#define MAX_SEQ 4096

static char dir[256];
static char conf[512];
static int port;
static pid_t broker = -1;

struct rx {
	mtx_t lock;
	int subscribed;
	int seen[MAX_SEQ]; /* per seq of the main session */
	long total, dups, bad_topic, other_uid;
	char uid[64];  /* the session counted in seen[] */
	long replayed; /* messages of other sessions (the replay test) */
};

static struct rx rx;

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

static const char *find_mosquitto(void)
{
	const char *env = getenv("SIMSWEEP_MOSQUITTO");
	if (env && access(env, X_OK) == 0)
		return env;
	static const char *const paths[] = {"/usr/sbin/mosquitto", "/usr/bin/mosquitto",
	                                    "/usr/local/sbin/mosquitto",
	                                    "/usr/local/bin/mosquitto"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return ntohs(a.sin_port);
}

static int port_open(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static int start_broker(const char *bin)
{
	broker = fork();
	if (broker == 0) {
		char log[600];
		snprintf(log, sizeof(log), "%s/broker.log", dir);
		if (!freopen(log, "a", stdout) || !freopen(log, "a", stderr))
			_exit(127);
		execl(bin, bin, "-c", conf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) {
		if (port_open())
			return 0;
		sleep_s(0.05);
	}
	return -1;
}

static void stop_broker(void)
{
	if (broker > 0) {
		kill(broker, SIGTERM);
		waitpid(broker, NULL, 0);
		broker = -1;
	}
}

static void on_connect(struct mosquitto *m, void *ctx, int rc)
{
	(void)ctx;
	if (rc == 0)
		mosquitto_subscribe(m, NULL, "test/+/+", 1);
}

static void on_subscribe(struct mosquitto *m, void *ctx, int mid, int n, const int *granted)
{
	(void)m;
	(void)ctx;
	(void)mid;
	(void)n;
	(void)granted;
	mtx_lock(&rx.lock);
	rx.subscribed = 1;
	mtx_unlock(&rx.lock);
}

static void on_message(struct mosquitto *m, void *ctx, const struct mosquitto_message *msg)
{
	(void)m;
	(void)ctx;
	char *text = malloc((size_t)msg->payloadlen + 1);
	memcpy(text, msg->payload, (size_t)msg->payloadlen);
	text[msg->payloadlen] = '\0';
	cJSON *j = cJSON_Parse(text);
	free(text);
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "seq");
	const cJSON *uid = cJSON_GetObjectItemCaseSensitive(j, "uid");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
	mtx_lock(&rx.lock);
	rx.total++;
	char want[128] = "";
	if (cJSON_IsString(type))
		snprintf(want, sizeof(want), "test/s1/%s", type->valuestring);
	if (strcmp(msg->topic, want) != 0)
		rx.bad_topic++;
	if (cJSON_IsNumber(seq) && cJSON_IsString(uid)) {
		if (!rx.uid[0])
			snprintf(rx.uid, sizeof(rx.uid), "%s", uid->valuestring);
		int s = (int)seq->valuedouble;
		if (!strcmp(rx.uid, uid->valuestring) && s > 0 && s < MAX_SEQ) {
			if (rx.seen[s]++)
				rx.dups++;
		} else {
			rx.replayed++;
		}
	}
	mtx_unlock(&rx.lock);
	cJSON_Delete(j);
}

static int seen_all(int n)
{
	mtx_lock(&rx.lock);
	int ok = 1;
	for (int s = 1; s <= n; s++)
		ok &= rx.seen[s] > 0;
	mtx_unlock(&rx.lock);
	return ok;
}

static int wait_all(int n, double timeout_s)
{
	for (double t = 0; t < timeout_s; t += 0.05) {
		if (seen_all(n))
			return 1;
		sleep_s(0.05);
	}
	return seen_all(n);
}

static long lines_in(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	long n = 0;
	int c;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static struct burst burst_at(int i)
{
	struct burst b = {.type = BURST_TYPE_BURST,
	                  .sample = (uint64_t)i * 1000,
	                  .n_samples = 100,
	                  .rate_hz = 2.4e6,
	                  .freq_hz = 847.1e6,
	                  .freq_offset_hz = 1e5,
	                  .bandwidth_hz = 180e3,
	                  .power_dbfs = -20,
	                  .snr_db = 20,
	                  .noise_dbfs = -40,
	                  .utc_ns = SIMSWEEP_UTC_UNKNOWN};
	b.start_s = (double)b.sample / b.rate_hz;
	b.duration_s = 100 / 2.4e6;
	return b;
}

int main(void)
{
	const char *bin = find_mosquitto();
	if (!bin) {
		fprintf(stderr, "sink_mqtt: mosquitto not installed: skipped\n");
		return CHECK_SKIP;
	}
	snprintf(dir, sizeof(dir), "/tmp/simsweep-mqtt-XXXXXX");
	if (!mkdtemp(dir) || (port = free_port()) < 0)
		return 1;
	chmod(dir, 0777); /* a broker started as root may drop to its own user */
	snprintf(conf, sizeof(conf), "%s/mosquitto.conf", dir);
	FILE *cf = fopen(conf, "w");
	fprintf(cf,
	        "listener %d 127.0.0.1\nallow_anonymous true\npersistence true\n"
	        "persistence_location %s/\n%s",
	        port, dir, geteuid() == 0 ? "user root\n" : "");
	fclose(cf);
	CHECK(start_broker(bin) == 0);

	/* the URL parser */
	struct mqtt_url u;
	CHECK(mqtt_parse_url("mqtt://user:pw@host.example:1884/site/a", &u) == 0);
	CHECK(!strcmp(u.host, "host.example") && u.port == 1884 && !strcmp(u.prefix, "site/a") &&
	      !strcmp(u.user, "user") && !strcmp(u.password, "pw") && !u.tls);
	CHECK(mqtt_parse_url("mqtts://h", &u) == 0 && u.port == 8883 && u.tls &&
	      !strcmp(u.prefix, "simsweep"));
	CHECK(mqtt_parse_url("http://h/x", &u) != 0);
	CHECK(mqtt_parse_url("mqtt://h:99999/x", &u) != 0);
	CHECK(mqtt_parse_url("mqtt://h/a/#", &u) != 0);
	CHECK(mqtt_parse_url("mqtt:///x", &u) != 0);

	/* the subscriber: a persistent session, so that the broker keeps its
	 * messages across the restart */
	mtx_init(&rx.lock, mtx_plain);
	mosquitto_lib_init();
	struct mosquitto *sub = mosquitto_new("simsweep-test-sub", false, NULL);
	mosquitto_connect_callback_set(sub, on_connect);
	mosquitto_subscribe_callback_set(sub, on_subscribe);
	mosquitto_message_callback_set(sub, on_message);
	mosquitto_reconnect_delay_set(sub, 1, 1, false);
	CHECK(mosquitto_connect(sub, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS);
	mosquitto_loop_start(sub);
	for (int i = 0; i < 100 && !rx.subscribed; i++)
		sleep_s(0.05);
	CHECK(rx.subscribed);

	char url[128], queue[512];
	snprintf(url, sizeof(url), "mqtt://127.0.0.1:%d/test", port);
	snprintf(queue, sizeof(queue), "%s/s1.queue", dir);
	struct sink_options o;
	sink_options_default(&o);
	o.format = SINK_FORMAT_NONE;
	o.mqtt_url = url;
	o.mqtt_queue = queue;
	o.session.sensor = "s1";
	o.session.operator_name = "tester";
	struct sink_list *l;
	char err[512];
	CHECK(sink_list_open(&o, &l, err, sizeof(err)) == 0);
	/* seq 1 is the session message */
	const int n1 = 20, n2 = 30;
	for (int i = 0; i < n1; i++) {
		struct burst b = burst_at(i);
		CHECK(sink_list_write_burst(l, &b, "rec.cu8") == 0);
	}
	struct tracker_event al = {.type = TRACKER_EVENT_ALERT,
	                           .alert_id = 1,
	                           .severity = "medium",
	                           .reason = "r",
	                           .class_id = "nb-iot",
	                           .freq_hz = 847.1e6,
	                           .period_s = NAN,
	                           .jitter_s = NAN,
	                           .utc_ns = SIMSWEEP_UTC_UNKNOWN,
	                           .uplink = 1};
	CHECK(sink_list_write_event(l, &al) == 0);
	int sent = 1 + n1 + 1;
	CHECK(wait_all(sent, 10));

	/* the broker goes away in the middle of the run */
	stop_broker();
	for (int i = 0; i < n2; i++) {
		struct burst b = burst_at(n1 + i);
		CHECK(sink_list_write_burst(l, &b, "rec.cu8") == 0);
	}
	sent += n2;
	sleep_s(0.3);
	CHECK(lines_in(queue) >= n2); /* waiting on disk */
	CHECK(!seen_all(sent));
	/* and comes back */
	CHECK(start_broker(bin) == 0);
	CHECK(wait_all(sent, 30));
	CHECK(sink_list_close(l) == 0);
	CHECK(access(queue, F_OK) != 0); /* delivered: no queue left */
	mtx_lock(&rx.lock);
	CHECK_EQ_INT(rx.bad_topic, 0);
	fprintf(stderr, "sink_mqtt: %d sent, %ld received (%ld duplicates)\n", sent, rx.total,
	        rx.dups);
	mtx_unlock(&rx.lock);

	/* a run that ends while the broker is away leaves its queue; the next
	 * run sends it first */
	stop_broker();
	o.mqtt_flush_timeout_s = 0.2;
	CHECK(sink_list_open(&o, &l, err, sizeof(err)) == 0);
	for (int i = 0; i < 5; i++) {
		struct burst b = burst_at(i);
		CHECK(sink_list_write_burst(l, &b, "later.cu8") == 0);
	}
	CHECK(sink_list_close(l) == 0);
	CHECK_EQ_INT(lines_in(queue), 6); /* session + 5 bursts */
	CHECK(start_broker(bin) == 0);
	o.mqtt_flush_timeout_s = 10;
	CHECK(sink_list_open(&o, &l, err, sizeof(err)) == 0);
	CHECK(sink_list_close(l) == 0);
	for (int i = 0; i < 200; i++) {
		mtx_lock(&rx.lock);
		long r = rx.replayed;
		mtx_unlock(&rx.lock);
		if (r >= 7) /* the 6 left over and the new session message */
			break;
		sleep_s(0.05);
	}
	mtx_lock(&rx.lock);
	CHECK(rx.replayed >= 7);
	mtx_unlock(&rx.lock);
	CHECK(access(queue, F_OK) != 0);

	/* a queue that cannot be written is an error naming it */
	o.mqtt_queue = "/nonexistent-dir/q";
	CHECK(sink_list_open(&o, &l, err, sizeof(err)) != 0);
	CHECK(strstr(err, "/nonexistent-dir/q") != NULL);
	o.mqtt_queue = queue;
	o.mqtt_url = "mqtt:///nohost";
	CHECK(sink_list_open(&o, &l, err, sizeof(err)) != 0);
	CHECK(strstr(err, "mqtt:///nohost") != NULL);

	mosquitto_disconnect(sub);
	mosquitto_loop_stop(sub, true);
	mosquitto_destroy(sub);
	mosquitto_lib_cleanup();
	stop_broker();
	mtx_destroy(&rx.lock);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done("sink_mqtt");
}
