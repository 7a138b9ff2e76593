#!/bin/sh
# The manual page and --help: docs/clonemu.1 formats without a warning
# (groff -man -ww, else mandoc -T lint; skipped without either), names
# every subcommand and exit status; `clonemu CMD --help` is GNU style for
# every subcommand (exit 0, "Usage: clonemu CMD" first, a --help line),
# and `cmake --install` puts the binary, the page and the samples in a
# prefix from which `clonemu demo` runs a sample.
set -u
CLONEMU=$1 MAN=$2 BUILD=$3
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$MAN" >"$tmp/warn" 2>&1
    [ -s "$tmp/warn" ] && { echo "FAIL: groff warnings:"; cat "$tmp/warn"; fail=1; }
    groff -man -Tascii -P-cbou "$MAN" >"$tmp/page" 2>/dev/null # plain text, no overstrikes
elif command -v mandoc >/dev/null 2>&1; then
    mandoc -T lint "$MAN" >"$tmp/warn" 2>&1 || { echo "FAIL: mandoc:"; cat "$tmp/warn"; fail=1; }
    mandoc -T ascii "$MAN" | sed 's/.\x08//g' >"$tmp/page"
else
    echo "neither groff nor mandoc installed: the page's format is not checked"
    cp "$MAN" "$tmp/page"
fi
for pat in '^NAME' '^SYNOPSIS' '^DESCRIPTION' '^COMMANDS' '^OPTIONS' '^EXIT STATUS' '^EXAMPLES' \
    '^FILES' '^SEE ALSO' 'clone(2)' '^ *run  *Run ' '^ *explain$' '^ *viz  *Show ' '^ *demo  *Without ' \
    '^ *125  *a deadlock' '^ *126  *PROGRAM' '^ *127  *PROGRAM' '128+N' '--gdb=PORT' '--step'; do
    grep -q -- "$pat" "$tmp/page" || { echo "FAIL: the man page has no line matching: $pat"; fail=1; }
done

for cmd in run explain demo viz; do
    out=$("$CLONEMU" "$cmd" --help 2>&1)
    rc=$?
    if [ "$cmd" = viz ] && [ $rc != 0 ] && ! printf '%s' "$out" | grep -q '^Usage: clonemu viz'; then
        echo "clonemu viz: not built here; its --help is not checked"
        continue
    fi
    [ $rc = 0 ] || { echo "FAIL: clonemu $cmd --help exits $rc"; fail=1; }
    printf '%s\n' "$out" | head -1 | grep -q "^Usage: clonemu $cmd \[OPTION\]\.\.\." ||
        { echo "FAIL: clonemu $cmd --help: first line is not 'Usage: clonemu $cmd [OPTION]...'"; fail=1; }
    printf '%s\n' "$out" | grep -q -- '^ *-h, --help  *display this help and exit$' ||
        { echo "FAIL: clonemu $cmd --help: no '-h, --help  display this help and exit' line"; fail=1; }
    "$CLONEMU" "$cmd" --no-such-option >/dev/null 2>"$tmp/err"
    rc=$?
    [ $rc = 2 ] || { echo "FAIL: clonemu $cmd --no-such-option exits $rc, not 2"; fail=1; }
    grep -q "Try 'clonemu.*--help' for more information" "$tmp/err" ||
        { echo "FAIL: clonemu $cmd --no-such-option: no \"Try '... --help'\" line"; cat "$tmp/err"; fail=1; }
done
"$CLONEMU" --help | grep -q '^  or:  clonemu demo ' || { echo "FAIL: clonemu --help does not name demo"; fail=1; }

# cmake --install into a scratch prefix
if cmake --install "$BUILD" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then
    for f in bin/clonemu share/man/man1/clonemu.1 libexec/clonemu/samples/x86_64/pthreads_counter; do
        [ -e "$tmp/prefix/$f" ] || { echo "FAIL: cmake --install did not install $f"; fail=1; }
    done
    out=$("$tmp/prefix/bin/clonemu" demo fork_tree 2>&1)
    rc=$?
    [ $rc = 0 ] || { echo "FAIL: installed clonemu demo fork_tree exits $rc: $out"; fail=1; }
    ls "$tmp/prefix/libexec/clonemu/samples/x86_64" | grep -q '\.o$' && { echo "FAIL: .o files installed"; fail=1; }
else
    echo "FAIL: cmake --install failed"; cat "$tmp/install.log"; fail=1
fi
[ $fail = 0 ] && echo "docs: ok"
exit $fail
