/* sms.h - short text messages: how many parts a text takes */
#ifndef CRM_SMS_H
#define CRM_SMS_H

#include <stdbool.h>
#include <stddef.h>

/* How a text goes out and in how many parts. */
struct sms_count {
	bool ucs2;     /* false: GSM-7 */
	size_t units;  /* septets (GSM-7; a character of the extension table takes
			* two) or UTF-16 code units (UCS-2) */
	size_t parts;  /* messages it is sent as (1 for an empty text) */
};

/* Count the text s[0..n) (UTF-8): GSM-7 when every character is in the GSM
 * 03.38 basic set or its extension table (160 septets in one message, 153
 * in each part of a longer one), else UCS-2 (70 units in one, 67 in each
 * part). A Polish or Cyrillic letter, or an emoji, makes it UCS-2. */
void sms_count(const char *s, size_t n, struct sms_count *c);

#endif
