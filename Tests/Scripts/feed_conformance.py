#!/usr/bin/python3
"""Independent conformance checker for the feeds Herald writes.

Usage:  feed_conformance.py FILE...

The format is chosen from the file name:

    atom.xml   -> Atom 1.0 (RFC 4287)
    rss.xml    -> RSS 2.0 (RSS Advisory Board specification)
    feed.json  -> JSON Feed 1.1 (https://jsonfeed.org/version/1.1)

Each problem is printed as one line ``FILE: error: MESSAGE``.  The exit status
is 1 if any problem was found, 0 otherwise (then ``ok N files`` is printed),
and 2 on a usage error.

The checker deliberately shares no code with Herald: it is written against the
specifications, with only the Python standard library, so that a bug in the
Swift writer cannot be mirrored by the same bug here.

XML is parsed with pyexpat directly (with namespace processing), not through a
convenience wrapper, so that

* any DOCTYPE or entity declaration is rejected outright (a feed never needs
  one, and refusing them rules out entity-expansion attacks and external
  entity fetching); Herald must not emit a DOCTYPE;
* an undeclared namespace prefix ("unbound prefix") on an element or an
  attribute is reported as an ordinary error rather than a crash;
* line numbers are kept for messages.

If ``xmllint`` is on PATH it is run as well (``--noout --nonet``), as a second,
unrelated XML parser; anything it prints is reported.  Set
``HERALD_NO_XMLLINT=1`` to skip it.

Atom 1.0 -- what is checked (RFC 4287 section numbers):

* root element is atom:feed (4.1.1), document well-formed (2);
* atom:feed and every atom:entry contain exactly one atom:id, atom:title and
  atom:updated (4.1.1, 4.1.2); at most one atom:published, atom:summary,
  atom:content, atom:rights, atom:source per entry (4.1.2) and at most one
  atom:generator, atom:icon, atom:logo, atom:rights, atom:subtitle per feed
  (4.1.1);
* atom:updated and atom:published are Date constructs: RFC 3339 date-time
  with an uppercase "T", seconds, and "Z" or a +hh:mm/-hh:mm offset, and a
  real calendar date/time (3.3);
* atom:id is an absolute IRI (4.2.6, RFC 3987), i.e. it has a scheme and no
  whitespace;
* entry ids are unique in the document.  RFC 4287 4.1.1 allows repeated ids
  (same entry, different atom:updated), but Herald never means that, so a
  repeat is treated as a bug;
* every atom:link has an href (4.2.7.1); Herald policy: it must be absolute
  (a scheme, plus a host for http/https), because Herald does not emit
  xml:base;
* no two rel="alternate" links with the same type and hreflang, on the feed
  or on an entry (4.1.1, 4.1.2); a missing rel means "alternate" (4.2.7.2);
* the feed has a link rel="self" (4.1.1 says SHOULD; Herald policy: MUST);
* the feed has an atom:author, or every entry has one (directly or in its
  atom:source) (4.1.1, 4.1.2);
* every atom:author / atom:contributor has exactly one atom:name and at most
  one atom:uri and atom:email (3.2);
* an entry whose atom:content has a src attribute has an atom:summary, and
  such content is empty (4.1.3.2, 4.1.2);
* an entry has a link rel="alternate" or an atom:content (4.1.2);
* the type attribute of Text constructs (atom:title, atom:subtitle,
  atom:summary, atom:rights) is text, html or xhtml (3.1.1); xhtml content is
  a single xhtml:div (3.1.1.3); atom:content's type is text/html/xhtml or a
  MIME media type (4.1.3.1);
* atom:category has a term (4.2.2.1).

RSS 2.0 -- what is checked (https://www.rssboard.org/rss-specification):

* root element rss with version="2.0", exactly one channel;
* channel has exactly one title, link and description; at most one of the
  other single-valued channel elements;
* every item has a title or a description; at most one of each
  single-valued item element;
* pubDate and lastBuildDate are RFC 822 date-times as RSS uses them, e.g.
  "Sat, 14 Mar 2026 18:30:00 +0100": checked with a strict regex (day of the
  week, 4-digit year, seconds, numeric zone or GMT/UT), with
  email.utils.parsedate_to_datetime, and the day of the week must be right;
* guid values are unique; a guid that is a permalink (isPermaLink absent or
  "true") is an absolute http(s) URL;
* link, comments, image/url, image/link, enclosure/@url, source/@url and
  atom:link/@href are absolute URLs; enclosure has url, length and type;
* author, if present, contains an e-mail address (the spec defines it so);
* every namespace prefix is declared (checked by the XML parser);
* the channel has an atom:link rel="self" (RSS Best Practices; the W3C Feed
  Validator recommends it).

JSON Feed 1.1 -- what is checked (https://jsonfeed.org/version/1.1):

* strict UTF-8 without a BOM (RFC 8259 section 8.1), valid JSON, no duplicate
  keys, no NaN/Infinity, top level is an object;
* version is exactly "https://jsonfeed.org/version/1.1"; title is a string;
  items is an array;
* every item is an object with a string id, unique in the feed, and at least
  one of content_html / content_text (strings);
* home_page_url, feed_url, icon, favicon, next_url and, per item, url,
  external_url, image, banner_image, and author url/avatar and attachment
  urls are absolute http(s) URLs;
* date_published / date_modified are RFC 3339 date-times (as for Atom);
* authors (top level and per item) is an array of objects each with at least
  one of name, url, avatar (strings);
* tags is an array of strings; attachments is an array of objects with url
  and mime_type.
"""

import datetime
import email.utils
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET
import xml.parsers.expat

ATOM_NS = "http://www.w3.org/2005/Atom"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def atom(local):
    return "{%s}%s" % (ATOM_NS, local)


class Report:
    """Collects problems for one file."""

    def __init__(self, path):
        self.path = path
        self.problems = []

    def error(self, message):
        self.problems.append(message)


# ---------------------------------------------------------------------------
# Shared value checks
# ---------------------------------------------------------------------------

# RFC 3339 section 5.6 "date-time", restricted as RFC 4287 section 3.3
# requires (uppercase T and Z, no lower case, seconds mandatory).
RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"(Z|[+-](\d{2}):(\d{2}))$"
)


def rfc3339_problem(value):
    """Return None if value is an RFC 3339 date-time, else a reason."""
    if not isinstance(value, str):
        return "is not a string"
    m = RFC3339_RE.match(value)
    if not m:
        return "%r is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm))" % value
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    try:
        # A leap second (60) is allowed by RFC 3339; datetime is not aware of it.
        datetime.datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError as exc:
        return "%r is not a real date/time (%s)" % (value, exc)
    if second > 60:
        return "%r has seconds > 60" % value
    if m.group(9) is not None:
        oh, om = int(m.group(9)), int(m.group(10))
        if oh > 23 or om > 59:
            return "%r has an impossible UTC offset" % value
    return None


SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def absolute_iri_problem(value, http_only=False):
    """Return None if value is an absolute IRI/URL, else a reason.

    An absolute IRI has a scheme (RFC 3987 section 2.2, "absolute-IRI").
    For http and https a host is required too (RFC 9110 section 4.2).
    """
    if not isinstance(value, str):
        return "is not a string"
    if value == "":
        return "is empty"
    if value != value.strip() or re.search(r"\s", value):
        return "%r contains whitespace" % value
    if not SCHEME_RE.match(value):
        return "%r is not absolute (no scheme)" % value
    parts = urllib.parse.urlsplit(value)
    scheme = parts.scheme.lower()
    if http_only and scheme not in ("http", "https"):
        return "%r is not an http(s) URL" % value
    if scheme in ("http", "https") and not parts.netloc:
        return "%r has no host" % value
    return None


# ---------------------------------------------------------------------------
# Safe XML parsing
# ---------------------------------------------------------------------------

class XMLProblem(Exception):
    pass


def parse_xml(path):
    """Parse path into an ElementTree element with "{ns}local" names.

    Rejects DOCTYPE and entity declarations.  Each element gets a ``line``
    attribute on the Python object (not in .attrib) for messages.
    """
    builder = ET.TreeBuilder()
    # With namespace_separator, expat reports "uri}local" for names in a
    # namespace and "local" for names in no namespace, and fails with
    # "unbound prefix" on an undeclared prefix.
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
    lines = {}

    def qname(name):
        return "{" + name if "}" in name else name

    def start(name, attrs):
        element = builder.start(qname(name), {qname(k): v for k, v in attrs.items()})
        lines[id(element)] = parser.CurrentLineNumber

    def end(name):
        builder.end(qname(name))

    def doctype(*_args):
        raise XMLProblem("line %d: DOCTYPE is not allowed in a feed" % parser.CurrentLineNumber)

    def entity_decl(*_args):
        raise XMLProblem("line %d: entity declarations are not allowed" % parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity_decl
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    with open(path, "rb") as f:
        data = f.read()
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        message = xml.parsers.expat.ErrorString(exc.code)
        if exc.code == xml.parsers.expat.errors.codes[xml.parsers.expat.errors.XML_ERROR_UNBOUND_PREFIX]:
            message = "undeclared namespace prefix (%s)" % message
        raise XMLProblem("line %d, column %d: not well-formed XML: %s"
                         % (exc.lineno, exc.offset + 1, message))
    root = builder.close()
    return root, lines


def run_xmllint(path, report):
    if os.environ.get("HERALD_NO_XMLLINT"):
        return
    xmllint = shutil.which("xmllint")
    if not xmllint:
        return
    proc = subprocess.run([xmllint, "--noout", "--nonet", path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # xmllint exits 0 on namespace errors, so any output counts.
    output = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()
    if proc.returncode != 0 or output:
        first = output.splitlines()[0] if output else "exit status %d" % proc.returncode
        report.error("xmllint: %s" % first)


def text_of(element):
    return "".join(element.itertext())


# ---------------------------------------------------------------------------
# Atom 1.0
# ---------------------------------------------------------------------------

TEXT_CONSTRUCTS = ("title", "subtitle", "summary", "rights")
IANA_REL_PREFIX = "http://www.iana.org/assignments/relation/"


def link_rel(link):
    rel = link.get("rel", "alternate").strip()
    if rel.startswith(IANA_REL_PREFIX):
        rel = rel[len(IANA_REL_PREFIX):]
    return rel


def check_atom_common(report, element, where, lines, is_feed):
    """Checks shared by atom:feed and atom:entry (and atom:source)."""
    children = [c for c in element if c.tag.startswith("{" + ATOM_NS + "}")]

    def count(local):
        return sum(1 for c in children if c.tag == atom(local))

    for local in ("id", "title", "updated"):
        n = count(local)
        if n != 1:
            report.error("%s must contain exactly one atom:%s, found %d" % (where, local, n))

    single = (("generator", "icon", "logo", "rights", "subtitle") if is_feed
              else ("published", "summary", "content", "rights", "source"))
    for local in single:
        if count(local) > 1:
            report.error("%s must not contain more than one atom:%s" % (where, local))

    for child in children:
        local = child.tag.split("}", 1)[1]
        line = lines.get(id(child), 0)
        at = "%s atom:%s (line %d)" % (where, local, line)
        if local in ("updated", "published"):
            problem = rfc3339_problem(text_of(child))
            if problem:
                report.error("%s: %s" % (at, problem))
        elif local == "id":
            problem = absolute_iri_problem(text_of(child))
            if problem:
                report.error("%s: not an absolute IRI: %s" % (at, problem))
        elif local == "link":
            if "href" not in child.attrib:
                report.error("%s has no href" % at)
            else:
                problem = absolute_iri_problem(child.get("href"))
                if problem:
                    report.error("%s href: %s" % (at, problem))
        elif local in TEXT_CONSTRUCTS:
            check_text_construct(report, child, at)
        elif local == "content":
            check_content(report, child, at)
        elif local in ("author", "contributor"):
            check_person(report, child, at)
        elif local == "category":
            if not child.get("term"):
                report.error("%s has no term" % at)
            if "scheme" in child.attrib:
                problem = absolute_iri_problem(child.get("scheme"))
                if problem:
                    report.error("%s scheme: %s" % (at, problem))
        elif local in ("icon", "logo"):
            problem = absolute_iri_problem(text_of(child).strip())
            if problem:
                report.error("%s: %s" % (at, problem))

    alternates = {}
    for link in (c for c in children if c.tag == atom("link")):
        if link_rel(link) != "alternate":
            continue
        key = (link.get("type", ""), link.get("hreflang", ""))
        alternates[key] = alternates.get(key, 0) + 1
    for (type_, hreflang), n in sorted(alternates.items()):
        if n > 1:
            report.error('%s has %d link rel="alternate" with type=%r hreflang=%r (at most one allowed)'
                         % (where, n, type_, hreflang))
    return children


def check_text_construct(report, element, at):
    type_ = element.get("type", "text")
    if type_ not in ("text", "html", "xhtml"):
        report.error('%s: type=%r, must be "text", "html" or "xhtml"' % (at, type_))
        return
    if type_ == "xhtml":
        check_xhtml_div(report, element, at)
    elif len(element):
        report.error("%s: type=%r must not contain child elements" % (at, type_))


def check_xhtml_div(report, element, at):
    kids = list(element)
    stray_text = (element.text or "").strip() or any((k.tail or "").strip() for k in kids)
    if len(kids) != 1 or kids[0].tag != "{%s}div" % XHTML_NS or stray_text:
        report.error("%s: xhtml content must be exactly one xhtml:div" % at)


def check_content(report, element, at):
    type_ = element.get("type", "text")
    if type_ not in ("text", "html", "xhtml") and not re.match(r"^[\w.+-]+/[\w.+-]+", type_):
        report.error("%s: type=%r is neither text/html/xhtml nor a MIME type" % (at, type_))
    if "src" in element.attrib:
        problem = absolute_iri_problem(element.get("src"))
        if problem:
            report.error("%s src: %s" % (at, problem))
        if len(element) or (element.text or "").strip():
            report.error("%s: content with src must be empty" % at)
    elif type_ == "xhtml":
        check_xhtml_div(report, element, at)
    elif type_ in ("text", "html") and len(element):
        report.error("%s: type=%r must not contain child elements" % (at, type_))


def check_person(report, element, at):
    for local, low, high in (("name", 1, 1), ("uri", 0, 1), ("email", 0, 1)):
        n = sum(1 for c in element if c.tag == atom(local))
        if not low <= n <= high:
            if low == high:
                report.error("%s must contain exactly one atom:%s, found %d" % (at, local, n))
            else:
                report.error("%s must not contain more than one atom:%s" % (at, local))
    for uri in element.findall(atom("uri")):
        problem = absolute_iri_problem(text_of(uri).strip())
        if problem:
            report.error("%s atom:uri: %s" % (at, problem))


def load_xml(path, report):
    """Parses `path` (and has xmllint read it too); None after reporting why it could not be read."""
    try:
        root, lines = parse_xml(path)
    except XMLProblem as exc:
        report.error(str(exc))
        return None
    run_xmllint(path, report)
    return root, lines


def check_atom(path, report):
    loaded = load_xml(path, report)
    if loaded is None:
        return
    root, lines = loaded
    if root.tag != atom("feed"):
        report.error("root element is %s, expected {%s}feed" % (root.tag, ATOM_NS))
        return

    feed_children = check_atom_common(report, root, "feed", lines, is_feed=True)
    feed_links = [c for c in feed_children if c.tag == atom("link")]
    if not any(link_rel(l) == "self" for l in feed_links):
        report.error('feed has no link rel="self"')
    feed_has_author = any(c.tag == atom("author") for c in feed_children)

    seen_ids = {}
    entries = root.findall(atom("entry"))
    for index, entry in enumerate(entries, 1):
        where = "entry %d (line %d)" % (index, lines.get(id(entry), 0))
        children = check_atom_common(report, entry, where, lines, is_feed=False)

        for id_el in (c for c in children if c.tag == atom("id")):
            value = text_of(id_el)
            if value in seen_ids:
                report.error("%s: atom:id %r already used by entry %d" % (where, value, seen_ids[value]))
            else:
                seen_ids[value] = index

        has_author = any(c.tag == atom("author") for c in children)
        for source in (c for c in children if c.tag == atom("source")):
            if source.find(atom("author")) is not None:
                has_author = True
            for person in source.findall(atom("author")):
                check_person(report, person, where + " atom:source atom:author")
        if not (feed_has_author or has_author):
            report.error("%s has no atom:author and the feed has none either" % where)

        contents = [c for c in children if c.tag == atom("content")]
        links = [c for c in children if c.tag == atom("link")]
        if not contents and not any(link_rel(l) == "alternate" for l in links):
            report.error('%s has neither atom:content nor a link rel="alternate"' % where)
        has_summary = any(c.tag == atom("summary") for c in children)
        for content in contents:
            if "src" in content.attrib and not has_summary:
                report.error("%s: atom:content has src but the entry has no atom:summary" % where)


# ---------------------------------------------------------------------------
# RSS 2.0
# ---------------------------------------------------------------------------

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RFC822_RE = re.compile(
    r"^(%s), (\d{2}) (%s) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}|GMT|UT)$"
    % ("|".join(DAYS), "|".join(MONTHS))
)

CHANNEL_SINGLE = ("title", "link", "description", "language", "copyright",
                  "managingEditor", "webMaster", "pubDate", "lastBuildDate",
                  "generator", "docs", "cloud", "ttl", "image", "rating",
                  "textInput", "skipHours", "skipDays")
ITEM_SINGLE = ("title", "link", "description", "author", "comments",
               "enclosure", "guid", "pubDate", "source")


def rfc822_problem(value):
    m = RFC822_RE.match(value)
    if not m:
        return ("%r is not an RFC 822 date as RSS uses it "
                "(e.g. 'Sat, 14 Mar 2026 18:30:00 +0100')" % value)
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        return "%r is rejected by email.utils.parsedate_to_datetime (%s)" % (value, exc)
    if parsed is None:
        return "%r is rejected by email.utils.parsedate_to_datetime" % value
    day, month, year = int(m.group(2)), MONTHS.index(m.group(3)) + 1, int(m.group(4))
    if (int(m.group(5)), int(m.group(6)), int(m.group(7))) != (parsed.hour, parsed.minute, parsed.second) \
            or int(m.group(5)) > 23 or int(m.group(6)) > 59 or int(m.group(7)) > 60:
        return "%r has an impossible time of day" % value
    try:
        real_day = DAYS[datetime.date(year, month, day).weekday()]
    except ValueError:
        return "%r is not a real date" % value
    if real_day != m.group(1):
        return "%r: day of week is wrong, %d %s %d is a %s" % (value, day, m.group(3), year, real_day)
    zone = m.group(8)
    if zone[0] in "+-" and (int(zone[1:3]) > 23 or int(zone[3:5]) > 59):
        return "%r has an impossible zone offset" % value
    return None


def check_rss(path, report):
    loaded = load_xml(path, report)
    if loaded is None:
        return
    root, lines = loaded
    if root.tag != "rss":
        report.error("root element is %s, expected rss (in no namespace)" % root.tag)
        return
    if root.get("version") != "2.0":
        report.error('rss element has version=%r, expected "2.0"' % root.get("version"))

    channels = root.findall("channel")
    if len(channels) != 1:
        report.error("rss must contain exactly one channel, found %d" % len(channels))
        if not channels:
            return
    channel = channels[0]

    for name in CHANNEL_SINGLE:
        n = len(channel.findall(name))
        if name in ("title", "link", "description"):
            if n != 1:
                report.error("channel must contain exactly one %s, found %d" % (name, n))
        elif n > 1:
            report.error("channel must not contain more than one %s" % name)

    def check_url(element, value, what, http_only=False):
        problem = absolute_iri_problem(value, http_only=http_only)
        if problem:
            report.error("%s (line %d): %s" % (what, lines.get(id(element), 0), problem))

    def check_dates(parent, where):
        for name in ("pubDate", "lastBuildDate"):
            for el in parent.findall(name):
                problem = rfc822_problem(text_of(el))
                if problem:
                    report.error("%s %s (line %d): %s" % (where, name, lines.get(id(el), 0), problem))

    check_dates(channel, "channel")
    for el in channel.findall("link"):
        check_url(el, text_of(el), "channel link")
    for image in channel.findall("image"):
        for name in ("url", "title", "link"):
            if len(image.findall(name)) != 1:
                report.error("channel image must contain exactly one %s" % name)
        for name in ("url", "link"):
            for el in image.findall(name):
                check_url(el, text_of(el), "channel image %s" % name)

    atom_links = channel.findall(atom("link"))
    for el in atom_links:
        check_url(el, el.get("href"), "channel atom:link href")
    if not any(el.get("rel") == "self" for el in atom_links):
        report.error('channel has no atom:link rel="self" (xmlns:atom="%s")' % ATOM_NS)

    seen_guids = {}
    for index, item in enumerate(channel.findall("item"), 1):
        where = "item %d (line %d)" % (index, lines.get(id(item), 0))
        if item.find("title") is None and item.find("description") is None:
            report.error("%s has neither title nor description" % where)
        for name in ITEM_SINGLE:
            if len(item.findall(name)) > 1:
                report.error("%s must not contain more than one %s" % (where, name))
        check_dates(item, where)
        for name in ("link", "comments"):
            for el in item.findall(name):
                check_url(el, text_of(el), "%s %s" % (where, name))
        for el in item.findall("author"):
            if not re.search(r"[^\s@]+@[^\s@]+", text_of(el)):
                report.error("%s author %r must contain an e-mail address (use dc:creator for a bare name)"
                             % (where, text_of(el)))
        for el in item.findall("enclosure"):
            for attr in ("url", "length", "type"):
                if attr not in el.attrib:
                    report.error("%s enclosure has no %s attribute" % (where, attr))
            if "url" in el.attrib:
                check_url(el, el.get("url"), "%s enclosure url" % where)
            if "length" in el.attrib and not re.match(r"^\d+$", el.get("length")):
                report.error("%s enclosure length %r is not a non-negative integer" % (where, el.get("length")))
        for el in item.findall("source"):
            if "url" not in el.attrib:
                report.error("%s source has no url attribute" % where)
            else:
                check_url(el, el.get("url"), "%s source url" % where)
        for el in item.findall("guid"):
            value = text_of(el)
            if value in seen_guids:
                report.error("%s: guid %r already used by item %d" % (where, value, seen_guids[value]))
            else:
                seen_guids[value] = index
            perma = el.get("isPermaLink", "true")
            if perma not in ("true", "false"):
                report.error('%s guid isPermaLink=%r, must be "true" or "false"' % (where, perma))
            elif perma == "true":
                # A permalink must be openable in a browser.
                check_url(el, value, "%s guid (isPermaLink is true)" % where, http_only=True)
        for el in item.findall(atom("link")):
            check_url(el, el.get("href"), "%s atom:link href" % where)


# ---------------------------------------------------------------------------
# JSON Feed 1.1
# ---------------------------------------------------------------------------

JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"


class DuplicateKey(Exception):
    pass


def no_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(key)
        result[key] = value
    return result


def reject_constant(name):
    raise ValueError("%s is not valid JSON" % name)


def check_json(path, report):
    with open(path, "rb") as f:
        raw = f.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        report.error("starts with a UTF-8 byte order mark (RFC 8259 section 8.1 forbids it)")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8", "strict")
    except UnicodeDecodeError as exc:
        report.error("not valid UTF-8: %s" % exc)
        return
    try:
        data = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=reject_constant)
    except DuplicateKey as exc:
        report.error("duplicate object key %r" % exc.args[0])
        return
    except ValueError as exc:
        report.error("not valid JSON: %s" % exc)
        return
    if not isinstance(data, dict):
        report.error("top level is %s, expected an object" % type(data).__name__)
        return

    if data.get("version") != JSONFEED_VERSION:
        report.error("version is %r, expected %r" % (data.get("version"), JSONFEED_VERSION))
    if not isinstance(data.get("title"), str):
        report.error("title is missing or not a string")
    for key in ("description", "user_comment", "language"):
        if key in data and not isinstance(data[key], str):
            report.error("%s is not a string" % key)
    for key in ("home_page_url", "feed_url", "icon", "favicon", "next_url"):
        if key in data:
            problem = absolute_iri_problem(data[key], http_only=True)
            if problem:
                report.error("%s: %s" % (key, problem))
    if "expired" in data and not isinstance(data["expired"], bool):
        report.error("expired is not a boolean")
    check_json_authors(report, data, "feed")

    items = data.get("items")
    if not isinstance(items, list):
        report.error("items is missing or not an array")
        return
    seen_ids = {}
    for index, item in enumerate(items, 1):
        where = "item %d" % index
        if not isinstance(item, dict):
            report.error("%s is not an object" % where)
            continue
        item_id = item.get("id")
        if not isinstance(item_id, str):
            report.error("%s id is missing or not a string" % where)
        elif item_id in seen_ids:
            report.error("%s id %r already used by item %d" % (where, item_id, seen_ids[item_id]))
        else:
            seen_ids[item_id] = index
        if "content_html" not in item and "content_text" not in item:
            report.error("%s has neither content_html nor content_text" % where)
        for key in ("content_html", "content_text", "title", "summary", "language"):
            if key in item and not isinstance(item[key], str):
                report.error("%s %s is not a string" % (where, key))
        for key in ("url", "external_url", "image", "banner_image"):
            if key in item:
                problem = absolute_iri_problem(item[key], http_only=True)
                if problem:
                    report.error("%s %s: %s" % (where, key, problem))
        for key in ("date_published", "date_modified"):
            if key in item:
                problem = rfc3339_problem(item[key])
                if problem:
                    report.error("%s %s: %s" % (where, key, problem))
        if "tags" in item:
            tags = item["tags"]
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                report.error("%s tags must be an array of strings" % where)
        check_json_authors(report, item, where)
        if "attachments" in item:
            attachments = item["attachments"]
            if not isinstance(attachments, list):
                report.error("%s attachments is not an array" % where)
            else:
                for n, att in enumerate(attachments, 1):
                    at = "%s attachment %d" % (where, n)
                    if not isinstance(att, dict):
                        report.error("%s is not an object" % at)
                        continue
                    if not isinstance(att.get("mime_type"), str):
                        report.error("%s mime_type is missing or not a string" % at)
                    problem = absolute_iri_problem(att.get("url"), http_only=True)
                    if problem:
                        report.error("%s url: %s" % (at, problem))


def check_json_authors(report, obj, where):
    candidates = []
    if "authors" in obj:
        authors = obj["authors"]
        if not isinstance(authors, list):
            report.error("%s authors is not an array" % where)
        else:
            candidates += [("%s authors[%d]" % (where, i), a) for i, a in enumerate(authors)]
    if "author" in obj:  # deprecated in 1.1, still must be well-formed
        candidates.append(("%s author" % where, obj["author"]))
    for at, author in candidates:
        if not isinstance(author, dict):
            report.error("%s is not an object" % at)
            continue
        present = [k for k in ("name", "url", "avatar") if k in author]
        if not present:
            report.error("%s has none of name, url, avatar" % at)
        for key in present:
            if not isinstance(author[key], str):
                report.error("%s %s is not a string" % (at, key))
        for key in ("url", "avatar"):
            if key in author and isinstance(author[key], str):
                # url may be mailto: or similar, so only require a scheme.
                problem = absolute_iri_problem(author[key], http_only=(key == "avatar"))
                if problem:
                    report.error("%s %s: %s" % (at, key, problem))


# ---------------------------------------------------------------------------

CHECKERS = {
    "atom.xml": check_atom,
    "rss.xml": check_rss,
    "feed.json": check_json,
}


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: %s FILE...\n" % argv[0])
        return 2
    # Messages quote feed text; never die on a non-UTF-8 locale.
    sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
    failed = False
    for path in argv[1:]:
        report = Report(path)
        checker = CHECKERS.get(os.path.basename(path))
        if checker is None:
            report.error("cannot tell the format from the file name (expected one of %s)"
                         % ", ".join(sorted(CHECKERS)))
        elif not os.path.isfile(path):
            report.error("no such file")
        else:
            try:
                checker(path, report)
            except Exception as exc:  # a checker bug must not hide as success
                report.error("checker crashed: %s: %s" % (type(exc).__name__, exc))
        for message in report.problems:
            print("%s: error: %s" % (path, message))
        failed = failed or bool(report.problems)
    if failed:
        return 1
    print("ok %d files" % (len(argv) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
