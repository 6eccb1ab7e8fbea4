# ppc64le: pseries with the built-in VOF firmware (boots in ~1.5 s instead
# of ~7.5 s with SLOF) and the hvc console. The cap-* settings silence
# TCG's lack of the spectre mitigations.
KARCH=powerpc
DEB_ARCH=ppc64el
CROSS_COMPILE_DEFAULT=powerpc64le-linux-gnu-
TOOLCHAIN_PKGS="gcc-powerpc64le-linux-gnu g++-powerpc64le-linux-gnu"
KIMAGE=vmlinux
QEMU_BIN=qemu-system-ppc64
QEMU_PKG=qemu-system-ppc
QEMU_MACHINE="-M pseries,x-vof=on,usb=off,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off -vga none"
QEMU_MEM=1024
CONSOLE=hvc0
