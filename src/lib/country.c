/* country.c - country names to ISO 3166 alpha-2 codes */
#include "country.h"

#include <string.h>

#include "utf8.h"
#include "util.h"

/* Code, alpha-3 code, then the names: English first, then the country's
 * own language(s), then other spellings people use. '|' separates them. */
static const struct {
	const char *code, *alpha3, *names;
} countries[] = {
	{ "AT", "AUT", "Austria|Österreich|Republik Österreich" },
	{ "BE", "BEL", "Belgium|België|Belgique|Belgien" },
	{ "BG", "BGR", "Bulgaria|България|Republic of Bulgaria|Република България" },
	{ "HR", "HRV", "Croatia|Hrvatska|Republika Hrvatska" },
	{ "CY", "CYP", "Cyprus|Κύπρος|Kıbrıs" },
	{ "CZ", "CZE", "Czechia|Czech Republic|Česko|Česká republika" },
	{ "DK", "DNK", "Denmark|Danmark" },
	{ "EE", "EST", "Estonia|Eesti" },
	{ "FI", "FIN", "Finland|Suomi" },
	{ "FR", "FRA", "France|République française" },
	{ "DE", "DEU", "Germany|Deutschland|Bundesrepublik Deutschland" },
	{ "GR", "GRC", "Greece|Ελλάδα|Ελλάς|Hellas" },
	{ "HU", "HUN", "Hungary|Magyarország" },
	{ "IE", "IRL", "Ireland|Éire|Republic of Ireland" },
	{ "IT", "ITA", "Italy|Italia" },
	{ "LV", "LVA", "Latvia|Latvija" },
	{ "LT", "LTU", "Lithuania|Lietuva" },
	{ "LU", "LUX", "Luxembourg|Lëtzebuerg|Luxemburg" },
	{ "MT", "MLT", "Malta" },
	{ "NL", "NLD", "Netherlands|The Netherlands|Nederland|Holland" },
	{ "PL", "POL", "Poland|Polska|Rzeczpospolita Polska" },
	{ "PT", "PRT", "Portugal" },
	{ "RO", "ROU", "Romania|România" },
	{ "SK", "SVK", "Slovakia|Slovak Republic|Slovensko|Slovenská republika" },
	{ "SI", "SVN", "Slovenia|Slovenija" },
	{ "ES", "ESP", "Spain|España" },
	{ "SE", "SWE", "Sweden|Sverige" },
	{ "UA", "UKR", "Ukraine|Україна" },
	{ "RU", "RUS", "Russia|Russian Federation|Россия|Российская Федерация" },
	{ "US", "USA", "United States|United States of America|U.S.A.|U.S.|America" },
	{ "GB", "GBR", "United Kingdom|UK|U.K.|Great Britain|Britain|England|Scotland|Wales|"
		       "Northern Ireland" },
	{ "CH", "CHE", "Switzerland|Schweiz|Suisse|Svizzera|Svizra" },
	{ "NO", "NOR", "Norway|Norge|Noreg" },
};

#define NCOUNTRIES (sizeof countries / sizeof countries[0])

static void fold(const char *s, size_t n, struct sb *out)
{
	sb_reset(out);
	u8_fold(s, n, true, out);
	sb_str(out);
}

/* Whether the folded key is one of the '|'-separated names. */
static bool among(const char *key, const char *names, struct sb *tmp)
{
	const char *p = names;
	for (;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		fold(p, n, tmp);
		if (!strcmp(tmp->s, key))
			return true;
		if (!bar)
			return false;
		p = bar + 1;
	}
}

bool country_code(const char *name, char code[3])
{
	code[0] = '\0';
	while (*name == ' ' || *name == '\t')
		name++;
	size_t n = strlen(name);
	while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	if (!n)
		return false;
	struct sb key = { 0 }, tmp = { 0 };
	fold(name, n, &key);
	bool found = false;
	for (size_t i = 0; i < NCOUNTRIES && !found; i++) {
		if ((n == 3 && ascii_ieq(key.s, countries[i].alpha3)) ||
		    among(key.s, countries[i].names, &tmp)) {
			memcpy(code, countries[i].code, 3);
			found = true;
		}
	}
	sb_free(&key);
	sb_free(&tmp);
	if (found)
		return true;
	if (n == 2 && ((name[0] | 32) >= 'a' && (name[0] | 32) <= 'z') &&
	    ((name[1] | 32) >= 'a' && (name[1] | 32) <= 'z')) {
		code[0] = (char)(name[0] & ~32);
		code[1] = (char)(name[1] & ~32);
		code[2] = '\0';
		return true;
	}
	return false;
}
