// SPDX-License-Identifier: GPL-2.0-only
#include "thresholds.hpp"

#include <algorithm>
#include <fstream>
#include <sched.h>
#include <sstream>

namespace mmcid
{

unsigned count_cpu_list(const std::string &list)
{
	unsigned n = 0;
	std::stringstream ss(list);
	std::string range;
	while (std::getline(ss, range, ',')) {
		if (range.empty() || range == "\n")
			continue;
		auto dash = range.find('-');
		unsigned lo = std::stoul(range.substr(0, dash));
		unsigned hi = dash == std::string::npos ? lo : std::stoul(range.substr(dash + 1));
		if (hi >= lo)
			n += hi - lo + 1;
	}
	return n;
}

unsigned possible_cpus()
{
	std::ifstream f("/sys/devices/system/cpu/possible");
	std::string list;
	if (!std::getline(f, list))
		return 0;
	return count_cpu_list(list);
}

unsigned allowed_cpus()
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	return CPU_COUNT(&set);
}

unsigned Thresholds::max_cids(unsigned users) const
{
	unsigned opt = std::min(nr_cpus_allowed, users);
	return std::min(opt + opt / 4, possible);
}

unsigned Thresholds::pcpu_thrs(unsigned users) const
{
	unsigned opt = std::min(nr_cpus_allowed, users);
	return std::max(std::min(opt - opt / 4, possible / 2), 1u);
}

unsigned Thresholds::users_to_enter_percpu() const
{
	unsigned users = 1;
	while (users <= max_cids(users))
		users++;
	return users;
}

unsigned Thresholds::users_after_leaving_percpu() const
{
	// An exit switches back once users < pcpu_thrs.
	return pcpu_thrs(users_to_enter_percpu()) - 1;
}

Thresholds current_thresholds()
{
	return {possible_cpus(), allowed_cpus()};
}

} // namespace mmcid
