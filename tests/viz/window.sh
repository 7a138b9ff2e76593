#!/usr/bin/env bash
# window.sh CLONEMU SAMPLE TEST_PNG OUTDIR: the real viewer window under
# Xvfb (issue 7, must show 3). Record the default demo, open
# `clonemu viz` on it, step with synthetic key presses (xdotool, through
# XTEST) to the moment SIGUSR1 lands, press `s` for a screenshot and `q`.
# The screenshot must show the signal (vermillion), the first frame none.
# Exit 77 (ctest: skipped) when Xvfb or xdotool is not installed.
set -u
clonemu=$1 sample=$2 test_png=$3 out=$4
command -v Xvfb > /dev/null && command -v xdotool > /dev/null || { echo "no Xvfb/xdotool: skipped"; exit 77; }
tmp=$(mktemp -d)
xvfb_pid=
cleanup() { [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
"$clonemu" run --events="$tmp/run.jsonl" "$sample" > /dev/null 2>&1
# Right steps over every event but syscalls; count them up to the delivery.
steps=$(awk '/"kind":"signal_deliver".*"sig":"SIGUSR1"/ { print n; exit }
             !/"kind":"syscall"/ { n++ }' "$tmp/run.jsonl")
steps=$((steps - 1))
[ "$steps" -gt 0 ] || { echo "no SIGUSR1 delivery in the run"; exit 1; }
# -displayfd: Xvfb picks a free display itself and writes its number, so
# two tests (or engineers) never race for the same one.
exec 9> "$tmp/display"
Xvfb -displayfd 9 -screen 0 1600x1000x24 -nolisten tcp > "$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
exec 9>&-
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
d=$(head -c 16 "$tmp/display" | tr -dc 0-9)
[ -n "$d" ] || { echo "Xvfb did not start"; cat "$tmp/xvfb.log"; exit 1; }
export DISPLAY=":$d"
for _ in $(seq 50); do xdotool getmouselocation > /dev/null 2>&1 && break; sleep 0.1; done
"$clonemu" viz --screenshot="$tmp/first.png" --title=window-test "$tmp/run.jsonl" 2> "$tmp/viz.err" &
viz_pid=$!
win=$(timeout 20 xdotool search --sync --name "clonemu viewer" | head -1)
[ -n "$win" ] || { echo "no viewer window"; cat "$tmp/viz.err"; exit 1; }
xdotool windowfocus --sync "$win" 2> /dev/null || true
sleep 0.5
xdotool key s
for _ in $(seq 50); do [ -s "$tmp/first.png" ] && break; sleep 0.1; done
for _ in $(seq "$steps"); do xdotool key Right; done
sleep 0.5
mv "$tmp/first.png" "$out/viz-window-first.png"
xdotool key s
for _ in $(seq 50); do [ -s "$tmp/first.png" ] && break; sleep 0.1; done
mv "$tmp/first.png" "$out/viz-window.png" 2> /dev/null
xdotool key q
for _ in $(seq 50); do kill -0 $viz_pid 2> /dev/null || break; sleep 0.1; done
wait $viz_pid
rc=$?
[ $rc = 0 ] || { echo "viewer exited $rc"; cat "$tmp/viz.err"; exit 1; }
[ -s "$out/viz-window.png" ] || { echo "no screenshot"; cat "$tmp/viz.err"; exit 1; }
first=$("$test_png" --count "$out/viz-window-first.png" D55E00 0 0 1100 860)
after=$("$test_png" --count "$out/viz-window.png" D55E00 0 0 1100 860)
echo "$steps key presses; vermillion pixels on the stage: first frame $first, after $after"
[ "$first" = 0 ] && [ "$after" -gt 500 ] || { echo "the window does not show the signal"; exit 1; }
echo "ok: $out/viz-window.png"
