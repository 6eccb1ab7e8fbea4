// SPDX-License-Identifier: GPL-2.0-only
// Each checker must flag a planted violation and stay quiet without one.
#include "lib/checkers.hpp"
#include "lib/thresholds.hpp"

#include <gtest/gtest.h>

using namespace mmcid;
using namespace std::chrono_literals;

TEST(Density, FlagsOutOfRangeCid)
{
	DensityChecker d(4);
	for (uint32_t cid : {0u, 1u, 3u, 2u})
		d.observe(0, cid);
	EXPECT_TRUE(d.ok());
	d.observe(7, 4);
	d.observe(2, 9);
	EXPECT_FALSE(d.ok());
	EXPECT_EQ(d.violations(), 2u);
	EXPECT_EQ(d.max_seen(), 9u);
	EXPECT_NE(d.report().find("first mm_cid 4 in thread 7 (bound 4)"), std::string::npos);
}

TEST(Uniqueness, BalancedLedgerIsOk)
{
	UniquenessLedger l(4);
	*l.counter(0) += 5;
	*l.counter(3) += 2;
	l.add_commits(7);
	EXPECT_TRUE(l.ok());
}

TEST(Uniqueness, LostUpdateFromDuplicateCidIsFlagged)
{
	// Two threads with mm_cid 1 at once: both load 10, both store 11.
	UniquenessLedger l(4);
	*l.counter(1) = 10;
	l.add_commits(10);
	intptr_t a = *l.counter(1), b = *l.counter(1);
	*l.counter(1) = a + 1;
	*l.counter(1) = b + 1;
	l.add_commits(2);
	EXPECT_FALSE(l.ok());
	EXPECT_NE(l.report().find("1 updates lost"), std::string::npos);
}

TEST(Uniqueness, OutOfRangeCounterThrows)
{
	UniquenessLedger l(2);
	EXPECT_THROW(l.counter(2), std::out_of_range);
}

TEST(Mode, AgreesWithOwnership)
{
	ModeChecker m;
	m.observe(false, 3, 0, 2, 1, 2); // per task: the task keeps its mm_cid
	m.observe(true, 5, 0, 1, 3, 0);	 // per CPU: each CPU has its own
	EXPECT_TRUE(m.ok());
	EXPECT_EQ(m.observations(), 2u);
}

TEST(Mode, FlagsWrongMode)
{
	ModeChecker m;
	m.observe(false, 1, 0, 0, 2, 1); // the kernel went per CPU at 1 user
	m.observe(true, 2, 1, 3, 0, 3);	 // the kernel went back early
	EXPECT_FALSE(m.ok());
	EXPECT_NE(m.report().find("2 in the wrong mode, first: per task mode expected at 1 "
				  "users, but mm_cid 0 on cpu 0 and 1 on cpu 2 show per CPU"),
		  std::string::npos);
}

TEST(CpuId, FlagsImpossibleAndDisallowedCpus)
{
	CpuIdChecker c(4);
	c.observe(3, true);
	EXPECT_TRUE(c.ok());
	c.observe(4, true);
	EXPECT_FALSE(c.ok());
	CpuIdChecker d(4);
	d.observe(1, false);
	EXPECT_FALSE(d.ok());
}

TEST(Stall, ProgressKeepsItQuiet)
{
	StallDetector s(2s);
	auto t = StallDetector::Clock::time_point{};
	for (uint64_t i = 0; i < 10; i++)
		EXPECT_FALSE(s.sample(t + i * 1s, {i, i * 2}, {true, true}));
}

TEST(Stall, OneStuckThreadIsFlaggedEvenIfOthersRun)
{
	StallDetector s(3s);
	auto t = StallDetector::Clock::time_point{};
	bool stalled = false;
	for (uint64_t i = 0; i < 5; i++)
		stalled = s.sample(t + i * 1s, {i, 42}, {true, true});
	EXPECT_TRUE(stalled);
	ASSERT_EQ(s.stuck().size(), 1u);
	EXPECT_EQ(s.stuck()[0], 1u);
	EXPECT_NE(s.report().find("1=42"), std::string::npos);
}

TEST(Stall, AGapInTheSamplingItselfIsNotAStall)
{
	// The host did not run the guest for 30 s: the sampler did not run
	// either, so those 30 s count as one step.
	StallDetector s(3s);
	auto t = StallDetector::Clock::time_point{};
	EXPECT_FALSE(s.sample(t, {1, 42}, {true, true}));
	EXPECT_FALSE(s.sample(t + 30s, {2, 42}, {true, true}));
	EXPECT_FALSE(s.sample(t + 31s, {3, 42}, {true, true}));
	// Then three more seconds of the sampler running: stuck.
	bool stalled = false;
	for (int i = 2; i <= 4; i++)
		stalled = s.sample(t + 30s + i * 1s, {3u + i, 42}, {true, true});
	EXPECT_TRUE(stalled);
}

TEST(Stall, InactiveThreadIsNotStuck)
{
	StallDetector s(1s);
	auto t = StallDetector::Clock::time_point{};
	for (uint64_t i = 0; i < 5; i++)
		EXPECT_FALSE(s.sample(t + i * 1s, {i, 7}, {true, false}));
}

TEST(Topology, CpuLists)
{
	EXPECT_EQ(count_cpu_list("0-3"), 4u);
	EXPECT_EQ(count_cpu_list("0-3,6,8-9\n"), 7u);
	EXPECT_EQ(count_cpu_list("0"), 1u);
}

// The numbers Documentation/design.md states, from the kernel's formulas.
TEST(Topology, ThresholdsMatchTheKernelFormulas)
{
	Thresholds four{4, 4};
	EXPECT_EQ(four.users_to_enter_percpu(), 5u);
	EXPECT_EQ(four.pcpu_thrs(5), 2u);
	EXPECT_EQ(four.users_after_leaving_percpu(), 1u);
	EXPECT_EQ(four.max_cids(3), 3u);
	Thresholds two{2, 2};
	EXPECT_EQ(two.users_to_enter_percpu(), 3u);
	EXPECT_EQ(two.users_after_leaving_percpu(), 0u);
	Thresholds eight{8, 8};
	EXPECT_EQ(eight.users_to_enter_percpu(), 9u);
	EXPECT_EQ(eight.users_after_leaving_percpu(), 3u);
	// A narrowed process-wide mask: 2 of 8 CPUs allowed.
	Thresholds narrow{8, 2};
	EXPECT_EQ(narrow.max_cids(10), 2u);
	EXPECT_EQ(narrow.users_to_enter_percpu(), 3u);
}
