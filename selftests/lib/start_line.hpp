/* SPDX-License-Identifier: GPL-2.0-only */
// A start line shared by processes forked from one parent: each round,
// every process waits until all have arrived, then all go at once. The
// wait is bounded, so a process that is slow, stuck or gone delays the
// others by one timeout per round, never for good. Arrivals are counted,
// not matched to rounds: after a timeout a round may let the others go
// while one process is still a round behind, which the next rounds
// absorb; the line only lines the processes up, it orders nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace mmcid
{

class StartLine
{
public:
	// Maps the shared line; call before fork(). nr is the number of
	// processes which take part. Without the mapping every wait returns
	// at once (the processes then simply do not line up).
	explicit StartLine(unsigned nr);
	// Fewer took part than planned (a fork() failed): call before the
	// first wait. A wait already begun may still take its full limit.
	void set_participants(unsigned nr);
	~StartLine();
	StartLine(const StartLine &) = delete;
	StartLine &operator=(const StartLine &) = delete;

	// Round `round` (1, 2, ...) of this process: returns when every
	// process has arrived at this round, one of them has left, or
	// `limit` has passed.
	void wait(uint32_t round, std::chrono::milliseconds limit);
	// This process takes no more rounds: from now on nobody waits.
	void leave();

private:
	struct Shared {
		std::atomic<uint32_t> arrived; // the futex word
		std::atomic<uint32_t> left;
		std::atomic<uint32_t> nr;
	};
	Shared *shared_;
};

} // namespace mmcid
