// SPDX-License-Identifier: GPL-2.0
/*
 * The module's KUnit results, as TAP: one line per KUnit test case,
 * "ok N suite.case" or "not ok N suite.case".
 *
 * The suites (kernel/kunit*.c) are built into the module only for kernels
 * with CONFIG_KUNIT=y (the debug lane) and run when the module loads, so
 * their results are in /sys/kernel/debug/kunit/<suite>/results by the time
 * this runs. Without them this prints a single skip. A suite directory
 * without results, a case without a result line (the kernel keeps a short
 * log per case and may cut it), a failed case or a failed suite is a
 * failure; the raw results of a failing suite are echoed as diagnostics.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef KUNIT_DIR
#define KUNIT_DIR	"/sys/kernel/debug/kunit"
#endif
#define PREFIX		"machport_"
#define MAX_SUITES	32
#define MAX_CASES	256
#define INDENT		"    "

/* The suites the module has; any other machport_* suite is reported too. */
static const char *const known[] = {
	"machport_space",
	"machport_urefs",
	"machport_mqueue",
	"machport_pset",
	"machport_desc",
};

/* Output is gathered first: the plan line needs the number of results. */
enum kind { PASS, FAIL, COMMENT };

struct line {
	enum kind kind;
	char text[512];
};

static struct line *lines;
static size_t nlines, cap, nresults;

static void __attribute__((format(printf, 2, 3)))
out(enum kind kind, const char *fmt, ...)
{
	va_list ap;

	if (nlines == cap) {
		cap = cap ? 2 * cap : 64;
		lines = realloc(lines, cap * sizeof(*lines));
		if (!lines) {
			perror("realloc");
			exit(1);
		}
	}
	va_start(ap, fmt);
	vsnprintf(lines[nlines].text, sizeof(lines[nlines].text), fmt, ap);
	va_end(ap);
	lines[nlines++].kind = kind;
	if (kind != COMMENT)
		nresults++;
}

#define result(ok, ...) out((ok) ? PASS : FAIL, __VA_ARGS__)

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The whole file, NUL-terminated, or NULL. */
static char *slurp(const char *path)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size);
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	while ((n = fread(buf + len, 1, size - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == size) {
			char *bigger = realloc(buf, 2 * size);

			if (!bigger) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
			size *= 2;
		}
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

struct kcase {
	bool seen;
	bool ok;
	char name[128];
	char directive[256];	/* " # SKIP ..." or empty */
};

/* The raw results of a failing suite, as TAP comments. */
static void echo(const char *suite, const char *text)
{
	const char *p = text, *nl;

	out(COMMENT, "%s/%s/results:", KUNIT_DIR, suite);
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		out(COMMENT, "  %.*s", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

/*
 * A results file (KTAP): the suite's plan and case lines are indented by
 * four spaces ("    1..N", "    ok 3 name # SKIP why"), deeper lines
 * (parameters, diagnostics) by more, the suite's own line not at all.
 */
static void report_suite(const char *suite)
{
	char path[512], *text, *copy, *line, *save = NULL;
	static struct kcase cases[MAX_CASES];
	long plan = -1, i;
	int suite_ok = -1;
	bool bad = false;

	snprintf(path, sizeof(path), "%s/%s/results", KUNIT_DIR, suite);
	text = slurp(path);
	if (!text || !*text) {
		result(false, "%s # no results (%s)", suite,
		       text ? "empty" : strerror(errno));
		free(text);
		return;
	}
	memset(cases, 0, sizeof(cases));
	copy = strdup(text);
	if (!copy) {
		perror("strdup");
		exit(1);
	}
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		bool indented = !strncmp(line, INDENT, 4) && line[4] != ' ';
		const char *p = indented ? line + 4 : line;
		bool ok;
		long n;
		int used = 0;
		char name[128];

		if (indented && sscanf(p, "1..%ld", &n) == 1) {
			plan = n;
			continue;
		}
		if (!strncmp(p, "ok ", 3))
			ok = true;
		else if (!strncmp(p, "not ok ", 7))
			ok = false;
		else
			continue;
		if (sscanf(p + (ok ? 3 : 7), "%ld %127s%n", &n, name, &used) != 2)
			continue;
		if (!indented) {
			if (!strcmp(name, suite))
				suite_ok = ok;
			continue;
		}
		if (n < 1 || n > MAX_CASES)
			continue;
		cases[n - 1].seen = true;
		cases[n - 1].ok = ok;
		snprintf(cases[n - 1].name, sizeof(cases[n - 1].name), "%s", name);
		p += (ok ? 3 : 7) + used;
		snprintf(cases[n - 1].directive, sizeof(cases[n - 1].directive),
			 "%s", strstr(p, " # SKIP") ? strstr(p, " # SKIP") : "");
	}
	free(copy);

	if (plan < 0 || plan > MAX_CASES) {
		result(false, "%s # no test plan in the results", suite);
		bad = true;
	}
	for (i = 0; i < plan && i < MAX_CASES; i++) {
		struct kcase *c = &cases[i];

		if (!c->seen) {
			result(false, "%s.case%ld # no result (log cut short?)",
			       suite, i + 1);
			bad = true;
		} else {
			result(c->ok, "%s.%s%s", suite, c->name, c->directive);
			bad |= !c->ok;
		}
	}
	if (suite_ok == 0 && !bad) {
		result(false, "%s # the suite failed", suite);
		bad = true;
	}
	if (bad)
		echo(suite, text);
	free(text);
}

static bool listed(char **names, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int main(void)
{
	char *suites[MAX_SUITES];
	int nsuites = 0, present = 0, i;
	bool failed = false;
	struct dirent *d;
	size_t k, n;
	DIR *dir;

	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		suites[nsuites++] = (char *)known[k];
	dir = opendir(KUNIT_DIR);
	if (!dir) {
		printf("TAP version 13\n1..1\n");
		printf("ok 1 kunit # SKIP no KUnit in this kernel\n");
		return 0;
	}
	while ((d = readdir(dir)) && nsuites < MAX_SUITES) {
		if (strncmp(d->d_name, PREFIX, strlen(PREFIX)) ||
		    listed(suites, nsuites, d->d_name))
			continue;
		suites[nsuites] = strdup(d->d_name);
		if (!suites[nsuites]) {
			perror("strdup");
			return 1;
		}
		nsuites++;
	}
	closedir(dir);

	for (i = 0; i < nsuites; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", KUNIT_DIR, suites[i]);
		if (exists(path))
			present++;
	}
	if (!present) {
		/* KUnit is there but did not run them (kunit.enable=0?). */
		printf("TAP version 13\n1..1\n");
		printf("ok 1 kunit # SKIP no KUnit in this kernel: the module's suites did not run\n");
		return 0;
	}
	for (i = 0; i < nsuites; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", KUNIT_DIR, suites[i]);
		if (!exists(path))
			result(false, "%s # suite missing", suites[i]);
		else
			report_suite(suites[i]);
	}

	printf("TAP version 13\n1..%zu\n", nresults);
	for (k = 0, n = 0; k < nlines; k++) {
		if (lines[k].kind == COMMENT) {
			printf("# %s\n", lines[k].text);
			continue;
		}
		if (lines[k].kind == FAIL)
			failed = true;
		printf("%sok %zu %s\n", lines[k].kind == FAIL ? "not " : "",
		       ++n, lines[k].text);
	}
	return failed ? 1 : 0;
}
