#!/bin/sh
# clonemu run --gdb with gdb-multiarch in batch mode on pthreads_counter
# (built with -g): gdb connects before the first instruction, breaks in the
# thread function, lists the tasks as threads, continues to the exit; a
# second session single-steps, reads registers and unreadable memory,
# writes a variable and catches the exit syscalls of the threads. The
# stub picks a free port (--gdb=0) and prints it; clonemu is always
# killed at the end and every step is bounded in time.
set -u
CLONEMU=$1 PROG=$2
command -v gdb-multiarch >/dev/null 2>&1 || { echo "gdb-multiarch not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
cpid=
cleanup() { [ -n "$cpid" ] && kill -9 "$cpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0

# session NAME GDB-ARGS...: start clonemu, run gdb against it, collect both.
session() {
    name=$1
    shift
    "$CLONEMU" run --gdb=0 "$PROG" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    cpid=$!
    port=
    for _ in $(seq 100); do
        port=$(sed -n 's/^clonemu: gdb: waiting for a connection on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/$name.err")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "FAIL ($name): clonemu did not listen"; cat "$tmp/$name.err"; fail=1; return; }
    timeout 60 gdb-multiarch -nx -batch "$PROG" -ex "target remote 127.0.0.1:$port" "$@" \
        >"$tmp/$name.gdb" 2>&1
    # clonemu ends on its own after gdb's last continue; give it 10 s
    for _ in $(seq 100); do kill -0 $cpid 2>/dev/null || break; sleep 0.1; done
    kill -9 $cpid 2>/dev/null
    wait $cpid
    echo "status $?" >>"$tmp/$name.out"
    cpid=
}

expect() { # expect NAME FILE PATTERN
    grep -q -- "$3" "$tmp/$1.$2" || { echo "FAIL ($1): no line matching: $3"; fail=1; }
}

session threads -ex 'break worker' -ex 'continue' -ex 'info threads' -ex 'delete' -ex 'continue'
expect threads gdb 'hit Breakpoint 1, worker (arg=0x'
expect threads gdb '^\* 2 *Thread 1001 (task 1001 of process 1000, runnable) worker '
expect threads gdb '^  1 *Thread 1000 (main 1000 of process 1000, runnable) '
expect threads gdb '\[New Thread 1008\]'
expect threads gdb '\[Inferior 1 (Remote target) exited normally\]'
expect threads out '^counter=8000$'
expect threads out '^status 0$'
[ $fail = 0 ] || cat "$tmp/threads.gdb" "$tmp/threads.err"

f0=$fail
session steps -ex 'stepi' -ex 'stepi' -ex 'info registers pc' -ex 'x/x 0' \
    -ex 'break main' -ex 'continue' -ex 'set var counter = 5' -ex 'print counter' \
    -ex 'catch syscall exit' -ex 'continue' -ex 'info threads' -ex 'delete' -ex 'continue'
expect steps gdb '^pc  *0x[0-9a-f]*  *0x[0-9a-f]* <_start+[0-9]*>$'
expect steps gdb 'Cannot access memory at address 0x0'
expect steps gdb '^Breakpoint 1, main () at'
expect steps gdb '^\$1 = 5$'
expect steps gdb 'hit Catchpoint 2 (call to syscall exit)'
expect steps gdb '\[Inferior 1 (Remote target) exited normally\]'
expect steps out '^counter=8005$'
expect steps out '^status 0$'
[ $fail = "$f0" ] || cat "$tmp/steps.gdb" "$tmp/steps.err"
[ $fail = 0 ] && echo "gdb: ok"
exit $fail
