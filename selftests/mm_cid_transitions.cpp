// SPDX-License-Identifier: GPL-2.0-only
// mm_cid ownership mode transitions: drives a process's thread count
// across the per CPU threshold again and again, in the ways the kernel
// switches modes, and checks rseq mm_cid density, uniqueness and cpu_id,
// and that no thread stops making progress. One TAP subtest per scenario.
#include "lib/runner.hpp"
#include "scenarios/scenarios.hpp"

#include <vector>

using namespace mmcid;

int main(int argc, char **argv)
{
	const std::vector<Scenario> scenarios = {
	    {"storm", "two processes per CPU crossing the thresholds together, threads migrating",
	     scenarios::storm},
	    {"crossing",
	     "fork/exit across the thresholds, and per task cycles retiring the oldest first",
	     scenarios::crossing},
	    {"running-switch-back",
	     "the switch back to per task mode with a thread running, new threads beside it",
	     scenarios::running_switch_back},
	    {"migration", "fork/exit across the thresholds while workers migrate themselves",
	     scenarios::migration},
	    {"concurrent-create",
	     "bursts of concurrent pthread_create() from 1 user past the threshold",
	     scenarios::concurrent_create},
	    {"fork-percpu", "fork() by a process in per CPU mode; the child crosses in its own mm",
	     scenarios::fork_percpu},
	    {"affinity", "start narrow, widen the process mask, narrow threads again",
	     scenarios::affinity, 1},
	    {"affinity-widen", "2 threads on one CPU (per CPU mode), widen, visit every CPU",
	     scenarios::affinity_widen, 1},
	    {"affinity-widen-per-task",
	     "2 threads on two CPUs (per task mode), widen, a third thread",
	     scenarios::affinity_widen_per_task, 2},
	    {"affinity-shrink-widen", "2 threads on one CPU, back to 1, widen, a second thread",
	     scenarios::affinity_shrink_widen, 1},
	};
	scenario_main("mm_cid_transitions", argc, argv, scenarios);
}
