/* validsame.c - valid_event_clean (the quick look of crm-check at a line
 * read by the projection reader) must never pass a line that valid_event
 * finds a problem in. Lines are made from every key valid_event looks at
 * given each of many values (right and wrong types, empty strings, nulls,
 * times in other forms, numbers at and past the limits, escapes) on top of
 * a clean line of each type, and the files named on the command line are
 * read too. Exit 0 when the two agree, 1 with the first differences. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "jsonl.h"
#include "proj.h"
#include "valid.h"

static long lines, clean, differ;

static void count(void *ctx, const char *field, const char *msg)
{
	(void)field;
	(void)msg;
	(*(long *)ctx)++;
}

static void one(const char *s, size_t n)
{
	struct proj p = { 0 };
	char err[200];
	if (proj_line(&p, s, n, err, sizeof err) == 1) {
		lines++;
		bool ok = valid_event_clean(&p);
		json_t *o = jsonl_parse(s, n, err, sizeof err);
		long problems = 0;
		if (o)
			valid_event(o, count, &problems);
		json_decref(o);
		clean += ok;
		if (ok && (problems || !o) && differ++ < 10)
			printf("clean, but valid_event says %ld: %.*s\n", problems, (int)n, s);
	}
	proj_free(&p);
}

static const char *const keys[] = { "id", "ts", "customer", "type", "channel", "direction",
				    "amount", "currency", "rating", "score", "due", "close",
				    "ref", "stage", "probability" };
static const char *const values[] = {
	"\"\"", "null", "true", "0", "-0", "1", "5", "6", "10", "11", "100", "101", "-1",
	"1.0", "1e2", "12999", "9223372036854775807", "-9223372036854775808", "[]", "{}",
	"\"x\"", "\"note\"", "\"done\"", "\"deal\"", "\"task\"", "\"fax\"", "\"phone\"",
	"\"pigeon\"", "\"in\"", "\"out\"", "\"IN\"", "\"PLN\"", "\"pln\"", "\"ZZZ\"", "\"EURO\"",
	"\"new\"", "\"won\"", "\"maybe\"", "\"2026-04-01T10:00:00Z\"", "\"2026-04-01T10:00:60Z\"",
	"\"2026-04-01T24:00:00Z\"", "\"2026-04-01 10:00\"", "\"2026-02-30T10:00:00Z\"",
	"\"2026-04-01t10:00:00z\"", "\"2026-04-01T10:00:00+01:00\"", "\"2026-04-01\"",
	"\"2026-04-0\\u0031T10:00:00Z\"", "\"n\\u006fte\"", "\"\\u0000\"", "\"01aaaaaaaaaaa\"",
	"\"2026-04-01T10:00:00.5Z\"", "\"0000-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"",
};
static const char *const bases[] = {
	"\"id\":\"02a\",\"ts\":\"2026-04-01T10:00:00Z\",\"customer\":\"01a\",\"type\":\"note\"",
	"\"id\":\"02a\",\"ts\":\"2026-04-01T10:00:00Z\",\"customer\":\"01a\",\"type\":\"purchase\",\"channel\":\"shop\",\"amount\":100,\"currency\":\"PLN\"",
	"\"id\":\"02a\",\"ts\":\"2026-04-01T10:00:00Z\",\"customer\":\"01a\",\"type\":\"done\",\"ref\":\"02b\"",
	"\"id\":\"02a\",\"ts\":\"2026-04-01T10:00:00Z\",\"customer\":\"01a\",\"type\":\"deal\",\"stage\":\"new\",\"probability\":10,\"close\":\"2026-06-30T00:00:00Z\"",
	"\"id\":\"02a\",\"ts\":\"2026-04-01T10:00:00Z\",\"customer\":\"01a\",\"type\":\"survey\",\"rating\":5,\"score\":10",
	"\"id\":\"02a\",\"ts\":\"2026-04-01T10:00:00Z\",\"customer\":\"01a\",\"type\":\"call\",\"channel\":\"phone\",\"direction\":\"in\"",
	"\"id\":\"02a\",\"ts\":\"2026-04-01T10:00:00Z\",\"customer\":\"01a\",\"type\":\"task\",\"due\":\"2026-04-08T10:00:00Z\"",
};

int main(int argc, char **argv)
{
	char line[1024];
	for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
		int n = snprintf(line, sizeof line, "{%s}", bases[b]);
		one(line, (size_t)n);
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
				/* the key replaced where the base has it, else added */
				char key[40];
				snprintf(key, sizeof key, "\"%s\":", keys[k]);
				const char *at = strstr(bases[b], key);
				if (at) {
					const char *end = at + strlen(key);
					if (*end == '"') {
						end = strchr(end + 1, '"') + 1;
					} else {
						while (*end && *end != ',')
							end++;
					}
					n = snprintf(line, sizeof line, "{%.*s%s%s%s}", (int)(at - bases[b]),
						     bases[b], key, values[v], end);
				} else {
					n = snprintf(line, sizeof line, "{%s,%s%s}", bases[b], key, values[v]);
				}
				one(line, (size_t)n);
				/* and left out */
				if (at) {
					const char *end = at + strlen(key);
					if (*end == '"')
						end = strchr(end + 1, '"') + 1;
					else
						while (*end && *end != ',')
							end++;
					if (*end == ',')
						end++;
					n = snprintf(line, sizeof line, "{%.*s%s}", (int)(at - bases[b]), bases[b], end);
					if (n > 2 && line[n - 2] == ',')
						line[n - 2] = '}', line[--n] = '\0';
					one(line, (size_t)n);
				}
			}
	}
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		char *l = NULL;
		size_t cap = 0;
		ssize_t n;
		while ((n = getline(&l, &cap, f)) > 0) {
			if (l[n - 1] == '\n')
				n--;
			one(l, (size_t)n);
		}
		free(l);
		fclose(f);
	}
	printf("%ld lines read, %ld clean, %ld differ\n", lines, clean, differ);
	return differ ? 1 : 0;
}
