// SPDX-License-Identifier: GPL-2.0-only
#include "start_line.hpp"

#include <ctime>
#include <linux/futex.h>
#include <new>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace mmcid
{

namespace
{
// Not FUTEX_PRIVATE_FLAG: the word is shared between processes.
void futex_wait(std::atomic<uint32_t> *word, uint32_t seen, std::chrono::nanoseconds left)
{
	timespec ts{};
	ts.tv_sec = static_cast<time_t>(left.count() / 1000000000);
	ts.tv_nsec = static_cast<long>(left.count() % 1000000000);
	syscall(SYS_futex, reinterpret_cast<uint32_t *>(word), FUTEX_WAIT, seen, &ts, nullptr, 0);
}

void futex_wake_all(std::atomic<uint32_t> *word)
{
	syscall(SYS_futex, reinterpret_cast<uint32_t *>(word), FUTEX_WAKE, 0x7fffffff, nullptr,
		nullptr, 0);
}
} // namespace

StartLine::StartLine(unsigned nr) : shared_(nullptr)
{
	void *p = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);
	if (p != MAP_FAILED) {
		shared_ = new (p) Shared{};
		shared_->nr = nr;
	}
}

void StartLine::set_participants(unsigned nr)
{
	if (!shared_)
		return;
	shared_->nr = nr;
	futex_wake_all(&shared_->arrived);
}

StartLine::~StartLine()
{
	if (shared_)
		munmap(shared_, sizeof(Shared));
}

void StartLine::wait(uint32_t round, std::chrono::milliseconds limit)
{
	if (!shared_)
		return;
	// Each process adds one per round, so round r is complete at r * nr.
	uint32_t now = shared_->arrived.fetch_add(1) + 1;
	if (now >= round * shared_->nr.load()) {
		futex_wake_all(&shared_->arrived);
		return;
	}
	const auto deadline = std::chrono::steady_clock::now() + limit;
	while (now < round * shared_->nr.load() && !shared_->left.load()) {
		const auto left = deadline - std::chrono::steady_clock::now();
		if (left <= left.zero())
			return;
		futex_wait(&shared_->arrived, now, left);
		now = shared_->arrived.load();
	}
}

void StartLine::leave()
{
	if (!shared_)
		return;
	shared_->left.fetch_add(1);
	// Wakes those waiting: arrived changes, so no wait can miss it.
	shared_->arrived.fetch_add(1);
	futex_wake_all(&shared_->arrived);
}

} // namespace mmcid
