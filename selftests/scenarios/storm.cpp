// SPDX-License-Identifier: GPL-2.0-only
// Many processes crossing the per CPU threshold at the same time, their
// threads migrating themselves all the while. Each mm is a race of its
// own between the task to CPU fixup walk and a migration (the patch 1
// live lock), so the chances of all of them add up, and every process
// keeps the others' windows open by taking CPU time from their walks.
// Each process runs the full set of checks on its own threads; the
// scenario's own process is the one the watchdog watches, and it passes on
// the progress of the processes it forks for crossings.
#include "scenarios.hpp"

#include "../lib/start_line.hpp"
#include "kselftest.h"

#include <algorithm>
#include <chrono>
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

// The settles (the checks of a settled state) take most of a crossing's
// time; the live lock needs crossings, so only every fourth stops there.
constexpr unsigned settle_every = 4;

// The processes start each crossing together, so that each fixup walk
// runs while the others fork and migrate; left alone they drift apart
// with the settles (on ppc64le 8 of 10 runs caught the live lock lined
// up, 3 of 5 without). Returns false if a crossing in a new process
// failed (the own crossings are judged by Workload::finish()); the first
// such failure ends the crossings, so that a kernel which fails every
// time does not flood the console.
bool cross_until_done(Workload &w, StartLine &line, const std::string &name)
{
	// Below four possible CPUs only the last exit switches an mm back to
	// per task mode (pcpu_thrs is 1, see Thresholds; also for a process
	// allowed on one CPU), so an mm crosses into per CPU mode once: there
	// every crossing after a process's first one is made by a new process.
	bool once_per_mm = w.thresholds().users_after_leaving_percpu() == 0;
	for (unsigned n = 0; more_cycles(w, n); n++) {
		line.wait(n + 1, std::chrono::seconds(1));
		const bool settle = n % settle_every == 0;
		if (n == 0 || !once_per_mm) {
			cross_once(w, storm_mix, 3, settle);
			continue;
		}
		const Crossed c = cross_in_new_process(w, name, n, settle, storm_mix, 3);
		if (c == Crossed::failed) {
			line.leave();
			return false;
		}
		// Without new processes, this one goes on crossing within per
		// CPU mode, as storm did before.
		if (c == Crossed::no_process)
			once_per_mm = false;
	}
	line.leave();
	return true;
}
} // namespace

int storm(Workload &w)
{
	// Two per CPU the threads may use: the fixup walk of one is then
	// often preempted by the others, which keeps its window open. On a
	// large machine the threads (2 x CPUs processes of about 1.25 x CPUs
	// threads) would run into pid_max and memory first: at most
	// thread_budget of them in all.
	constexpr unsigned thread_budget = 1024;
	const unsigned most = std::max(2u, thread_budget / high_users(w));
	const unsigned nr = w.options().processes;
	const unsigned planned =
	    nr ? nr : std::min(most, 2 * std::max(1u, w.thresholds().nr_cpus_allowed));
	StartLine line(planned);
	// Forked before this process has threads of its own.
	std::vector<pid_t> kids;
	for (unsigned i = 0; i + 1 < planned; i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			// A limit of the machine, not a fault of the kernel.
			printf("# storm: fork: %m; going on with %zu processes\n", kids.size() + 1);
			break;
		}
		if (pid == 0) {
			SharedProgress *own = map_shared_progress();
			Options o = w.options();
			o.seed = o.seed * 31 + i + 1;
			int rc = 1;
			if (own) {
				Workload mine(o, own, w.thresholds());
				const std::string name = "storm/" + std::to_string(i + 1);
				const bool ok = cross_until_done(mine, line, name);
				rc = mine.finish(name.c_str());
				if (!ok)
					rc = KSFT_FAIL;
			} else {
				printf("# storm/%u: cannot map shared memory\n", i + 1);
				line.leave();
			}
			fflush(stdout);
			_exit(rc);
		}
		kids.push_back(pid);
	}
	if (kids.size() + 1 < planned)
		line.set_participants(kids.size() + 1);
	int rc = cross_until_done(w, line, "storm") ? KSFT_PASS : KSFT_FAIL;
	for (pid_t pid : kids) {
		int status = 0;
		w.controller_progress();
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("# storm: process %d %s %d\n", pid,
			       WIFEXITED(status) ? "exited with" : "killed by signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			rc = KSFT_FAIL;
		}
	}
	return rc;
}

} // namespace mmcid::scenarios
