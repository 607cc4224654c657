#!/usr/bin/python3
"""Parses RFC 5322 messages with Python's stdlib `email` package (policy.default) and prints
what it understood as JSON, for MailTests to compare with what Herald meant to write.

Usage: parse_message.py FILE...   -> a JSON list, one object per file, in order.
"""
import email
import json
import sys
from email import _header_value_parser as header_parser
from email import policy
from email.header import decode_header, make_header


def addresses(header):
    if header is None:
        return None
    return [
        {"display_name": a.display_name, "username": a.username, "domain": a.domain, "addr_spec": a.addr_spec}
        for a in header.addresses
    ]


def split_outside_quotes(text, separator):
    parts, current, quoted, escaped = [], "", False, False
    for character in text:
        if escaped:
            escaped = False
        elif quoted and character == "\\":
            escaped = True
        elif character == '"':
            quoted = not quoted
        elif character == separator and not quoted:
            parts.append(current)
            current = ""
            continue
        current += character
    return parts + [current]


def decode_phrase(raw):
    """A display name as RFC 2047 §6.2 decodes it. policy.default's parser puts a space
    between two adjacent encoded-words of a phrase, where RFC 2047 drops the whitespace (it
    cannot read back its own long display names), so encoded-words go through the legacy
    decoder, which follows the RFC; quoted-strings and atoms through policy.default's parser."""
    raw = raw.strip()
    if "=?" in raw:
        return str(make_header(decode_header(raw)))
    token, rest = header_parser.get_display_name(raw) if raw else (None, "")
    return token.display_name if token is not None else ""


def display_names(message, name):
    raw = dict(message.raw_items()).get(name)
    if raw is None:
        return None
    unfolded = raw.replace("\r\n", "")
    names = []
    for mailbox in split_outside_quotes(unfolded, ","):
        parts = split_outside_quotes(mailbox, "<")
        names.append(decode_phrase("<".join(parts[:-1])) if len(parts) > 1 else "")
    return names


def text_or_none(value):
    return None if value is None else str(value)


def describe(path):
    with open(path, "rb") as file:
        raw = file.read()
    message = email.message_from_bytes(raw, policy=policy.default)

    defects = [f"message: {type(d).__name__}: {d}" for d in message.defects]
    for name, value in message.items():
        defects += [f"header {name}: {type(d).__name__}: {d}" for d in getattr(value, "defects", ())]
    parts = []
    for index, part in enumerate(message.walk()):
        if index > 0:
            defects += [f"part {index}: {type(d).__name__}: {d}" for d in part.defects]
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
        })

    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    raw_lines = raw.split(b"\r\n")
    header_section = raw.split(b"\r\n\r\n", 1)[0]
    # Every LF preceded by CR and every CR followed by LF.
    crlf_only = raw.count(b"\n") == raw.count(b"\r\n") and raw.count(b"\r") == raw.count(b"\r\n")
    date = message["date"]

    return {
        "defects": defects,
        "header_names": list(message.keys()),
        "subject": text_or_none(message["subject"]),
        "from": addresses(message["from"]),
        "to": addresses(message["to"]),
        "from_names": display_names(message, "From"),
        "to_names": display_names(message, "To"),
        "list_id_names": display_names(message, "List-Id"),
        "date": date.datetime.isoformat() if date is not None and date.datetime is not None else None,
        "message_id": text_or_none(message["message-id"]),
        "list_id": text_or_none(message["list-id"]),
        "list_unsubscribe": text_or_none(message["list-unsubscribe"]),
        "list_unsubscribe_post": text_or_none(message["list-unsubscribe-post"]),
        "extra": {name: str(value) for name, value in message.items() if name.lower().startswith("x-")},
        "content_type": message.get_content_type(),
        "boundary": message.get_boundary(),
        "parts": parts,
        "text": plain.get_content() if plain is not None else None,
        "html": html.get_content() if html is not None else None,
        "max_line_length": max(len(line) for line in raw_lines),
        "header_lines": [line.decode("latin-1") for line in header_section.split(b"\r\n")],
        "crlf_only": crlf_only,
        "ends_with_crlf": raw.endswith(b"\r\n"),
    }


if __name__ == "__main__":
    json.dump([describe(path) for path in sys.argv[1:]], sys.stdout, ensure_ascii=True)
