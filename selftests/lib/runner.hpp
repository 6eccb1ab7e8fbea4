/* SPDX-License-Identifier: GPL-2.0-only */
// Runs each scenario in a child process of its own (a fresh mm, so the
// CID user count starts at 1) while the parent watches the child's
// progress and fails the scenario if a thread stops making progress.
#pragma once

#include "options.hpp"
#include "thresholds.hpp"
#include "workload.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mmcid
{

struct Scenario {
	const char *name;
	const char *what; // one line: what it does to the kernel
	std::function<int(Workload &)> body;
	// Affinity to start the child with (the process-wide mask the kernel
	// records at fork); 0: the parent's.
	unsigned start_cpus = 0;
};

// Runs the scenarios as TAP 13 subtests and exits with the kselftest code.
[[noreturn]] void run_scenarios(const char *program, const std::vector<Scenario> &scenarios,
				const Options &opts);

// main() of a scenario program: takes rseq over from glibc, parses the
// command line, runs the scenarios.
[[noreturn]] void scenario_main(const char *program, int argc, char **argv,
				const std::vector<Scenario> &scenarios);

} // namespace mmcid
