// SPDX-License-Identifier: GPL-2.0
// mm_cid across exec: children which share the mm until they exec or exit,
// and a failing execve() in per CPU mode. One TAP subtest per scenario.
#include "lib/runner.hpp"
#include "scenarios/scenarios.hpp"

#include <vector>

using namespace mmcid;

int main(int argc, char **argv)
{
	const std::vector<Scenario> scenarios = {
	    {"spawn", "vfork()+execve(), posix_spawn() and CLONE_VM children at the threshold",
	     scenarios::spawn},
	    {"execve-fail",
	     "per CPU mode, every CPU owns a CID, execve() fails with ENOEXEC, pthread_create()",
	     scenarios::execve_fail, 1},
	};
	scenario_main("mm_cid_exec", argc, argv, scenarios);
}
