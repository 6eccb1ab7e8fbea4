// SPDX-License-Identifier: GPL-2.0-only
// Many processes crossing the per CPU threshold at the same time, their
// threads migrating themselves all the while. Each mm is a race of its
// own between the task to CPU fixup walk and a migration (the patch 1
// live lock), so the chances of all of them add up, and every process
// keeps the others' windows open by taking CPU time from their walks.
// Each process runs the full set of checks on its own threads; the
// scenario's own process is the one the watchdog watches.
#include "scenarios.hpp"

#include "../lib/shared_progress.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace mmcid::scenarios
{

namespace
{
const Behavior storm_mix[] = {Behavior::hop, Behavior::hop, Behavior::yield};

void cross_until_done(Workload &w)
{
	for (unsigned n = 0; more_cycles(w, n); n++)
		cross_once(w, storm_mix, 3);
}
} // namespace

int storm(Workload &w)
{
	// Forked before this process has threads of its own.
	const unsigned others = std::max(2u, w.thresholds().possible) - 1;
	std::vector<pid_t> kids;
	for (unsigned i = 0; i < others; i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			printf("# storm: fork: %m\n");
			break;
		}
		if (pid == 0) {
			SharedProgress *own = map_shared_progress();
			Options o = w.options();
			o.seed = o.seed * 31 + i + 1;
			int rc = 1;
			if (own) {
				Workload mine(o, own, w.thresholds());
				cross_until_done(mine);
				rc = mine.finish(("storm/" + std::to_string(i + 1)).c_str());
			}
			fflush(stdout);
			_exit(rc);
		}
		kids.push_back(pid);
	}
	cross_until_done(w);
	int rc = kids.size() == others ? 0 : 1;
	for (pid_t pid : kids) {
		int status = 0;
		w.controller_progress();
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("# storm: process %d %s %d\n", pid,
			       WIFEXITED(status) ? "exited with" : "killed by signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			rc = 1;
		}
	}
	return rc;
}

} // namespace mmcid::scenarios
