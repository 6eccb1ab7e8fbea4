// SPDX-License-Identifier: GPL-2.0-only
// The bench's reading of the kernel's debug counters.
#include "pool/mm_cid_stats.hpp"

#include <gtest/gtest.h>

using mmcid::pool::MmCidStats;

TEST(MmCidStats, ParsesTheKernelFormat)
{
	auto s = MmCidStats::parse("switch 10\nschedin 7\ncid_get 3\n");
	ASSERT_TRUE(s);
	EXPECT_EQ(s->get("switch"), 10u);
	EXPECT_EQ(s->get("cid_get"), 3u);
	EXPECT_EQ(s->get("missing"), 0u);
	EXPECT_EQ(s->format(), "switch=10 schedin=7 cid_get=3");
}

TEST(MmCidStats, RejectsMalformedText)
{
	EXPECT_FALSE(MmCidStats::parse(""));
	EXPECT_FALSE(MmCidStats::parse("switch\n"));
	EXPECT_FALSE(MmCidStats::parse("switch 1 2\n"));
	EXPECT_FALSE(MmCidStats::parse("switch x\n"));
}

TEST(MmCidStats, DifferenceIsPerNameAndNeverNegative)
{
	auto a = MmCidStats::parse("switch 10\ncid_get 5\n");
	auto b = MmCidStats::parse("switch 25\ncid_get 2\n"); // reset in between
	ASSERT_TRUE(a && b);
	auto d = b->since(*a);
	EXPECT_EQ(d.get("switch"), 15u);
	EXPECT_EQ(d.get("cid_get"), 0u);
}
