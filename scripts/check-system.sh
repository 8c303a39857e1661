#!/usr/bin/env bash
# WeasyPrint needs Pango (>= 1.44) and HarfBuzz from the system. Explain how to install them if missing.
set -u
if command -v ldconfig >/dev/null 2>&1; then
  if ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' && ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so'; then
    exit 0
  fi
elif [ "$(uname)" = "Darwin" ]; then
  if command -v brew >/dev/null 2>&1 && brew list pango >/dev/null 2>&1; then exit 0; fi
  echo "WeasyPrint needs Pango: run 'brew install pango' and try again." >&2
  exit 1
fi
echo "WeasyPrint needs the Pango libraries: on Debian or Ubuntu run 'sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core' and try again." >&2
exit 1
