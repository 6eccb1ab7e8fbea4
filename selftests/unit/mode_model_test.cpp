// SPDX-License-Identifier: GPL-2.0-only
// The replayed mode state machine against the transitions the kernel makes.
#include "lib/mode_model.hpp"

#include <gtest/gtest.h>

using namespace mmcid;

TEST(ModeModel, FourCpusEnterAtFiveLeaveAtOne)
{
	ModeModel m(Thresholds{4, 4});
	for (int i = 0; i < 3; i++)
		m.fork();
	EXPECT_EQ(m.users(), 4u);
	EXPECT_FALSE(m.percpu());
	EXPECT_EQ(m.settled_bound(), 4u);
	m.fork();
	EXPECT_TRUE(m.percpu());
	EXPECT_EQ(m.pcpu_thrs(), 2u);
	m.exit();
	m.exit();
	m.exit();
	EXPECT_EQ(m.users(), 2u);
	EXPECT_TRUE(m.percpu()); // 2 is not below pcpu_thrs
	// max_cids(2) is 2, but idle CPUs keep their CIDs in per CPU mode.
	EXPECT_EQ(m.settled_bound(), 4u);
	m.exit();
	EXPECT_FALSE(m.percpu());
	EXPECT_EQ(m.settled_bound(), 1u);
}

TEST(ModeModel, TwoCpusNeverLeaveByExit)
{
	ModeModel m(Thresholds{2, 2});
	m.fork();
	m.fork();
	EXPECT_TRUE(m.percpu());
	m.exit();
	m.exit();
	EXPECT_EQ(m.users(), 1u);
	EXPECT_TRUE(m.percpu());
}

TEST(ModeModel, WideningNeverSwitchesBackWithUsersLeft)
{
	// pcpu_thrs <= min(nr_allowed, users) - min(nr_allowed, users) / 4
	// <= users, so "users < pcpu_thrs" cannot hold after a widening.
	for (unsigned possible : {2u, 4u, 8u, 16u}) {
		for (unsigned narrow = 1; narrow < possible; narrow++) {
			ModeModel m(Thresholds{possible, narrow});
			while (!m.percpu())
				m.fork();
			for (unsigned users = m.users(); users >= 1; users--) {
				ModeModel copy = m;
				copy.widened_to(possible);
				EXPECT_TRUE(copy.percpu())
				    << possible << " " << narrow << " " << users;
				if (users > 1)
					m.exit();
				if (!m.percpu())
					break;
			}
		}
	}
}
