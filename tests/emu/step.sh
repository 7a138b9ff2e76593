#!/bin/sh
# --step=signal on the default demo (sig_group_delivery): a scripted session
# from a pipe whose transcript shows the signal's path (generation, the
# target choice with its candidates, delivery to the chosen thread) and
# what tasks/signals print at the first stop; then the same from a
# terminal driven by tmux (skipped without tmux).
set -u
CLONEMU=$1 DEMO=$2
fail=0
out=$(printf 'tasks\nsignals\nnext\nnext\nregs\nbt-lite\nbreak exit_group\ncontinue\ncontinue\n' |
      timeout 20 "$CLONEMU" run --step=signal "$DEMO" 2>&1 >/dev/null)
for pat in \
    '^--- step: \[1000/1000 [a-z0-9_]*\] signal_generate sig=SIGUSR1 from=1000 to=process' \
    'task 1000/1000 ([a-z0-9_]*, runnable) at pc 0x[0-9a-f]*: .' \
    '1001/1000 thread runnable' \
    'thread 1001 (runnable): pending -; blocked -' \
    'thread 1002 ([a-z]*): pending -; blocked SIGUSR1' \
    'handlers (sighand#[0-9]*):.*SIGUSR1=0x' \
    '\] signal_target sig=SIGUSR1 candidates=1000:blocked,1001:eligible,1002:blocked chosen=1001' \
    '^--- step: \[1001/1000 [a-z0-9_]*\] signal_deliver sig=SIGUSR1 handler=0x' \
    'break 1 at exit_group' \
    '\] exit_group(' \
    '^pc 0x[0-9a-f]* sp 0x'; do
    printf '%s\n' "$out" | grep -q -- "$pat" || { echo "FAIL (pipe): no line matching: $pat"; fail=1; }
done
[ $fail = 0 ] || printf '%s\n' "$out"

if command -v tmux >/dev/null 2>&1; then
    sock=clonemu-step-$$
    log=$(mktemp)
    tmux -L $sock new-session -d -x 200 -y 50 "$CLONEMU run --step=signal $DEMO 2>&1 | tee $log; sleep 5"
    sleep 1
    tmux -L $sock send-keys 'tasks' Enter
    sleep 0.3
    tmux -L $sock send-keys 'next' Enter
    sleep 0.3
    tmux -L $sock send-keys 'continue' Enter
    sleep 1
    tmux -L $sock kill-server 2>/dev/null
    for pat in 'signal_generate sig=SIGUSR1' '1001/1000 thread' 'signal_target sig=SIGUSR1 candidates=' 'done'; do
        grep -q -- "$pat" "$log" || { echo "FAIL (terminal): no line matching: $pat"; fail=1; }
    done
    [ $fail = 0 ] || cat "$log"
    rm -f "$log"
else
    echo "tmux not installed: terminal part skipped"
fi
[ $fail = 0 ] && echo "step: ok"
exit $fail
