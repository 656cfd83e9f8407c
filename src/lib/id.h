/* id.h - record ids unique without coordination, sortable by creation time */
#ifndef CRM_ID_H
#define CRM_ID_H

#include <stdbool.h>
#include <stddef.h>

/* 13 characters of lower-case Crockford base32: 9 for the time in
 * milliseconds (good until the year 3084), 4 for 20 random bits. Two clones
 * adding at the same millisecond collide with a chance of one in a million;
 * ids made by one process are strictly increasing. */
#define ID_LEN 13

/* Write a new id and its NUL into out (ID_LEN + 1 bytes). */
void id_new(char *out);

/* True when s looks like an id of this scheme (any case). */
bool id_valid(const char *s);

#endif
