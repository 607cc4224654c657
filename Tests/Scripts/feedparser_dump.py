#!/usr/bin/python3
"""Dump what a real-world feed reader library sees in Herald's feeds.

Usage:  feedparser_dump.py FILE...

For each FILE, parse it with feedparser (https://feedparser.readthedocs.io,
Debian's python3-feedparser) and print ONE line of JSON (ASCII only, so the
bytes are safe whatever the locale; decode it to compare strings exactly):

    {"file": ..., "parser": "feedparser" | "json-fallback",
     "bozo": 0 | 1, "bozo_exception": str | null, "version": ...,
     "feed_title": ..., "feed_updated": ...,
     "feed_links": [{"rel": ..., "href": ...}, ...],
     "entries": [{"id", "title", "link", "published", "updated", "author",
                  "tags": [term, ...], "summary", "content": [value, ...]}]}

Missing values are null (values are read with dict.get, bypassing
FeedParserDict's "updated falls back to published" shim).  For RSS,
feedparser reports lastBuildDate as "updated" and pubDate as "published".
feedparser does not copy a feed-level Atom author into entries, so an
entry's "author" is null unless the entry has its own.

The point is to see Herald's output through an unrelated consumer: a
"bozo" of 1 means feedparser found the document malformed (for XML, its
strict SAX parser failed and it fell back to its loose parser).  Note that
feedparser sanitizes HTML in summaries and content and resolves relative
URLs, so those values are not always byte-identical to what was written.

JSON Feed: feedparser 6.0.10 (Debian bookworm) has NO JSON Feed support; it
was added on feedparser's development branch (parsers/json.py, versions
"json1" / "json11") but not in any 6.0.x release.  6.0.10 tries to read a
JSON file as XML and returns bozo=1 with version "".  In that case this
script falls back to reading the file with the standard library's json
module and maps it the way feedparser's development branch does (version
"json11" for https://jsonfeed.org/version/1.1, title, feed_url as rel=self,
home_page_url as rel=alternate, next_url as rel=next, item url as link,
date_published/date_modified as published/updated, first author's name as
author, tags, summary, content_html and content_text as content).  Such
records carry "parser": "json-fallback" so a test can tell that feedparser
itself did not read the file.  If a newer feedparser reads the JSON itself
(version starting with "json"), its own result is used and "parser" is
"feedparser".
"""

import json
import os
import sys

import feedparser

JSON_VERSIONS = {
    "https://jsonfeed.org/version/1": "json1",
    "https://jsonfeed.org/version/1.1": "json11",
}


def as_text(value):
    """feedparser values are str (or absent); anything else becomes str."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def raw(obj, key, default=None):
    """Look a key up without FeedParserDict's aliases and fallbacks.

    FeedParserDict.__getitem__ silently answers "updated" with "published"
    when there is no updated date (a deprecated 5.x compatibility shim);
    going through dict.get reports exactly what was parsed.
    """
    return dict.get(obj, key, default)


def dump_feedparser(path, d):
    feed = raw(d, "feed", {})
    entries = []
    for e in raw(d, "entries", []):
        entries.append({
            "id": as_text(raw(e, "id")),
            "title": as_text(raw(e, "title")),
            "link": as_text(raw(e, "link")),
            "published": as_text(raw(e, "published")),
            "updated": as_text(raw(e, "updated")),
            "author": as_text(raw(e, "author")),
            "tags": [as_text(raw(t, "term")) for t in raw(e, "tags", [])],
            "summary": as_text(raw(e, "summary")),
            "content": [as_text(raw(c, "value")) for c in raw(e, "content", [])],
        })
    bozo = 1 if raw(d, "bozo") else 0
    return {
        "file": path,
        "parser": "feedparser",
        "bozo": bozo,
        "bozo_exception": str(raw(d, "bozo_exception")) if bozo else None,
        "version": raw(d, "version", ""),
        "feed_title": as_text(raw(feed, "title")),
        "feed_updated": as_text(raw(feed, "updated")),
        "feed_links": [{"rel": as_text(raw(l, "rel")), "href": as_text(raw(l, "href"))}
                       for l in raw(feed, "links", [])],
        "entries": entries,
    }


def string_or_none(obj, key):
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, str) else None


def dump_json_fallback(path):
    record = {
        "file": path, "parser": "json-fallback", "bozo": 0, "bozo_exception": None,
        "version": "", "feed_title": None, "feed_updated": None,
        "feed_links": [], "entries": [],
    }
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        record.update(bozo=1, bozo_exception="%s: %s" % (type(exc).__name__, exc))
        return record
    if not isinstance(data, dict):
        record.update(bozo=1, bozo_exception="top level is not an object")
        return record

    version = data.get("version")
    record["version"] = JSON_VERSIONS.get(version, "json") if isinstance(version, str) else "json"
    record["feed_title"] = string_or_none(data, "title")
    for key, rel in (("feed_url", "self"), ("home_page_url", "alternate"), ("next_url", "next")):
        href = string_or_none(data, key)
        if href is not None:
            record["feed_links"].append({"rel": rel, "href": href})

    items = data.get("items")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors")
        if not isinstance(authors, list) or not authors:
            authors = [item["author"]] if "author" in item else []
        tags = item.get("tags")
        record["entries"].append({
            "id": string_or_none(item, "id"),
            "title": string_or_none(item, "title"),
            "link": string_or_none(item, "url"),
            "published": string_or_none(item, "date_published"),
            "updated": string_or_none(item, "date_modified"),
            "author": string_or_none(authors[0], "name") if authors else None,
            "tags": [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
            "summary": string_or_none(item, "summary"),
            "content": [item[k] for k in ("content_html", "content_text")
                        if isinstance(item.get(k), str)],
        })
    return record


def looks_like_json(path):
    if path.endswith(".json"):
        return True
    with open(path, "rb") as f:
        return f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def dump(path):
    if not os.path.isfile(path):
        return {"file": path, "parser": None, "bozo": 1, "bozo_exception": "no such file",
                "version": "", "feed_title": None, "feed_updated": None,
                "feed_links": [], "entries": []}
    # An absolute path keeps feedparser from mistaking it for a URL or for
    # the document text itself.
    d = feedparser.parse(os.path.abspath(path))
    if looks_like_json(path) and not (raw(d, "version") or "").startswith("json"):
        return dump_json_fallback(path)
    return dump_feedparser(path, d)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: %s FILE...\n" % argv[0])
        return 2
    for path in argv[1:]:
        print(json.dumps(dump(path), ensure_ascii=True, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
