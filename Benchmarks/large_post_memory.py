#!/usr/bin/env python3
"""Benchmark: the memory one very large post costs `herald build`, against its size.

Generates a site with one post of --megabytes MB of French prose (emphasis, links, lists,
headings), raises posts.maxSize to fit it, runs `herald build` and samples, every 20 ms, the
peak resident memory (VmHWM) of herald and of each of its Markdown renderer processes.
Target (issue 6): each process peaks under 10x the post's size.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchtools import REPO, BenchFailed, log, release_binary, swift_build, run_main  # noqa: E402

WORDS = ("noël rue réserves cœur marché square bénévoles habitants café élus piétons quartier crèche réunion "
         "enquête partagé contribution favorable jardin publique déjà vélo avis hiver naïf Forge fête très "
         "œuvre associations mairie garçon Éloi « guillemets » l’été").split()


def prose(size: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        kind = rng.random()
        if kind < 0.05:
            block = "## " + " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
        elif kind < 0.15:
            block = "\n".join("- " + " ".join(rng.choice(WORDS) for _ in range(8)) for _ in range(4))
        else:
            words = []
            for _ in range(rng.randint(20, 60)):
                word = rng.choice(WORDS)
                roll = rng.random()
                if roll < 0.05:
                    word = f"*{word}*"
                elif roll < 0.08:
                    word = f"**{word}**"
                elif roll < 0.11:
                    word = f"[{word}](https://example.org/{rng.randint(1, 99999)})"
                words.append(word)
            block = " ".join(words).capitalize() + "."
        parts.append(block)
        total += len(block.encode()) + 2
    return "\n\n".join(parts) + "\n"


def peak_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--no-build", action="store_true", help="use the existing .build/release/herald")
    args = parser.parse_args(argv)
    herald = release_binary("herald") if args.no_build else swift_build("herald", "--static-swift-stdlib")
    with tempfile.TemporaryDirectory(prefix="herald-large-post-") as folder:
        with open(os.path.join(REPO, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        config["posts"] = {"directory": "posts", "maxSize": 64 << 20, "renderBudget": 60}
        config.pop("mail", None)
        config["newsletters"] = []
        with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
            json.dump(config, f, ensure_ascii=False)
        os.makedirs(os.path.join(folder, "posts"))
        body = prose(int(args.megabytes * 1_000_000))
        post = ("---\ntitle: \"Un très gros billet\"\ndate: 2026-01-01T09:00:00+01:00\nauthor: \"Théo Marchal\"\n"
                "tags: [Vie de quartier]\n---\n\n" + body)
        path = os.path.join(folder, "posts", "2026-01-01-gros.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(post)
        size = os.path.getsize(path)
        log(f"post: {size:,} bytes; {herald}")
        start = time.monotonic()
        process = subprocess.Popen([herald, "build", "-q", "--config", os.path.join(folder, "config.json")],
                                   cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peaks: dict[int, int] = {}
        while process.poll() is None:
            for pid in [process.pid] + children(process.pid):
                peaks[pid] = max(peaks.get(pid, 0), peak_kib(pid))
            time.sleep(0.02)
        wall = time.monotonic() - start
        if process.returncode != 0:
            raise BenchFailed(f"herald build failed: {process.stderr.read().decode()[-500:]}")
        if not os.path.exists(os.path.join(folder, "feeds", "atom.xml")):
            raise BenchFailed("no feed written")
    ok = True
    print(f"post {size / 2**20:.1f} MiB; build {wall:.2f} s")
    for pid, kib in sorted(peaks.items(), key=lambda item: item[0] != process.pid):
        role = "herald" if pid == process.pid else "renderer"
        ratio = kib * 1024 / size
        print(f"{role:<9} peak {kib / 1024:6.1f} MiB = {ratio:4.1f}x the post")
        if kib and ratio >= 10:
            ok = False
    print("target met (each process under 10x)" if ok else "target NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    run_main(main)
