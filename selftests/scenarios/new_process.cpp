// SPDX-License-Identifier: GPL-2.0-only
// A crossing made by a new process, forked from the scenario's process
// (by storm below four CPUs, and by fork-percpu in per CPU mode with its
// threads running): the new mm starts from nothing of its parent's
// (mm_init_cid()), crosses once and is judged there.
#include "scenarios.hpp"

#include "../lib/shared_progress.hpp"
#include "kselftest.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mmcid::scenarios
{

namespace
{
uint64_t progress_sum(const SharedProgress &p)
{
	uint64_t sum = 0;
	for (const auto &slot : p.progress)
		sum += slot.load(std::memory_order_relaxed);
	return sum;
}

} // namespace

Crossed cross_in_new_process(Workload &w, const std::string &name, unsigned n, bool settle,
			     const Behavior *behaviors, unsigned nr_behaviors)
{
	// Mapped here, so that this process sees the new one's threads make
	// progress and passes it on to the watchdog, which watches this one.
	SharedProgress *theirs = map_shared_progress();
	if (!theirs) {
		printf("# %s: cannot map shared memory: no more crossings in new processes\n",
		       name.c_str());
		return Crossed::no_process;
	}
	fflush(stdout);
	const pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		// A limit of the machine, not a fault of the kernel.
		printf("# %s: fork: %m: no more crossings in new processes\n", name.c_str());
		unmap_shared_progress(theirs);
		return Crossed::no_process;
	}
	if (pid == 0) {
		// Not left running when the scenario is killed (its time limit).
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(KSFT_FAIL);
		Options o = w.options();
		o.seed = o.seed * 131 + n;
		Workload once(o, theirs, w.thresholds());
		cross_once(once, behaviors, nr_behaviors, settle);
		const int rc = once.finish((name + "." + std::to_string(n)).c_str(), true);
		fflush(stdout);
		_exit(rc);
	}
	int status = 0;
	uint64_t seen = 0;
	for (;;) {
		const pid_t got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR) {
			printf("# %s: crossing %u: waitpid: %m\n", name.c_str(), n);
			unmap_shared_progress(theirs);
			return Crossed::failed;
		}
		// Progress of the new process is progress of this one: the
		// watchdog must not call a slow crossing a stall.
		const uint64_t now = progress_sum(*theirs);
		if (now != seen) {
			seen = now;
			w.controller_progress();
		}
		usleep(5000);
	}
	unmap_shared_progress(theirs);
	w.controller_progress();
	w.crossed();
	if (WIFEXITED(status) && WEXITSTATUS(status) == KSFT_PASS)
		return Crossed::ok;
	printf("# %s: crossing %u: process %d %s %d\n", name.c_str(), n, pid,
	       WIFEXITED(status) ? "exited with" : "killed by signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return Crossed::failed;
}

int fork_percpu(Workload &w)
{
	static const Behavior mix[] = {Behavior::spin, Behavior::yield, Behavior::sleep};
	// A few forks are enough for a state the new mm inherits; the
	// scenario's time goes to the suite's other crossings.
	constexpr unsigned forks = 3;
	unsigned forked = 0;
	for (unsigned n = 0; n < forks && more_cycles(w, n); n++) {
		unsigned i = 0;
		while (w.model().users() < high_users(w))
			w.add_worker(mix[i++ % std::size(mix)]);
		w.settle();
		// Forked while this process is in per CPU mode, its threads
		// running: the child's mm must start from nothing of this
		// one's mode state, which its crossing's mode probes show.
		const Crossed c =
		    cross_in_new_process(w, "fork-percpu", n, true, mix, std::size(mix));
		if (c == Crossed::failed)
			return KSFT_FAIL;
		if (c == Crossed::no_process)
			break;
		forked++;
		while (w.model().users() > low_users(w))
			w.remove_worker();
		w.settle();
	}
	if (!forked) {
		printf(
		    "# fork-percpu: no new process could be made: the forked mm is not tested\n");
		return KSFT_SKIP;
	}
	return KSFT_PASS;
}

} // namespace mmcid::scenarios
