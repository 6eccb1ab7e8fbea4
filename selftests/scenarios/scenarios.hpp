/* SPDX-License-Identifier: GPL-2.0-only */
// The scenarios of mm_cid_transitions, one file each.
#pragma once

#include "../lib/workload.hpp"

#include <string>

namespace mmcid::scenarios
{
// Grow from 1 user to above max_cids and back below pcpu_thrs, with
// workers that spin, yield, sleep and block; every other cycle stays in
// per task mode and retires the oldest workers first.
int crossing(Workload &w);
// The same crossings with workers that migrate themselves all the time.
int migration(Workload &w);
// The migration scenario in two processes per CPU at once (no debug knob
// needed to catch the patch 1 live lock).
int storm(Workload &w);
// The switch back to per task mode while the controller runs on its CPU,
// then new threads taking CIDs from the pool beside it.
int running_switch_back(Workload &w);
// Bursts of threads calling pthread_create() at once, from one user past
// the per CPU threshold, then all exit.
int concurrent_create(Workload &w);
// Start with a narrow process-wide mask, switch to per CPU mode, then
// widen the mask (the deferred update path) and narrow threads again.
int affinity(Workload &w);
// Two users on one CPU (per CPU mode), then the mask is widened: the
// deferred switch back to per task mode, and the CIDs the process uses.
int affinity_widen(Workload &w);
// Two users on two CPUs (per task mode), the mask widened, a third user:
// per task mode must stay.
int affinity_widen_per_task(Workload &w);
// Two users on one CPU, back to one, the mask widened, a second user:
// the mode the narrow mm was left in.
int affinity_shrink_widen(Workload &w);
// A plain fork() by a process in per CPU mode (a threaded server forking
// a helper); the child crosses the thresholds in its own mm.
int fork_percpu(Workload &w);
// vfork()+execve(), posix_spawn() and CLONE_VM children around the threshold.
int spawn(Workload &w);
// A failing execve() in per CPU mode, then pthread_create(); neighbours.
int execve_fail(Workload &w);
int execve_fail_repeat(Workload &w);
int execve_fail_last_cpu(Workload &w);
int execve_fail_interp(Workload &w);
int execve_eacces(Workload &w);
int execve_ok(Workload &w);
// A failing execve() by one thread of a process in per CPU mode.
int execve_fail_threads(Workload &w);
// main() of the image execve-ok starts.
int exec_child();

// Shared by the crossing scenarios: user counts of the high and low side.
unsigned high_users(const Workload &w);
unsigned low_users(const Workload &w);
// One full crossing: up to high_users(), settle, down to low_users(),
// settle; without @settle no stop for the checks of a settled state.
void cross_once(Workload &w, const Behavior *behaviors, unsigned nr_behaviors, bool settle = true);
// Whether another crossing fits (--cycles or the duration).
bool more_cycles(const Workload &w, unsigned done);
// One crossing (cross_once) in a new process forked from this one, judged
// there, quietly unless a check fails; this process passes the new one's
// progress on to the watchdog. no_process: fork() or the shared memory
// failed (a limit of the machine, said on the console).
enum class Crossed { ok, failed, no_process };
Crossed cross_in_new_process(Workload &w, const std::string &name, unsigned n, bool settle,
			     const Behavior *behaviors, unsigned nr_behaviors);
} // namespace mmcid::scenarios
