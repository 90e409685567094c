"""Run tests again and again beside a busy process, and say how often each passed.

    .venv/bin/python tests/stress.py [--runs 10] [--burners 1] [pytest arguments…]

A test that fails now and then is a bug of the app or of the test, to be found, not
retried away: this loop is how it is found. It starts ``--burners`` processes that keep a
core busy each (a laptop that also projects and plays music), runs pytest ``--runs`` times
on what it is given (``tests/browser`` by default), and prints each test's passes out of
its runs, the failing ones first, with where their last failure's report is kept.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--burners", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "stress")
    args, pytest_args = parser.parse_known_args()
    pytest_args = pytest_args or ["tests/browser"]
    args.out.mkdir(parents=True, exist_ok=True)
    passed: Counter[str] = Counter()
    ran: Counter[str] = Counter()
    last_failure: dict[str, Path] = {}
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(args.burners)]
    started = time.monotonic()
    try:
        for run in range(1, args.runs + 1):
            report = args.out / f"run-{run}.xml"
            log = args.out / f"run-{run}.log"
            # Each run's own temporary folder, kept: a failure's server log stays with it
            # (pytest keeps only its last three folders, and other runs come meanwhile).
            basetemp = args.out / f"run-{run}-tmp"
            with log.open("w") as output:
                subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                f"--junitxml={report}", f"--basetemp={basetemp}",
                                *pytest_args], cwd=ROOT,
                               stdout=output, stderr=subprocess.STDOUT, check=False)
            failed_now = False
            # Our own pytest's report, written a moment ago: not untrusted input.
            for case in ET.parse(report).getroot().iter("testcase"):  # noqa: S314
                name = f"{case.get('classname')}::{case.get('name')}"
                if case.find("skipped") is not None:
                    continue
                ran[name] += 1
                if case.find("failure") is None and case.find("error") is None:
                    passed[name] += 1
                else:
                    last_failure[name] = log
                    failed_now = True
            if not failed_now:
                shutil.rmtree(basetemp, ignore_errors=True)  # nothing to look into
            failing = sum(1 for name in ran if passed[name] < ran[name])
            print(f"run {run}/{args.runs}: {len(ran)} tests, {failing} failed at least once "
                  f"({(time.monotonic() - started) / 60:.0f} min)", flush=True)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    print(f"\n{args.runs} runs beside {args.burners} busy process(es), "
          f"{(time.monotonic() - started) / 60:.0f} min:")
    for name in sorted(ran, key=lambda n: (passed[n] - ran[n], n)):
        note = f"  (last failure: {last_failure[name]})" if name in last_failure else ""
        print(f"  {passed[name]:>3} / {ran[name]:<3} {name}{note}")
    return 0 if all(passed[n] == ran[n] for n in ran) else 1


if __name__ == "__main__":
    sys.exit(main())
