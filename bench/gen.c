/* gen - deterministic test data for the crm benchmark
 *
 * usage: gen DIR NCUST NINTER
 *
 * Writes DIR/customers.csv (NCUST rows), DIR/interactions.jsonl (NINTER
 * lines) and DIR/crm.conf. The same arguments always give the same bytes:
 * all randomness comes from one splitmix64 stream with a fixed seed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SEED 0x5eed2026c0ffee01ULL
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- random numbers ---------------------------------------------------- */

static uint64_t rng_state = SEED;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n) (n > 0); for the small n used here the bias of the
 * remainder is below 1e-12 */
static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

/* uniform in [lo, hi] */
static int64_t range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)below((uint64_t)(hi - lo + 1));
}

/* true with probability per/1000 */
static int chance(unsigned per_mille)
{
	return below(1000) < per_mille;
}

#define PICK(a) ((a)[below(N(a))])

/* ---- output ------------------------------------------------------------ */

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static FILE *create(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	static char *bufs[3];
	static int nb;
	if (nb < 3) {
		bufs[nb] = malloc(1 << 20);
		if (bufs[nb])
			setvbuf(f, bufs[nb], _IOFBF, 1 << 20);
		nb++;
	}
	return f;
}

static void finish(FILE *f, const char *name)
{
	if (fflush(f) || ferror(f) || fclose(f))
		die("%s: write error", name);
}

/* A small growable string. */
struct str {
	char *s;
	size_t n, cap;
};

static void put(struct str *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			die("out of memory");
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void puts_(struct str *b, const char *s)
{
	put(b, s, strlen(s));
}

static void putf(struct str *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	put(b, tmp, (size_t)n);
}

/* ---- dates ------------------------------------------------------------- */

/* days since 1970-01-01 of a civil date, and back */
static int64_t days_of(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* YYYY-MM-DDThh:mm:ssZ of a time in seconds (1970 to 9999) */
static void fmt_time(char out[21], int64_t t)
{
	int y, m, d;
	civil(t / 86400, &y, &m, &d);
	unsigned s = (unsigned)(t % 86400);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y % 10000,
		 (unsigned)m % 100, (unsigned)d % 100, s / 3600, s / 60 % 60, s % 60);
	memcpy(out, tmp, 21);
}

/* ---- ids --------------------------------------------------------------- */

static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz";

/* 13 characters: 9 of the millisecond time, 4 of a random part */
static void make_id(char out[14], uint64_t ms)
{
	uint64_t t = ms & ((1ULL << 45) - 1);
	uint32_t r = (uint32_t)(rnd() & 0xFFFFF);
	for (int i = 8; i >= 0; i--, t >>= 5)
		out[i] = b32[t & 31];
	for (int i = 12; i >= 9; i--, r >>= 5)
		out[i] = b32[r & 31];
	out[13] = '\0';
}

/* ---- UTF-8 ------------------------------------------------------------- */

static size_t dec(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*cp = (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	*cp = (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	return 3;
}

static void enc(struct str *b, unsigned cp)
{
	char t[3];
	if (cp < 0x80) {
		t[0] = (char)cp;
		put(b, t, 1);
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | cp >> 6);
		t[1] = (char)(0x80 | (cp & 0x3F));
		put(b, t, 2);
	} else {
		t[0] = (char)(0xE0 | cp >> 12);
		t[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		put(b, t, 3);
	}
}

/* Upper case of the letters the name lists use (Latin-1, Latin
 * Extended-A, basic Cyrillic). */
static unsigned upper(unsigned c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return c - 0x20;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c & ~1u;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c : c - 1;
	if (c >= 0x430 && c <= 0x44F)
		return c - 0x20;
	return c;
}

static void put_upper(struct str *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c;
		p += dec(p, &c);
		enc(b, upper(c));
	}
}

/* ASCII spelling of a letter, lower case, for e-mail addresses. */
static const struct {
	unsigned cp;
	const char *a;
} latin[] = {
	{ 0xDF, "ss" }, { 0xE1, "a" },  { 0xE4, "ae" }, { 0xE9, "e" },  { 0xED, "i" },
	{ 0xF3, "o" },  { 0xF6, "oe" }, { 0xFA, "u" },  { 0xFC, "ue" }, { 0xFD, "y" },
	{ 0x105, "a" }, { 0x107, "c" }, { 0x10D, "c" }, { 0x10F, "d" }, { 0x119, "e" },
	{ 0x11B, "e" }, { 0x142, "l" }, { 0x144, "n" }, { 0x148, "n" }, { 0x159, "r" },
	{ 0x15B, "s" }, { 0x161, "s" }, { 0x165, "t" }, { 0x16F, "u" }, { 0x17A, "z" },
	{ 0x17C, "z" }, { 0x17E, "z" },
};

/* Bulgarian romanisation, а..я */
static const char *const cyr[32] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
	"r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "sht", "a", "", "y", "", "yu", "ya",
};

static void put_ascii(struct str *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c;
		p += dec(p, &c);
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			char ch = (char)c;
			put(b, &ch, 1);
			continue;
		}
		if (c >= 0x410 && c <= 0x42F)
			c += 0x20;
		if (c >= 0x430 && c <= 0x44F) {
			puts_(b, cyr[c - 0x430]);
			continue;
		}
		for (size_t i = 0; i < N(latin); i++)
			if (latin[i].cp == c || upper(latin[i].cp) == c) {
				puts_(b, latin[i].a);
				break;
			}
	}
}

/* ---- the people --------------------------------------------------------- */

enum { PL, CZ, BG, DE, NCOUNTRY };
static const char *const country_code[] = { "PL", "CZ", "BG", "DE" };

struct names {
	const char *const *male, *const *female, *const *msur, *const *fsur;
	size_t nmale, nfemale, nsur; /* msur and fsur are parallel */
	const char *const *city;
	size_t ncity;
};

static const char *const pl_m[] = {
	"Łukasz", "Grzegorz", "Paweł", "Piotr", "Krzysztof", "Tomasz", "Michał", "Wojciech",
	"Jakub", "Mateusz", "Andrzej", "Marek", "Jarosław", "Zbigniew", "Bartłomiej",
	"Przemysław", "Stanisław", "Maciej", "Jędrzej", "Łukasz", "Kazimierz", "Rafał",
};
static const char *const pl_f[] = {
	"Żaneta", "Agnieszka", "Małgorzata", "Katarzyna", "Anna", "Joanna", "Ewa",
	"Magdalena", "Aleksandra", "Beata", "Dorota", "Jadwiga", "Grażyna", "Bożena",
	"Zofia", "Urszula", "Elżbieta", "Jolanta", "Marzena", "Żaneta",
};
static const char *const pl_ms[] = {
	"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
	"Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
	"Krawczyk", "Brzęczyszczykiewicz", "Żółć", "Gołębiowski", "Sołtys", "Łęcki",
	"Łukaszewicz", "Grzybowski", "Pająk", "Ślusarczyk",
};
static const char *const pl_fs[] = {
	"Nowak", "Kowalska", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamińska", "Lewandowska",
	"Zielińska", "Szymańska", "Woźniak", "Dąbrowska", "Kozłowska", "Jankowska", "Mazur",
	"Krawczyk", "Brzęczyszczykiewicz", "Żółć", "Gołębiowska", "Sołtys", "Łęcka",
	"Łukaszewicz", "Grzybowska", "Pająk", "Ślusarczyk",
};
static const char *const pl_city[] = {
	"Kraków", "Warszawa", "Gdańsk", "Wrocław", "Łódź", "Poznań", "Szczecin", "Lublin",
	"Białystok", "Katowice", "Rzeszów", "Toruń", "Bydgoszcz", "Częstochowa", "Zielona Góra",
};

static const char *const cz_m[] = {
	"Jiří", "Jan", "Petr", "Josef", "Pavel", "Tomáš", "Martin", "Jaroslav", "Miroslav",
	"Zdeněk", "Václav", "Michal", "František", "Lukáš", "Ondřej", "Radek",
};
static const char *const cz_f[] = {
	"Jana", "Marie", "Eva", "Hana", "Anna", "Lenka", "Kateřina", "Lucie", "Věra",
	"Alena", "Petra", "Veronika", "Tereza", "Zuzana", "Markéta", "Jiřina",
};
static const char *const cz_ms[] = {
	"Novák", "Svoboda", "Novotný", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý",
	"Horák", "Němec", "Pokorný", "Marek", "Růžička", "Hájek", "Jelínek", "Král",
	"Beneš", "Fiala", "Šťastný", "Řezníček",
};
static const char *const cz_fs[] = {
	"Nováková", "Svobodová", "Novotná", "Dvořáková", "Černá", "Procházková", "Kučerová",
	"Veselá", "Horáková", "Němcová", "Pokorná", "Marková", "Růžičková", "Hájková",
	"Jelínková", "Králová", "Benešová", "Fialová", "Šťastná", "Řezníčková",
};
static const char *const cz_city[] = {
	"Praha", "Brno", "Ostrava", "Plzeň", "Liberec", "Olomouc", "České Budějovice",
	"Hradec Králové", "Ústí nad Labem", "Pardubice", "Zlín", "Jihlava",
};

static const char *const bg_m[] = {
	"Петър", "Георги", "Иван", "Димитър", "Николай", "Христо", "Стоян", "Йордан",
	"Васил", "Тодор", "Атанас", "Красимир", "Борис", "Калоян", "Любомир",
};
static const char *const bg_f[] = {
	"Мария", "Иванка", "Елена", "Йорданка", "Пенка", "Даниела", "Виолета", "Гергана",
	"Десислава", "Цветелина", "Радка", "Снежана", "Невена", "Ралица", "Люба",
};
static const char *const bg_ms[] = {
	"Петров", "Иванов", "Георгиев", "Димитров", "Николов", "Стоянов", "Христов",
	"Тодоров", "Илиев", "Атанасов", "Ангелов", "Маринов", "Попов", "Колев", "Цветков",
	"Костадинов", "Шишков", "Жечев",
};
static const char *const bg_fs[] = {
	"Петрова", "Иванова", "Георгиева", "Димитрова", "Николова", "Стоянова", "Христова",
	"Тодорова", "Илиева", "Атанасова", "Ангелова", "Маринова", "Попова", "Колева",
	"Цветкова", "Костадинова", "Шишкова", "Жечева",
};
static const char *const bg_city[] = {
	"София", "Пловдив", "Варна", "Бургас", "Русе", "Стара Загора", "Плевен", "Сливен",
	"Добрич", "Шумен", "Велико Търново", "Благоевград",
};

static const char *const de_m[] = {
	"Jürgen", "Klaus", "Stefan", "Michael", "Thomas", "Andreas", "Wolfgang", "Günter",
	"Jörg", "Matthias", "Uwe", "Dieter", "Sebastian", "Lukas", "Björn",
};
static const char *const de_f[] = {
	"Ursula", "Sabine", "Petra", "Monika", "Käthe", "Brigitte", "Renate", "Susanne",
	"Jutta", "Gisela", "Anja", "Birgit", "Hannelore", "Jessica", "Bärbel",
};
static const char *const de_s[] = {
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
	"Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
	"Schröder", "Neumann", "Schwarz", "Weiß", "Groß", "Köhler",
};
static const char *const de_city[] = {
	"Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart",
	"Düsseldorf", "Leipzig", "Dortmund", "Nürnberg", "Dresden", "Lübeck",
};

#define NAMES(m, f, ms, fs, c) { m, f, ms, fs, N(m), N(f), N(ms), c, N(c) }
static const struct names names[NCOUNTRY] = {
	NAMES(pl_m, pl_f, pl_ms, pl_fs, pl_city),
	NAMES(cz_m, cz_f, cz_ms, cz_fs, cz_city),
	NAMES(bg_m, bg_f, bg_ms, bg_fs, bg_city),
	NAMES(de_m, de_f, de_s, de_s, de_city),
};

/* company parts: industry words, legal forms, and the three odd shapes */
static const char *const trade[NCOUNTRY][6] = {
	{ "Budownictwo", "Transport", "Handel", "Meble", "Usługi Informatyczne", "Logistyka" },
	{ "Stavby", "Doprava", "Obchod", "Nábytek", "Služby", "Logistika" },
	{ "Строй", "Транс", "Търговия", "Мебели", "Консулт", "Логистик" },
	{ "Bau", "Transporte", "Handel", "Möbel", "IT-Dienstleistungen", "Logistik" },
};
static const char *const legal[NCOUNTRY][3] = {
	{ "Sp. z o.o.", "S.A.", "Sp.j." },
	{ "s.r.o.", "a.s.", "v.o.s." },
	{ "ЕООД", "ООД", "АД" },
	{ "GmbH", "AG", "GmbH & Co. KG" },
};
static const char *const partners[NCOUNTRY] = { "i Wspólnicy", "a spol.", "и сие", "& Partner" };
static const char *const quoted_kind[NCOUNTRY] = { "P.H.U.", "Pekárna", "Фирма", "Autohaus" };
static const char *const second_line[NCOUNTRY][3] = {
	{ "dział zakupów", "attn.", "oddział" },
	{ "nákupní oddělení", "k rukám", "pobočka" },
	{ "отдел доставки", "на вниманието на", "клон" },
	{ "Einkauf", "z. Hd.", "Niederlassung" },
};
static const char *const phone_fmt[NCOUNTRY] = {
	"+48 %03d %03d %03d", "+420 %03d %03d %03d", "+359 %02d %03d %04d", "+49 %03d %08d",
};
static const char *const domains[NCOUNTRY][3] = {
	{ "example.pl", "example.eu", "example.com" },
	{ "example.cz", "example.eu", "example.com" },
	{ "example.bg", "example.eu", "example.com" },
	{ "example.de", "example.eu", "example.com" },
};
static const char *const owners[] = { "ola", "marek", "jana", "petar", "anna", "tomek", "kasia", "jurgen" };

struct person {
	const char *first, *last; /* last: the form that goes with first */
	const char *base;         /* the surname's base (male) form */
};

static void person(int c, struct person *p)
{
	const struct names *n = &names[c];
	size_t s = below(n->nsur);
	if (chance(500)) {
		p->first = n->male[below(n->nmale)];
		p->last = n->msur[s];
	} else {
		p->first = n->female[below(n->nfemale)];
		p->last = n->fsur[s];
	}
	p->base = n->msur[s];
}

/* ---- e-mail uniqueness ------------------------------------------------- */

static char **emails;
static size_t email_cap;

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Adds s when it is new; returns whether it was. */
static int email_add(const char *s)
{
	size_t i = hash(s) & (email_cap - 1);
	while (emails[i]) {
		if (!strcmp(emails[i], s))
			return 0;
		i = (i + 1) & (email_cap - 1);
	}
	size_t n = strlen(s) + 1;
	emails[i] = malloc(n);
	if (!emails[i])
		die("out of memory");
	memcpy(emails[i], s, n);
	return 1;
}

/* ---- CSV --------------------------------------------------------------- */

static void csv_field(struct str *row, const char *s, size_t n, int first)
{
	if (!first)
		put(row, ",", 1);
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
		put(row, s, n);
		return;
	}
	put(row, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			put(row, "\"", 1);
		put(row, s + i, 1);
	}
	put(row, "\"", 1);
}

/* ---- customers --------------------------------------------------------- */

struct cust {
	char id[14];
	unsigned char country, weight;
	const char *owner;
	int64_t created; /* ms */
};

static const int64_t MS = 1000;

static void customers(FILE *f, struct cust *cs, size_t n, int64_t from, int64_t to)
{
	fputs("id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated\n", f);
	struct str row = { 0 }, v = { 0 };
	int64_t step = (to - from) * MS / (int64_t)(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		struct cust *c = &cs[i];
		c->created = from * MS + step * (int64_t)i + (int64_t)below((uint64_t)(step > 1 ? step : 1));
		make_id(c->id, (uint64_t)c->created);
		unsigned r = (unsigned)below(100);
		int k = r < 50 ? PL : r < 70 ? CZ : r < 85 ? BG : DE;
		c->country = (unsigned char)k;
		/* how much history the customer gets: a few very active ones,
		 * many with a little, a third with none */
		unsigned a = (unsigned)below(1000);
		c->weight = a < 30 ? 30 : a < 230 ? 4 : a < 680 ? 1 : 0;
		c->owner = PICK(owners);

		struct person p;
		person(k, &p);
		row.n = 0;
		csv_field(&row, c->id, 13, 1);

		v.n = 0;
		if (chance(10)) { /* typed with caps lock */
			put_upper(&v, p.first);
			puts_(&v, " ");
			put_upper(&v, p.last);
		} else {
			putf(&v, "%s %s", p.first, p.last);
		}
		csv_field(&row, v.s, v.n, 0);

		/* e-mail: ASCII, lower case, unique */
		const char *dom = domains[k][below(3)];
		for (int tries = 0;; tries++) {
			v.n = 0;
			unsigned form = (unsigned)below(4);
			if (form == 0 || form == 1) {
				put_ascii(&v, p.first);
				puts_(&v, ".");
				put_ascii(&v, p.last);
			} else if (form == 2) {
				struct str t = { 0 };
				put_ascii(&t, p.first);
				put(&v, t.s, 1);
				free(t.s);
				puts_(&v, ".");
				put_ascii(&v, p.last);
			} else {
				put_ascii(&v, p.last);
				puts_(&v, ".");
				put_ascii(&v, p.first);
			}
			if (tries > 0)
				putf(&v, "%u", (unsigned)range(1, tries < 20 ? 99 : 99999));
			putf(&v, "@%s", dom);
			if (email_add(v.s))
				break;
		}
		csv_field(&row, v.s, v.n, 0);

		v.n = 0;
		if (!chance(150)) {
			int x = (int)range(500, 899), y = (int)range(0, 999), z = (int)range(0, 999);
			if (k == BG)
				putf(&v, phone_fmt[k], (int)range(87, 99), y, (int)range(0, 9999));
			else if (k == DE)
				putf(&v, phone_fmt[k], (int)range(150, 179), (int)range(1000000, 99999999));
			else
				putf(&v, phone_fmt[k], x, y, z);
		}
		csv_field(&row, v.s, v.n, 0);

		/* company: 5% with a comma, 2% with a double quote, 0.5% with
		 * a line break, about half plain, the rest none */
		v.n = 0;
		unsigned cr = (unsigned)below(1000);
		struct person q;
		if (cr < 50) {
			person(k, &q);
			putf(&v, "%s, %s %s %s", p.base, q.base, partners[k], legal[k][below(3)]);
		} else if (cr < 70) {
			putf(&v, "%s \"%s\" %s", quoted_kind[k], p.base, legal[k][below(3)]);
		} else if (cr < 75) {
			putf(&v, "%s %s %s\n", p.base, trade[k][below(6)], legal[k][below(3)]);
			unsigned w = (unsigned)below(3);
			if (w == 1) {
				person(k, &q);
				putf(&v, "%s %s %s", second_line[k][w], q.first, q.last);
			} else if (w == 2) {
				putf(&v, "%s %s", second_line[k][w], names[k].city[below(names[k].ncity)]);
			} else {
				puts_(&v, second_line[k][w]);
			}
		} else if (cr < 350) {
			putf(&v, "%s %s %s", p.base, trade[k][below(6)], legal[k][below(3)]);
		}
		int company = v.n > 0;
		csv_field(&row, v.s, v.n, 0);

		csv_field(&row, country_code[k], 2, 0);
		const char *city = names[k].city[below(names[k].ncity)];
		csv_field(&row, city, strlen(city), 0);

		/* tags, in no fixed order */
		const char *tags[5];
		int nt = 0;
		if (chance(100))
			tags[nt++] = "vip";
		if (company && chance(800))
			tags[nt++] = "b2b";
		if (chance(250))
			tags[nt++] = "newsletter";
		if (!company && chance(450))
			tags[nt++] = "retail";
		if (company && chance(150))
			tags[nt++] = "wholesale";
		for (int t = nt - 1; t > 0; t--) {
			int j = (int)below((uint64_t)t + 1);
			const char *x = tags[t];
			tags[t] = tags[j];
			tags[j] = x;
		}
		v.n = 0;
		for (int t = 0; t < nt; t++) {
			if (t)
				puts_(&v, ";");
			puts_(&v, tags[t]);
		}
		csv_field(&row, v.s ? v.s : "", v.n, 0);

		csv_field(&row, c->owner, strlen(c->owner), 0);
		unsigned s = (unsigned)below(100);
		const char *stage = s < 20 ? "lead" : s < 35 ? "prospect" : s < 90 ? "customer" : "churned";
		csv_field(&row, stage, strlen(stage), 0);
		s = (unsigned)below(100);
		const char *consent = s < 55 ? "opt-in" : s < 70 ? "opt-out" : "";
		csv_field(&row, consent, strlen(consent), 0);

		char t1[21], t2[21];
		int64_t created = c->created / MS;
		fmt_time(t1, created);
		int64_t updated = chance(400) ? created : range(created, to);
		fmt_time(t2, updated);
		csv_field(&row, t1, 20, 0);
		csv_field(&row, t2, 20, 0);
		put(&row, "\n", 1);
		fwrite(row.s, 1, row.n, f);
	}
	free(row.s);
	free(v.s);
}

/* ---- interactions ------------------------------------------------------ */

static const char *const words[NCOUNTRY][40] = {
	{ "zamówienie", "faktura", "dostawa", "reklamacja", "rabat", "spotkanie", "oferta",
	  "umowa", "płatność", "cennik", "katalog", "próbki", "zwrot", "gwarancja", "termin",
	  "klient", "prosi", "o", "kontakt", "w", "sprawie", "nowej", "wysyłka", "opóźniona",
	  "świetnie", "żółta", "gęś", "jeszcze", "dziękuje", "za", "szybką", "odpowiedź",
	  "chce", "zamówić", "więcej", "sztuk", "przed", "świętami", "źle", "ręcznie" },
	{ "objednávka", "faktura", "dodávka", "reklamace", "sleva", "schůzka", "nabídka",
	  "smlouva", "platba", "ceník", "katalog", "vzorky", "vrácení", "záruka", "termín",
	  "zákazník", "žádá", "o", "kontakt", "ohledně", "nové", "zásilka", "zpožděná",
	  "děkuje", "za", "rychlou", "odpověď", "chce", "objednat", "více", "kusů", "před",
	  "Vánoci", "příliš", "žluťoučký", "kůň", "úpěl", "ďábelské", "ódy", "hned" },
	{ "поръчка", "фактура", "доставка", "рекламация", "отстъпка", "среща", "оферта",
	  "договор", "плащане", "ценоразпис", "каталог", "мостри", "връщане", "гаранция",
	  "срок", "клиентът", "иска", "контакт", "относно", "новата", "пратка", "закъснява",
	  "благодари", "за", "бързия", "отговор", "да", "поръча", "още", "броя", "преди",
	  "празниците", "щастие", "ъгъл", "юни", "явно", "в", "на", "и", "с" },
	{ "Bestellung", "Rechnung", "Lieferung", "Reklamation", "Rabatt", "Termin", "Angebot",
	  "Vertrag", "Zahlung", "Preisliste", "Katalog", "Muster", "Rückgabe", "Garantie",
	  "Frist", "Kunde", "bittet", "um", "Rückruf", "wegen", "neuen", "Sendung",
	  "verspätet", "dankt", "für", "schnelle", "Antwort", "möchte", "mehr", "Stück", "vor",
	  "Weihnachten", "größer", "Straße", "über", "die", "der", "und", "mit", "bald" },
};
static const char *const products[] = { "Premium", "Eko", "Standard", "Mini", "Max", "Zöld", "Люкс", "Řada 7" };

/* n words of the customer's language, sometimes with a "quoted" product or
 * a second line (as JSON escapes) */
static void put_words(struct str *b, int k, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			puts_(b, chance(10) ? "\\n" : " ");
		if (chance(6)) {
			putf(b, "\\\"%s\\\"", PICK(products));
			continue;
		}
		puts_(b, words[k][below(40)]);
	}
}

enum type { PURCHASE, EMAIL, CALL, NOTE, MEETING, CHAT, SURVEY, REFUND, TASK, DONE };
static const struct {
	const char *name, *channel;
	unsigned weight; /* per 1000 */
	int direction;
} types[] = {
	{ "purchase", "shop", 300, 0 }, { "email", "email", 200, 1 }, { "call", "phone", 150, 1 },
	{ "note", "other", 100, 0 },    { "meeting", "meeting", 50, 1 }, { "chat", "chat", 50, 1 },
	{ "survey", "web", 50, 0 },     { "refund", "shop", 20, 0 },   { "task", "other", 50, 0 },
	{ "done", "other", 30, 0 },
};

struct task {
	char id[14];
	uint32_t cust;
};

static uint32_t pick_customer(const struct cust *cs, size_t known)
{
	for (int tries = 0; tries < 2000; tries++) {
		uint32_t i = (uint32_t)below(known);
		if (below(30) < cs[i].weight)
			return i;
	}
	return (uint32_t)below(known);
}

static void amount(struct str *b, enum type t)
{
	unsigned tier = (unsigned)below(100);
	int64_t a;
	if (t == REFUND)
		a = range(500, 50000);
	else if (tier < 60)
		a = range(990, 19999);
	else if (tier < 90)
		a = range(20000, 99999);
	else
		a = range(100000, 999999);
	if (chance(300))
		a = a / 100 * 100 + 99; /* prices ending in .99 */
	putf(b, ",\"amount\":%lld,\"currency\":\"%s\"", (long long)a, chance(100) ? "EUR" : "PLN");
}

static void interactions(FILE *f, const struct cust *cs, size_t nc, size_t n, int64_t from, int64_t to)
{
	struct str line = { 0 };
	struct task *open = NULL;
	size_t nopen = 0, capopen = 0;
	int64_t step = (to - from) * MS / (int64_t)(n ? n : 1);
	size_t known = 0;
	unsigned cum[N(types)];
	unsigned total = 0;
	for (size_t t = 0; t < N(types); t++)
		cum[t] = total += types[t].weight;

	for (size_t i = 0; i < n; i++) {
		int64_t ms = from * MS + step * (int64_t)i + (int64_t)below((uint64_t)(step > 1 ? step : 1));
		char id[14], ts[21];
		make_id(id, (uint64_t)ms);
		fmt_time(ts, ms / MS);

		unsigned r = (unsigned)below(total);
		enum type t = PURCHASE;
		while (r >= cum[t])
			t++;
		if (t == DONE && !nopen)
			t = NOTE;

		while (known < nc && cs[known].created <= ms)
			known++;
		uint32_t ci;
		size_t taken = 0;
		if (t == DONE) {
			taken = below(nopen);
			ci = open[taken].cust;
		} else {
			ci = known ? pick_customer(cs, known) : 0;
		}
		const struct cust *c = &cs[ci];
		int k = c->country;

		line.n = 0;
		putf(&line, "{\"id\":\"%s\",\"ts\":\"%s\",\"customer\":\"%s\",\"type\":\"%s\",\"channel\":\"%s\"",
		     id, ts, c->id, types[t].name, types[t].channel);
		if (types[t].direction)
			putf(&line, ",\"direction\":\"%s\"", chance(400) ? "in" : "out");
		putf(&line, ",\"by\":\"%s\"", chance(850) ? c->owner : PICK(owners));

		switch (t) {
		case PURCHASE:
		case REFUND:
			if (chance(600)) {
				puts_(&line, ",\"subject\":\"");
				put_words(&line, k, (int)range(2, 5));
				puts_(&line, "\"");
			}
			amount(&line, t);
			if (t == REFUND || chance(300)) {
				puts_(&line, ",\"text\":\"");
				put_words(&line, k, (int)range(4, 14));
				puts_(&line, "\"");
			}
			break;
		case SURVEY:
			putf(&line, ",\"rating\":%d", (int)range(1, 5));
			if (chance(600)) {
				puts_(&line, ",\"text\":\"");
				put_words(&line, k, (int)range(4, 16));
				puts_(&line, "\"");
			}
			break;
		case TASK: {
			char due[21];
			fmt_time(due, (ms / MS / 86400 + range(1, 30)) * 86400 + 9 * 3600);
			puts_(&line, ",\"subject\":\"");
			put_words(&line, k, (int)range(3, 7));
			putf(&line, "\",\"due\":\"%s\"", due);
			if (nopen == capopen) {
				capopen = capopen ? capopen * 2 : 1024;
				open = realloc(open, capopen * sizeof *open);
				if (!open)
					die("out of memory");
			}
			memcpy(open[nopen].id, id, 14);
			open[nopen].cust = ci;
			nopen++;
			break;
		}
		case DONE:
			putf(&line, ",\"ref\":\"%s\"", open[taken].id);
			open[taken] = open[--nopen];
			if (chance(500)) {
				puts_(&line, ",\"text\":\"");
				put_words(&line, k, (int)range(3, 10));
				puts_(&line, "\"");
			}
			break;
		default:
			if (t == EMAIL || t == MEETING || chance(300)) {
				puts_(&line, ",\"subject\":\"");
				put_words(&line, k, (int)range(2, 7));
				puts_(&line, "\"");
			}
			puts_(&line, ",\"text\":\"");
			put_words(&line, k, (int)range(4, 20));
			puts_(&line, "\"");
			break;
		}
		puts_(&line, "}\n");
		fwrite(line.s, 1, line.n, f);
	}
	free(line.s);
	free(open);
}

/* ---- main -------------------------------------------------------------- */

static size_t count_arg(const char *s, const char *what)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > 100000000ULL)
		die("%s: not a count: %s", what, s);
	return (size_t)v;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fputs("usage: gen DIR NCUST NINTER\n", stderr);
		return 2;
	}
	const char *dir = argv[1];
	size_t nc = count_arg(argv[2], "NCUST"), ni = count_arg(argv[3], "NINTER");
	if (ni && !nc)
		die("interactions need customers");
	if (mkdir(dir, 0777) && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));

	FILE *f = create(dir, "crm.conf");
	fputs("# benchmark data (bench/gen)\ncurrency = PLN\n", f);
	finish(f, "crm.conf");

	struct cust *cs = calloc(nc ? nc : 1, sizeof *cs);
	for (email_cap = 1024; email_cap < nc * 2; email_cap *= 2)
		;
	emails = calloc(email_cap, sizeof *emails);
	if (!cs || !emails)
		die("out of memory");

	int64_t t2020 = days_of(2020, 1, 1) * 86400, t2023 = days_of(2023, 1, 1) * 86400;
	int64_t end = days_of(2026, 11, 20) * 86400;

	f = create(dir, "customers.csv");
	customers(f, cs, nc, t2020, end);
	finish(f, "customers.csv");
	for (size_t i = 0; i < email_cap; i++)
		free(emails[i]);
	free(emails);

	f = create(dir, "interactions.jsonl");
	interactions(f, cs, nc, ni, t2023, end);
	finish(f, "interactions.jsonl");
	free(cs);
	return 0;
}
