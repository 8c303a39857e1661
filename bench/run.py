"""Run the benchmarks: every ``bench/bench_*.py`` module's ``run()``, each in a process of its own.

    make bench                                # all of them
    make bench BENCH_ARGS="clocks"            # only bench/bench_clocks.py
    .venv/bin/python bench/run.py clocks --sizes 10000 --concurrency 2

Each benchmark prints its figures beside a baseline measured in the same run, and the ratio between them, so the
numbers stay comparable on a noisy or shared machine.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def main(argv: list[str]) -> int:
    # An optional benchmark name first; everything else is passed to the benchmark(s).
    wanted = argv[:1] if argv and not argv[0].startswith("-") else []
    extra = argv[len(wanted) :]
    names = sorted(p.stem.removeprefix("bench_") for p in BENCH.glob("bench_*.py"))
    if wanted:
        names = [n for n in names if n in wanted]
        if not names:
            known = ", ".join(sorted(p.stem for p in BENCH.glob("bench_*.py")))
            print(f"no benchmark called {wanted[0]!r}; have: {known}")
            return 2
    status = 0
    for name in names:
        print(f"=== bench_{name} ===", flush=True)
        started = time.monotonic()
        code = f"import sys; from bench import bench_{name} as m; sys.exit(m.run(sys.argv[1:]) or 0)"
        result = subprocess.run([sys.executable, "-c", code, *extra], cwd=ROOT, check=False)
        print(f"=== bench_{name}: exit {result.returncode} after {time.monotonic() - started:.1f} s ===", flush=True)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
