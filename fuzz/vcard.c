/* vcard.c - fuzz the vCard reader: cards read without a crash, the reader
 * always moves on, a card taken has a name, and a card taken (in valid
 * UTF-8), written back as vCard 4.0, reads back as one card with the same
 * name and e-mail */
#include "fuzz.h"

#include "rec.h"
#include "utf8.h"
#include "vcard.h"

/* No control characters: a lone CR or a tab in a value is kept as read,
 * but white space around a value written is not promised back. */
static bool plain(const char *s)
{
	for (const unsigned char *t = (const unsigned char *)s; *t; t++)
		if (*t < 0x20 || *t == 0x7f)
			return false;
	return true;
}

static void same_back(const struct vcard *c)
{
	struct hdr cols = { 0 };
	struct rec r = { 0 };
	for (size_t f = 0; f < VC_NFIELDS; f++) {
		hdr_push(&cols, vcard_columns[f]);
		rec_push(&r, c->v[f], strlen(c->v[f]));
	}
	struct sb out = { 0 };
	vcard_put(&out, &cols, &r);
	struct vcardin in;
	struct vcard back = { 0 };
	vcardin_init(&in, out.s, out.len);
	fuzz_check(vcard_next(&in, &back) == 1, "a card written reads back");
	fuzz_check(back.err == NULL, "a card written is taken");
	fuzz_check(!strcmp(back.v[VC_NAME], c->v[VC_NAME]), "the name reads back");
	fuzz_check(!strcmp(back.v[VC_EMAIL], c->v[VC_EMAIL]), "the e-mail reads back");
	/* tags are not compared: a category may hold a ';', the separator of
	 * a tag list, and then comes back as two tags */
	vcard_free(&back);
	struct vcard none = { 0 };
	fuzz_check(vcard_next(&in, &none) == 0, "nothing after the card written");
	sb_free(&out);
	rec_free(&r);
	hdr_free(&cols);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	(void)vcard_sniff(buf, size);
	struct vcardin in;
	vcardin_init(&in, buf, size);
	size_t pos = 0;
	for (;;) {
		struct vcard c = { 0 };
		int k = vcard_next(&in, &c);
		if (k == 0) {
			vcard_free(&c);
			break;
		}
		fuzz_check(in.pos > pos && in.pos <= size, "the reader moves on inside the input");
		pos = in.pos;
		if (!c.err) {
			/* a value declared UTF-8 but holding other bytes is
			 * passed on: the customer's validation names its line */
			bool utf8 = true;
			for (size_t f = 0; f < VC_NFIELDS; f++) {
				fuzz_check(c.v[f] != NULL, "a card taken has every field");
				utf8 = utf8 && u8_valid(c.v[f], strlen(c.v[f]), NULL);
			}
			fuzz_check(c.v[VC_NAME][0] != '\0', "a card taken has a name");
			if (utf8 && plain(c.v[VC_NAME]) && plain(c.v[VC_EMAIL]))
				same_back(&c);
		}
		vcard_free(&c);
	}
	return 0;
}
