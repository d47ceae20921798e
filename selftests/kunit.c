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
 * The line starting at @p ("ok 3 name # SKIP why" or "not ok 3 name"),
 * into @c; false if it is not one.
 */
static bool parse_result(const char *p, long *n, struct kcase *c)
{
	bool ok = !strncmp(p, "ok ", 3);
	const char *end, *skip;
	int used = 0;

	if (!ok && strncmp(p, "not ok ", 7))
		return false;
	p += ok ? 3 : 7;
	if (sscanf(p, "%ld %127s%n", n, c->name, &used) != 2)
		return false;
	p += used;
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	skip = strstr(p, " # SKIP");
	snprintf(c->directive, sizeof(c->directive), "%.*s",
		 skip && skip < end ? (int)(end - skip) : 0, skip ? skip : "");
	c->seen = true;
	c->ok = ok;
	return true;
}

/*
 * The suite's own result, "ok 1 suite" or "not ok 1 suite", ends the
 * file (glued to the suite's log if that was cut off): 1, 0, or -1 for
 * none.
 */
static int suite_result(const char *text, const char *suite)
{
	size_t len = strlen(text), l;
	char want[256];

	while (len && text[len - 1] == '\n')
		len--;
	snprintf(want, sizeof(want), "ok 1 %s", suite);
	l = strlen(want);
	if (len < l || strncmp(text + len - l, want, l))
		return -1;
	return len >= l + 4 && !strncmp(text + len - l - 4, "not ", 4) ? 0 : 1;
}

/*
 * A results file (KTAP): "    1..N", then each case's log, which ends
 * with its result line "    ok 3 name" (or "    not ok 3 name # SKIP
 * why"), then the suite's own "ok 1 suite" unindented. The kernel keeps a
 * short log per case (512 bytes on 6.1) and cuts off what does not fit,
 * newline included: a case's result line may be lost, or glued to the end
 * of the previous case's cut-off text. So a result is "ok" or "not ok"
 * after at least four spaces, wherever it starts. (The module's suites
 * have no parameterized cases, whose deeper lines would look the same.)
 */
static void report_suite(const char *suite)
{
	static struct kcase cases[MAX_CASES];
	char path[512], *text, *p;
	bool bad = false;
	int suite_ok;
	long plan = -1, i, n;

	snprintf(path, sizeof(path), "%s/%s/results", KUNIT_DIR, suite);
	text = slurp(path);
	if (!text || !*text) {
		result(false, "%s # no results (%s)", suite,
		       text ? "empty" : strerror(errno));
		free(text);
		return;
	}
	suite_ok = suite_result(text, suite);
	memset(cases, 0, sizeof(cases));
	for (p = text; *p; p++) {
		struct kcase c = { 0 };
		bool line_start = p == text || p[-1] == '\n';

		if (line_start && !strncmp(p, INDENT "1..", 7) &&
		    sscanf(p + 7, "%ld", &n) == 1 && plan < 0)
			plan = n;
		if (*p != 'o' && *p != 'n')	/* fast path */
			continue;
		if (line_start || p - text < 4 || strncmp(p - 4, INDENT, 4))
			continue;
		if (!parse_result(p, &n, &c) || n < 1 || n > MAX_CASES)
			continue;
		cases[n - 1] = c;
	}

	if (plan < 0 || plan > MAX_CASES) {
		result(false, "%s # no test plan in the results", suite);
		bad = true;
	}
	for (i = 0; i < plan && i < MAX_CASES; i++) {
		struct kcase *c = &cases[i];

		if (!c->seen) {
			result(false, "%s.case%ld # no result line (its log was cut short: see the kernel log)",
			       suite, i + 1);
			bad = true;
		} else {
			result(c->ok, "%s.%s%s", suite, c->name, c->directive);
			bad |= !c->ok;
		}
	}
	if (suite_ok != 1 && !bad) {
		result(false, "%s # the suite %s", suite,
		       suite_ok ? "has no result line" : "failed");
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
