#!/usr/bin/env python3
"""Generate arch/<arch>/abi_sysnr.c: each arch's syscall number -> name and
generic LX_SYS_* number, from the real kernel uapi headers installed on this
machine (Debian: linux-libc-dev, linux-libc-dev-arm64-cross and
linux-libc-dev-s390x-cross).

    python3 tools/gen-sysnr.py            # rewrite every arch's file
    python3 tools/gen-sysnr.py --check    # exit 1 if a file is out of date

The __NR_* macros are evaluated by the C preprocessor (cpp -dM), so every
#if in the headers is decided exactly as the kernel's own 64-bit build
decides it:

  x86-64   <asm/unistd_64.h>: plain "#define __NR_name N" lines.
  aarch64  <asm/unistd.h> of the arm64 uapi, which sets the arch's
           __ARCH_WANT_* switches (RENAMEAT, NEW_STAT, SET_GET_RLIMIT,
           TIME32_SYSCALLS, SYS_CLONE3, ...) and includes
           <asm-generic/unistd.h>. __BITS_PER_LONG is 64, so the __NR3264_*
           numbers take their 64-bit names (fcntl, lseek, mmap, newfstatat,
           fstat, ftruncate, ...), and there is no open/fork/stat/pipe/...
  s390x    <asm/unistd_64.h> (what <asm/unistd.h> includes when __s390x__
           is defined; -undef leaves it undefined, so name it directly):
           plain "#define __NR_name N" lines, the old i386-derived numbers
           (open 5, clone 120, mmap 90 with one struct argument, ...).

A name that appears in LX_SYSCALL_LIST (kernel-model/sysno.h) maps to
LX_SYS_<name>; any other name maps to LX_SYS_NONE (the model answers
ENOSYS and names it); numbers below the highest with no name are
{ NULL, LX_SYS_NONE } holes.
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ARCHES = [
    {
        "arch": "x86_64",
        "include_dir": "/usr/include/x86_64-linux-gnu",
        "header": "asm/unistd_64.h",
    },
    {
        "arch": "aarch64",
        "include_dir": "/usr/aarch64-linux-gnu/include",
        "header": "asm/unistd.h",  # arm64 switches + asm-generic/unistd.h
    },
    {
        "arch": "s390x",
        "include_dir": "/usr/s390x-linux-gnu/include",
        "header": "asm/unistd_64.h",  # what <asm/unistd.h> picks under __s390x__
    },
]

# Macros named __NR_* that are not syscalls.
NOT_SYSCALLS = {"syscalls", "arch_specific_syscall"}


def lx_syscall_list():
    """Names in LX_SYSCALL_LIST of kernel-model/sysno.h, in order."""
    with open(os.path.join(ROOT, "kernel-model", "sysno.h")) as f:
        text = f.read()
    m = re.search(r"#define\s+LX_SYSCALL_LIST\(X\)((?:.*\\\n)*.*)", text)
    if not m:
        sys.exit("gen-sysnr: LX_SYSCALL_LIST not found in kernel-model/sysno.h")
    # clang-format may split "X(" from its name across a continuation line.
    body = re.sub(r"\\\n", " ", m.group(1))
    return re.findall(r"\bX\(\s*(\w+)\s*\)", body)


def cpp_macros(include_dir, header):
    """All object-like macros the header defines, as {name: body}."""
    cpp = os.environ.get("CPP", "cpp")
    cmd = [cpp, "-undef", "-nostdinc", "-dM", "-I", include_dir, "-"]
    src = "#include <%s>\n" % header
    try:
        out = subprocess.run(cmd, input=src, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("gen-sysnr: %s failed on %s/%s: %s" % (cpp, include_dir, header, e))
    macros = {}
    for line in out.splitlines():
        m = re.match(r"#define\s+(\w+)\s*(.*)$", line)
        if m:
            macros[m.group(1)] = m.group(2).strip()
    return macros


def evaluate(macros, body, depth=0):
    """Integer value of a macro body: a number, another macro, or a
    +/- expression of those (what the uapi headers use)."""
    if depth > 16:
        raise ValueError("macro recursion: " + body)

    def expand(m):
        name = m.group(0)
        if name not in macros:
            raise ValueError("undefined macro " + name)
        return "(%d)" % evaluate(macros, macros[name], depth + 1)

    expr = re.sub(r"\b[A-Za-z_]\w*\b", expand, body)
    expr = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b", r"\1", expr)
    if not re.fullmatch(r"[0-9a-fA-FxX()+\- \t]*", expr) or not expr.strip():
        raise ValueError("cannot evaluate: " + body)
    return int(eval(expr, {"__builtins__": {}}))  # digits, + - ( ) only


def syscall_numbers(include_dir, header):
    """{number: name} of the arch."""
    macros = cpp_macros(include_dir, header)
    table = {}
    for name, body in macros.items():
        if not name.startswith("__NR_"):
            continue
        sc = name[len("__NR_"):]
        if sc in NOT_SYSCALLS:
            continue
        nr = evaluate(macros, body)
        if nr in table and table[nr] != sc:
            sys.exit("gen-sysnr: %s: number %d is both %s and %s" % (header, nr, table[nr], sc))
        table[nr] = sc
    if not table:
        sys.exit("gen-sysnr: no __NR_ macros in %s/%s" % (include_dir, header))
    return table


def render(arch, include_dir, header, table, modelled):
    count = max(table) + 1
    lines = [
        "// clang-format off",
        "/* GENERATED by tools/gen-sysnr.py from %s/%s -- do not edit;"
        % (include_dir, header),
        " * regenerate with `python3 tools/gen-sysnr.py` and commit the result.",
        " * %s syscall number -> { kernel name, generic LX_SYS_* (LX_SYS_NONE: not"
        % arch,
        " * modelled) }; { NULL, LX_SYS_NONE } is a number with no syscall. */",
        '#include "kernel-model/abi.h"',
        "",
        "/* The dimension is part of the type: arch/%s/abi.c declares the same"
        % arch,
        " * KM_ABI_%s_NR_COUNT. */" % arch.upper(),
        "const struct km_abi_sys km_abi_%s_sys[%d] = {" % (arch, count),
    ]
    for nr in range(count):
        sc = table.get(nr)
        if sc is None:
            entry = "{ NULL, LX_SYS_NONE }"
        elif sc in modelled:
            entry = '{ "%s", LX_SYS_%s }' % (sc, sc)
        else:
            entry = '{ "%s", LX_SYS_NONE }' % sc
        lines.append("    [%d] = %s," % (nr, entry))
    lines.append("};")
    lines.append("const u32 km_abi_%s_sys_count = %d;" % (arch, count))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only check the files are up to date")
    args = ap.parse_args()
    modelled = set(lx_syscall_list())
    stale = False
    for a in ARCHES:
        table = syscall_numbers(a["include_dir"], a["header"])
        text = render(a["arch"], a["include_dir"], a["header"], table, modelled)
        path = os.path.join(ROOT, "arch", a["arch"], "abi_sysnr.c")
        old = open(path).read() if os.path.exists(path) else None
        if old == text:
            continue
        if args.check:
            print("gen-sysnr: %s is out of date" % os.path.relpath(path, ROOT))
            stale = True
        else:
            with open(path, "w") as f:
                f.write(text)
            print("gen-sysnr: wrote %s (%d numbers)" % (os.path.relpath(path, ROOT), max(table) + 1))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
