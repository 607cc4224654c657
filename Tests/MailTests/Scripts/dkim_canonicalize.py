#!/usr/bin/python3
"""Canonicalises message bodies and header fields with dkimpy's "relaxed" algorithms, as a
second opinion for the tests of Herald's own canonicalisation.

Reads a JSON object {"bodies": [base64, …], "headers": [[base64 name, base64 value], …]} on
stdin; writes {"bodies": [base64, …], "headers": [base64 "name:value\\r\\n", …]} on stdout.
"""
import base64
import json
import sys

from dkim.canonicalization import Relaxed


def main():
    request = json.load(sys.stdin)
    bodies = [base64.b64decode(b) for b in request.get("bodies", [])]
    headers = [(base64.b64decode(n), base64.b64decode(v)) for n, v in request.get("headers", [])]
    canonical_headers = Relaxed.canonicalize_headers(headers)
    json.dump({
        "bodies": [base64.b64encode(Relaxed.canonicalize_body(b)).decode() for b in bodies],
        "headers": [base64.b64encode(n + b":" + v).decode() for n, v in canonical_headers],
    }, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
