/* SPDX-License-Identifier: GPL-2.0-only */
// What the tests check, as plain logic over observations, so that each
// checker can be fed a planted violation in a unit test.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mmcid
{

// Density: an observed mm_cid must be below a bound (num_possible_cpus()
// always; max_cids once the process has settled in a mode).
class DensityChecker
{
public:
	explicit DensityChecker(unsigned bound) : bound_(bound) {}
	void observe(unsigned thread, uint32_t cid) { observe(thread, cid, bound_); }
	// Against a bound which changes over the run (the settled bound).
	void observe(unsigned thread, uint32_t cid, unsigned bound);
	void merge(const DensityChecker &other);
	bool ok() const { return violations_ == 0; }
	uint64_t observations() const { return observations_; }
	uint64_t violations() const { return violations_; }
	uint32_t max_seen() const { return max_seen_; }
	std::string report() const;

private:
	unsigned bound_;
	uint64_t observations_ = 0, violations_ = 0;
	uint32_t max_seen_ = 0;
	unsigned first_thread_ = 0, first_bound_ = 0;
	uint32_t first_cid_ = 0;
};

// Uniqueness: threads add to per-CID counters with a non-atomic
// load-add-store inside an rseq critical section which only commits if the
// thread still has that mm_cid. Two threads running with the same mm_cid
// at once can lose updates, so the counters then sum to less than the
// commits the threads counted themselves.
class UniquenessLedger
{
public:
	explicit UniquenessLedger(unsigned nr_cids) : counters_(nr_cids, 0) {}
	// Where the critical sections add.
	intptr_t *counter(uint32_t cid) { return &counters_.at(cid); }
	unsigned size() const { return counters_.size(); }
	// Commits one thread counted for itself.
	void add_commits(uint64_t n) { commits_ += n; }
	uint64_t commits() const { return commits_; }
	uint64_t counted() const;
	bool ok() const { return counted() == commits_; }
	std::string report() const;

private:
	std::vector<intptr_t> counters_;
	uint64_t commits_ = 0;
};

// cpu_id consistency: rseq's cpu_id must be a possible CPU and one the
// thread is allowed to run on.
class CpuIdChecker
{
public:
	explicit CpuIdChecker(unsigned possible) : possible_(possible) {}
	void observe(uint32_t cpu_id, bool allowed);
	void merge(const CpuIdChecker &other);
	bool ok() const { return violations_ == 0; }
	std::string report() const;

private:
	unsigned possible_;
	uint64_t observations_ = 0, violations_ = 0;
	uint32_t first_bad_ = 0;
};

// Ownership mode: once settled, one thread pinned to CPU a and then to
// CPU b shows which owner its mm_cid has. In per task mode the task owns
// it, so both reads give the same mm_cid; in per CPU mode each CPU owns
// one, so they differ. The mode the test's model expects is compared
// with the kernel's, which density alone cannot see (a process in the
// wrong mode stays dense).
class ModeChecker
{
public:
	void observe(bool percpu_expected, unsigned users, unsigned cpu_a, uint32_t cid_a,
		     unsigned cpu_b, uint32_t cid_b);
	void merge(const ModeChecker &other);
	bool ok() const { return violations_ == 0; }
	uint64_t observations() const { return observations_; }
	std::string report() const;

private:
	uint64_t observations_ = 0, violations_ = 0;
	std::string first_;
};

// Liveness: per-thread progress counters sampled over time. A thread is
// stuck when it is active and its counter has not moved for @limit; the
// test's threads never wait longer than a few milliseconds on purpose, so
// only a kernel which stops running them gets there. Time counts only as
// far as the sampler itself ran: a gap between two samples counts at most
// @max_step, so a guest which the host did not run for a while (the
// sampler then did not run either) is not taken for a stall.
class StallDetector
{
public:
	using Clock = std::chrono::steady_clock;
	explicit StallDetector(Clock::duration limit,
			       Clock::duration max_step = std::chrono::seconds(1))
	    : limit_(limit), max_step_(max_step)
	{
	}
	// Returns true once some active thread has been stuck for @limit.
	bool sample(Clock::time_point now, const std::vector<uint64_t> &progress,
		    const std::vector<bool> &active);
	bool stalled() const { return !stuck_.empty(); }
	const std::vector<size_t> &stuck() const { return stuck_; }
	std::string report() const;

private:
	Clock::duration limit_, max_step_;
	Clock::time_point prev_{};
	Clock::duration ran_{}; // the sampler's own time, gaps capped
	std::vector<uint64_t> last_;
	std::vector<Clock::duration> changed_;
	std::vector<size_t> stuck_;
};

} // namespace mmcid
