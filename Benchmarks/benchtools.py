"""What the benchmark scripts share: building a release product, timing a command under GNU
time, logging, and argparse types. Standard library only."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class BenchFailed(Exception):
    """A build or a timed run failed; the times of that run mean nothing."""


def run_main(main) -> None:
    """Runs a benchmark's `main` and exits with its status; 2, with the message, on BenchFailed."""
    try:
        sys.exit(main())
    except BenchFailed as error:
        log(f"error: {error}")
        sys.exit(2)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def swift_build(product: str, *flags: str) -> str:
    """`swift build -c release [flags] --product PRODUCT` in the repository; the binary's path."""
    cmd = ["swift", "build", "-c", "release", *flags, "--product", product]
    log(f"$ (cd {REPO} && {' '.join(cmd)})")
    try:
        proc = subprocess.run(cmd, cwd=REPO, stdout=sys.stderr, stderr=sys.stderr)
    except FileNotFoundError:
        raise BenchFailed("swift not found on PATH")
    if proc.returncode != 0:
        raise BenchFailed(f"swift build failed with exit status {proc.returncode}")
    return release_binary(product)


def release_binary(product: str) -> str:
    path = os.path.join(REPO, ".build", "release", product)
    if not os.access(path, os.X_OK):
        raise BenchFailed(f"no {product} binary at {path}")
    return path


def timed(cmd: list[str], what: str, cwd: str | None = None, env: dict | None = None,
          capture_stdout: bool = False) -> dict:
    """Runs cmd under GNU time: wall, user and sys seconds, peak RSS KiB (and stdout if asked).

    GNU time's %e only has 10 ms steps, too coarse for runs of a few tens of milliseconds: the
    wall time is measured here around /usr/bin/time (whose own fork/exec adds well under a
    millisecond); %e is kept as a cross-check."""
    with tempfile.NamedTemporaryFile("r", prefix="herald-bench-time-") as report_file:
        start = time.perf_counter()
        proc = subprocess.run([GNU_TIME, "-f", "%e %U %S %M", "-o", report_file.name, *cmd],
                              cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE if capture_stdout else subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        report = report_file.read()
    if proc.returncode != 0:
        output = (proc.stdout or b"") + proc.stderr
        tail = output.decode("utf-8", "replace").strip().splitlines()[-20:]
        raise BenchFailed(f"{what} failed with exit status {proc.returncode}: {' '.join(cmd)}\n"
                          + "\n".join("    " + line for line in tail))
    # On success the last line is "%e %U %S %M" (GNU time adds a line before it only for a
    # non-zero exit or a signal).
    wall, user, sys_, rss = report.strip().splitlines()[-1].split()
    result = {"wall": elapsed, "wall_gnu": float(wall), "user": float(user), "sys": float(sys_),
              "rss_kib": int(rss)}
    if capture_stdout:
        result["stdout"] = proc.stdout.decode("utf-8", "replace")
    return result


def int_list(minimum: int, what: str = "values"):
    """An argparse type: a comma-separated list of integers, each at least `minimum`."""
    def parse(text: str) -> list[int]:
        try:
            values = [int(x) for x in text.split(",") if x.strip()]
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}")
        if not values or any(v < minimum for v in values):
            raise argparse.ArgumentTypeError(f"{what} must be integers >= {minimum}")
        return values
    return parse
