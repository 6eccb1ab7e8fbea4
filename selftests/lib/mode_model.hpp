/* SPDX-License-Identifier: GPL-2.0-only */
// The kernel's ownership mode state machine (mm_update_max_cids()),
// replayed in user space from the forks and exits the test performs, so
// the test knows which mode the process must be in and which mm_cid bound
// holds once it has settled.
#pragma once

#include "thresholds.hpp"

namespace mmcid
{

class ModeModel
{
public:
	explicit ModeModel(Thresholds t) : t_(t) {}

	void fork();
	void exit();
	// The process-wide allowed mask grew to @nr CPUs: the kernel's
	// mm_update_cpus_allowed() and its deferred switch back.
	void widened_to(unsigned nr);
	unsigned users() const { return users_; }
	bool percpu() const { return percpu_; }
	unsigned pcpu_thrs() const { return thrs_; }

	// Every mm_cid is below this once every thread has scheduled in after
	// the last mode change: max_cids in per task mode (each task owns one
	// CID and users <= max_cids, so a free one below max_cids exists to
	// converge to); in per CPU mode the CPUs own the CIDs and keep them
	// while idle, so up to nr_cpus_allowed CIDs can stay taken.
	unsigned settled_bound() const;

private:
	void update();
	Thresholds t_;
	unsigned users_ = 1; // the main thread
	bool percpu_ = false;
	unsigned thrs_ = 0;
};

} // namespace mmcid
