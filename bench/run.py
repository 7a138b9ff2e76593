#!/usr/bin/env python3
"""clonemu's performance bench (issue 9): every workload in bench/*.c on
every guest arch under clonemu, under qemu-user (qemu-ARCH-static) and, for
x86-64, natively; several repetitions, interleaved (each round runs every
(workload, arch, runner) once, so machine noise hits all runners alike).
Prints medians and the ratios clonemu/qemu and clonemu/native as one table
and writes the same as JSON.

    run.py --clonemu BUILD/clonemu --bindir BUILD/bench [--quick] [--json F]

The counts each workload ran with are the ones in the table (--quick lowers
some of them and the repetitions; the table says so)."""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ARCHES = ["x86_64", "aarch64", "s390x"]
QEMU = {a: "qemu-%s-static" % a for a in ARCHES}

# name, binary, count (normal, quick), what the count means, extra clonemu args
WORKLOADS = [
    ("fork", "fork", (1000, 300), "fork+_exit+waitpid", []),
    ("threads", "threads", (10000, 2000), "pthread_create+join", []),
    ("futex", "futex", (100000, 30000), "futex ping-pong round trips", []),
    ("signal", "signal", (100000, 30000), "kill()+handler round trips", []),
    ("alu", "alu", (100000000, 30000000), "ALU loop iterations", []),
    ("alu-nopreempt", "alu", (100000000, 30000000), "same, clonemu --no-preempt", ["--no-preempt"]),
    ("glibc", "glibc", (2, 1), "rounds of 20,000 snprintf+malloc, qsort, free", []),
    ("hello", "hello", (None, None), "start-up: print one line", []),
]

# scale runs: once per arch, clonemu and (x86-64) native/qemu, with a timeout
SCALE = [
    ("live-threads", "scale_threads", "live threads in one process"),
    ("live-procs", "scale_procs", "live processes"),
]


def run_once(argv, timeout):
    """(seconds, exit status or "timeout", stdout, peak RSS KiB) of one run;
    the RSS is ru_maxrss of wait4: the largest single process, not a sum."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        res = {}

        def reap():
            res["r"] = os.wait4(p.pid, 0)
            res["t"] = time.perf_counter()

        th = threading.Thread(target=reap)
        th.start()
        th.join(timeout)
        if th.is_alive():
            p.kill()
            th.join()
            p.returncode = -9
            return None, "timeout", "", 0
        _, status, ru = res["r"]
        p.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        out.seek(0)
        text = out.read().decode(errors="replace").strip()
        return res["t"] - t0, p.returncode, text, ru.ru_maxrss


def runners(arch, clonemu, extra):
    r = [("clonemu", [clonemu, "run"] + extra)]
    if shutil.which(QEMU[arch]):
        r.append(("qemu", [QEMU[arch]]))
    if arch == "x86_64" and platform.machine() == "x86_64":
        r.append(("native", []))
    return r


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "date": datetime.date.today().isoformat(),
            "kernel": platform.release()}


def fmt_t(x):
    if x is None:
        return "-"
    return "%.3f s" % x if x < 100 else "%.0f s" % x


def fmt_r(a, b):
    return "%.2f" % (a / b) if a is not None and b else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clonemu", required=True)
    ap.add_argument("--bindir", required=True, help="holds ARCH/WORKLOAD binaries")
    ap.add_argument("--ia64-alu", help="samples/ia64lite/alu-loop (50,000,000 x 9 instructions)")
    ap.add_argument("--json", default="results.json")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 3, quick 1)")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and lower counts")
    ap.add_argument("--only", help="comma-separated workload names")
    ap.add_argument("--arches", default=",".join(ARCHES))
    ap.add_argument("--scale-threads", type=int, default=10000)
    ap.add_argument("--scale-threads-small", type=int, default=500,
                    help="a second live-threads run that completes (memory per task)")
    ap.add_argument("--scale-procs", type=int, default=1000)
    ap.add_argument("--scale-timeout", type=float, default=60.0)
    ap.add_argument("--no-scale", action="store_true")
    a = ap.parse_args()
    reps = a.reps or (1 if a.quick else 3)
    arches = [x for x in a.arches.split(",") if os.path.exists(os.path.join(a.bindir, x))]
    only = set(a.only.split(",")) if a.only else None
    work = [w for w in WORKLOADS if not only or w[0] in only]

    times = {}  # (workload, arch, runner) -> [seconds]
    outs = {}
    bad = []
    for rep in range(reps):
        for name, binary, counts, _, extra in work:
            count = counts[1] if a.quick else counts[0]
            for arch in arches:
                exe = os.path.join(a.bindir, arch, binary)
                for rn, pre in runners(arch, a.clonemu, extra):
                    if name == "alu-nopreempt" and rn != "clonemu":
                        continue
                    argv = pre + [exe] + ([str(count)] if count else [])
                    dt, st, out, _ = run_once(argv, 600)
                    key = (name, arch, rn)
                    if st != 0:
                        bad.append("%s %s %s: exit %s" % (name, arch, rn, st))
                        continue
                    times.setdefault(key, []).append(dt)
                    prev = outs.setdefault((name, arch), out)
                    if out != prev:
                        bad.append("%s %s %s: output %r differs from %r" % (name, arch, rn, out, prev))
                    sys.stderr.write("  round %d/%d %-14s %-8s %-8s %s\n" % (rep + 1, reps, name, arch, rn, fmt_t(dt)))

    med = {k: statistics.median(v) for k, v in times.items()}
    rows = []
    for name, _, counts, what, _ in work:
        count = counts[1] if a.quick else counts[0]
        for arch in arches:
            c, q, n = (med.get((name, arch, r)) for r in ("clonemu", "qemu", "native"))
            if name == "alu-nopreempt":
                on = med.get(("alu", arch, "clonemu"))
                rows.append({"workload": name, "arch": arch, "count": count, "what": what,
                             "clonemu": c, "qemu": None, "native": None,
                             "preempt_on_off": on / c if on and c else None})
                continue
            rows.append({"workload": name, "arch": arch, "count": count, "what": what,
                         "clonemu": c, "qemu": q, "native": n,
                         "clonemu_qemu": c / q if c and q else None,
                         "clonemu_native": c / n if c and n else None})

    ia64 = None
    if a.ia64_alu and os.path.exists(a.ia64_alu) and (not only or "ia64" in only):
        ts = []
        for _ in range(reps):
            dt, st, _, _ = run_once([a.clonemu, "run", a.ia64_alu], 600)
            if st == 0:
                ts.append(dt)
        if ts:
            t = statistics.median(ts)
            ia64 = {"seconds": t, "instructions": 50000000 * 9, "mips": 50000000 * 9 / t / 1e6}

    scale = []
    if not a.no_scale and (not only or "scale" in only):
        plan = [("live-threads", "scale_threads", a.scale_threads),
                ("live-threads", "scale_threads", a.scale_threads_small),
                ("live-procs", "scale_procs", a.scale_procs)]
        for name, binary, count in plan:
            for arch in arches:
                # no task limit: the default --max-tasks (4096) would stop 10,000 threads
                for rn, pre in runners(arch, a.clonemu, ["--max-tasks=0"]):
                    if rn != "clonemu" and arch != "x86_64":
                        continue
                    exe = os.path.join(a.bindir, arch, binary)
                    dt, st, out, rss = run_once(pre + [exe, str(count)], a.scale_timeout)
                    # a process's own peak RSS per task; for host processes
                    # (qemu/native live-procs) the largest one is not a sum
                    per = rss / count if st == 0 and (rn == "clonemu" or name == "live-threads") else None
                    scale.append({"workload": name, "arch": arch, "runner": rn, "count": count,
                                  "seconds": dt, "status": st, "peak_rss_kib": rss if st == 0 else None,
                                  "kib_per_task": per})
                    sys.stderr.write("  scale %s %d %s %s: %s %s\n" % (name, count, arch, rn, fmt_t(dt), st))

    res = {"machine": machine(), "reps": reps, "quick": a.quick, "rows": rows,
           "ia64lite_alu": ia64, "scale": scale, "problems": bad}
    with open(a.json, "w") as f:
        json.dump(res, f, indent=1)

    m = res["machine"]
    print("clonemu bench: %d cores, %s, %s, median of %d interleaved run%s%s" %
          (m["nproc"], m["cpu"], m["date"], reps, "s" if reps > 1 else "", " (--quick)" if a.quick else ""))
    print()
    print("| workload | arch | count | clonemu | qemu-user | native | clonemu/qemu | clonemu/native |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        cnt = "" if r["count"] is None else "{:,}".format(r["count"])
        if r["workload"] == "alu-nopreempt":
            print("| alu, preemption off | %s | %s | %s | | | on/off %s | |" % (
                r["arch"], cnt, fmt_t(r["clonemu"]),
                "%.2f" % r["preempt_on_off"] if r["preempt_on_off"] else "-"))
            continue
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["workload"], r["arch"], cnt, fmt_t(r["clonemu"]), fmt_t(r["qemu"]), fmt_t(r["native"]),
            fmt_r(r["clonemu"], r["qemu"]), fmt_r(r["clonemu"], r["native"])))
    if ia64:
        print()
        print("ia64-lite ALU loop: %d instructions in %.3f s = %.1f million instructions/s" %
              (ia64["instructions"], ia64["seconds"], ia64["mips"]))
    if scale:
        print()
        print("| scale run | arch | runner | tasks | time | peak RSS | per task |")
        print("|---|---|---|---|---|---|---|")
        for s in scale:
            t = fmt_t(s["seconds"]) if s["status"] == 0 else (
                "did not finish in %.0f s" % a.scale_timeout if s["status"] == "timeout" else "exit %s" % s["status"])
            rss = "%.1f MiB" % (s["peak_rss_kib"] / 1024) if s["peak_rss_kib"] else "-"
            per = "%.1f KiB" % s["kib_per_task"] if s["kib_per_task"] else "-"
            print("| %s | %s | %s | {:,} | %s | %s | %s |".format(s["count"]) % (
                s["workload"], s["arch"], s["runner"], t, rss, per))
    if bad:
        print()
        print("problems:")
        for b in bad:
            print("  " + b)
    print()
    print("JSON: %s" % a.json)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
