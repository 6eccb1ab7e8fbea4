// SPDX-License-Identifier: GPL-2.0
#include "options.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mmcid
{

namespace
{
[[noreturn]] void usage(const char *prog, const char *scenarios, int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: %s [--duration=SECONDS] [--cycles=N] [--threads=N] [--seed=N]\n"
		"          [--stall=SECONDS] [--spin=N] [--only=SCENARIO] [--allow-lockup]\n"
		"          [--plant=unprotected]\n"
		"scenarios: %s\n",
		prog, scenarios);
	exit(rc);
}
} // namespace

bool take_option(const char *arg, const char *name, const char **value)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n) || arg[n] != '=')
		return false;
	*value = arg + n + 1;
	return true;
}

Options parse_options(int argc, char **argv, const char *scenarios)
{
	Options o;
	for (int i = 1; i < argc; i++) {
		const char *v;
		char *end = nullptr;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			usage(argv[0], scenarios, 0);
		else if (take_option(argv[i], "--duration", &v))
			o.duration_s = strtod(v, &end);
		else if (take_option(argv[i], "--cycles", &v))
			o.cycles = strtoul(v, &end, 10);
		else if (take_option(argv[i], "--threads", &v))
			o.threads = strtoul(v, &end, 10);
		else if (take_option(argv[i], "--seed", &v))
			o.seed = strtoull(v, &end, 10);
		else if (take_option(argv[i], "--stall", &v))
			o.stall_s = strtod(v, &end);
		else if (take_option(argv[i], "--spin", &v))
			o.spin = strtoul(v, &end, 10);
		else if (!strcmp(argv[i], "--allow-lockup"))
			o.allow_lockup = true;
		else if (take_option(argv[i], "--plant", &v))
			o.plant = v;
		else if (take_option(argv[i], "--only", &v))
			o.only = v;
		else
			usage(argv[0], scenarios, 2);
		if (end && *end) {
			fprintf(stderr, "%s: bad value in %s\n", argv[0], argv[i]);
			exit(2);
		}
	}
	if (!o.plant.empty() && o.plant != "unprotected") {
		fprintf(stderr, "%s: unknown --plant=%s (only: unprotected)\n", argv[0],
			o.plant.c_str());
		exit(2);
	}
	if (!o.seed)
		o.seed = std::chrono::steady_clock::now().time_since_epoch().count();
	return o;
}

} // namespace mmcid
