#!/usr/bin/env python3
"""Write one LAVA job for an architecture and variant, in the shape tuxrun
runs with lava-run: definition.yaml (the job), device.yaml (the device
dictionary of a local QEMU "device") and dispatcher.yaml, and validate
the job and the device dictionary with lava_common's own schemas.

The QEMU machine, memory, console and kernel command line come from
scripts/arches.py and vmrun.py, the harness's own runner, so that
both run the same guest. The job deploys kernel and initramfs to tmpfs,
boots with method qemu and turns the kselftest runner's TAP lines into
LAVA results with a monitor, from the guest /init's first line to its
end marker (so that RUN=show, without TAP, ends at once too).

Needs lava_common and python3-yaml on PYTHONPATH (scripts/lava-fetch.sh).
"""

import argparse
import os
import sys

import yaml
from lava_common import schemas
from lava_common.schemas import device as device_schema
from voluptuous import Invalid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arches  # noqa: E402
import vmrun  # noqa: E402

# LAVA's names of the QEMU architectures (lava-server's qemu.jinja2).
LAVA_ARCH = {"x86_64": "x86_64", "arm64": "arm64", "ppc64le": "ppc64"}

# A kselftest runner line: "ok 2 selftests: mmcid: mm_cid_exec", "not ok
# 2 ... # exit=1". A pattern must end on the first line end: one ending
# in \r?\n never matches. SKIP lines count as pass here; the verdict of
# make lava comes from the console, as make vmtest's does.
TAP_PATTERN = (r"(?P<result>not ok|ok) \d+ selftests: [\w.-]+: "
               r"(?P<test_case_id>[\w.-]+)[^\r\n]*[\r\n]")


def url(path_or_url):
    if "://" in path_or_url:
        return path_or_url
    return "file://" + os.path.abspath(path_or_url)


def qemu_options(desc, smp, mem, monitor=None):
    """QEMU's options but -kernel/-initrd/-append, which LAVA adds. With
    MONITOR (a local run's socket path), the monitor that lava-watch.py
    reads a silent guest's vCPUs from."""
    opts = [" ".join(desc.qemu_machine),
            "-accel tcg,thread=multi", "-smp %d" % smp, "-m %d" % mem,
            "-nographic", "-monitor %s" % ("unix:%s,server=on,wait=off" % monitor if monitor else "none"),
            "-no-reboot"]
    return opts


def definition(args, desc):
    append = vmrun.kernel_append(desc, "mmcid.run=%s %s" % (args.run, args.append), args.smp)
    minutes = max(1, (args.timeout + 59) // 60)
    return {
        "device_type": "qemu",
        "job_name": "mmcid %s %s (%s vCPUs)" % (args.arch, args.variant, args.smp),
        "priority": "medium",
        "visibility": "public",
        "context": {"arch": LAVA_ARCH[args.arch], "no_kvm": True},
        "timeouts": {"job": {"minutes": minutes + 5}, "action": {"minutes": minutes},
                     "connection": {"minutes": 2}},
        "actions": [
            {"deploy": {
                "to": "tmpfs",
                "timeout": {"minutes": 2},
                "images": {
                    "kernel": {"image_arg": "-kernel {kernel} -append \"%s\"" % append.strip(),
                               "url": url(args.kernel)},
                    "ramdisk": {"image_arg": "-initrd {ramdisk}", "url": url(args.initrd)},
                },
            }},
            # No login: /init runs the tests. The boot timeout is also the
            # longest silence the monitor waits for (vmrun's idle timeout).
            {"boot": {"method": "qemu", "media": "tmpfs",
                      "timeout": {"seconds": args.idle_timeout}}},
            {"test": {
                "timeout": {"minutes": minutes},
                "monitors": [{
                    "name": "mmcid-kselftest",
                    "start": "mmcid-vm: kernel",
                    "end": "mmcid-vm: END rc=",
                    "pattern": TAP_PATTERN,
                    "fixupdict": {"ok": "pass", "not ok": "fail"},
                }],
            }},
        ],
    }


def device(args, desc):
    mem = args.mem or desc.qemu_mem
    return {
        "available_architectures": sorted(set(LAVA_ARCH.values())),
        "constants": {"failure_retry": 1, "boot_retry": 1},
        "parameters": {},
        "actions": {
            "deploy": {"methods": {"image": {"parameters": {}}}},
            "boot": {
                "connections": {"serial": None},
                "methods": {"qemu": {"parameters": {
                    "command": desc.qemu_bin,
                    "options": qemu_options(desc, args.smp, mem, args.monitor),
                }}},
            },
        },
        "timeouts": {"actions": {}, "connections": {}},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", required=True, choices=sorted(LAVA_ARCH))
    ap.add_argument("--variant", required=True)
    ap.add_argument("--kernel", required=True, help="path or URL")
    ap.add_argument("--initrd", required=True, help="path or URL")
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--mem", type=int, default=0, help="MiB; 0: the arch default")
    ap.add_argument("--run", default="all", help="the guest's mmcid.run= (what to run)")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--timeout", type=int, default=600, help="seconds for the tests")
    ap.add_argument("--idle-timeout", type=int, default=120, help="seconds of silence")
    ap.add_argument("--tmp", required=True, help="the dispatcher's work directory")
    ap.add_argument("--monitor", help="a QEMU monitor socket for lava-watch.py (local runs)")
    ap.add_argument("--out", required=True, help="directory to write the three files to")
    ap.add_argument("--plant", choices=["bad-monitor-name"],
                    help="write an invalid job, which validation must refuse (make check)")
    args = ap.parse_args()

    desc = arches.ARCHES[args.arch]
    job, dev = definition(args, desc), device(args, desc)
    if args.plant == "bad-monitor-name":
        job["actions"][2]["test"]["monitors"][0]["name"] = "mmcid kselftest"
    try:
        schemas.validate(job, strict=True)
    except Invalid as e:
        sys.exit("error: the LAVA job for %s %s does not validate: %s at %s"
                 % (args.arch, args.variant, e.msg, e.path))
    try:
        device_schema.validate(dev)
    except Invalid as e:
        sys.exit("error: the LAVA device dictionary for %s does not validate: %s at %s"
                 % (args.arch, e.msg, e.path))
    tmp = args.out.rstrip("/") + ".tmp"
    os.makedirs(tmp, exist_ok=True)
    for name, data in (("definition.yaml", job), ("device.yaml", dev),
                       ("dispatcher.yaml", {"prefix": os.path.abspath(args.tmp) + "/"})):
        with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
            yaml.safe_dump(data, f, sort_keys=False, width=1000)
    if os.path.isdir(args.out):
        for name in os.listdir(args.out):
            os.unlink(os.path.join(args.out, name))
        os.rmdir(args.out)
    os.rename(tmp, args.out)


if __name__ == "__main__":
    main()
