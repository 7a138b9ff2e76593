#!/bin/sh
# clonemu demo: the listing names every idea of the seed with at least one
# sample that is built, each with the one-line idea its source states at
# its top; `clonemu demo NAME [--arch A]` runs that sample (x86_64 by
# default, ia64lite for ia64-lite samples) with run's options passed on.
set -u
CLONEMU=$1
fail=0
list=$("$CLONEMU" demo) || { echo "FAIL: clonemu demo exits $?"; fail=1; }
# idea heading -> a sample that must be listed under it
for pair in 'sharing flags:clone_vm' 'thread groups:pthreads_counter' 'exit signals:exit_signal_wclone' \
    'vfork:vfork_order' 'CLONE_PARENT:clone_parent' 'CLONE_CHILD_CLEARTID:raw_clone_threads' \
    'pidfd:clone3_pidfd' 'namespaces:ns_newpid' 'signal delivery:sig_group_delivery' \
    'exec in a thread group:sig_exec_multithread' '__clone2 on ia64-lite:fork-tree'; do
    idea=${pair%%:*} sample=${pair#*:}
    printf '%s\n' "$list" | awk -v idea="$idea" -v s="$sample" '
        /^[^ ].*:$/ { inside = index($0, idea) > 0 }
        inside && $1 == s { found = 1 }
        END { exit !found }' || { echo "FAIL: no '$sample' under the idea '$idea'"; fail=1; }
done
# the idea line comes from the sample's first comment block
printf '%s\n' "$list" | grep -q '^  vfork_order  *vfork() = clone(CLONE_VM|CLONE_VFORK|SIGCHLD)\.$' ||
    { echo "FAIL: vfork_order's idea line"; fail=1; }
printf '%s\n' "$list" | grep -A1 '^  pthreads_counter ' | grep -q '\[x86_64,aarch64' ||
    { echo "FAIL: pthreads_counter's arches"; fail=1; }
[ $fail = 0 ] || printf '%s\n' "$list"

out=$("$CLONEMU" demo pthreads_counter 2>&1) && printf '%s\n' "$out" | grep -q '^counter=8000$' ||
    { echo "FAIL: clonemu demo pthreads_counter: $out"; fail=1; }
out=$("$CLONEMU" demo vfork_order --arch aarch64 --trace 2>&1) &&
    printf '%s\n' "$out" | grep -q '^\[1000/1000 aarch64\] clone call=.*CLONE_VFORK' ||
    { echo "FAIL: clonemu demo vfork_order --arch aarch64 --trace: $out"; fail=1; }
if "$CLONEMU" demo 2>/dev/null | grep -A1 '^  fork-tree ' | grep -q ia64lite; then
    "$CLONEMU" demo fork-tree >/dev/null 2>&1
    rc=$?
    [ $rc = 6 ] || { echo "FAIL: clonemu demo fork-tree exits $rc, not 6"; fail=1; }
fi
# confined to a scratch root (docs/hardening.md): the sample's exe is its
# copy's guest path /bin/NAME, it sees the scratch's /tmp and /dev/null, and
# the scratch is gone afterwards
scratch=$(mktemp -d)
out=$(TMPDIR=$scratch "$CLONEMU" demo exec_cloexec --trace 2>&1) &&
    printf '%s\n' "$out" | grep -q ' exec path=/bin/exec_cloexec ' ||
    { echo "FAIL: clonemu demo exec_cloexec is not confined: $out"; fail=1; }
out=$(TMPDIR=$scratch "$CLONEMU" demo clone_fs_files 2>&1) &&
    printf '%s\n' "$out" | grep -q 'parent_sees_child_fd=1' ||
    { echo "FAIL: clonemu demo clone_fs_files: $out"; fail=1; }
[ -z "$(ls -A "$scratch")" ] || { echo "FAIL: the scratch root was left: $(ls "$scratch")"; fail=1; }
rm -rf "$scratch"
"$CLONEMU" demo no_such_sample >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: an unknown NAME is not bad usage"; fail=1; }
"$CLONEMU" demo pthreads_counter --arch=m68k >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: an unknown --arch is not bad usage"; fail=1; }
[ $fail = 0 ] && echo "demo: ok"
exit $fail
