// SPDX-License-Identifier: GPL-2.0
// mm_cid across exec: children which share the mm until they exec or exit,
// and a failing execve() in per CPU mode. One TAP subtest per scenario.
#include "lib/options.hpp"
#include "lib/rseq_thread.hpp"
#include "lib/runner.hpp"
#include "scenarios/scenarios.hpp"

#include <vector>

using namespace mmcid;

int main(int argc, char **argv)
{
	take_over_rseq_from_libc(argv);
	const std::vector<Scenario> scenarios = {
	    {"spawn", "vfork()+execve(), posix_spawn() and CLONE_VM children at the threshold",
	     scenarios::spawn},
	    {"execve-fail",
	     "per CPU mode, every CPU owns a CID, execve() fails with ENOEXEC, pthread_create()",
	     scenarios::execve_fail, 1},
	};
	std::string names;
	for (const Scenario &s : scenarios)
		names += std::string(names.empty() ? "" : ", ") + s.name;
	Options opts = parse_options(argc, argv, names.c_str());
	run_scenarios("mm_cid_exec", scenarios, opts);
}
