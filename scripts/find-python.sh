#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (3.13 preferred), or explain how to get one and fail.
# Order: $PYTHON, pyenv builds named in .python-version, python3.13, python3.12, pyenv's 3.13/3.12 builds, python3.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
if [ -f .python-version ]; then
  want=$(head -n1 .python-version | tr -d '[:space:]')
  for dir in $(ls -d "$root"/versions/"$want"* 2>/dev/null | sort -rV); do candidates+=("$dir/bin/python"); done
fi
for name in python3.13 python3.12; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
for dir in $(ls -d "$root"/versions/3.13* "$root"/versions/3.12* 2>/dev/null | sort -rV); do candidates+=("$dir/bin/python"); done
path=$(command -v python3 2>/dev/null) && candidates+=("$path")
for candidate in "${candidates[@]}"; do
  if [ -x "$candidate" ] && ok "$candidate"; then echo "$candidate"; exit 0; fi
done
echo "No Python 3.12 or newer found. Install Python 3.13 (for example 'pyenv install 3.13'), or set PYTHON=/path/to/python3.13." >&2
exit 1
