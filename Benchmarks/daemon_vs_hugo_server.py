#!/usr/bin/env python3
"""Benchmark: `herald run` beside `hugo server --disableFastRender --renderToDisk` on one corpus.

On the same generated corpus (default 10,000 posts), for each tool in one run:
  * readiness: from start to READY=1 (Herald, through a NOTIFY_SOCKET this script binds) or to
    hugo server's "Web Server is available";
  * idle memory two seconds later: PSS summed over the process and its children (Herald's
    renderers share its executable's pages; summed RSS, also printed, counts them three times);
  * edit latency: a post among the newest is rewritten the way editors save (a temporary file
    renamed over it) with a new sentence; the time until every feed file that holds the post
    (found by a first, untimed edit) contains it. Median over --edits edits.
Targets (issue 8): Herald's median latency at most 50 ms beyond its debounce (posts.debounce,
200 ms); ready in under 1 s; idle memory under a quarter of hugo server's.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchtools import BenchFailed, log, run_main  # noqa: E402
import feeds_vs_hugo  # noqa: E402

DEBOUNCE = 0.2


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def pss_mib(pid: int) -> float:
    """Proportional set size: a page shared by n processes counts 1/n in each."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


def tree_memory_mib(pid: int) -> tuple[float, float]:
    """RSS summed, and PSS summed, over the process and its children (Herald's Markdown
    renderers). The renderers run the same executable as Herald and share its pages: summed
    RSS counts those pages once per process, summed PSS once in all, as the kernel's own
    accounting of the service (its cgroup) does."""
    pids = [pid] + [int(child) for child in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]
    rss = pss = 0.0
    for each in pids:
        try:
            rss += rss_mib(each)
            pss += pss_mib(each)
        except FileNotFoundError:
            pass
    return rss, pss


def newest_post(folder: str) -> str:
    best, best_date = "", ""
    for root, _, files in os.walk(folder):
        for name in files:
            if not name.endswith(".md"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                head = f.read(600)
            match = re.search(r"^date: (\S+)", head, re.M)
            if match and match.group(1) > best_date:
                best, best_date = path, match.group(1)
    return best


def save_like_an_editor(path: str, text: str) -> None:
    temporary = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".swp")
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)


def feed_files(folder: str) -> list[str]:
    found = []
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith((".xml", ".json")):
                found.append(os.path.join(root, name))
    return found


def holding(files: list[str], token: str) -> list[str]:
    out = []
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                if token in f.read():
                    out.append(path)
        except FileNotFoundError:
            pass
    return out


def measure_edits(post: str, output: str, edits: int, label: str) -> list[float]:
    with open(post, encoding="utf-8") as f:
        original = f.read()
    # An untimed first edit finds the feed files that hold this post.
    token = f"etalonnage{os.getpid()}"
    save_like_an_editor(post, original + f"\nPhrase d’étalonnage {token}.\n")
    deadline = time.monotonic() + 30
    affected: list[str] = []
    while time.monotonic() < deadline:
        affected = holding(feed_files(output), token)
        if affected:
            time.sleep(2)
            affected = holding(feed_files(output), token)
            break
        time.sleep(0.05)
    if not affected:
        raise BenchFailed(f"{label}: the edited post never reached a feed in {output}")
    log(f"{label}: {len(affected)} feed files hold the edited post")
    latencies = []
    for index in range(edits):
        token = f"edition{index}x{os.getpid()}"
        start = time.monotonic()
        save_like_an_editor(post, original + f"\nÉdition nº {index} : {token}.\n")
        deadline = start + 30
        while time.monotonic() < deadline and len(holding(affected, token)) < len(affected):
            time.sleep(0.002)
        latency = time.monotonic() - start
        if latency >= 30:
            raise BenchFailed(f"{label}: edit {index} never reached every feed")
        latencies.append(latency)
        time.sleep(0.3)
    save_like_an_editor(post, original)
    return latencies


def run_herald(herald: str, config: str, root: str, edits: int) -> dict:
    shutil.rmtree(os.path.join(root, "feeds"), ignore_errors=True)
    shutil.rmtree(os.path.join(root, "var"), ignore_errors=True)
    notify_path = os.path.join(root, "notify.sock")
    if os.path.exists(notify_path):
        os.remove(notify_path)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.settimeout(60)
    env = dict(os.environ, NOTIFY_SOCKET=notify_path)
    with open(os.path.join(root, "herald-run.log"), "w") as log_file:
        start = time.monotonic()
        process = subprocess.Popen([herald, "run", "--config", config], cwd=root, env=env, stdout=log_file, stderr=log_file)
        try:
            while True:
                datagram = notify.recv(4096).decode()
                if "READY=1" in datagram.split("\n"):
                    break
            ready = time.monotonic() - start
            time.sleep(2)
            idle_rss, idle = tree_memory_mib(process.pid)
            post = newest_post(os.path.join(root, "posts"))
            latencies = measure_edits(post, os.path.join(root, "feeds"), edits, "herald")
            return {"ready": ready, "idle_rss": idle_rss, "idle_pss": idle, "latencies": latencies}
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
            notify.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_hugo(hugo: str, site: str, edits: int) -> dict:
    output = os.path.join(site, "public-server")
    shutil.rmtree(output, ignore_errors=True)
    cmd = [hugo, "server", "--disableFastRender", "--renderToDisk", "-s", site, "-d", output, "--bind", "127.0.0.1",
           "--port", str(free_port()), "--cacheDir", os.path.join(site, "hugo_cache"), "--appendPort=false"]
    start = time.monotonic()
    process = subprocess.Popen(cmd, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        ready = None
        while True:
            line = process.stdout.readline()
            if not line:
                raise BenchFailed("hugo server exited before serving")
            if "Web Server is available" in line:
                ready = time.monotonic() - start
                break
        # Keep reading its output so that it never blocks on a full pipe.
        import threading
        threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
        time.sleep(2)
        idle_rss, idle = tree_memory_mib(process.pid)
        post = newest_post(os.path.join(site, "content"))
        latencies = measure_edits(post, output, edits, "hugo")
        return {"ready": ready, "idle_rss": idle_rss, "idle_pss": idle, "latencies": latencies}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--no-build", action="store_true", help="use the existing .build/release/herald")
    parser.add_argument("--workdir", default="/tmp/herald-daemon-bench")
    parser.add_argument("--hugo", default="hugo")
    args = parser.parse_args(argv)
    hugo = shutil.which(args.hugo)
    if not hugo:
        raise BenchFailed("hugo not found (apt-get install hugo)")
    herald = feeds_vs_hugo.herald_binary() if args.no_build else feeds_vs_hugo.build_herald()
    log(f"generating {args.posts} posts in {args.workdir} ...")
    config, site = feeds_vs_hugo.prepare(args.posts, args.workdir)
    root = os.path.dirname(config)
    herald_result = run_herald(herald, config, root, args.edits)
    hugo_result = run_hugo(hugo, site, args.edits)
    h_median = statistics.median(herald_result["latencies"])
    g_median = statistics.median(hugo_result["latencies"])
    print(f"{'tool':<7} {'ready s':>8} {'idle PSS MiB':>13} {'idle RSS MiB':>13} {'edit median ms':>15} {'min ms':>7} {'max ms':>7}")
    for name, result, median in (("herald", herald_result, h_median), ("hugo", hugo_result, g_median)):
        print(f"{name:<7} {result['ready']:>8.2f} {result['idle_pss']:>13.1f} {result['idle_rss']:>13.1f} {median * 1000:>15.0f} "
              f"{min(result['latencies']) * 1000:>7.0f} {max(result['latencies']) * 1000:>7.0f}")
    beyond = h_median - DEBOUNCE
    rss_ratio = herald_result["idle_pss"] / hugo_result["idle_pss"]
    print(f"herald: {beyond * 1000:.0f} ms beyond its {DEBOUNCE * 1000:.0f} ms debounce (target <= 50 ms); "
          f"hugo/herald edit latency {g_median / h_median:.1f}x; idle memory (PSS) herald/hugo {rss_ratio:.2f} (target < 0.25)")
    ok = beyond <= 0.05 and herald_result["ready"] < 1 and rss_ratio < 0.25
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    run_main(main)
