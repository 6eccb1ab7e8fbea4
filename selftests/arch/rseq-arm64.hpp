// SPDX-License-Identifier: GPL-2.0
// arm64 rseq pieces.
#pragma once

#include <cstdint>

namespace mmcid::arch
{
// BRK #0x45E0, as code; data and code are both little-endian here.
inline constexpr uint32_t rseq_sig = 0xd428bc00;
} // namespace mmcid::arch
