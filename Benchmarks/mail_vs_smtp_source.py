#!/usr/bin/env python3
"""Benchmark: Herald's digest mail pipeline vs Postfix's smtp-source, into smtp-sink.

Usage:
    mail_vs_smtp_source.py [--count 20000] [--runs 3] [--concurrency 1,4,8]
                           [--size 20480] [--no-build | --bench-bin PATH]
                           [--cache-dir Benchmarks/.cache]

Postfix's smtp-sink (a fast SMTP server that accepts and discards mail) and
smtp-source (a fast SMTP client that sends made-up messages) are taken from
Debian's postfix package WITHOUT installing it: `apt-get download postfix` into
the cache dir, `dpkg-deb -x` there, and the two binaries run with
LD_LIBRARY_PATH=<root>/usr/lib/postfix. Nothing of the mail system is
configured or started.

For each concurrency C, a fresh sink is started on a free loopback port, then,
--runs times in turn:
  - smtp-source -d -s C -m COUNT -l SIZE -f a@example.org -t b@example.org
  - herald-mail-bench --concurrency C (no DKIM)
  - herald-mail-bench --concurrency C --dkim-key ed25519.pem
each under GNU time (/usr/bin/time -f '%e %U %S %M'). herald-mail-bench
renders, composes (and signs) COUNT personalised digests of about SIZE bytes
and sends them through SMTPTransport (see Benchmarks/MailBench/main.swift).

msgs/s is COUNT / the process's wall time (a monotonic clock around
/usr/bin/time), the same for both tools, so Herald's start-up is included; the
bench's own pipeline-only rate is shown too. Medians over the runs. Targets:
  - at C = 4, Herald without DKIM >= 0.8 x smtp-source's msgs/s;
  - at C = 4, Herald with ed25519 DKIM >= 2000 msgs/s;
  - Herald's peak RSS < 64 MiB (the largest of all its runs).

Exit status: 0 if every run succeeded and every target is met; 1 if a run
failed (or a tool could not be set up); 3 if a target is missed.
Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchtools import GNU_TIME, REPO, BenchFailed as RunFailed, int_list, log, swift_build, timed as run_timed  # noqa: E402

PRODUCT = "herald-mail-bench"
CLK_TCK = os.sysconf("SC_CLK_TCK")

TARGET_RATIO = 0.8
TARGET_DKIM_RATE = 2000.0
TARGET_RSS_MIB = 64.0


# --- setup -------------------------------------------------------------------

def postfix_tools(cache: str) -> tuple[str, str, dict]:
    """smtp-sink, smtp-source and the environment to run them with, from
    Debian's postfix .deb, downloaded and unpacked into cache once."""
    root = os.path.join(cache, "postfix-root")
    sink = os.path.join(root, "usr", "sbin", "smtp-sink")
    source = os.path.join(root, "usr", "sbin", "smtp-source")
    if not (os.access(sink, os.X_OK) and os.access(source, os.X_OK)):
        os.makedirs(cache, exist_ok=True)
        debs = [f for f in os.listdir(cache) if f.startswith("postfix_") and f.endswith(".deb")]
        if not debs:
            cmd = ["apt-get", "download", "postfix"]
            log(f"$ (cd {cache} && {' '.join(cmd)})")
            proc = subprocess.run(cmd, cwd=cache, stdout=sys.stderr, stderr=sys.stderr)
            if proc.returncode != 0:
                log("apt-get download failed; trying `apt-get update` first")
                subprocess.run(["apt-get", "update"], stdout=sys.stderr, stderr=sys.stderr)
                proc = subprocess.run(cmd, cwd=cache, stdout=sys.stderr, stderr=sys.stderr)
                if proc.returncode != 0:
                    raise RunFailed("apt-get download postfix failed")
            debs = [f for f in os.listdir(cache) if f.startswith("postfix_") and f.endswith(".deb")]
        deb = os.path.join(cache, sorted(debs)[-1])
        shutil.rmtree(root, ignore_errors=True)
        log(f"$ dpkg-deb -x {deb} {root}")
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    env = dict(os.environ)
    libs = os.path.join(root, "usr", "lib", "postfix")
    env["LD_LIBRARY_PATH"] = libs + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return sink, source, env


def postfix_version(cache: str) -> str:
    debs = sorted(f for f in os.listdir(cache) if f.startswith("postfix_") and f.endswith(".deb"))
    return debs[-1][len("postfix_"):-len(".deb")] if debs else "?"


def build_bench() -> str:
    return swift_build(PRODUCT)


def ed25519_key(folder: str) -> str:
    path = os.path.join(folder, "dkim-ed25519.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", path], check=True,
                   stdout=subprocess.DEVNULL, stderr=sys.stderr)
    return path


# --- the sink ----------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """A fresh smtp-sink on 127.0.0.1:PORT (backlog 1000). With `counters`, it runs with -c and its
    counters ("sess=N quit=N mesg=N") go to that file; otherwise its output is discarded."""

    def __init__(self, binary: str, env: dict, counters: str | None = None):
        self.port = free_port()
        cmd = [binary] + (["-c"] if counters else [])
        if os.geteuid() == 0:
            cmd += ["-u", "nobody"]  # smtp-sink refuses to run as root without it
        cmd += [f"127.0.0.1:{self.port}", "1000"]
        out = open(counters, "wb") if counters else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.DEVNULL)
        finally:
            if counters:
                out.close()
        deadline = time.monotonic() + 5
        while True:
            if self.proc.poll() is not None:
                raise RunFailed(f"smtp-sink exited at once with status {self.proc.returncode}: {' '.join(cmd)}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.recv(512)  # the 220 greeting
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RunFailed("smtp-sink did not accept connections within 5 s")
                time.sleep(0.05)

    def cpu_seconds(self) -> float:
        """user + system CPU seconds the sink has used so far (from /proc)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLK_TCK
        except (OSError, IndexError, ValueError):
            return float("nan")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- measuring ---------------------------------------------------------------

def timed(cmd: list[str], what: str, env: dict | None, sink: Sink) -> dict:
    """Run cmd under GNU time; wall/user/sys seconds, peak RSS KiB, stdout, and
    the sink's CPU seconds over the run."""
    sink_before = sink.cpu_seconds()
    result = run_timed(cmd, what, env=env, capture_stdout=True)
    result["sink_cpu"] = sink.cpu_seconds() - sink_before
    return result


def run_source(source: str, env: dict, sink: Sink, c: int, count: int, size: int) -> dict:
    cmd = [source, "-d", "-s", str(c), "-m", str(count), "-l", str(size), "-f", "a@example.org",
           "-t", "b@example.org", f"127.0.0.1:{sink.port}"]
    result = timed(cmd, "smtp-source", env, sink)
    result["rate"] = count / result["wall"]
    return result


def run_herald(bench: str, sink: Sink, c: int, count: int, size: int, key: str | None) -> dict:
    cmd = [bench, "--url", f"smtp://127.0.0.1:{sink.port}", "--count", str(count), "--concurrency", str(c),
           "--size", str(size)]
    if key:
        cmd += ["--dkim-key", key, "--dkim-algorithm", "ed25519"]
    result = timed(cmd, PRODUCT, None, sink)
    lines = [line for line in result["stdout"].splitlines() if line.startswith("{")]
    if not lines:
        raise RunFailed(f"{PRODUCT} printed no JSON line: {' '.join(cmd)}")
    report = json.loads(lines[-1])
    if report["sent"] != count or report["failed"] != 0:
        raise RunFailed(f"{PRODUCT} sent {report['sent']} of {count} ({report['failed']} failed)")
    result["rate"] = count / result["wall"]
    result["pipeline_rate"] = report["msgs_per_s"]
    result["avg_bytes"] = report["avg_bytes"]
    return result


def summary(runs: list[dict]) -> dict:
    out = {
        "rate": statistics.median(r["rate"] for r in runs),
        "cpu": statistics.median(r["user"] + r["sys"] for r in runs),
        "rss_mib": statistics.median(r["rss_kib"] for r in runs) / 1024,
        "rss_max_mib": max(r["rss_kib"] for r in runs) / 1024,
        "sink_cpu": statistics.median(r["sink_cpu"] for r in runs),
        "rates": [r["rate"] for r in runs],
    }
    if "pipeline_rate" in runs[0]:
        out["pipeline_rate"] = statistics.median(r["pipeline_rate"] for r in runs)
        out["avg_bytes"] = statistics.median(r["avg_bytes"] for r in runs)
    return out


parse_list = int_list(1)


TOOLS = [("smtp-source", "source"), ("herald", "herald"), ("herald+ed25519", "dkim")]


def print_table(results: dict[int, dict[str, dict]], count: int, runs: int) -> None:
    print(f"\n{count} messages per run, median of {runs} run(s); msgs/s = messages / process wall time\n")
    header = (f"{'tool':<16}{'conc.':>6}{'msgs/s':>10}{'vs source':>11}{'CPU s':>8}{'RSS MiB':>9}"
              f"{'sink CPU s':>12}{'pipeline msgs/s':>17}{'avg bytes':>11}")
    print(header)
    print("-" * len(header))
    for c, by_tool in results.items():
        base = by_tool["source"]["rate"]
        for label, key in TOOLS:
            s = by_tool[key]
            ratio = "" if key == "source" else f"{s['rate'] / base:.2f}x"
            pipeline = f"{s['pipeline_rate']:.0f}" if "pipeline_rate" in s else ""
            avg = f"{s['avg_bytes']:.0f}" if "avg_bytes" in s else ""
            print(f"{label:<16}{c:>6}{s['rate']:>10.0f}{ratio:>11}{s['cpu']:>8.2f}{s['rss_mib']:>9.1f}"
                  f"{s['sink_cpu']:>12.2f}{pipeline:>17}{avg:>11}")
    print()
    for c, by_tool in results.items():
        for label, key in TOOLS:
            rates = ", ".join(f"{r:.0f}" for r in by_tool[key]["rates"])
            print(f"  c={c} {label}: runs {rates} msgs/s")


def verdicts(results: dict[int, dict[str, dict]]) -> list[tuple[str, bool | None]]:
    lines: list[tuple[str, bool | None]] = []
    at4 = results.get(4)
    if at4:
        h, s, d = at4["herald"]["rate"], at4["source"]["rate"], at4["dkim"]["rate"]
        lines.append((f"c=4 without DKIM: Herald {h:.0f} msgs/s = {h / s:.2f}x smtp-source's {s:.0f} "
                      f"(target >= {TARGET_RATIO}x)", h >= TARGET_RATIO * s))
        lines.append((f"c=4 ed25519 DKIM: Herald {d:.0f} msgs/s (target >= {TARGET_DKIM_RATE:.0f})",
                      d >= TARGET_DKIM_RATE))
    else:
        lines.append(("c=4 targets: not measured (4 is not in --concurrency)", None))
    peak = max(by_tool[key]["rss_max_mib"] for by_tool in results.values() for key in ("herald", "dkim"))
    lines.append((f"Herald peak RSS {peak:.1f} MiB over all runs (target < {TARGET_RSS_MIB:.0f} MiB)",
                  peak < TARGET_RSS_MIB))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20000, help="messages per run (default 20000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool and concurrency (default 3)")
    parser.add_argument("--concurrency", type=parse_list, default=parse_list("1,4,8"),
                        help="comma-separated connection counts (default 1,4,8)")
    parser.add_argument("--size", type=int, default=20480, help="message size in bytes (default 20480)")
    parser.add_argument("--no-build", action="store_true",
                        help=f"do not build; use the existing .build/release/{PRODUCT}")
    parser.add_argument("--bench-bin", metavar="PATH", help=f"use this {PRODUCT} binary (implies --no-build)")
    parser.add_argument("--cache-dir", default=os.path.join(HERE, ".cache"),
                        help="where the postfix .deb is downloaded and unpacked (default Benchmarks/.cache)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.runs < 1:
        parser.error("--count and --runs must be >= 1")
    if not os.access(GNU_TIME, os.X_OK):
        log(f"{GNU_TIME} not found: apt-get install time")
        return 1

    try:
        sink_bin, source_bin, env = postfix_tools(os.path.abspath(args.cache_dir))
        if args.bench_bin:
            bench = os.path.abspath(args.bench_bin)
        elif args.no_build:
            bench = os.path.join(REPO, ".build", "release", PRODUCT)
        else:
            bench = build_bench()
    except (RunFailed, subprocess.CalledProcessError, OSError) as error:
        log(f"setup failed: {error}")
        return 1
    log(f"postfix {postfix_version(os.path.abspath(args.cache_dir))} (smtp-sink, smtp-source); {bench}")

    results: dict[int, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="herald-mailbench-") as tmp:
        key = ed25519_key(tmp)
        for c in args.concurrency:
            sink = Sink(sink_bin, env)
            runs: dict[str, list[dict]] = {"source": [], "herald": [], "dkim": []}
            try:
                for n in range(args.runs):
                    log(f"c={c} run {n + 1}/{args.runs} (sink on port {sink.port})")
                    r = run_source(source_bin, env, sink, c, args.count, args.size)
                    log(f"  smtp-source      {r['rate']:8.0f} msgs/s  cpu {r['user'] + r['sys']:.2f} s  "
                        f"rss {r['rss_kib'] / 1024:.1f} MiB")
                    runs["source"].append(r)
                    for name, k in (("herald", None), ("herald+ed25519", key)):
                        r = run_herald(bench, sink, c, args.count, args.size, k)
                        log(f"  {name:<16} {r['rate']:8.0f} msgs/s  cpu {r['user'] + r['sys']:.2f} s  "
                            f"rss {r['rss_kib'] / 1024:.1f} MiB  (pipeline {r['pipeline_rate']:.0f} msgs/s)")
                        runs["dkim" if k else "herald"].append(r)
            except RunFailed as error:
                log(str(error))
                return 1
            finally:
                sink.stop()
            results[c] = {name: summary(rs) for name, rs in runs.items()}

    print_table(results, args.count, args.runs)
    print()
    ok = True
    for text, passed in verdicts(results):
        word = "SKIP" if passed is None else ("PASS" if passed else "FAIL")
        print(f"{word}  {text}")
        ok = ok and passed is not False
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
