// SPDX-License-Identifier: GPL-2.0-only
// Children which share the mm for a while: vfork()+execve(), posix_spawn()
// and clone(CLONE_VM | CLONE_VFORK) children which exit without exec. Each
// is a CID user from fork until exec or exit, so they move the user count
// across the threshold from outside the thread list the controller keeps.
#include "scenarios.hpp"

#include <csignal>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace mmcid::scenarios
{

namespace
{
int exit_at_once(void *)
{
	_exit(0);
}

bool spawn_one(Workload &w, unsigned kind)
{
	static char true_path[] = "/bin/true";
	char *argv[] = {true_path, nullptr};
	pid_t pid = -1;
	switch (kind % 3) {
	case 0:
		pid = vfork();
		if (pid == 0) {
			execve(true_path, argv, environ);
			_exit(127);
		}
		break;
	case 1:
		if (posix_spawn(&pid, true_path, nullptr, nullptr, argv, environ))
			pid = -1;
		break;
	case 2: {
		static char stack[64 * 1024] __attribute__((aligned(16)));
		pid = clone(exit_at_once, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD,
			    nullptr);
		break;
	}
	}
	if (pid < 0)
		return false;
	w.child_came_and_went();
	int status;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status);
}
} // namespace

int spawn(Workload &w)
{
	static const Behavior mix[] = {Behavior::spin, Behavior::sleep, Behavior::hop};
	unsigned failures = 0, spawned = 0;
	for (unsigned n = 0; more_cycles(w, n); n++) {
		// Sit at the threshold, then let the children cross it.
		while (w.model().users() + 1 < w.thresholds().users_to_enter_percpu())
			w.add_worker(mix[w.workers() % 3]);
		for (unsigned k = 0; k < 30; k++, spawned++) {
			failures += !spawn_one(w, k);
			w.controller_progress();
		}
		w.settle();
		while (w.model().users() > low_users(w))
			w.remove_worker();
		w.settle();
		w.crossed();
	}
	printf("# spawn: %u children, %u failed to run /bin/true\n", spawned, failures);
	return failures ? 1 : 0;
}

} // namespace mmcid::scenarios
