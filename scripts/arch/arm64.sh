# arm64: QEMU virt (GICv3, for pseudo NMIs) with a PL011 console. -cpu
# must be given: the virt default is a 32-bit CPU.
KARCH=arm64
DEB_ARCH=arm64
CROSS_COMPILE_DEFAULT=aarch64-linux-gnu-
TOOLCHAIN_PKGS="gcc-aarch64-linux-gnu g++-aarch64-linux-gnu"
KIMAGE=arch/arm64/boot/Image
QEMU_BIN=qemu-system-aarch64
QEMU_PKG=qemu-system-arm
QEMU_MACHINE="-M virt,gic-version=3 -cpu cortex-a57"
QEMU_MEM=1024
CONSOLE=ttyAMA0
# NMI-like backtraces of CPUs spinning with interrupts off.
QEMU_APPEND="irqchip.gicv3_pseudo_nmi=1"
