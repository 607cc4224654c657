#!/usr/bin/env python3
"""A scripted, misbehaving SMTP server for Herald's SMTP client tests.

Raw asyncio sockets, no SMTP library: it speaks just enough SMTP (EHLO/HELO, AUTH, MAIL,
RCPT, DATA, RSET, NOOP, QUIT) to take a message, and misbehaves the way --fault says, which a
real server library would not let it do (a reply that never ends, 354 to MAIL, a body it
stops reading). Listens on 127.0.0.1 (--port 0: a free port), prints "READY <port>" on stdout
once listening, and logs what happens as JSON lines to --log.

Faults (--fault NAME; the first --fault-skip MAIL commands, counted over all connections, are
served normally, so that a session can be healthy before it misbehaves):
  silent-greeting       sends the 220 greeting, then never answers anything
  silent-after-mail     never answers MAIL (a reply timeout)
  silent-after-dot      takes the whole body, then never answers
  endless-line          answers MAIL with "250 " and an endless line (no LF, ever)
  endless-continuation  answers MAIL with endless "250-..." continuation lines, fast
  trickle-continuation  answers MAIL with a "250-..." line every 50 ms, forever
  354-to-mail           answers MAIL with 354
  354-to-rcpt           answers RCPT with 354
  reset-after-mail      resets the connection (RST) when MAIL arrives, without a reply
  body-not-read         answers DATA with 354, then stops reading the socket
  close-after-message   closes the connection right after its 250 to a message's final dot
                        (an idle session the server ends, with no 421)

Other options: --ehlo KEYWORD (repeatable; e.g. "PIPELINING", "SIZE 1000", "AUTH PLAIN LOGIN")
adds an EHLO keyword; --reply-delay SECONDS waits before each reply to MAIL, RCPT, DATA and
the final dot.

Events (one JSON object per line; "conn" numbers connections from 1):
  listening   {"port"}
  connect     {"conn"}
  command     {"conn", "line"}: every command line, verbatim, without its line end
  auth        {"conn", "line"}: an AUTH exchange line (the client sent credentials)
  message     {"conn", "mail_from", "rcpt_to", "length", "data_b64"}: a body up to its final
              dot (dot-unstuffed, without ".\r\n")
  fault       {"conn", "kind", "sent"?}: a fault was injected ("sent": bytes of an endless reply)
  disconnect  {"conn"}
"""

import argparse
import asyncio
import base64
import json
import signal
import socket
import struct
import sys
import time

FAULTS = (
    "silent-greeting", "silent-after-mail", "silent-after-dot", "endless-line", "endless-continuation",
    "trickle-continuation", "354-to-mail", "354-to-rcpt", "reset-after-mail", "body-not-read",
    "close-after-message",
)
# An endless reply stops after this many bytes or seconds, so that a broken client cannot keep
# the test run busy forever (it fails its test instead).
ENDLESS_BYTES = 256 * 1024 * 1024
ENDLESS_SECONDS = 60


class EventLog:
    def __init__(self, path):
        self.file = open(path, "a", encoding="ascii") if path else None

    def write(self, event, **fields):
        if self.file is None:
            return
        record = {"event": event, "time": round(time.time(), 6)}
        record.update(fields)
        self.file.write(json.dumps(record, ensure_ascii=True) + "\n")
        self.file.flush()


class Server:
    def __init__(self, args, log):
        self.args = args
        self.log = log
        self.connections = 0
        self.mail_commands = 0

    def fault_now(self, name):
        return self.args.fault == name and self.mail_commands > self.args.fault_skip

    async def session(self, reader, writer):
        self.connections += 1
        conn = self.connections
        self.log.write("connect", conn=conn)
        try:
            await Session(self, conn, reader, writer).run()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self.log.write("disconnect", conn=conn)
            writer.close()


class Session:
    def __init__(self, server, conn, reader, writer):
        self.server = server
        self.args = server.args
        self.log = server.log
        self.conn = conn
        self.reader = reader
        self.writer = writer
        self.mail_from = None
        self.rcpt_to = []
        # Set once the current transaction's MAIL met a fault: RCPT and DATA fault too.
        self.faulty = False

    async def reply(self, text, delay=False):
        if delay and self.args.reply_delay:
            await asyncio.sleep(self.args.reply_delay)
        self.writer.write(text.encode("ascii") + b"\r\n")
        await self.writer.drain()

    async def forever(self):
        """Reads (and logs) what the client sends without ever answering, until it goes away."""
        while True:
            line = await self.reader.readline()
            if not line:
                return
            self.log.write("command", conn=self.conn, line=line.rstrip(b"\r\n").decode("latin-1"))

    async def endless(self, kind, chunk, pause=0.0):
        self.log.write("fault", conn=self.conn, kind=kind)
        sent = 0
        start = time.monotonic()
        try:
            while sent < ENDLESS_BYTES and time.monotonic() - start < ENDLESS_SECONDS:
                self.writer.write(chunk)
                await self.writer.drain()
                sent += len(chunk)
                if pause:
                    await asyncio.sleep(pause)
        except ConnectionError:
            pass
        self.log.write("fault", conn=self.conn, kind=kind + "-ended", sent=sent)

    def reset(self, kind):
        """Closes with an RST (SO_LINGER 0), as a crashed or firewalled server does."""
        self.log.write("fault", conn=self.conn, kind=kind)
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()

    async def run(self):
        await self.reply("220 localhost ESMTP scripted")
        if self.args.fault == "silent-greeting":
            self.log.write("fault", conn=self.conn, kind="silent-greeting")
            await self.forever()
            return
        while True:
            raw = await self.reader.readline()
            if not raw:
                return
            line = raw.rstrip(b"\r\n").decode("latin-1")
            self.log.write("command", conn=self.conn, line=line)
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                lines = ["localhost"] + list(self.args.ehlo)
                await self.reply("\r\n".join(
                    f"250{'-' if i < len(lines) - 1 else ' '}{text}" for i, text in enumerate(lines)))
            elif verb == "HELO":
                await self.reply("250 localhost")
            elif verb == "AUTH":
                await self.auth(line)
            elif verb == "MAIL":
                if not await self.mail(line):
                    return
            elif verb == "RCPT":
                if self.faulty and self.args.fault == "354-to-rcpt":
                    self.log.write("fault", conn=self.conn, kind="354-to-rcpt")
                    await self.reply("354 Go ahead (injected)", delay=True)
                    continue
                self.rcpt_to.append(line[8:].strip().strip("<>") if line[:8].upper() == "RCPT TO:" else line)
                await self.reply("250 2.1.5 OK", delay=True)
            elif verb == "DATA":
                if not await self.data():
                    return
            elif verb == "RSET":
                self.mail_from, self.rcpt_to, self.faulty = None, [], False
                await self.reply("250 2.0.0 OK")
            elif verb == "NOOP":
                await self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                await self.reply("221 2.0.0 Bye")
                return
            else:
                await self.reply("500 5.5.2 Command not recognized")

    async def auth(self, line):
        # Any credentials are accepted: the tests assert that none were sent.
        self.log.write("auth", conn=self.conn, line=line)
        words = line.split()
        mechanism = words[1].upper() if len(words) > 1 else ""
        if mechanism == "PLAIN" and len(words) == 2:
            await self.reply("334 ")
            self.log.write("auth", conn=self.conn, line=(await self.reader.readline()).decode("latin-1").rstrip())
        elif mechanism == "LOGIN":
            prompts = ["UGFzc3dvcmQ6"] if len(words) == 3 else ["VXNlcm5hbWU6", "UGFzc3dvcmQ6"]
            for prompt in prompts:
                await self.reply("334 " + prompt)
                self.log.write("auth", conn=self.conn, line=(await self.reader.readline()).decode("latin-1").rstrip())
        await self.reply("235 2.7.0 Authentication successful")

    async def mail(self, line):
        """Answers MAIL; False when the session ends."""
        self.server.mail_commands += 1
        self.mail_from = line[10:].split(">", 1)[0].strip("<") if line[:10].upper() == "MAIL FROM:" else line
        self.rcpt_to = []
        fault = self.args.fault if self.server.mail_commands > self.args.fault_skip else None
        self.faulty = fault is not None
        if fault == "silent-after-mail":
            self.log.write("fault", conn=self.conn, kind=fault)
            await self.forever()
            return False
        if fault == "endless-line":
            self.writer.write(b"250 ")
            await self.endless(fault, b"a" * 65536)
            return False
        if fault == "endless-continuation":
            await self.endless(fault, b"250-too many lines\r\n" * 4096)
            return False
        if fault == "trickle-continuation":
            await self.endless(fault, b"250-one more line\r\n", pause=0.05)
            return False
        if fault == "354-to-mail":
            self.log.write("fault", conn=self.conn, kind=fault)
            await self.reply("354 Go ahead (injected)", delay=True)
            return True
        if fault == "reset-after-mail":
            self.reset(fault)
            return False
        await self.reply("250 2.1.0 OK", delay=True)
        return True

    async def data(self):
        """Answers DATA and takes the body; False when the session ends."""
        if not self.rcpt_to:
            await self.reply("503 5.5.1 No valid recipients", delay=True)
            return True
        await self.reply("354 End data with <CR><LF>.<CR><LF>", delay=True)
        if self.faulty and self.args.fault == "body-not-read":
            self.log.write("fault", conn=self.conn, kind="body-not-read")
            await asyncio.sleep(ENDLESS_SECONDS)
            return False
        body = bytearray()
        while True:
            raw = await self.reader.readuntil(b"\r\n")
            if raw == b".\r\n":
                break
            body += raw[1:] if raw.startswith(b".") else raw
        self.log.write("message", conn=self.conn, mail_from=self.mail_from, rcpt_to=self.rcpt_to,
                       length=len(body), data_b64=base64.b64encode(bytes(body)).decode("ascii"))
        if self.faulty and self.args.fault == "silent-after-dot":
            self.log.write("fault", conn=self.conn, kind="silent-after-dot")
            await self.forever()
            return False
        await self.reply("250 2.0.0 OK: queued", delay=True)
        self.mail_from, self.rcpt_to = None, []
        if self.faulty and self.args.fault == "close-after-message":
            self.log.write("fault", conn=self.conn, kind="close-after-message")
            return False
        return True


def parse_args(argv):
    p = argparse.ArgumentParser(description="scripted misbehaving SMTP server for Herald's tests")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--fault", choices=FAULTS)
    p.add_argument("--fault-skip", type=int, default=0)
    p.add_argument("--ehlo", action="append", default=[])
    p.add_argument("--reply-delay", type=float)
    return p.parse_args(argv)


async def serve(args):
    loop = asyncio.get_running_loop()
    log = EventLog(args.log)
    server = Server(args, log)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.fault == "body-not-read":
        # A small receive buffer (inherited by each connection, with autotuning off): the
        # client's writes stall after a few hundred KB, not after the tens of MB Linux allows.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(64)
    # The limit bounds one line read with readline/readuntil (a body line, a command).
    listener = await asyncio.start_server(server.session, sock=sock, limit=1 << 20)
    port = listener.sockets[0].getsockname()[1]
    log.write("listening", port=port)
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    listener.close()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # Swift's worker threads block SIGTERM/SIGINT, and a child inherits the mask: unblock them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
