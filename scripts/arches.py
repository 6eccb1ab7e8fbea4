#!/usr/bin/env python3
"""What each guest architecture differs in, for build and boot: the one
description read by vmrun.py, the LAVA jobs (lava-jobs.py) and, through
"arches.py shell ARCH", the shell scripts (lib.sh's load_arch).

  arches.py shell ARCH   KEY='value' lines for the shell (eval)
  arches.py names        the architectures, one a line
"""

import dataclasses
import shlex
import sys


@dataclasses.dataclass(frozen=True)
class Arch:
    karch: str                # the kernel's ARCH=
    deb_arch: str             # Debian's name, for the guest's packages
    cross_compile: str        # CROSS_COMPILE= on an x86_64 host
    toolchain_pkgs: tuple     # Debian packages of that compiler
    kimage: str               # the image QEMU boots, in the build directory
    qemu_bin: str
    qemu_pkg: str             # the Debian package of qemu_bin
    qemu_machine: tuple       # machine and CPU options
    qemu_mem: int             # MiB
    console: str              # console= of the guest
    elf_machine: str          # how file(1) names the binaries built for it
    qemu_append: tuple = ()   # more kernel command line


ARCHES = {
    "x86_64": Arch(
        karch="x86", deb_arch="amd64", cross_compile="", toolchain_pkgs=("gcc", "g++"),
        kimage="arch/x86/boot/bzImage", qemu_bin="qemu-system-x86_64",
        qemu_pkg="qemu-system-x86", qemu_machine=("-M", "q35", "-cpu", "max"), qemu_mem=512,
        console="ttyS0", elf_machine="x86-64",
        # An NMI from the QEMU monitor then panics with every CPU's backtrace.
        qemu_append=("unknown_nmi_panic",)),
    # QEMU virt (GICv3, for pseudo NMIs) with a PL011 console. -cpu must be
    # given: the virt default is a 32-bit CPU.
    "arm64": Arch(
        karch="arm64", deb_arch="arm64", cross_compile="aarch64-linux-gnu-",
        toolchain_pkgs=("gcc-aarch64-linux-gnu", "g++-aarch64-linux-gnu"),
        kimage="arch/arm64/boot/Image", qemu_bin="qemu-system-aarch64",
        qemu_pkg="qemu-system-arm", qemu_machine=("-M", "virt,gic-version=3", "-cpu", "cortex-a57"),
        qemu_mem=1024, console="ttyAMA0", elf_machine="ARM aarch64",
        # NMI-like backtraces of CPUs spinning with interrupts off.
        qemu_append=("irqchip.gicv3_pseudo_nmi=1",)),
    # pseries with the built-in VOF firmware (boots in ~1.5 s instead of
    # ~7.5 s with SLOF) and the hvc console. The cap-* settings silence
    # TCG's lack of the spectre mitigations.
    "ppc64le": Arch(
        karch="powerpc", deb_arch="ppc64el", cross_compile="powerpc64le-linux-gnu-",
        toolchain_pkgs=("gcc-powerpc64le-linux-gnu", "g++-powerpc64le-linux-gnu"),
        kimage="vmlinux", qemu_bin="qemu-system-ppc64", qemu_pkg="qemu-system-ppc",
        qemu_machine=("-M", "pseries,x-vof=on,usb=off,cap-cfpc=broken,cap-sbbc=broken,"
                      "cap-ibs=broken,cap-ccf-assist=off", "-vga", "none"),
        qemu_mem=1024, console="hvc0", elf_machine="64-bit PowerPC"),
}

# The shell's names for the fields, as the scripts have always used them.
SHELL_NAMES = {"karch": "KARCH", "deb_arch": "DEB_ARCH", "cross_compile": "CROSS_COMPILE_DEFAULT",
               "toolchain_pkgs": "TOOLCHAIN_PKGS", "kimage": "KIMAGE", "qemu_bin": "QEMU_BIN",
               "qemu_pkg": "QEMU_PKG", "qemu_machine": "QEMU_MACHINE", "qemu_mem": "QEMU_MEM",
               "console": "CONSOLE", "elf_machine": "ELF_MACHINE",
               "qemu_append": "QEMU_APPEND"}


def shell(arch):
    lines = []
    for field in dataclasses.fields(Arch):
        value = getattr(ARCHES[arch], field.name)
        if isinstance(value, tuple):
            value = " ".join(value)
        lines.append("%s=%s" % (SHELL_NAMES[field.name], shlex.quote(str(value))))
    return "\n".join(lines)


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "names":
        print("\n".join(ARCHES))
    elif len(sys.argv) == 3 and sys.argv[1] == "shell" and sys.argv[2] in ARCHES:
        print(shell(sys.argv[2]))
    else:
        sys.exit("error: usage: arches.py shell %s | arches.py names" % "|".join(ARCHES))


if __name__ == "__main__":
    main()
