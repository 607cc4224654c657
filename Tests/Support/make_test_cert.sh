#!/bin/sh
# make_test_cert.sh DIR — a throw-away self-signed certificate for the SMTP test server:
# DIR/cert.pem (CN=localhost, subjectAltName IP:127.0.0.1 and DNS:localhost, valid 2 days;
# also the CA certificate a client trusts) and DIR/key.pem (RSA 2048, unencrypted).
# Prints nothing on success; on failure prints openssl's output on stderr and exits non-zero.
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
mkdir -p "$dir"
if ! output=$(openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
        -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>&1); then
    printf '%s\n' "$output" >&2
    exit 1
fi
chmod 600 "$dir/key.pem"
