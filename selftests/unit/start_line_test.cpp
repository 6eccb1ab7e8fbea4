// SPDX-License-Identifier: GPL-2.0-only
// The start line of the storm scenario: nobody goes before all have
// arrived, a wakeup is not lost (a lost one would cost the 60 s limit,
// the tests allow 30), and a process that leaves or never comes holds
// the others up only until it leaves or the limit passes.
#include "lib/start_line.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <new>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mmcid;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace
{
std::atomic<int> *shared_counter()
{
	void *p = mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? nullptr : new (p) std::atomic<int>(0);
}

// Three rounds with every process counted in; false if one went early.
bool three_rounds(StartLine &line, std::atomic<int> &arrived, int nr)
{
	bool ok = true;
	for (uint32_t round = 1; round <= 3; round++) {
		arrived.fetch_add(1);
		line.wait(round, 60s);
		ok = ok && arrived.load() >= static_cast<int>(nr * round);
	}
	return ok;
}

void expect_clean_exit(pid_t pid)
{
	int status = 0;
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
} // namespace

TEST(StartLine, NobodyGoesBeforeAllHaveArrived)
{
	StartLine line(3);
	std::atomic<int> *arrived = shared_counter();
	ASSERT_NE(arrived, nullptr);
	const auto start = Clock::now();
	pid_t kids[2];
	for (pid_t &pid : kids) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			usleep(100000); // the parent waits for this one
			_exit(three_rounds(line, *arrived, 3) ? 0 : 1);
		}
	}
	EXPECT_TRUE(three_rounds(line, *arrived, 3));
	EXPECT_LT(Clock::now() - start, 30s);
	for (pid_t pid : kids)
		expect_clean_exit(pid);
}

TEST(StartLine, FewerThanPlannedDoNotWaitForTheMissing)
{
	StartLine line(3);
	std::atomic<int> *arrived = shared_counter();
	ASSERT_NE(arrived, nullptr);
	const auto start = Clock::now();
	pid_t pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(three_rounds(line, *arrived, 2) ? 0 : 1);
	line.set_participants(2); // the third fork "failed"
	EXPECT_TRUE(three_rounds(line, *arrived, 2));
	EXPECT_LT(Clock::now() - start, 30s);
	expect_clean_exit(pid);
}

TEST(StartLine, OneThatLeavesReleasesTheOthers)
{
	StartLine line(2);
	const auto start = Clock::now();
	pid_t pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		usleep(100000);
		line.leave();
		_exit(0);
	}
	line.wait(1, 60s); // returns at the leave, not after a minute
	line.wait(2, 60s);
	EXPECT_LT(Clock::now() - start, 30s);
	expect_clean_exit(pid);
}

TEST(StartLine, OneThatNeverComesCostsTheLimit)
{
	StartLine line(2);
	const auto start = Clock::now();
	line.wait(1, 50ms);
	EXPECT_GE(Clock::now() - start, 50ms);
}
