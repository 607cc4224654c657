#!/usr/bin/python3
"""Decodes quoted-printable files with Python's stdlib `quopri` (the decoder `email` uses for
bodies) and prints a JSON list with, for each file in order, the decoded bytes in hex.

Usage: decode_quoted_printable.py FILE...
"""
import json
import quopri
import sys

if __name__ == "__main__":
    decoded = []
    for path in sys.argv[1:]:
        with open(path, "rb") as file:
            decoded.append(quopri.decodestring(file.read()).hex())
    json.dump(decoded, sys.stdout)
