"""The QEMU human monitor, for a guest that went silent: one command and
its answer, and where each vCPU is (its program counter, named from the
kernel's System.map)."""

import bisect
import os
import re
import socket
import time


def monitor(path, command, timeout=10.0):
    """Send one command to the QEMU human monitor and return its answer
    (the text up to the next prompt, or until QEMU closed the socket, as
    after "quit"); best effort."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(path)
            buf = b""
            deadline = time.monotonic() + timeout
            while b"(qemu) " not in buf and time.monotonic() < deadline:
                buf += s.recv(65536)
            s.sendall(command.encode() + b"\n")
            buf = b""
            while buf.count(b"(qemu) ") < 1 and time.monotonic() < deadline:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
            return buf.decode(errors="replace")
    except OSError as e:
        return "monitor: %s" % e


# The program counter in "info registers -a", per architecture, and the
# link register where there is one (powerpc LR, arm64 X30): a PC in a
# shared helper (powerpc's out-of-line register save and restore, which
# -Os builds call from most prologues) says where the CPU is only
# through its caller.
PC_PATTERNS = [re.compile(r"\bRIP=([0-9a-f]{16})"), re.compile(r"\bPC=([0-9a-f]{16})"),
               re.compile(r"\bNIP\s+([0-9a-f]{16})")]
LR_PATTERNS = [re.compile(r"\bX30=([0-9a-f]{16})"), re.compile(r"\bLR\s+([0-9a-f]{16})")]


def system_map(kernel):
    """System.map of the build the kernel image came from, or None."""
    d = os.path.dirname(os.path.abspath(kernel))
    for _ in range(5):
        p = os.path.join(d, "System.map")
        if os.path.exists(p):
            return p
        d = os.path.dirname(d)
    return None


def vcpu_pcs(kernel, registers, who="vmrun"):
    """One line per vCPU: its program counter and the kernel symbol there,
    "WHO: vCPU n: PC ..." (the classifier reads them).
    For guests whose CPUs all spin with interrupts off, where an NMI is not
    delivered or not answered (arm64 under TCG), this is all the evidence
    there is of where they are stuck."""
    def values(patterns):
        for pat in patterns:
            found = [int(m.group(1), 16) for m in pat.finditer(registers)]
            if found:
                return found
        return []

    pcs = values(PC_PATTERNS)
    if not pcs:
        return []
    lrs = values(LR_PATTERNS)
    if len(lrs) != len(pcs):
        lrs = []
    syms = []
    smap = system_map(kernel)
    if smap:
        with open(smap, errors="replace") as f:
            for line in f:
                field = line.split()
                if len(field) >= 3 and field[1] in "tTwW":
                    syms.append((int(field[0], 16), field[2]))
        syms.sort()
    addrs = [a for a, _ in syms]

    def where(addr):
        i = bisect.bisect_right(addrs, addr) - 1
        return "%s+0x%x" % (syms[i][1], addr - syms[i][0]) if i >= 0 else "?"

    out = []
    for cpu, pc in enumerate(pcs):
        line = "%s: vCPU %d: PC %016x %s" % (who, cpu, pc, where(pc))
        if lrs:
            line += " LR %016x %s" % (lrs[cpu], where(lrs[cpu]))
        out.append(line)
    return out
