#!/bin/sh
# Self-test for the feed checkers in this directory.
#
#   * every fixtures/good*/ file must pass feed_conformance.py;
#   * every fixtures/bad-*/ directory holds one feed and an expect.txt; the
#     checker must fail on the feed AND print every line of expect.txt (so a
#     bad fixture fails for the reason it was written for, not another one);
#   * feedparser_dump.py must read the good fixtures without bozo, with the
#     expected version, and return the French titles (with U+00AB/U+00BB and
#     U+00A0) exactly, compared after JSON decoding.
#
# Usage: Tests/Scripts/selftest.sh   (PYTHON=... to override /usr/bin/python3)
set -u
PY=${PYTHON:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# --- good fixtures ------------------------------------------------------------
for dir in fixtures/good*/; do
    files=$(ls "$dir" | grep -v '^expect\.txt$' | sed "s|^|$dir|")
    # shellcheck disable=SC2086
    if out=$("$PY" feed_conformance.py $files 2>&1); then
        echo "pass: $dir ($out)"
    else
        fail "$dir should pass but the checker said:"
        echo "$out" | sed 's/^/    /'
    fi
done

# --- bad fixtures -------------------------------------------------------------
for dir in fixtures/bad-*/; do
    feed=$(ls "$dir" | grep -v '^expect\.txt$')
    out=$("$PY" feed_conformance.py "$dir$feed" 2>&1)
    rc=$?
    if [ "$rc" -ne 1 ]; then
        fail "$dir$feed: expected exit 1, got $rc"
        echo "$out" | sed 's/^/    /'
        continue
    fi
    if echo "$out" | grep -q 'checker crashed'; then
        fail "$dir$feed: checker crashed: $out"
        continue
    fi
    missing=0
    while IFS= read -r want; do
        [ -z "$want" ] && continue
        if ! echo "$out" | grep -qF -- "$want"; then
            fail "$dir$feed: output lacks expected text: $want"
            echo "$out" | sed 's/^/    /'
            missing=1
        fi
    done < "$dir/expect.txt"
    [ "$missing" -eq 0 ] && echo "pass: $dir rejected ($(echo "$out" | head -n 1 | sed 's/^[^:]*: error: //'))"
done

# --- usage errors -------------------------------------------------------------
"$PY" feed_conformance.py >/dev/null 2>&1
[ $? -eq 2 ] || fail "feed_conformance.py without arguments should exit 2"
out=$("$PY" feed_conformance.py fixtures/good/atom.xml README.txt 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q 'cannot tell the format' \
    || fail "unknown file name should be an error: $out"

# --- feedparser view of the good fixtures -------------------------------------
dump=$("$PY" feedparser_dump.py fixtures/good/atom.xml fixtures/good/rss.xml \
       fixtures/good/feed.json fixtures/good-atom-entry-authors/atom.xml 2>/dev/null)
if ! DUMP="$dump" "$PY" - <<'EOF'
import json, os, sys

NB = "\u00a0"
FEED_TITLE = "Le carnet de Zo\u00e9" + NB + ": \u00ab" + NB + "Herald" + NB + "\u00bb en test"
ENTRY_TITLES = [
    "Premier billet" + NB + ": \u00ab" + NB + "\u00e9t\u00e9" + NB + "\u00bb d\u00e9j\u00e0" + NB + "!",
    "Deuxi\u00e8me billet \u00ab" + NB + "No\u00ebl" + NB + "\u00bb",
]
EXPECTED = {
    "fixtures/good/atom.xml": ("atom10", "feedparser"),
    "fixtures/good/rss.xml": ("rss20", "feedparser"),
    "fixtures/good/feed.json": ("json11", "json-fallback"),
    "fixtures/good-atom-entry-authors/atom.xml": ("atom10", "feedparser"),
}
lines = os.environ["DUMP"].splitlines()
problems = []
if len(lines) != len(EXPECTED):
    problems.append("expected %d lines, got %d" % (len(EXPECTED), len(lines)))
for line in lines:
    if not line.isascii():
        problems.append("output line is not ASCII: %r" % line[:80])
    d = json.loads(line)
    name = d["file"]
    version, parser = EXPECTED[name]
    if d["bozo"] != 0:
        problems.append("%s: bozo: %s" % (name, d["bozo_exception"]))
    if d["version"] != version:
        problems.append("%s: version %r, expected %r" % (name, d["version"], version))
    if d["parser"] != parser:
        problems.append("%s: parser %r, expected %r" % (name, d["parser"], parser))
    if d["feed_title"] != FEED_TITLE:
        problems.append("%s: feed title %r != %r" % (name, d["feed_title"], FEED_TITLE))
    titles = [e["title"] for e in d["entries"]]
    if titles != ENTRY_TITLES:
        problems.append("%s: entry titles %r != %r" % (name, titles, ENTRY_TITLES))
    if d["entries"] and d["entries"][0]["tags"] != ["\u00e9t\u00e9"]:
        problems.append("%s: tags %r" % (name, d["entries"][0]["tags"]))
    if not any(l["rel"] == "self" for l in d["feed_links"]):
        problems.append("%s: no self link seen" % name)
    if not problems:
        print("pass: feedparser_dump %s (%s via %s, titles byte-exact)" % (name, d["version"], d["parser"]))
for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
EOF
then
    failures=$((failures + 1))
fi

# bozo must be raised for an undeclared prefix too.
"$PY" feedparser_dump.py fixtures/bad-rss-undeclared-prefix/rss.xml 2>/dev/null | grep -q '"bozo": 1' \
    || fail "feedparser_dump should report bozo 1 for an undeclared prefix"

if [ "$failures" -ne 0 ]; then
    echo "selftest: $failures failure(s)"
    exit 1
fi
echo "selftest: all passed"
