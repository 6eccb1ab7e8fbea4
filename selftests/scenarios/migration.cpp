// SPDX-License-Identifier: GPL-2.0-only
// The patch 1 scenario: a thread scheduled in on one CPU during the
// task to CPU switch and migrated to another before the fixup reaches it.
#include "scenarios.hpp"

namespace mmcid::scenarios
{

int migration(Workload &w)
{
	static const Behavior mix[] = {Behavior::hop, Behavior::hop, Behavior::spin};
	for (unsigned n = 0; more_cycles(w, n); n++)
		cross_once(w, mix, 3);
	return 0;
}

} // namespace mmcid::scenarios
