#!/usr/bin/env bash
# Every tracked C source is formatted with the repository's .clang-format.
# Exit 1 and name the files that are not (fix with: clang-format -i FILE).
set -u
cd "$(dirname "$0")/.."
bad=0
for f in $(git ls-files '*.c' '*.h' '*.inc' 2>/dev/null); do
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "not clang-formatted: $f"
        bad=1
    fi
done
[ "$bad" = 0 ] && echo "all C sources clang-formatted"
exit "$bad"
