#!/usr/bin/env python3
"""Benchmark: the real `herald digest send` to Postfix's smtp-sink, beside smtp-source into the same sink.

For each subscriber count (default 10,000 and 100,000), in one run:
  * import the subscribers (`herald subscribers import`), timed;
  * plan the digest (`herald digest send hebdo --no-wait`: read the posts, record the ledger,
    write the digest and one delivery row per subscriber in one transaction), timed;
  * deliver it (`herald digest send hebdo`: claim, render per recipient, SMTP through libcurl at
    concurrency 4, commit outcomes), timed, with its peak RSS;
  * smtp-source at the same concurrency, with messages of the same size, into the same sink.
Without DKIM and with an ed25519 DKIM key. Prints the figures and the ratios against the targets
(plan < 2 s at 100,000; delivery >= 0.8x smtp-source without DKIM, >= 0.7x with; peak RSS
< 64 MiB and flat: less than 8 MiB apart between the counts).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchtools import REPO, BenchFailed, int_list, log, swift_build, timed, run_main  # noqa: E402
from mail_vs_smtp_source import Sink, ed25519_key, postfix_tools, postfix_version, run_source  # noqa: E402


def make_site(folder: str, port: int, dkim_key: str | None, count: int) -> tuple[str, str]:
    shutil.copytree(os.path.join(REPO, "posts"), os.path.join(folder, "posts"))
    with open(os.path.join(REPO, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    config["mail"]["transport"] = {"kind": "smtp", "url": f"smtp://127.0.0.1:{port}", "tls": "none", "concurrency": 4}
    if dkim_key:
        config["mail"]["dkim"] = {"domain": "amis-saint-eloi.example.org", "selector": "herald", "privateKeyFile": dkim_key}
    config["newsletters"][0]["content"] = "full"
    path = os.path.join(folder, "config.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False)
    subscribers = os.path.join(folder, "subscribers.csv")
    with open(subscribers, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["email", "name"])
        for i in range(count):
            writer.writerow([f"abonne{i}@example.org", f"Abonnée n°{i}, «\u00a0Saint-Éloi\u00a0»"])
    return path, subscribers


def run(herald: str, source: str, env: dict, count: int, dkim_key: str | None) -> dict:
    sink = Sink(postfix_tools_paths[0], env)
    try:
        with tempfile.TemporaryDirectory(prefix="herald-digest-bench-") as folder:
            config, subscribers = make_site(folder, sink.port, dkim_key, count)
            heraldEnv = dict(os.environ, HERALD_CONFIG=config)
            imported = timed([herald, "subscribers", "import", subscribers], "import", cwd=folder, env=heraldEnv)
            planned = timed([herald, "digest", "send", "hebdo", "--no-wait"], "plan", cwd=folder, env=heraldEnv,
                            capture_stdout=True)
            size_probe = os.path.join(folder, "probe.eml")
            subprocess.run([herald, "digest", "preview", "hebdo", "--to", "abonne1@example.org", "--output", size_probe],
                           cwd=folder, env=heraldEnv, check=True, stderr=subprocess.DEVNULL)
            size = os.path.getsize(size_probe)
            sent = timed([herald, "digest", "send", "hebdo"], "send", cwd=folder, env=heraldEnv, capture_stdout=True)
            if f"{count} sent" not in sent["stdout"]:
                raise BenchFailed(f"herald did not send all {count}: {sent['stdout'].strip()}")
            peer = run_source(source, env, sink, 4, count, size)
    finally:
        sink.stop()
    return {
        "count": count, "dkim": bool(dkim_key), "size": size,
        "import_s": imported["wall"], "plan_s": planned["wall"], "send_s": sent["wall"],
        "herald_rate": count / sent["wall"], "source_rate": peer["rate"], "ratio": count / sent["wall"] / peer["rate"],
        "send_rss_mib": sent["rss_kib"] / 1024, "plan_rss_mib": planned["rss_kib"] / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int_list(1, "counts"), default=[10_000, 100_000])
    parser.add_argument("--no-build", action="store_true", help="use the existing .build/release/herald")
    parser.add_argument("--warmup", type=int, default=2000, help="subscribers of an untimed first run (0: none)")
    parser.add_argument("--cache-dir", default=os.path.join(HERE, ".cache"))
    args = parser.parse_args(argv)
    global postfix_tools_paths
    sink_bin, source, env = postfix_tools(os.path.abspath(args.cache_dir))
    postfix_tools_paths = (sink_bin, source)
    herald = os.path.join(REPO, ".build", "release", "herald") if args.no_build else swift_build("herald")
    log(f"postfix {postfix_version(os.path.abspath(args.cache_dir))}; {herald}")
    results = []
    with tempfile.TemporaryDirectory(prefix="herald-digest-bench-keys-") as keys:
        key = ed25519_key(keys)
        if args.warmup:
            # Both tools once, untimed: the first run after a build paid for cold caches (the
            # binary and its libraries read from disk), 10-15% of a 10,000-message send.
            log(f"-- warm-up: {args.warmup} subscribers, not counted")
            run(herald, source, env, args.warmup, None)
        for dkim in (None, key):
            for count in args.counts:
                log(f"-- {count} subscribers, DKIM {'ed25519' if dkim else 'off'}")
                results.append(run(herald, source, env, count, dkim))
    print(f"{'subscribers':>11} {'DKIM':>7} {'bytes':>6} {'import s':>8} {'plan s':>7} {'send s':>7} "
          f"{'herald/s':>9} {'source/s':>9} {'ratio':>6} {'RSS MiB':>8}")
    for r in results:
        print(f"{r['count']:>11} {'ed25519' if r['dkim'] else 'off':>7} {r['size']:>6} {r['import_s']:>8.2f} "
              f"{r['plan_s']:>7.2f} {r['send_s']:>7.2f} {r['herald_rate']:>9.0f} {r['source_rate']:>9.0f} "
              f"{r['ratio']:>6.2f} {r['send_rss_mib']:>8.1f}")
    ok = True
    for r in results:
        target = 0.7 if r["dkim"] else 0.8
        if r["ratio"] < target:
            ok = False
            log(f"below target: {r['count']} subscribers, DKIM {r['dkim']}: {r['ratio']:.2f}x < {target}x")
        if r["send_rss_mib"] >= 64:
            ok = False
            log(f"above target: peak RSS {r['send_rss_mib']:.1f} MiB >= 64 MiB")
    largest = [r for r in results if r["count"] == max(args.counts)]
    if any(r["plan_s"] >= 2 for r in largest):
        ok = False
        log("above target: planning took 2 s or more")
    for dkim in (False, True):
        rss = [r["send_rss_mib"] for r in results if r["dkim"] == dkim]
        if len(rss) > 1 and max(rss) - min(rss) >= 8:
            ok = False
            log(f"not flat: peak RSS spread {max(rss) - min(rss):.1f} MiB (DKIM {dkim})")
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


postfix_tools_paths: tuple[str, str] = ("", "")

if __name__ == "__main__":
    run_main(main)
