#!/usr/bin/python3
"""Verifies the first DKIM-Signature of a message with dkimpy (Debian's python3-dkim; Ed25519
also needs python3-nacl), taking the public key record from the command line instead of DNS.

Usage: dkim_verify.py MESSAGE_FILE DNS_TXT_VALUE [EXPECTED_DNS_NAME]

Prints "pass" or "fail" on stdout, and dkimpy's reasons on stderr. When EXPECTED_DNS_NAME is
given (such as "herald._domainkey.example.org"), a lookup of any other name finds no record.
Exit status: 0 after printing a verdict, 2 on a usage or setup error.
"""
import logging
import sys

try:
    import dkim
except ImportError:
    sys.stderr.write("dkim_verify.py: dkimpy is missing; install it with `apt-get install -y python3-dkim python3-nacl`\n")
    sys.exit(2)


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    with open(sys.argv[1], "rb") as f:
        message = f.read()
    record = sys.argv[2].encode("ascii")
    expected = sys.argv[3].rstrip(".").lower() if len(sys.argv) == 4 else None

    def dnsfunc(name, timeout=5):
        # dkimpy asks for b"<selector>._domainkey.<domain>." and wants the TXT value as bytes.
        queried = name.decode("ascii").rstrip(".").lower()
        if expected is not None and queried != expected:
            sys.stderr.write("dkim_verify.py: lookup of %s, expected %s\n" % (queried, expected))
            return None
        return record

    logger = logging.getLogger("dkim_verify")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("dkimpy: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    print("pass" if dkim.verify(message, logger=logger, dnsfunc=dnsfunc) else "fail")
    return 0


if __name__ == "__main__":
    sys.exit(main())
