/* SPDX-License-Identifier: GPL-2.0-only */
// The threads of a scenario. The scenario's main thread is the
// controller: it adds and removes workers to move the CID user count
// across the mode thresholds; the workers count in rseq critical sections
// keyed by their mm_cid, observe mm_cid and cpu_id, and schedule in and
// out in the way their behaviour says. What they observe is judged by
// judge() (verdicts.hpp).
#pragma once

#include "checkers.hpp"
#include "mode_model.hpp"
#include "options.hpp"
#include "shared_progress.hpp"
#include "verdicts.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <sched.h>
#include <thread>
#include <vector>

namespace mmcid
{

enum class Behavior {
	spin,  // busy for a moment: preempted, migrated by the load balancer
	yield, // sched_yield(): out and in again right away
	sleep, // short nanosleep(): out, and in on whichever CPU wakes it
	block, // waits on a condition variable the controller pulses
	hop,   // sched_setaffinity() to another CPU: migrates itself
};
const char *behavior_name(Behavior b);

// Code a scenario runs in every worker: once at the start, after each
// counting round, and once at the end (for example a library's per
// thread registration and the work of a thread pool).
struct WorkerHooks {
	std::function<void()> start, iteration, stop;
};

class Workload
{
public:
	Workload(const Options &opts, SharedProgress *shared, Thresholds t);
	~Workload();

	// The controller's view: each call is one fork or exit of a CID user.
	// remove_worker() first waits until the worker has committed one
	// critical section: the checks need that much progress of every
	// thread, which a loaded machine may delay but a correct kernel never
	// withholds (a real stall is the watchdog's to report).
	// @mask: the worker's CPUs, set by the controller before the worker
	// runs (a worker created by a controller pinned to one CPU would
	// otherwise start queued there, and first take the controller off it).
	void add_worker(Behavior b, const cpu_set_t *mask = nullptr);
	// @oldest: the longest-running worker instead of the newest, so that
	// the remaining ones may hold CIDs above the new bound.
	void remove_worker(bool oldest = false);
	size_t workers() const { return workers_.size(); }
	const ModeModel &model() const { return model_; }
	const Thresholds &thresholds() const { return thresholds_; }
	// Whether the checks that encode the kernel's thresholds run.
	bool white_box() const;
	const Options &options() const { return opts_; }
	std::mt19937_64 &rng() { return rng_; }

	// A failed execve() of the controller: the kernel counts it as an
	// exit (sched_mm_cid_before_execve()) and a fork (..._after_execve()).
	void exec_failed()
	{
		model_.exit();
		model_.fork();
	}
	// A child which shared the mm until it exited or exec'd (vfork(),
	// posix_spawn(), CLONE_VM): one fork and one exit of a CID user.
	void child_came_and_went()
	{
		unsettle();
		model_.fork();
		model_.exit();
	}
	// The process affinity was widened to @nr CPUs (the deferred path).
	void widened_to(unsigned nr) { model_.widened_to(nr); }
	// The settled bound does not apply until settle(): used while the
	// user count changes behind the model's back.
	void unsettle();
	// Declares the current user count settled: every worker schedules out
	// and in once, probes the ownership mode on two CPUs (ModeChecker),
	// then checks mm_cid against the model's settled bound. Returns once
	// every worker has probed and @dwell has passed: the checks need that
	// much progress of every thread, however slowly the host runs it.
	void settle(std::chrono::milliseconds dwell = std::chrono::milliseconds(20));
	// One threshold crossing completed.
	void crossed() { shared_->crossings++; }
	bool time_left() const;
	void controller_progress() { shared_->progress[controller_slot]++; }

	// Set before the first add_worker().
	void set_worker_hooks(WorkerHooks hooks) { hooks_ = std::move(hooks); }

	// The controller counts in critical sections of its own, with the
	// rseq area the scenario registered for it (ThreadRseq), until
	// @done() returns true. It never sleeps meanwhile: a thread of the
	// process which runs on its CPU while the kernel switches modes.
	void count_until(const std::function<bool()> &done);
	// Lets the newest @n workers exit and counts (count_until) until the
	// kernel has released them (the thread count in /proc drops only
	// after sched_mm_cid_exit()): joining them would sleep.
	void remove_workers_counting(unsigned n);
	// Whether every worker from the @first-th on has made @rounds
	// counting rounds.
	bool workers_made(size_t first, uint64_t rounds) const;

	// A short-lived thread which counts @iterations times and exits; for
	// scenarios that create threads outside the controller.
	void short_worker(unsigned iterations);

	// Stops and joins every worker and judges what they observed
	// (@quiet: prints the verdicts only if a check failed). Returns
	// KSFT_PASS or KSFT_FAIL.
	int finish(const char *name, bool quiet = false);

private:
	struct Worker {
		std::thread thread;
		std::atomic<bool> stop{false};
		std::atomic<bool> committed{false}; // one critical section, or gave up
		std::atomic<uint32_t> probed{0};    // last settled epoch it probed
		unsigned slot = 0;
		Behavior role = Behavior::spin;
		bool pinned = false; // to mask, by the controller
		cpu_set_t mask;
	};
	void worker_main(Worker *w);
	unsigned take_slot();
	void release_slot(unsigned slot);
	void count_once(unsigned slot, Observations &r, uint32_t epoch_seen, bool settled_now,
			uint32_t &last_cid);
	void probe_mode(const cpu_set_t &allowed, const cpu_set_t &own, std::mt19937_64 &rng,
			uint32_t epoch, Observations &r);
	void merge(const Observations &r);

	Options opts_;
	SharedProgress *shared_;
	Thresholds thresholds_;
	ModeModel model_;
	std::mt19937_64 rng_;
	std::chrono::steady_clock::time_point deadline_;
	std::vector<std::unique_ptr<Worker>> workers_;
	std::vector<unsigned> free_slots_;
	unsigned next_slot_ = controller_slot + 1;
	std::mutex slots_lock_;

	UniquenessLedger ledger_;
	const bool unprotected_;	  // --plant=unprotected
	std::atomic<uint32_t> epoch_{0};  // odd: settled, even: changing
	std::atomic<uint32_t> bound_{0};  // settled bound of the current epoch
	std::atomic<bool> percpu_{false}; // the mode the model expects then
	std::atomic<unsigned> users_{1};  // and its user count
	std::mutex block_lock_;
	std::condition_variable block_cv_;

	WorkerHooks hooks_;
	std::mutex results_lock_;
	Observations results_;
	Observations controller_; // what count_until() saw
	unsigned peak_users_ = 1;
};

} // namespace mmcid
