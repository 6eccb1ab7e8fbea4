// SPDX-License-Identifier: GPL-2.0-only
#include "mode_model.hpp"

#include <algorithm>

namespace mmcid
{

void ModeModel::update()
{
	if (!percpu_) {
		if (users_ > t_.max_cids(users_)) {
			percpu_ = true;
			thrs_ = t_.pcpu_thrs(users_);
		}
	} else if (users_ < thrs_) {
		percpu_ = false;
		thrs_ = 0;
	}
}

void ModeModel::fork()
{
	users_++;
	update();
}

void ModeModel::exit()
{
	users_--;
	update();
}

void ModeModel::widened_to(unsigned nr)
{
	if (nr <= t_.nr_cpus_allowed)
		return;
	t_.nr_cpus_allowed = nr;
	if (!percpu_)
		return;
	thrs_ = t_.pcpu_thrs(users_);
	if (users_ < thrs_) {
		percpu_ = false;
		thrs_ = 0;
	}
}

unsigned ModeModel::settled_bound() const
{
	unsigned bound = t_.max_cids(users_);
	if (percpu_)
		bound = std::max(bound, std::min(t_.nr_cpus_allowed, t_.possible));
	return bound;
}

} // namespace mmcid
