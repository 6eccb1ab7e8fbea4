// SPDX-License-Identifier: GPL-2.0-only
#include "checkers.hpp"

#include <algorithm>

#include <numeric>
#include <sstream>

namespace mmcid
{

void DensityChecker::observe(unsigned thread, uint32_t cid, unsigned bound)
{
	observations_++;
	if (cid > max_seen_)
		max_seen_ = cid;
	if (cid >= bound) {
		if (!violations_) {
			first_thread_ = thread;
			first_cid_ = cid;
			first_bound_ = bound;
		}
		violations_++;
	}
}

void DensityChecker::merge(const DensityChecker &o)
{
	if (o.violations_ && !violations_) {
		first_thread_ = o.first_thread_;
		first_cid_ = o.first_cid_;
		first_bound_ = o.first_bound_;
	}
	observations_ += o.observations_;
	violations_ += o.violations_;
	if (o.max_seen_ > max_seen_)
		max_seen_ = o.max_seen_;
}

std::string DensityChecker::report() const
{
	std::ostringstream s;
	s << observations_ << " observations, highest mm_cid " << max_seen_;
	if (bound_)
		s << ", bound " << bound_;
	if (violations_)
		s << ": " << violations_ << " at or above the bound, first mm_cid " << first_cid_
		  << " in thread " << first_thread_ << " (bound " << first_bound_ << ")";
	return s.str();
}

uint64_t UniquenessLedger::counted() const
{
	return std::accumulate(
	    counters_.begin(), counters_.end(), uint64_t{0},
	    [](uint64_t sum, intptr_t c) { return sum + static_cast<uint64_t>(c); });
}

std::string UniquenessLedger::report() const
{
	std::ostringstream s;
	s << commits_ << " commits, counters sum to " << counted();
	if (!ok())
		s << ": " << (commits_ > counted() ? commits_ - counted() : counted() - commits_)
		  << " updates lost: two increments of one mm_cid's counter overlapped, so two "
		     "threads ran with the same mm_cid at once (or a critical section did not "
		     "abort)";
	return s.str();
}

void ModeChecker::observe(bool percpu_expected, unsigned users, unsigned cpu_a, uint32_t cid_a,
			  unsigned cpu_b, uint32_t cid_b)
{
	observations_++;
	if ((cid_a != cid_b) == percpu_expected)
		return;
	if (!violations_) {
		std::ostringstream s;
		s << (percpu_expected ? "per CPU" : "per task") << " mode expected at " << users
		  << " users, but mm_cid " << cid_a << " on cpu " << cpu_a << " and " << cid_b
		  << " on cpu " << cpu_b << " show per " << (percpu_expected ? "task" : "CPU")
		  << " ownership";
		first_ = s.str();
	}
	violations_++;
}

void ModeChecker::merge(const ModeChecker &o)
{
	if (o.violations_ && !violations_)
		first_ = o.first_;
	observations_ += o.observations_;
	violations_ += o.violations_;
}

std::string ModeChecker::report() const
{
	std::ostringstream s;
	s << observations_ << " two-CPU probes";
	if (violations_)
		s << ": " << violations_ << " in the wrong mode, first: " << first_;
	return s.str();
}

void CpuIdChecker::observe(uint32_t cpu_id, bool allowed)
{
	observations_++;
	if (cpu_id >= possible_ || !allowed) {
		if (!violations_)
			first_bad_ = cpu_id;
		violations_++;
	}
}

void CpuIdChecker::merge(const CpuIdChecker &o)
{
	if (o.violations_ && !violations_)
		first_bad_ = o.first_bad_;
	observations_ += o.observations_;
	violations_ += o.violations_;
}

std::string CpuIdChecker::report() const
{
	std::ostringstream s;
	s << observations_ << " cpu_id observations";
	if (violations_)
		s << ": " << violations_ << " outside the possible or allowed CPUs, first "
		  << first_bad_;
	return s.str();
}

bool StallDetector::sample(Clock::time_point now, const std::vector<uint64_t> &progress,
			   const std::vector<bool> &active)
{
	if (last_.size() != progress.size()) {
		last_ = progress;
		changed_.assign(progress.size(), ran_);
	} else {
		ran_ += std::min(now - prev_, max_step_);
	}
	prev_ = now;
	stuck_.clear();
	for (size_t i = 0; i < progress.size(); i++) {
		if (progress[i] != last_[i] || !active.at(i)) {
			last_[i] = progress[i];
			changed_[i] = ran_;
		} else if (ran_ - changed_[i] >= limit_) {
			stuck_.push_back(i);
		}
	}
	return stalled();
}

std::string StallDetector::report() const
{
	std::ostringstream s;
	if (stuck_.empty()) {
		s << "every active thread made progress within "
		  << std::chrono::duration_cast<std::chrono::seconds>(limit_).count() << " s";
		return s.str();
	}
	s << "no progress for " << std::chrono::duration_cast<std::chrono::seconds>(limit_).count()
	  << " s in thread(s)";
	for (size_t i : stuck_)
		s << " " << i;
	s << "; progress counters:";
	for (size_t i = 0; i < last_.size(); i++)
		if (last_[i])
			s << " " << i << "=" << last_[i];
	return s.str();
}

} // namespace mmcid
