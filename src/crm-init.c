/* crm-init - create a CRM directory */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cust.h"
#include "opt.h"
#include "util.h"

static const struct crm_opt opts[] = {
	CRM_OPT_HELP,
	CRM_OPT_VERSION,
	CRM_OPT_END,
};

static const struct crm_cmd cmd = {
	"[DIR]",
	"Create a CRM directory (default: the current one) with an empty customer base,\n"
	"an empty history, crm.conf, an example mail template and .gitattributes.",
	opts,
	"0 created, 2 error (1 is not used)",
};

static const char conf_text[] =
	"# crm.conf - settings of this CRM directory (key = value, # comments)\n"
	"\n"
	"# Default currency (ISO 4217) for amounts and reports.\n"
	"currency = EUR\n"
	"\n"
	"# Mail: the From of crm-mail, the team's own addresses (for mail import),\n"
	"# the sendmail-compatible command, and the days between two marketing mails.\n"
	"#from = Sales <sales@example.com>\n"
	"#me = sales@example.com, support@example.com\n"
	"#sendmail = /usr/sbin/sendmail -oi\n"
	"#cap_days = 7\n"
	"#unsubscribe = https://example.com/unsubscribe?id={{id}}, mailto:unsubscribe@example.com\n"
	"\n"
	"# Contact every customer at least this often (days), unless the column\n"
	"# 'touch' says otherwise (crm-report followups).\n"
	"#touch_days = 90\n"
	"\n"
	"# Lifecycle thresholds in days since the last contact (crm-segment --lifecycle).\n"
	"#new_days = 30\n"
	"#active_days = 90\n"
	"#at_risk_days = 180\n"
	"#lapsed_days = 365\n";

static const char template_text[] =
	"Subject: Welcome, {{first_name}}!\n"
	"\n"
	"Dear {{first_name}},\n"
	"\n"
	"thank you for your interest in {{company|our products}}. If you have any\n"
	"question, just reply to this message.\n"
	"\n"
	"Best regards,\n"
	"the team\n";

static const char attr_text[] =
	"# crm-merge merges these files by record id: register it once with\n"
	"#   git config merge.crm.driver 'crm-merge %O %A %B %P'\n"
	"customers.csv merge=crm\n"
	"interactions.jsonl merge=crm\n";

static int create(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		crm_warn("%s", path);
		return -1;
	}
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n || fsync(fd) < 0 || close(fd) < 0) {
		crm_warn("%s", path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	crm_getopt_common(&argc, &argv, &cmd, &c);
	if (argc > 1)
		crm_usage_error(&cmd, "too many operands");
	const char *dir = argc ? argv[0] : ".";

	/* like mkdir -p */
	char *mk = xstrdup(dir);
	for (char *p = mk + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(mk, 0777) < 0 && errno != EEXIST)
			crm_die("%s", mk);
		*p = '/';
	}
	free(mk);
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		crm_die("%s", dir);
	struct stat st;
	if (stat(dir, &st) < 0)
		crm_die("%s", dir);
	if (!S_ISDIR(st.st_mode))
		crm_diex("%s: not a directory", dir);

	static const char *const files[] = { CUSTOMERS, INTERACTIONS, CONF, "templates/welcome.eml",
					     ".gitattributes" };
	char path[4096];
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		if (lstat(path, &st) == 0)
			crm_diex("%s: already exists; nothing was changed", path);
	}

	struct sb hdr = { 0 };
	for (size_t i = 0; i < cust_ncolumns; i++) {
		if (i)
			sb_addc(&hdr, ',');
		sb_adds(&hdr, cust_columns[i]);
	}
	sb_addc(&hdr, '\n');
	snprintf(path, sizeof path, "%s/templates", dir);
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		crm_die("%s", path);
	int bad = create(dir, CUSTOMERS, hdr.s) | create(dir, INTERACTIONS, "") |
		  create(dir, CONF, conf_text) | create(dir, "templates/welcome.eml", template_text) |
		  create(dir, ".gitattributes", attr_text);
	sb_free(&hdr);
	if (bad)
		return CRM_ERR;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	printf("Initialised CRM directory %s\n"
	       "To merge it with git, register the merge driver once in each clone:\n"
	       "  git config merge.crm.driver 'crm-merge %%O %%A %%B %%P'\n",
	       dir);
	return CRM_OK;
}
