# x86_64: everything one architecture differs in, for build and boot.
KARCH=x86
DEB_ARCH=amd64
CROSS_COMPILE_DEFAULT=
TOOLCHAIN_PKGS="gcc g++"
KIMAGE=arch/x86/boot/bzImage
QEMU_BIN=qemu-system-x86_64
QEMU_PKG=qemu-system-x86
QEMU_MACHINE="-M q35 -cpu max"
QEMU_MEM=512
CONSOLE=ttyS0
# An NMI from the QEMU monitor then panics with every CPU's backtrace.
QEMU_APPEND="unknown_nmi_panic"
