// SPDX-License-Identifier: GPL-2.0-only
// mm_cid across exec: children which share the mm until they exec or exit,
// and a failing execve() in per CPU mode. One TAP subtest per scenario.
#include "lib/runner.hpp"
#include "scenarios/scenarios.hpp"

#include <cstring>
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
	    {"execve-fail-repeat", "as execve-fail, three failing execve()s in a row",
	     scenarios::execve_fail_repeat, 1},
	    {"execve-fail-last-cpu", "as execve-fail, from the highest CPU",
	     scenarios::execve_fail_last_cpu, 1},
	    {"execve-fail-interp", "as execve-fail, a missing #! interpreter (ENOENT)",
	     scenarios::execve_fail_interp, 1},
	    {"execve-fail-threads",
	     "per CPU mode with other threads running, one thread's execve() fails: its mm_cid",
	     scenarios::execve_fail_threads},
	    {"execve-eacces", "control: execve() fails with EACCES before the mm_cid hook",
	     scenarios::execve_eacces, 1},
	    {"execve-ok", "control: execve() succeeds, the new image creates a thread",
	     scenarios::execve_ok, 1},
	};
	if (argc == 2 && !strcmp(argv[1], "--exec-child"))
		return scenarios::exec_child();
	scenario_main("mm_cid_exec", argc, argv, scenarios);
}
