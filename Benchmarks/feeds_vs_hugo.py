#!/usr/bin/env python3
"""Benchmark: cold feed builds, Herald vs Hugo, on the same generated corpus.

Usage:
    feeds_vs_hugo.py [--sizes 1000,10000] [--runs 5] [--skip-herald]
                     [--no-build | --herald-bin PATH] [--workdir /tmp/herald-bench]
                     [--hugo hugo]

For each size N it generates N posts (generate_corpus.py, fixed seed) into
WORKDIR/N/, writes a Herald config.json and a feeds-only Hugo site there, then
times cold builds of both tools, alternating herald, hugo, herald, hugo, ...
--runs times each, with GNU time (/usr/bin/time). Before every run the tool's
folder is put back to its initial state (Herald: feeds/ and anything else the
previous run created next to config.json; Hugo: public/, resources/, its cache
dir and lock file) and Hugo is also given --ignoreCache. Nothing else (OS page
cache, ...) is dropped.

It prints, per N, the median wall time, CPU time (user+sys) and peak RSS of each
tool and the Hugo/Herald ratios, then checks that both tools' site-wide Atom
feeds hold 50 entries. It exits non-zero if a build fails (no times are shown
for a failed run) or if that check fails. Nothing is written to the repository:
the corpus and outputs stay in WORKDIR.

Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repository
import generate_corpus  # noqa: E402
from benchtools import GNU_TIME, BenchFailed as BuildFailed, int_list, log, release_binary, swift_build, timed as run_timed  # noqa: E402

FEED_LIMIT = 50
ATOM_NS = "{http://www.w3.org/2005/Atom}"

HERALD_CONFIG = {
    "site": {
        "title": "Bench",
        "url": "https://bench.example.org/",
        "language": "fr",
        "timeZone": "Europe/Paris",
        "author": {"name": "Bench", "email": "bench@example.org"},
        "permalink": "posts/{slug}/",
    },
    "posts": {"directory": "posts"},
    "feeds": {
        "directory": "feeds",
        "formats": ["atom", "rss"],
        "limit": FEED_LIMIT,
        "byTag": True,
        "byAuthor": False,
        "content": "full",
    },
}

# A Hugo site that writes feeds only: RSS + Atom for the home page and each
# tag term, full content, 50 entries, and nothing else.
#
# Hugo 0.111 treats an empty list in [outputs] (page = [], section = [],
# taxonomy = []) as "not set" and falls back to its defaults (HTML for pages,
# HTML + RSS for sections and the taxonomy list), so instead:
#   - regular pages get _build.render = "link" through a cascade: they keep
#     their permalink and their .Content but no file is written for them;
#   - the section ("posts") and taxonomy ("/tags/") kinds are disabled
#     (disabling "taxonomy" needs ignoreErrors = ["error-disable-taxonomy"]
#     since 0.73, where the meaning of that kind changed);
#   - sitemap, robots.txt and 404 are disabled.
HUGO_CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Bench"
languageCode = "fr"
defaultContentLanguage = "fr"
timeZone = "Europe/Paris"
enableRobotsTXT = false
disableKinds = ["sitemap", "robotsTXT", "404", "section", "taxonomy"]
ignoreErrors = ["error-disable-taxonomy"]

[params.author]
  name = "Bench"
  email = "bench@example.org"

[taxonomies]
  tag = "tags"

[permalinks]
  posts = "/posts/:filename/"

[mediaTypes]
  [mediaTypes."application/atom+xml"]
    suffixes = ["xml"]

[outputFormats]
  [outputFormats.Atom]
    mediaType = "application/atom+xml"
    baseName = "atom"
    isPlainText = false
    rel = "alternate"
    noUgly = true

[outputs]
  home = ["RSS", "Atom"]
  term = ["RSS", "Atom"]

[[cascade]]
  [cascade._build]
    render = "link"
  [cascade._target]
    kind = "page"
"""

# The same 50 newest pages (home: the whole site; term: pages with that tag),
# full .Content, in both templates. layouts/_default/list.*.xml is looked up
# for both the home and the term kinds, before Hugo's embedded RSS template.
HUGO_PAGES = """\
{{- $pages := .Pages -}}
{{- if .IsHome }}{{ $pages = site.RegularPages }}{{ end -}}
{{- $pages = first %d $pages.ByDate.Reverse -}}
""" % FEED_LIMIT

HUGO_ATOM_TEMPLATE = HUGO_PAGES + """\
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{{ site.LanguageCode }}">
  <title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
  <id>{{ .Permalink }}</id>
  {{- with .OutputFormats.Get "Atom" }}
  <link rel="self" type="application/atom+xml" href="{{ .Permalink }}"/>
  {{- end }}
  <link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
  <updated>{{ with index $pages 0 }}{{ .Lastmod.Format "2006-01-02T15:04:05-07:00" | safeHTML }}{{ end }}</updated>
  <author><name>{{ site.Params.author.name }}</name><email>{{ site.Params.author.email }}</email></author>
  <generator uri="https://gohugo.io/">Hugo</generator>
  {{- range $pages }}
  <entry>
    <title>{{ .Title }}</title>
    <id>{{ .Permalink }}</id>
    <link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
    <published>{{ .Date.Format "2006-01-02T15:04:05-07:00" | safeHTML }}</published>
    <updated>{{ .Lastmod.Format "2006-01-02T15:04:05-07:00" | safeHTML }}</updated>
    {{- with .Params.author }}
    <author><name>{{ . }}</name></author>
    {{- end }}
    {{- range .Params.tags }}
    <category term="{{ . }}"/>
    {{- end }}
    <content type="html">{{ .Content | html }}</content>
  </entry>
  {{- end }}
</feed>
"""

HUGO_RSS_TEMPLATE = HUGO_PAGES + """\
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
    <link>{{ .Permalink }}</link>
    <description>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</description>
    <language>{{ site.LanguageCode }}</language>
    <generator>Hugo</generator>
    {{- with index $pages 0 }}
    <lastBuildDate>{{ .Lastmod.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</lastBuildDate>
    {{- end }}
    {{- with .OutputFormats.Get "RSS" }}
    {{ printf "<atom:link href=%q rel=\\"self\\" type=%q />" .Permalink .MediaType | safeHTML }}
    {{- end }}
    {{- range $pages }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Permalink }}</link>
      <guid isPermaLink="true">{{ .Permalink }}</guid>
      <pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
      {{- with .Params.author }}
      <dc:creator>{{ . }}</dc:creator>
      {{- end }}
      {{- range .Params.tags }}
      <category>{{ . }}</category>
      {{- end }}
      <description>{{ .Content | html }}</description>
    </item>
    {{- end }}
  </channel>
</rss>
"""


# --- setup -------------------------------------------------------------------

def build_herald() -> str:
    # The release binary as it ships: Swift runtime and Foundation linked in (see README).
    return swift_build("herald", "--static-swift-stdlib")


def herald_binary() -> str:
    return release_binary("herald")


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def prepare(n: int, workdir: str) -> tuple[str, str]:
    """Generate the corpus, Herald's config and the Hugo site for N posts.
    Returns (herald config path, hugo site dir)."""
    root = os.path.join(workdir, str(n))
    shutil.rmtree(root, ignore_errors=True)
    site = os.path.join(root, "hugo")
    count = generate_corpus.generate(n, root, site)
    assert count == n
    config = os.path.join(root, "config.json")
    write_text(config, json.dumps(HERALD_CONFIG, indent=2, ensure_ascii=False) + "\n")
    write_text(os.path.join(site, "config.toml"), HUGO_CONFIG)
    write_text(os.path.join(site, "layouts", "_default", "list.atom.xml"), HUGO_ATOM_TEMPLATE)
    write_text(os.path.join(site, "layouts", "_default", "list.rss.xml"), HUGO_RSS_TEMPLATE)
    return config, site


def reset(folder: str, baseline: set[str]) -> list[str]:
    """Remove every entry of folder that is not in baseline (outputs, caches,
    state and lock files of a previous run). Returns the names removed."""
    removed = []
    for name in sorted(os.listdir(folder)):
        if name in baseline:
            continue
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
        removed.append(name)
    return removed


# --- measuring ---------------------------------------------------------------

def timed(cmd: list[str], cwd: str, what: str) -> dict:
    """Run cmd under GNU time; returns wall/user/sys seconds and peak RSS KiB."""
    return run_timed(cmd, what, cwd=cwd)


def summary(runs: list[dict]) -> dict:
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": statistics.median(r["user"] + r["sys"] for r in runs),
        "rss_mib": statistics.median(r["rss_kib"] for r in runs) / 1024,
        "walls": [r["wall"] for r in runs],
    }


# --- sanity ------------------------------------------------------------------

def count_atom_entries(path: str) -> int:
    return len(ET.parse(path).getroot().findall(f"{ATOM_NS}entry"))


def count_rss_items(path: str) -> int:
    return len(ET.parse(path).getroot().findall("channel/item"))


def files_under(folder: str) -> list[str]:
    out = []
    for dirpath, _, names in os.walk(folder):
        out.extend(os.path.relpath(os.path.join(dirpath, n), folder) for n in names)
    return sorted(out)


def describe_output(label: str, out_dir: str, atom: str, rss: str, tag_dir: str) -> tuple[str, int]:
    """One line about what a tool wrote, and the entry count of its site-wide
    Atom feed (-1 if that feed is missing or is not well-formed XML)."""
    try:
        return _describe_output(label, out_dir, atom, rss, tag_dir)
    except (OSError, ET.ParseError) as e:
        return f"{label}: cannot read its feeds in {out_dir}: {e}", -1


def _describe_output(label: str, out_dir: str, atom: str, rss: str, tag_dir: str) -> tuple[str, int]:
    files = files_under(out_dir)
    entries = count_atom_entries(os.path.join(out_dir, atom))
    items = count_rss_items(os.path.join(out_dir, rss))
    tags = len([d for d in os.listdir(os.path.join(out_dir, tag_dir))]) \
        if os.path.isdir(os.path.join(out_dir, tag_dir)) else 0
    html = sum(1 for f in files if f.endswith(".html"))
    text = (f"{label}: {atom} {entries} entries, {rss} {items} items; "
            f"{len(files)} files ({tags} tag folders, {html} HTML)")
    return text, entries


# --- report ------------------------------------------------------------------

def ratio_sentence(h: dict, g: dict) -> str:
    wall = g["wall"] / h["wall"] if h["wall"] > 0 else float("inf")
    if wall >= 1:
        speed = f"Herald is {wall:.1f}× faster than Hugo in wall time"
    else:
        speed = f"Herald is {h['wall'] / g['wall']:.1f}× slower than Hugo in wall time"
    return (f"{speed}; peak RSS {h['rss_mib']:.0f} MiB vs {g['rss_mib']:.0f} MiB")


def fmt_ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b > 0 else "∞"


def print_table(n: int, runs: int, results: dict[str, dict]) -> None:
    print()
    print(f"== N = {n} posts · {runs} cold run(s) per tool, alternating ==")
    print(f"{'tool':<8} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13}   wall s of each run")
    for tool, s in results.items():
        walls = " ".join(f"{w:.3f}" for w in s["walls"])
        print(f"{tool:<8} {s['wall']:>8.3f} {s['cpu']:>8.3f} {s['rss_mib']:>13.1f}   {walls}")
    print("(medians; CPU = user + sys)")
    if "herald" in results and "hugo" in results:
        h, g = results["herald"], results["hugo"]
        print(f"hugo/herald: wall {fmt_ratio(g['wall'], h['wall'])}, "
              f"CPU {fmt_ratio(g['cpu'], h['cpu'])}, peak RSS {fmt_ratio(g['rss_mib'], h['rss_mib'])}")
        print(ratio_sentence(h, g))


# --- main --------------------------------------------------------------------

def bench_size(n: int, args, herald: str | None) -> bool:
    log(f"\n[N={n}] generating corpus in {os.path.join(args.workdir, str(n))} ...")
    config, site = prepare(n, args.workdir)
    os.sync()  # write the fresh corpus back now, not during the first timed run
    root = os.path.dirname(config)
    root_baseline = set(os.listdir(root))
    site_baseline = set(os.listdir(site))

    herald_cmd = [herald, "build", "--config", config] if herald else None
    hugo_cmd = [args.hugo, "--quiet", "-s", site, "-d", "public",
                "--ignoreCache", "--cacheDir", os.path.join(site, "hugo_cache")]

    runs: dict[str, list[dict]] = {"herald": [], "hugo": []} if herald else {"hugo": []}
    extra_herald_state: set[str] = set()
    for i in range(1, args.runs + 1):
        if herald_cmd:
            extra_herald_state.update(name for name in reset(root, root_baseline) if name != "feeds")
            r = timed(herald_cmd, root, f"herald (N={n}, run {i})")
            runs["herald"].append(r)
            log(f"[N={n}] run {i}/{args.runs} herald {r['wall']:.3f} s, {r['rss_kib'] / 1024:.0f} MiB")
        reset(site, site_baseline)
        r = timed(hugo_cmd, site, f"hugo (N={n}, run {i})")
        runs["hugo"].append(r)
        log(f"[N={n}] run {i}/{args.runs} hugo   {r['wall']:.3f} s, {r['rss_kib'] / 1024:.0f} MiB")

    if herald_cmd:
        extra_herald_state.update(set(os.listdir(root)) - root_baseline - {"feeds"})
    results = {tool: summary(rs) for tool, rs in runs.items()}
    print_table(n, args.runs, results)

    ok = True
    if herald_cmd:
        text, entries = describe_output("herald", os.path.join(root, "feeds"),
                                        "atom.xml", "rss.xml", "tags")
        print("sanity " + text)
        ok &= entries == FEED_LIMIT
        if extra_herald_state:
            print(f"note: herald also created {sorted(extra_herald_state)} next to config.json; "
                  "removed before each run")
    text, entries = describe_output("hugo  ", os.path.join(site, "public"),
                                    "atom.xml", "index.xml", "tags")
    print("sanity " + text)
    ok &= entries == FEED_LIMIT
    if not ok:
        print(f"SANITY CHECK FAILED: every site-wide Atom feed must hold {FEED_LIMIT} entries "
              "(the times above are not comparable)")
    sys.stdout.flush()
    return ok


parse_sizes = int_list(FEED_LIMIT, "sizes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("1000,10000"),
                        help="comma-separated corpus sizes (default 1000,10000)")
    parser.add_argument("--runs", type=int, default=5, help="cold runs per tool and size (default 5)")
    parser.add_argument("--skip-herald", action="store_true",
                        help="do not build or run herald (time Hugo alone)")
    parser.add_argument("--no-build", action="store_true",
                        help="use the existing .build/release/herald instead of running swift build")
    parser.add_argument("--herald-bin", metavar="PATH",
                        help="time this herald executable instead of building one")
    parser.add_argument("--workdir", default="/tmp/herald-bench",
                        help="where corpora and outputs go (default /tmp/herald-bench)")
    parser.add_argument("--hugo", default="hugo", help="Hugo executable (default: hugo on PATH)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be >= 1")

    if not os.access(GNU_TIME, os.X_OK):
        log(f"error: GNU time is needed at {GNU_TIME} (Debian package 'time')")
        return 1
    hugo = shutil.which(args.hugo)
    if not hugo:
        log(f"error: {args.hugo} not found (Debian package 'hugo')")
        return 1
    args.hugo = hugo

    try:
        herald = None
        if not args.skip_herald:
            if args.herald_bin:
                herald = os.path.abspath(args.herald_bin)
                if not os.access(herald, os.X_OK):
                    raise BuildFailed(f"--herald-bin {args.herald_bin} is not an executable")
            else:
                herald = herald_binary() if args.no_build else build_herald()
        hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                    if line.startswith("model name")), platform.processor()) \
            if os.path.exists("/proc/cpuinfo") else platform.processor()
        print(f"machine: {os.cpu_count()} CPUs, {cpu}; {platform.platform()}")
        print(f"herald:  {herald or 'skipped (--skip-herald)'}")
        print(f"hugo:    {hugo_version}")
        sys.stdout.flush()
        ok = True
        for n in args.sizes:
            ok &= bench_size(n, args, herald)
    except BuildFailed as e:
        sys.stdout.flush()
        log(f"error: {e}")
        return 1
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
