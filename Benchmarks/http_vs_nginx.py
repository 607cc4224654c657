#!/usr/bin/env python3
"""Benchmark: Herald's HTTP server beside nginx, serving the same feed file, under wrk.

Usage:
    http_vs_nginx.py [--duration 10] [--connections 64] [--threads 2] [--rounds 2]
                     [--no-build | --herald-bin PATH] [--skip-herald]
                     [--workdir /tmp/herald-bench/http] [--nginx nginx] [--wrk wrk]

It generates 60 posts (generate_corpus.py) into WORKDIR/site/ with a Herald config.json (the
one feeds_vs_hugo.py writes, plus "http": {"listen": "127.0.0.1:PORT"}), starts
`herald run --config WORKDIR/site/config.json` with a NOTIFY_SOCKET this script binds and
waits for READY=1 (feeds written, port bound), then starts nginx (`daemon off;`, everything in
WORKDIR/nginx/) with `root WORKDIR/site; gzip_static on; etag on;` for /feeds/, so both serve
the same feeds/atom.xml (50 entries) and the same feeds/atom.xml.gz Herald wrote beside it.

Three cases of `GET /feeds/atom.xml` over loopback, each checked first with one request (the
expected status, ETag, Content-Encoding, the gzip body inflating to the plain body):
  plain  no Accept-Encoding                       -> 200, the whole feed
  gzip   Accept-Encoding: gzip                    -> 200, Content-Encoding: gzip
  304    If-None-Match: <that server's own ETag>  -> 304, no body
For each case, `wrk -t2 -c64 -d10s --latency` runs alternately against herald and nginx,
--rounds times each; the round with the most requests/s is kept, with its own latencies.
Targets: Herald >= 0.5x nginx's requests/s in each case, and Herald's p99 latency < 10 ms.
A missed target prints MISS and still exits 0; a failed setup or check exits 2.

With --skip-herald, nginx alone serves a stand-in Atom feed of the 50 newest generated posts
(the script writes it and its .gz with `gzip -k`): this checks the nginx half and the script.

Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import html
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repository
import feeds_vs_hugo  # noqa: E402
import generate_corpus  # noqa: E402
from benchtools import BenchFailed, log, run_main  # noqa: E402
from daemon_vs_hugo_server import free_port  # noqa: E402

POSTS = 60                      # the feed keeps the 50 newest (feeds.limit)
FEED_LIMIT = feeds_vs_hugo.FEED_LIMIT
FEED_PATH = "/feeds/atom.xml"
READY_TIMEOUT = 60.0            # seconds for herald's READY=1
NGINX_TIMEOUT = 10.0            # seconds for nginx to answer
STOP_TIMEOUT = 30.0             # seconds after SIGTERM before SIGKILL
RATIO_TARGET = 0.5              # herald req/s >= 0.5 x nginx req/s, in each case
P99_TARGET_MS = 10.0            # herald p99 < 10 ms, in each case
CASES = ("plain", "gzip", "304")
MARK = "HERALD-BENCH-SUMMARY"

# Run by wrk after the run: exact request and byte counts and latency percentiles (wrk's own
# text rounds the bytes to 3 digits). Defining only done() keeps wrk on its static-request
# fast path (no per-response Lua).
WRK_SCRIPT = """\
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("%s %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f\\n",
    summary.requests, summary.bytes, summary.duration,
    latency:percentile(50.0), latency:percentile(99.0),
    e.status, e.connect, e.read, e.write, e.timeout))
end
""" % MARK


# --- servers -----------------------------------------------------------------

def stop(name: str, process: subprocess.Popen) -> None:
    """SIGTERM, wait, SIGKILL if it does not exit in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        log(f"{name} did not exit {STOP_TIMEOUT:.0f} s after SIGTERM; killing it")
        process.kill()
        process.wait()


def tail(path: str, lines: int = 20) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read().strip().splitlines()[-lines:]
    except OSError:
        return ""
    return "\n" + "\n".join("    " + line for line in text) if text else ""


def start_herald(herald: str, config: str, root: str, started: list) -> None:
    """Starts `herald run` and waits for READY=1 on a notification socket bound here. The
    process is appended to `started` at once, so that the caller stops it even if this fails."""
    notify_path = os.path.join(root, "notify.sock")
    if os.path.exists(notify_path):
        os.remove(notify_path)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.settimeout(0.5)
    log_path = os.path.join(root, "herald-run.log")
    env = dict(os.environ, NOTIFY_SOCKET=notify_path)
    with open(log_path, "w") as log_file:
        process = subprocess.Popen([herald, "run", "--config", config], cwd=root, env=env,
                                   stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT)
    started.append(("herald", process, notify))
    start = time.monotonic()
    while True:
        if process.poll() is not None:
            raise BenchFailed(f"herald run exited with status {process.returncode} before READY=1 "
                              f"(log: {log_path}){tail(log_path)}")
        if time.monotonic() - start > READY_TIMEOUT:
            raise BenchFailed(f"herald sent no READY=1 within {READY_TIMEOUT:.0f} s (log: {log_path}){tail(log_path)}")
        try:
            datagram = notify.recv(4096).decode("utf-8", "replace")
        except socket.timeout:
            continue
        if "READY=1" in datagram.split("\n"):
            break
    log(f"herald: READY=1 after {time.monotonic() - start:.2f} s")

    # Keep reading the socket (STATUS=..., WATCHDOG=1) so that herald never blocks on it.
    def drain() -> None:
        while True:
            try:
                notify.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
    threading.Thread(target=drain, daemon=True).start()


NGINX_CONF = """\
{user}daemon off;
master_process on;
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;

    server {{
        listen 127.0.0.1:{port};
        server_name localhost;

        location /feeds/ {{
            root {site};
            gzip_static on;
            gzip_vary on;
            etag on;
            types {{ application/atom+xml xml; }}
            default_type application/octet-stream;
        }}
    }}
}}
"""


def start_nginx(nginx: str, workdir: str, site: str, port: int, started: list) -> None:
    """Writes WORKDIR/nginx/nginx.conf, checks it with `nginx -t`, starts nginx in the
    foreground and waits until it answers. As root, `user root;`: otherwise the workers run as
    nobody and may not reach a work dir inside a 0700 folder."""
    folder = os.path.join(workdir, "nginx")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    conf = os.path.join(folder, "nginx.conf")
    user = "user root;\n" if os.geteuid() == 0 else ""
    feeds_vs_hugo.write_text(conf, NGINX_CONF.format(user=user, dir=folder, port=port, site=site))
    cmd = [nginx, "-p", folder + "/", "-c", conf, "-e", os.path.join(folder, "error.log")]
    check = subprocess.run(cmd + ["-t"], capture_output=True, text=True)
    if check.returncode != 0:
        raise BenchFailed(f"nginx -t rejected {conf}:\n{check.stderr.strip()}")
    log_path = os.path.join(folder, "nginx.log")
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(cmd, cwd=folder, stdin=subprocess.DEVNULL, stdout=log_file,
                                   stderr=subprocess.STDOUT)
    started.append(("nginx", process, None))
    start = time.monotonic()
    while True:
        if process.poll() is not None:
            raise BenchFailed(f"nginx exited with status {process.returncode} at start-up"
                              f"{tail(log_path) or tail(os.path.join(folder, 'error.log'))}")
        try:
            fetch(port, {})
            break
        except OSError:
            if time.monotonic() - start > NGINX_TIMEOUT:
                raise BenchFailed(f"nginx did not answer on 127.0.0.1:{port} within {NGINX_TIMEOUT:.0f} s"
                                  f"{tail(os.path.join(folder, 'error.log'))}")
            time.sleep(0.05)
    log(f"nginx: answering after {time.monotonic() - start:.2f} s")


# --- checking what each server answers ----------------------------------------

def fetch(port: int, headers: dict) -> tuple[int, dict, bytes]:
    """One GET of the feed; status, headers (lower-case names) and body. http.client sends
    `Accept-Encoding: identity` unless the caller gives an Accept-Encoding."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", FEED_PATH, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def check_server(name: str, port: int) -> dict:
    """The three cases answered as expected, once each; raises BenchFailed otherwise."""
    status, headers, body = fetch(port, {})
    if status != 200:
        raise BenchFailed(f"{name}: GET {FEED_PATH} answered {status}, expected 200")
    if headers.get("content-encoding"):
        raise BenchFailed(f"{name}: GET {FEED_PATH} without Accept-Encoding answered Content-Encoding: "
                          f"{headers['content-encoding']}")
    etag = headers.get("etag")
    if not etag:
        raise BenchFailed(f"{name}: GET {FEED_PATH} answered no ETag")
    entries = len(re.findall(rb"<entry[\s>]", body))
    if entries != FEED_LIMIT:
        raise BenchFailed(f"{name}: {FEED_PATH} holds {entries} entries, expected {FEED_LIMIT}")

    g_status, g_headers, g_body = fetch(port, {"Accept-Encoding": "gzip"})
    if g_status != 200 or g_headers.get("content-encoding", "").lower() != "gzip":
        raise BenchFailed(f"{name}: GET {FEED_PATH} with Accept-Encoding: gzip answered {g_status}, "
                          f"Content-Encoding: {g_headers.get('content-encoding', '(none)')}; expected 200, gzip")
    try:
        inflated = gzip.decompress(g_body)
    except (OSError, EOFError) as error:
        raise BenchFailed(f"{name}: the gzip body of {FEED_PATH} does not inflate: {error}")
    if inflated != body:
        raise BenchFailed(f"{name}: the gzip body of {FEED_PATH} inflates to {len(inflated)} bytes that differ "
                          f"from the plain body ({len(body)} bytes): a stale .gz?")

    n_status, n_headers, n_body = fetch(port, {"If-None-Match": etag})
    if n_status != 304:
        raise BenchFailed(f"{name}: GET {FEED_PATH} with If-None-Match: {etag} answered {n_status}, expected 304")
    if n_body:
        raise BenchFailed(f"{name}: its 304 came with a body of {len(n_body)} bytes")

    notes = []
    if "last-modified" not in headers:
        notes.append("no Last-Modified")
    if "accept-encoding" not in g_headers.get("vary", "").lower():
        notes.append("no Vary: Accept-Encoding on the gzip answer")
    if etag.startswith("W/"):
        notes.append("weak ETag")
    log(f"{name}: 200 ({len(body)} bytes, {headers.get('content-type', 'no Content-Type')}), "
        f"gzip 200 ({len(g_body)} bytes), 304 for If-None-Match: {etag}"
        + (f"; note: {', '.join(notes)}" if notes else ""))
    return {"etag": etag, "body": body, "plain_bytes": len(body), "gzip_bytes": len(g_body), "notes": notes}


# --- the site ------------------------------------------------------------------

def prepare_site(workdir: str, port: int) -> tuple[str, str]:
    """WORKDIR/site/: 60 generated posts and Herald's config.json. Returns (config, site)."""
    site = os.path.join(workdir, "site")
    shutil.rmtree(site, ignore_errors=True)
    count = generate_corpus.generate(POSTS, site)
    assert count == POSTS
    config = copy.deepcopy(feeds_vs_hugo.HERALD_CONFIG)
    config["http"] = {"listen": f"127.0.0.1:{port}"}
    path = os.path.join(site, "config.json")
    feeds_vs_hugo.write_text(path, json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    return path, site


def write_stand_in_feed(site: str) -> None:
    """For --skip-herald: an Atom feed of the 50 newest generated posts (their Markdown
    paragraphs as escaped HTML, about the size of Herald's) and its .gz beside it."""
    posts = sorted(generate_corpus.Generator(42).posts(POSTS), key=lambda p: p["date"], reverse=True)[:FEED_LIMIT]
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">\n',
             "  <title>Bench</title>\n  <id>https://bench.example.org/</id>\n",
             f"  <updated>{posts[0]['date'].strftime('%Y-%m-%dT%H:%M:00+01:00')}</updated>\n"]
    for post in posts:
        body = "".join(f"<p>{html.escape(p.strip(), quote=False)}</p>\n" for p in post["body"].split("\n\n") if p.strip())
        url = f"https://bench.example.org/posts/{post['slug']}/"
        parts.append(f"  <entry>\n    <title>{html.escape(post['title'])}</title>\n    <id>{url}</id>\n"
                     f'    <link rel="alternate" type="text/html" href="{url}"/>\n'
                     f"    <updated>{post['date'].strftime('%Y-%m-%dT%H:%M:00+01:00')}</updated>\n"
                     f"    <author><name>{html.escape(post['author'])}</name></author>\n"
                     f'    <content type="html">{html.escape(body, quote=False)}</content>\n  </entry>\n')
    parts.append("</feed>\n")
    path = os.path.join(site, "feeds", "atom.xml")
    feeds_vs_hugo.write_text(path, "".join(parts))
    make_gz(path)


def make_gz(path: str) -> None:
    result = subprocess.run(["gzip", "-k", "-f", "-9", "-n", path], capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchFailed(f"gzip -k {path} failed: {result.stderr.strip()}")


# --- wrk -------------------------------------------------------------------------

TIME_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}        # to milliseconds
SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}  # wrk's are binary


def parse_wrk(text: str) -> dict:
    """What wrk printed: requests/s, the 50% and 99% latencies (ms), Transfer/sec (bytes),
    requests and bytes read, the non-2xx/3xx count, socket errors, and the done() line."""
    out: dict = {"non_2xx_3xx": 0, "socket_errors": None}
    match = re.search(r"^Requests/sec:\s+([\d.]+)\s*$", text, re.M)
    if not match:
        raise BenchFailed("wrk printed no Requests/sec line:\n" + text)
    out["rps"] = float(match.group(1))
    distribution = text.split("Latency Distribution", 1)
    if len(distribution) != 2:
        raise BenchFailed("wrk printed no latency distribution (--latency):\n" + text)
    for percent in ("50", "99"):
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", distribution[1], re.M)
        if not match:
            raise BenchFailed(f"wrk printed no {percent}% latency line:\n" + text)
        out[f"p{percent}_ms"] = float(match.group(1)) * TIME_UNITS[match.group(2)]
    match = re.search(r"^Transfer/sec:\s+([\d.]+)([KMGT]?B)\s*$", text, re.M)
    out["transfer_per_s"] = float(match.group(1)) * SIZE_UNITS[match.group(2)] if match else None
    match = re.search(r"^\s*(\d+) requests in [\d.]+\w+, ([\d.]+)([KMGT]?B) read\s*$", text, re.M)
    if match:
        out["requests"] = int(match.group(1))
        out["bytes"] = float(match.group(2)) * SIZE_UNITS[match.group(3)]
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if match:
        out["non_2xx_3xx"] = int(match.group(1))
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if match:
        out["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups())))
    match = re.search(rf"^{MARK} (.*)$", text, re.M)
    if match:
        values = [int(float(v)) for v in match.group(1).split()]
        keys = ("requests", "bytes", "duration_us", "p50_us", "p99_us", "status", "connect", "read", "write", "timeout")
        exact = dict(zip(keys, values))
        out["requests"], out["bytes"] = exact["requests"], exact["bytes"]   # exact, not rounded
        out["exact"] = exact
    if not out.get("requests"):
        raise BenchFailed("wrk made no request:\n" + text)
    out["bytes_per_response"] = out["bytes"] / out["requests"]
    return out


def case_headers(case: str, etag: str) -> list[str]:
    if case == "gzip":
        return ["Accept-Encoding: gzip"]
    if case == "304":
        return [f"If-None-Match: {etag}"]
    return []


def run_wrk(wrk: str, script: str, port: int, headers: list[str], args) -> dict:
    cmd = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "-s", script]
    for header in headers:
        cmd += ["-H", header]
    cmd.append(f"http://127.0.0.1:{port}{FEED_PATH}")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60)
    except subprocess.TimeoutExpired:
        raise BenchFailed(f"wrk did not finish within {args.duration + 60} s: {' '.join(cmd)}")
    if proc.returncode != 0:
        raise BenchFailed(f"wrk failed with exit status {proc.returncode}: {' '.join(cmd)}\n"
                          + (proc.stderr + proc.stdout).strip())
    result = parse_wrk(proc.stdout)
    result["cmd"] = cmd
    return result


def check_run(server: str, case: str, run: dict, info: dict) -> None:
    """The run got what the one-request check got: no 4xx/5xx (wrk's "Non-2xx or 3xx"
    counts only statuses >= 400, so a 200 where a 304 was expected shows in the size)."""
    if run["non_2xx_3xx"]:
        raise BenchFailed(f"{server} {case}: {run['non_2xx_3xx']} responses with a status >= 400 "
                          f"during the run ({' '.join(run['cmd'])})")
    size = run["bytes_per_response"]
    expected = {"plain": size >= info["plain_bytes"],
                "gzip": info["gzip_bytes"] <= size < min(info["plain_bytes"], info["gzip_bytes"] + 4096),
                "304": size < 2048}[case]
    if not expected:
        raise BenchFailed(f"{server} {case}: {size:.0f} bytes per response during the run do not fit the case "
                          f"(body {info['plain_bytes']} bytes plain, {info['gzip_bytes']} gzip)")


# --- report ----------------------------------------------------------------------

def fmt_errors(run: dict) -> str:
    errors = run.get("socket_errors")
    if not errors or not any(errors.values()):
        return ""
    return "socket errors " + ", ".join(f"{k} {v}" for k, v in errors.items() if v)


def print_report(results: dict, servers: list[str], infos: dict, args) -> None:
    print()
    print(f"== GET {FEED_PATH} ({FEED_LIMIT} entries) · wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s · {args.rounds} round(s) per server, alternating; best round shown ==")
    print(f"{'case':<6} {'server':<7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'bytes/resp':>11} "
          f"{'MiB/s':>8}   req/s of each round")
    for case in CASES:
        for server in servers:
            runs = results[case][server]
            best = max(runs, key=lambda r: r["rps"])
            mib = best["bytes"] / (best["exact"]["duration_us"] / 1e6) / 2 ** 20 if "exact" in best \
                else (best["transfer_per_s"] or 0) / 2 ** 20
            each = " ".join(f"{r['rps']:.0f}" for r in runs)
            errors = "; ".join(e for e in (fmt_errors(r) for r in runs) if e)
            print(f"{case:<6} {server:<7} {best['rps']:>9.0f} {best['p50_ms']:>8.2f} {best['p99_ms']:>8.2f} "
                  f"{best['bytes_per_response']:>11.0f} {mib:>8.1f}   {each}" + (f"   ({errors})" if errors else ""))
        if len(servers) == 2:
            h = max(r["rps"] for r in results[case]["herald"])
            n = max(r["rps"] for r in results[case]["nginx"])
            print(f"{case:<6} {'herald/nginx':<16} {h / n:.2f}x")
    print("(bytes/resp: bytes read per response, headers included; body: "
          + ", ".join(f"{s} {infos[s]['plain_bytes']} plain / {infos[s]['gzip_bytes']} gzip" for s in servers) + ")")
    print()
    if "herald" not in servers:
        print("targets not checked (--skip-herald)")
        return
    for case in CASES:
        h = max(results[case]["herald"], key=lambda r: r["rps"])
        n = max(results[case]["nginx"], key=lambda r: r["rps"])
        ratio = h["rps"] / n["rps"]
        print(f"{'PASS' if ratio >= RATIO_TARGET else 'MISS'}  {case}: Herald {h['rps']:.0f} req/s = {ratio:.2f}x "
              f"nginx's {n['rps']:.0f} (target >= {RATIO_TARGET}x)")
        # wrk leaves requests that timed out (after 2 s) out of its latency distribution.
        timeouts = (h.get("socket_errors") or {}).get("timeout", 0)
        p99_ok = h["p99_ms"] < P99_TARGET_MS and not timeouts
        print(f"{'PASS' if p99_ok else 'MISS'}  {case}: Herald p99 {h['p99_ms']:.2f} ms "
              f"(nginx {n['p99_ms']:.2f} ms; target < {P99_TARGET_MS:.0f} ms)"
              + (f"; {timeouts} requests timed out, not in the p99" if timeouts else ""))


# --- main ----------------------------------------------------------------------

def executable(name: str, package: str) -> str:
    found = shutil.which(name) or (shutil.which(name, path="/usr/sbin:/sbin") if os.sep not in name else None)
    if not found:
        raise BenchFailed(f"{name} not found (Debian package '{package}')")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="wrk runs per server and case (default 2)")
    parser.add_argument("--skip-herald", action="store_true",
                        help="do not build or run herald (nginx alone, on a stand-in feed)")
    parser.add_argument("--no-build", action="store_true",
                        help="use the existing .build/release/herald instead of running swift build")
    parser.add_argument("--herald-bin", metavar="PATH", help="run this herald executable instead of building one")
    parser.add_argument("--workdir", default="/tmp/herald-bench/http",
                        help="where the site and nginx's files go (default /tmp/herald-bench/http)")
    parser.add_argument("--nginx", default="nginx", help="nginx executable (default: nginx on PATH or in /usr/sbin)")
    parser.add_argument("--wrk", default="wrk", help="wrk executable (default: wrk on PATH)")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.rounds < 1 or args.threads < 1 or args.connections < args.threads:
        parser.error("--duration and --rounds must be >= 1, and --connections >= --threads >= 1")

    nginx = executable(args.nginx, "nginx")
    wrk = executable(args.wrk, "wrk")
    herald = None
    if not args.skip_herald:
        if args.herald_bin:
            herald = os.path.abspath(args.herald_bin)
            if not os.access(herald, os.X_OK):
                raise BenchFailed(f"--herald-bin {args.herald_bin} is not an executable")
        else:
            herald = feeds_vs_hugo.herald_binary() if args.no_build else feeds_vs_hugo.build_herald()

    workdir = os.path.abspath(args.workdir)
    os.makedirs(workdir, exist_ok=True)
    herald_port, nginx_port = free_port(), free_port()
    while nginx_port == herald_port:
        nginx_port = free_port()
    log(f"generating {POSTS} posts in {workdir}/site ...")
    config, site = prepare_site(workdir, herald_port)
    script = os.path.join(workdir, "wrk-summary.lua")
    feeds_vs_hugo.write_text(script, WRK_SCRIPT)

    nginx_version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.strip().splitlines()[:1]
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor()) if os.path.exists("/proc/cpuinfo") else platform.processor()
    print(f"machine: {os.cpu_count()} CPUs, {cpu}; {platform.platform()}")
    print(f"herald:  {herald or 'skipped (--skip-herald)'}")
    print(f"nginx:   {nginx_version}")
    print(f"wrk:     {' '.join(wrk_version)}")
    sys.stdout.flush()

    started: list = []
    try:
        servers: dict[str, int] = {}
        feed = os.path.join(site, "feeds", "atom.xml")
        if herald:
            start_herald(herald, config, site, started)
            servers["herald"] = herald_port
            if not os.path.exists(feed):
                raise BenchFailed(f"herald is ready but wrote no {feed}")
            if not os.path.exists(feed + ".gz"):
                # The comparison wants nginx to send Herald's own .gz; say so loudly if there is none.
                make_gz(feed)
                print(f"NOTE: herald wrote no {feed}.gz; nginx serves one made with gzip -9 -k instead")
        else:
            write_stand_in_feed(site)
            log(f"stand-in feed (--skip-herald): {os.path.getsize(feed)} bytes, "
                f"{os.path.getsize(feed + '.gz')} gzipped")
        infos = {}
        if herald:
            infos["herald"] = check_server("herald", herald_port)
        start_nginx(nginx, workdir, site, nginx_port, started)
        servers["nginx"] = nginx_port
        infos["nginx"] = check_server("nginx", nginx_port)
        if herald and infos["herald"]["body"] != infos["nginx"]["body"]:
            raise BenchFailed(f"herald and nginx send different bytes for {FEED_PATH} "
                              f"({infos['herald']['plain_bytes']} and {infos['nginx']['plain_bytes']})")

        order = list(servers)
        results: dict = {case: {server: [] for server in order} for case in CASES}
        for case in CASES:
            for round_ in range(1, args.rounds + 1):
                for server in order:
                    run = run_wrk(wrk, script, servers[server], case_headers(case, infos[server]["etag"]), args)
                    for name, process, _ in started:
                        if process.poll() is not None:
                            raise BenchFailed(f"{name} exited with status {process.returncode} during the run")
                    check_run(server, case, run, infos[server])
                    results[case][server].append(run)
                    errors = fmt_errors(run)
                    log(f"[{case} {round_}/{args.rounds}] {server:<6} {run['rps']:>9.0f} req/s  "
                        f"p50 {run['p50_ms']:.2f} ms  p99 {run['p99_ms']:.2f} ms  "
                        f"{run['bytes_per_response']:.0f} B/resp" + (f"  {errors}" if errors else ""))
        print_report(results, order, infos, args)
    finally:
        for name, process, notify in reversed(started):
            stop(name, process)
            if notify is not None:
                notify.close()
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    run_main(main)
