/* id.c - time-ordered random ids (Crockford base32) */
#include "id.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "util.h"

static const char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

static uint32_t random20(void)
{
	uint32_t r;
	while (getrandom(&r, sizeof r, 0) != sizeof r)
		if (errno != EINTR)
			crm_die("getrandom");
	return r & 0xFFFFF;
}

void id_new(char *out)
{
	/* Monotonic within the process: a second id in the same millisecond
	 * takes the next random value, as ULID does. */
	static uint64_t last_ms;
	static uint32_t last_rand;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	uint32_t r;
	if (ms <= last_ms) {
		ms = last_ms;
		r = last_rand + 1;
		if (r > 0xFFFFF) {
			ms++;
			r = random20();
		}
	} else {
		r = random20();
	}
	last_ms = ms;
	last_rand = r;
	uint64_t t = ms & ((1ULL << 45) - 1);
	for (int i = 8; i >= 0; i--, t >>= 5)
		out[i] = alphabet[t & 31];
	for (int i = 12; i >= 9; i--, r >>= 5)
		out[i] = alphabet[r & 31];
	out[ID_LEN] = '\0';
}

bool id_valid(const char *s)
{
	size_t n = strlen(s);
	if (n != ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (!strchr(alphabet, c) || !c)
			return false;
	}
	return true;
}
