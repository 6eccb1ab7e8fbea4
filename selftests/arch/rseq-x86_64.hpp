// SPDX-License-Identifier: GPL-2.0
// x86_64 rseq pieces.
#pragma once

#include <cstdint>

namespace mmcid::arch
{
// The signature in front of every abort handler: 0x53053053 is the operand
// of the "nopl" the kernel selftests put there (ud1 sequences are reserved).
inline constexpr uint32_t rseq_sig = 0x53053053;
} // namespace mmcid::arch
