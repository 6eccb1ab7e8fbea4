// SPDX-License-Identifier: GPL-2.0-only
#include "runner.hpp"

#include "kselftest.h"
#include "rseq_thread.hpp"
#include "shared_progress.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mmcid
{

namespace
{
void print_progress(const SharedProgress &p)
{
	printf(
	    "# watchdog: users %u, %s mode expected, %llu crossings; thread: progress/cpu/mm_cid:",
	    p.users.load(), p.percpu ? "per CPU" : "per task",
	    static_cast<unsigned long long>(p.crossings.load()));
	for (unsigned i = 0; i < max_tracked_threads; i++)
		if (p.active[i] || p.progress[i])
			printf(" %u:%llu/%u/%u%s", i,
			       static_cast<unsigned long long>(p.progress[i].load()),
			       p.last_cpu[i].load(), p.last_cid[i].load(),
			       p.active[i] ? "" : "(gone)");
	printf("\n");
	fflush(stdout);
}

// Narrows the calling thread to its first @n allowed CPUs; returns the old mask.
cpu_set_t narrow_self(unsigned n)
{
	cpu_set_t old, mask;
	sched_getaffinity(0, sizeof(old), &old);
	CPU_ZERO(&mask);
	for (int c = 0, left = n; c < CPU_SETSIZE && left; c++)
		if (CPU_ISSET(c, &old)) {
			CPU_SET(c, &mask);
			left--;
		}
	sched_setaffinity(0, sizeof(mask), &mask);
	return old;
}

int run_one(const Scenario &s, const Options &opts, const Thresholds &t)
{
	SharedProgress *shared = map_shared_progress();
	if (!shared) {
		ksft_print_msg("%s: cannot map shared memory\n", s.name);
		return KSFT_FAIL;
	}
	fflush(stdout);
	cpu_set_t parent_mask;
	bool narrowed = s.start_cpus && s.start_cpus < t.nr_cpus_allowed;
	if (narrowed)
		parent_mask = narrow_self(s.start_cpus);
	Thresholds child_t = t;
	if (narrowed)
		child_t.nr_cpus_allowed = s.start_cpus;
	pid_t pid = fork();
	if (pid == 0) {
		int rc;
		{
			Workload w(opts, shared, child_t);
			rc = s.body(w);
			if (rc != KSFT_SKIP) {
				int checks = w.finish(s.name);
				rc = rc ? rc : checks;
			}
		}
		fflush(stdout);
		_exit(rc);
	}
	if (narrowed)
		sched_setaffinity(0, sizeof(parent_mask), &parent_mask);
	if (pid < 0) {
		ksft_print_msg("%s: fork: %s\n", s.name, strerror(errno));
		return KSFT_FAIL;
	}

	using clock = std::chrono::steady_clock;
	auto limit = std::chrono::milliseconds(static_cast<long>(opts.stall_s * 1000));
	auto deadline = clock::now() + std::chrono::milliseconds(static_cast<long>(
					   (opts.duration_s + 2 * opts.stall_s + 30) * 1000));
	const auto started = clock::now();
	// 0: none; otherwise no more often than the loop below samples.
	const auto beat = std::chrono::milliseconds(
	    opts.heartbeat_s > 0 ? std::max(100L, static_cast<long>(opts.heartbeat_s * 1000)) : 0);
	auto next_beat = started + beat;
	StallDetector detector(limit);
	std::vector<uint64_t> progress(max_tracked_threads);
	std::vector<bool> active(max_tracked_threads);
	int status = 0, rc = KSFT_FAIL;
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid) {
			if (WIFEXITED(status))
				rc = WEXITSTATUS(status);
			else
				ksft_print_msg("%s: killed by signal %d\n", s.name,
					       WTERMSIG(status));
			break;
		}
		for (unsigned i = 0; i < max_tracked_threads; i++) {
			progress[i] = shared->progress[i];
			active[i] = shared->active[i];
		}
		bool stalled = detector.sample(clock::now(), progress, active);
		if (stalled || clock::now() > deadline) {
			ksft_print_msg("%s: %s\n", s.name,
				       stalled ? detector.report().c_str()
					       : "did not finish within its time limit");
			print_progress(*shared);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			rc = KSFT_FAIL;
			break;
		}
		if (beat.count() && clock::now() >= next_beat) {
			next_beat = clock::now() + beat; // no burst after a slow spell
			ksft_print_msg(
			    "%s: running, %.0f s, %llu crossings\n", s.name,
			    std::chrono::duration<double>(clock::now() - started).count(),
			    static_cast<unsigned long long>(shared->crossings.load()));
		}
		usleep(100000);
	}
	unmap_shared_progress(shared);
	return rc;
}
} // namespace

void run_scenarios(const char *program, const std::vector<Scenario> &scenarios, const Options &opts)
{
	ksft_print_header();
	std::string why = mm_cid_unsupported_reason();
	Thresholds t = current_thresholds();
	unsigned planned = 0;
	for (const Scenario &s : scenarios)
		planned += opts.only.empty() || opts.only == s.name;
	if (!planned)
		ksft_exit_fail_msg("no scenario named '%s'\n", opts.only.c_str());
	ksft_set_plan(planned);
	ksft_print_msg("%s: seed %llu, %u possible CPUs, %u allowed, per CPU mode from %u users, "
		       "back below %u\n",
		       program, static_cast<unsigned long long>(opts.seed), t.possible,
		       t.nr_cpus_allowed, t.users_to_enter_percpu(),
		       t.pcpu_thrs(t.users_to_enter_percpu()));
	for (const Scenario &s : scenarios) {
		if (!opts.only.empty() && opts.only != s.name)
			continue;
		if (!why.empty()) {
			ksft_test_result_skip("%s: %s\n", s.name, why.c_str());
			continue;
		}
		ksft_print_msg("%s: %s\n", s.name, s.what);
		int rc = run_one(s, opts, t);
		if (rc == KSFT_SKIP)
			ksft_test_result_skip("%s\n", s.name);
		else if (rc == KSFT_PASS)
			ksft_test_result_pass("%s\n", s.name);
		else
			ksft_test_result_fail("%s\n", s.name);
	}
	ksft_finished();
}

void scenario_main(const char *program, int argc, char **argv,
		   const std::vector<Scenario> &scenarios)
{
	take_over_rseq_from_libc(argv);
	std::string names;
	for (const Scenario &s : scenarios)
		names += std::string(names.empty() ? "" : ", ") + s.name;
	Options opts = parse_options(argc, argv, names.c_str());
	run_scenarios(program, scenarios, opts);
}

} // namespace mmcid
