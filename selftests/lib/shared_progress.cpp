// SPDX-License-Identifier: GPL-2.0-only
#include "shared_progress.hpp"

#include <new>
#include <sys/mman.h>

namespace mmcid
{

SharedProgress *map_shared_progress()
{
	void *p = mmap(nullptr, sizeof(SharedProgress), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return nullptr;
	return new (p) SharedProgress{};
}

void unmap_shared_progress(SharedProgress *p)
{
	munmap(p, sizeof(*p));
}

} // namespace mmcid
