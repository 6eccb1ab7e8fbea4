/* SPDX-License-Identifier: GPL-2.0-only */
// CPU counts and the MM CID mode thresholds derived from them, mirroring
// __mm_update_max_cids() and mm_cid_calc_pcpu_thrs() in kernel/sched/core.c.
#pragma once

#include <string>

namespace mmcid
{

// Number of CPUs in a sysfs CPU list such as "0-3,6,8-9".
unsigned count_cpu_list(const std::string &list);
// num_possible_cpus(), from /sys/devices/system/cpu/possible.
unsigned possible_cpus();
// CPUs in the calling thread's affinity mask.
unsigned allowed_cpus();

struct Thresholds {
	unsigned possible;	  // num_possible_cpus()
	unsigned nr_cpus_allowed; // weight of the process-wide allowed mask

	// max_cids for a given number of users.
	unsigned max_cids(unsigned users) const;
	// pcpu_thrs recorded when a fork switches to per CPU mode with @users.
	unsigned pcpu_thrs(unsigned users) const;
	// Smallest user count at which a fork switches to per CPU mode.
	unsigned users_to_enter_percpu() const;
	// Largest user count at which an exit has switched back to per task
	// mode, after entering per CPU mode at users_to_enter_percpu(); 0 if
	// only the last user leaving ends per CPU mode.
	unsigned users_after_leaving_percpu() const;
};

Thresholds current_thresholds();

} // namespace mmcid
