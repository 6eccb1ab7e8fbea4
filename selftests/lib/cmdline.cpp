// SPDX-License-Identifier: GPL-2.0-only
#include "cmdline.hpp"

#include "kselftest.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mmcid
{

namespace
{
bool whole_number(const char *s, unsigned long long max, unsigned long min, unsigned long long &out,
		  std::string &why)
{
	char *end = nullptr;
	errno = 0;
	out = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || out > max || out < min) {
		why = "give a whole number of at least " + std::to_string(min);
		if (max < UINT32_MAX)
			why += " and at most " + std::to_string(max);
		return false;
	}
	return true;
}

std::string shortest(double d)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%g", d);
	return buf;
}
} // namespace

void CommandLine::number(const char *name, unsigned &v, unsigned long min, unsigned long max)
{
	options_.push_back({name, "N", true, [&v, min, max](const char *s, std::string &why) {
				    unsigned long long n;
				    if (!whole_number(s, max, min, n, why))
					    return false;
				    v = static_cast<unsigned>(n);
				    return true;
			    }});
}

void CommandLine::number(const char *name, uint64_t &v, unsigned long min)
{
	options_.push_back({name, "N", true, [&v, min](const char *s, std::string &why) {
				    unsigned long long n;
				    if (!whole_number(s, UINT64_MAX, min, n, why))
					    return false;
				    v = n;
				    return true;
			    }});
}

void CommandLine::real(const char *name, double &v, double min, double max)
{
	options_.push_back({name, "X", true, [&v, min, max](const char *s, std::string &why) {
				    char *end = nullptr;
				    double d = strtod(s, &end);
				    if (end == s || *end || !(d >= min) || !(d <= max)) {
					    why = "give a number from " + shortest(min) + " to " +
						  shortest(max);
					    return false;
				    }
				    v = d;
				    return true;
			    }});
}

void CommandLine::text(const char *name, std::string &v, std::vector<std::string> allowed)
{
	std::string hint = "VALUE";
	if (!allowed.empty()) {
		hint.clear();
		for (const auto &a : allowed)
			hint += (hint.empty() ? "" : "|") + a;
	}
	options_.push_back({name, hint, true, [&v, allowed, hint](const char *s, std::string &why) {
				    if (!allowed.empty()) {
					    bool ok = false;
					    for (const auto &a : allowed)
						    ok |= a == s;
					    if (!ok) {
						    why = "use one of " + hint;
						    return false;
					    }
				    }
				    v = s;
				    return true;
			    }});
}

void CommandLine::flag(const char *name, bool &v)
{
	options_.push_back({name, "", false, [&v](const char *, std::string &) {
				    v = true;
				    return true;
			    }});
}

void CommandLine::ignore(const char *name)
{
	options_.push_back({name, "", false, [](const char *, std::string &) { return true; }});
}

void CommandLine::usage(const char *prog, int rc) const
{
	FILE *f = rc ? stderr : stdout;
	fprintf(f, "usage: %s", prog);
	for (const auto &o : options_)
		fprintf(f, " [--%s%s%s]", o.name.c_str(), o.takes_value ? "=" : "",
			o.value_hint.c_str());
	fprintf(f, "\n%s", tail_.c_str());
	if (!tail_.empty() && tail_.back() != '\n')
		fputc('\n', f);
	exit(rc);
}

void CommandLine::parse(int argc, char **argv) const
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			usage(argv[0], KSFT_PASS);
		const Option *match = nullptr;
		const char *value = nullptr;
		for (const auto &o : options_) {
			size_t n = o.name.size();
			if (strncmp(a, "--", 2) || strncmp(a + 2, o.name.c_str(), n))
				continue;
			if (o.takes_value && a[2 + n] == '=') {
				match = &o;
				value = a + 3 + n;
			} else if (!o.takes_value && !a[2 + n]) {
				match = &o;
			}
			if (match)
				break;
		}
		if (!match) {
			fprintf(stderr, "%s: unknown option '%s' (--help lists them)\n", argv[0],
				a);
			exit(KSFT_FAIL);
		}
		std::string why;
		if (!match->set(value, why)) {
			fprintf(stderr, "%s: %s: %s\n", argv[0], a, why.c_str());
			exit(KSFT_FAIL);
		}
	}
}

} // namespace mmcid
