/* fuzz.h - what the libFuzzer targets share: a failed check, a C string
 * of the input, and a customer to test expressions on */
#ifndef CRM_FUZZ_H
#define CRM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold: when it does not, say which and abort, so
 * libFuzzer keeps the input as a crash. */
static inline void fuzz_check(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz: check failed: %s\n", what);
	abort();
}

/* The input as a new NUL-terminated string (a NUL inside ends it early). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The fields an expression may name, of every kind, and two customers:
 * one with a value in each field, one with every field empty. */
static const struct field fuzz_fields[] = {
	{ "id", FK_TEXT },         { "name", FK_TEXT },         { "email", FK_TEXT },
	{ "country", FK_TEXT },    { "tags", FK_LIST },         { "stage", FK_TEXT },
	{ "created", FK_DATE },    { "revenue", FK_NUMBER },    { "contacts", FK_NUMBER },
	{ "last_contact", FK_DATE }, { "avg_rating", FK_NUMBER }, { "city", FK_TEXT },
};
#define FUZZ_NFIELDS (sizeof fuzz_fields / sizeof fuzz_fields[0])

static const char *const fuzz_values[2][FUZZ_NFIELDS] = {
	{ "1m86e40ngwt93", "Łukasz Żółć", "lukasz@example.pl", "PL", "vip; b2b;ŻÓŁW", "customer",
	  "2025-01-14T09:00:00Z", "279950", "12", "2026-10-02T10:00:00Z", "4.5", "Kraków" },
	{ "", "", "", "", "", "", "", "", "", "", "", "" },
};

static inline const char *fuzz_get(void *ctx, size_t field, size_t *len)
{
	const char *const *v = ctx;
	*len = strlen(v[field]);
	return v[field];
}

/* 2026-11-22T10:00:00Z: relative dates are counted from here. */
#define FUZZ_NOW ((crm_time)1795341600)

#endif
