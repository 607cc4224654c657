#!/usr/bin/python3
"""Print the HTML that Herald's feeds carry, exactly as written (no sanitising reader).

Usage:  feed_html.py FILE...

For each FILE (Atom, RSS 2.0 or JSON Feed), print one line of JSON (ASCII only):
{"file": ..., "html": [the content of each entry, in order]}. XML is read with the standard
library's ElementTree, which only undoes XML escaping: Atom's <content type="html">, RSS's
<content:encoded> and <description>, JSON Feed's content_html.
"""

import json
import sys
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def html_of(path):
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as handle:
            feed = json.load(handle)
        return [item.get("content_html", "") for item in feed.get("items", [])]
    root = ET.parse(path).getroot()
    if root.tag == ATOM + "feed":
        return [entry.findtext(ATOM + "content", "") for entry in root.iter(ATOM + "entry")]
    values = []
    for item in root.iter("item"):
        values.append(item.findtext(CONTENT, ""))
        values.append(item.findtext("description", ""))
    return values


for name in sys.argv[1:]:
    print(json.dumps({"file": name, "html": html_of(name)}, ensure_ascii=True))
