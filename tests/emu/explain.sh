#!/bin/sh
# clonemu explain from the command line: `clonemu explain 'CLONE_THREAD|CLONE_VM'`
# names the CLONE_SIGHAND rule (exit 1: refused), an accepted set lists what
# the child shares and copies (exit 0), and usage errors exit 2.
# (test_explain checks explain against the model row by row.)
set -u
CLONEMU=$1
fail=0
check() { # description, command output, grep pattern
    if printf '%s\n' "$2" | grep -q -- "$3"; then :; else
        echo "FAIL: $1: no '$3' in:"; printf '%s\n' "$2"; fail=1
    fi
}
out=$("$CLONEMU" explain 'CLONE_THREAD|CLONE_VM'); rc=$?
[ $rc = 1 ] || { echo "FAIL: refused set exits $rc, want 1"; fail=1; }
check thread_vm "$out" '^refused: -1 EINVAL (rule: thread_needs_sighand)$'
check thread_vm "$out" 'thread_needs_sighand  *EINVAL  CLONE_THREAD requires CLONE_SIGHAND (since 2.5.35)'
out=$("$CLONEMU" explain --arch aarch64 'THREAD|NEWNS|FS|NEWPID|SIGCHLD')
check every_rule "$out" '^3 rules refuse it'
check every_rule "$out" 'thread_with_newuser_or_newpid'
out=$("$CLONEMU" explain 'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD'); rc=$?
[ $rc = 0 ] || { echo "FAIL: accepted set exits $rc, want 0"; fail=1; }
check accepted "$out" "a new thread in the caller's thread group"
check accepted "$out" 'shares with the caller: mm,files,fs,sighand,nsproxy'
out=$("$CLONEMU" explain --clone3 --exit-signal=SIGCHLD 'CLONE_PARENT'); rc=$?
check clone3 "$out" 'thread_or_parent_with_exit_signal'
out=$("$CLONEMU" explain --help); rc=$?
[ $rc = 0 ] || { echo "FAIL: --help exits $rc"; fail=1; }
check help "$out" '^Usage: clonemu explain'
"$CLONEMU" explain 'CLONE_BOGUS' 2>/dev/null; rc=$?
[ $rc = 2 ] || { echo "FAIL: an unknown flag exits $rc, want 2"; fail=1; }
[ $fail = 0 ] && echo "explain: ok"
exit $fail
