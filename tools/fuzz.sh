#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan+UBSan, coverage) and run them.
#   tools/fuzz.sh [-t SECONDS] [-r RUNS] [-j JOBS] [-b BUILD_DIR] [TARGET...]
# TARGET: loader, clone3, syscall (default: all three). Each target runs
# from a scratch copy of fuzz/corpus/TARGET for SECONDS (default 25) or
# RUNS executions; a crash stops it with a crash-* file in the build dir
# and a non-zero status. The exec count of each run is printed
# ("TARGET: N execs, 0 crashes"). See docs/fuzzing.md.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
secs=25 runs=-1 jobs=1 build=$src/build-fuzz
while getopts t:r:j:b: o; do
    case $o in
    t) secs=$OPTARG ;;
    r) runs=$OPTARG secs=0 ;;
    j) jobs=$OPTARG ;;
    b) build=$OPTARG ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
targets=${*:-loader clone3 syscall}
CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLONEMU_FUZZ=ON >/dev/null
cmake --build "$build" -j2 --target $(for t in $targets; do echo fuzz_$t; done) >/dev/null
status=0
for t in $targets; do
    work=$build/fuzz-work/$t
    rm -rf "$work" && mkdir -p "$work/corpus" && cp "$src/fuzz/corpus/$t/"* "$work/corpus/"
    log=$work/log
    set +e
    (cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$build/fuzz/fuzz_$t" -max_total_time="$secs" -runs="$runs" -timeout=10 -rss_limit_mb=4096 \
        -max_len=16384 -print_final_stats=1 -jobs="$jobs" -workers="$jobs" corpus) >"$log" 2>&1
    rc=$?
    set -e
    # with -jobs, the workers' logs fuzz-N.log hold the stats (the main log
    # repeats them when there is one worker: count each worker once)
    logs=$(ls "$work"/fuzz-*.log 2>/dev/null || echo "$log")
    execs=$(cat $logs | sed -n 's/^stat::number_of_executed_units: *//p' |
        awk '{s += $1} END {print s + 0}')
    crashes=$(ls "$work" | grep -c '^\(crash\|leak\|timeout\|oom\)-' || true)
    echo "$t: $execs execs, $crashes crashes (exit $rc; log $log)"
    if [ "$rc" != 0 ] || [ "$crashes" != 0 ]; then
        status=1
        grep -m5 -A20 'ERROR\|==ABORT\|runtime error' "$log" "$work"/fuzz-*.log 2>/dev/null | head -60 || true
    fi
done
exit $status
