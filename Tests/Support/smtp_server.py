#!/usr/bin/python3
"""A real SMTP server for Herald's delivery tests: Debian's aiosmtpd (1.4.3,
python3-aiosmtpd) with a JSON event log and fault injection.

Run it with /usr/bin/python3 (a pyenv `python3` on PATH may lack aiosmtpd):

    smtp_server.py --port 0 --log events.jsonl [options]

Once listening on 127.0.0.1 it prints exactly one line, `READY <port>`, on
stdout (flushed) and nothing else there; diagnostics go to stderr.  It runs
until SIGTERM or SIGINT, then exits with status 0.

Options
  --port N                 port to bind on 127.0.0.1 (0: a free one)
  --log FILE               append one JSON object per line per event (below)
  --tls-cert F --tls-key F certificate + key: STARTTLS is offered (smtp://)
  --implicit-tls           TLS from the first byte (smtps://); needs the cert
  --no-starttls            do not offer STARTTLS even though a cert is given
                           (a STARTTLS sent anyway gets 454)
  --require-tls            refuse MAIL (and, with a cert, every command except
                           EHLO/NOOP/STARTTLS/QUIT) before STARTTLS with 530
  --auth USER:PASSWORD     offer AUTH PLAIN LOGIN and require it (MAIL, RCPT
                           and DATA get 530 before a successful AUTH)
  --auth-insecure          allow AUTH without TLS (aiosmtpd refuses AUTH
                           before STARTTLS by default: auth_require_tls)

Faults (each applies only to recipients / messages with a recipient
containing --fault-match, when given; and at most --fault-times times in total
over the server's life, when given)
  --rcpt-reply CODE        reply CODE to RCPT TO (e.g. 450, 550)
  --data-reply CODE        reply CODE after the end of DATA instead of 250
  --drop-after-data        close the connection once the whole body (up to the
                           final ".") was received, without replying
  --drop-before-data       close the connection when DATA arrives (after the
                           RCPT replies, before 354): the body is never sent
  --slow-data SECONDS      sleep before replying to the end of DATA
  --pipelining             advertise PIPELINING (RFC 2920) in the EHLO reply;
                           aiosmtpd handles commands sent together one by one
  --max-messages-per-connection N
                           after N accepted messages on one connection, reply
                           "421 4.7.0 ..." to the next MAIL and close (not
                           subject to --fault-match / --fault-times)
  --fault-match SUBSTRING  recipient substring selecting where faults apply
  --fault-times N          inject the fault(s) at most N times (then behave)

Big runs
  --no-bodies              message events carry "message_id" but no
                           "data_b64", and command lines are not logged: a
                           run of thousands of messages keeps a small log
                           that a test can poll while it grows

Log events (every object has "event", "time" (Unix seconds) and, except
"listening", "conn" (a connection number starting at 1)):
  listening   {"port", "tls": "none"|"starttls"|"implicit"}
  connect     {"peer": [host, port], "tls"}
  command     {"line"}: a command line verbatim (bytes decoded as latin-1,
              final CRLF/LF removed; "crlf": whether it ended with CRLF), read
              before aiosmtpd handles it, so refused commands are logged too
  auth_response {"line"}: a client line inside an AUTH exchange (base64)
  tls         {"version", "cipher"}: STARTTLS handshake completed
  auth        {"mechanism", "user", "success"}
  fault       {"kind", "reply"?}: a fault was injected
  message     {"mail_from", "rcpt_to", "message_id", "data_b64", "length", "tls",
              "tls_version", "user", "accepted", "reply", "fault"}: a body
              was received (data: the bytes after dot-unstuffing, CRLF kept,
              without the final ".\r\n"; message_id: the Message-ID header's
              value, or null); "accepted" is true when the reply
              is 250; "reply" is the reply line, or null when dropped; "fault"
              is null or "drop-after-data", "data-reply", "slow-data",
              "data-reply+slow-data".  Written before the reply is sent and,
              with --slow-data, before the delay: a message whose reply a client
              never saw (it timed out) is still logged as accepted
  error       {"error"}: an exception in a session (e.g. TLS handshake)
  disconnect  {}
"""

import argparse
import asyncio
import base64
import email.parser
import email.policy
import json
import logging
import signal
import ssl
import sys
import time
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, syntax

TEXTS = {
    2: "2.0.0 OK (injected)",
    4: "4.3.0 Temporary failure (injected)",
    5: "5.7.1 Permanent failure (injected)",
}
RCPT_TEXTS = {
    4: "4.2.1 Mailbox temporarily unavailable (injected)",
    5: "5.1.1 Mailbox unavailable (injected)",
}


def reply_line(code, texts=TEXTS):
    return f"{code} {texts.get(code // 100, 'Reply (injected)')}"


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


class Config:
    """What the command line asked for, plus the server-wide fault budget."""

    def __init__(self, args):
        self.args = args
        self.faults_left = args.fault_times  # None: unlimited
        self.connections = 0

    def matches(self, addresses):
        needle = self.args.fault_match
        return needle is None or any(needle in a for a in addresses)

    def take_fault(self):
        if self.faults_left is None:
            return True
        if self.faults_left <= 0:
            return False
        self.faults_left -= 1
        return True


HEADER_PARSER = email.parser.BytesHeaderParser(policy=email.policy.compat32)


def message_id_of(data):
    """The Message-ID header of a message's bytes (folding undone), or None."""
    end = data.find(b"\r\n\r\n")
    headers = HEADER_PARSER.parsebytes(data if end < 0 else data[:end + 4])
    value = headers.get("Message-ID")
    return " ".join(str(value).split()) if value is not None else None


def tls_of(transport):
    ssl_object = transport.get_extra_info("ssl_object") if transport else None
    if ssl_object is None:
        return False, None, None
    cipher = ssl_object.cipher()
    return True, ssl_object.version(), cipher[0] if cipher else None


def authenticate(server, session, envelope, mechanism, auth_data):
    """aiosmtpd `authenticator`: checks the --auth USER:PASSWORD pair."""
    user, password = server.herald_config.args.auth
    assert isinstance(auth_data, LoginPassword)
    login = auth_data.login.decode("utf-8", "replace")
    ok = auth_data.login == user.encode() and auth_data.password == password.encode()
    server.herald_log.write("auth", conn=server.herald_conn, mechanism=mechanism, user=login, success=ok)
    if ok:
        server.herald_user = login
        return AuthResult(success=True, auth_data=login)
    return AuthResult(success=False, handled=False)


class Handler:
    def __init__(self, config, log):
        self.config = config
        self.log = log

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd always offers AUTH (once TLS is up); without --auth, offer nothing.
        session.host_name = hostname
        if self.config.args.auth is None:
            responses = [r for r in responses if not r[4:].upper().startswith("AUTH")]
        if self.config.args.pipelining:
            responses = responses[:-1] + ["250-PIPELINING"] + responses[-1:]
        return responses

    async def handle_MAIL(self, server, session, envelope, address, options):
        args = self.config.args
        limit = args.max_messages_per_connection
        if limit is not None and server.herald_messages >= limit:
            self.log.write("fault", conn=server.herald_conn, kind="max-messages-per-connection",
                           reply="421")
            await server.push("421 4.7.0 Too many messages on this connection, closing")
            await server.herald_drop(kind="close-after-421")
        if args.require_tls and not tls_of(server.transport)[0]:
            return "530 5.7.0 Must issue a STARTTLS command first"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        args = self.config.args
        if args.rcpt_reply is not None and self.config.matches([address]) and self.config.take_fault():
            reply = reply_line(args.rcpt_reply, RCPT_TEXTS)
            self.log.write("fault", conn=server.herald_conn, kind="rcpt-reply", reply=reply)
            if args.rcpt_reply // 100 == 2:
                envelope.rcpt_tos.append(address)
                envelope.rcpt_options.extend(options)
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        args = self.config.args
        data = envelope.original_content or b""
        tls, version, _ = tls_of(server.transport)
        record = dict(
            conn=server.herald_conn, mail_from=envelope.mail_from, rcpt_to=list(envelope.rcpt_tos),
            message_id=message_id_of(data), length=len(data), tls=tls,
            tls_version=version, user=server.herald_user if session.authenticated else None)
        if not args.no_bodies:
            record["data_b64"] = base64.b64encode(data).decode("ascii")
        faulty = (args.drop_after_data or args.data_reply is not None or args.slow_data is not None) \
            and self.config.matches(envelope.rcpt_tos) and self.config.take_fault()
        if faulty and args.drop_after_data:
            self.log.write("message", accepted=False, reply=None, fault="drop-after-data", **record)
            await server.herald_drop(kind="drop-after-data")
        faults = []
        reply = "250 OK: queued"
        if faulty and args.data_reply is not None:
            reply = reply_line(args.data_reply)
            faults.append("data-reply")
        if faulty and args.slow_data is not None:
            faults.append("slow-data")
        accepted = reply.startswith("250")
        if accepted:
            server.herald_messages += 1
        # Logged before the reply is sent (and before a --slow-data delay, like a server that
        # queued the message and answers late): once a client sees 250, the log has the message.
        self.log.write("message", accepted=accepted, reply=reply, fault="+".join(faults) or None, **record)
        if faulty and args.slow_data is not None:
            self.log.write("fault", conn=server.herald_conn, kind="slow-data", seconds=args.slow_data)
            await asyncio.sleep(args.slow_data)
        return reply


class HeraldSMTP(SMTP):
    """aiosmtpd's SMTP plus the event log, verbatim command capture and drops."""

    def __init__(self, handler, config, log, implicit_tls, **kwargs):
        super().__init__(handler, **kwargs)
        self.herald_config = config
        self.herald_log = log
        self.herald_implicit = implicit_tls
        self.herald_conn = None
        self.herald_messages = 0
        self.herald_user = None
        self.herald_in_auth = False

    # Capture every line the command loop reads: aiosmtpd reads commands with
    # readuntil() (separator b"\n"), DATA lines with readuntil(b"\r\n") and AUTH
    # continuation lines with readline() (which calls readuntil(b"\n")).
    def _client_connected_cb(self, reader, writer):
        super()._client_connected_cb(reader, writer)
        original_readuntil = reader.readuntil
        original_readline = reader.readline

        async def readuntil(separator=b"\n"):
            line = await original_readuntil(separator)
            if separator == b"\n":
                text = line.decode("latin-1")
                crlf = text.endswith("\r\n")
                text = text[:-2] if crlf else text[:-1] if text.endswith("\n") else text
                kind = "auth_response" if self.herald_in_auth else "command"
                if not self.herald_config.args.no_bodies:
                    self.herald_log.write(kind, conn=self.herald_conn, line=text, crlf=crlf)
            return line

        async def readline():
            self.herald_in_auth = True
            try:
                return await original_readline()
            finally:
                self.herald_in_auth = False

        reader.readuntil = readuntil
        reader.readline = readline

    def connection_made(self, transport):
        starttls_done = self._original_transport is not None
        super().connection_made(transport)
        if starttls_done:
            _, version, cipher = tls_of(transport)
            self.herald_log.write("tls", conn=self.herald_conn, version=version, cipher=cipher)
        else:
            self.herald_config.connections += 1
            self.herald_conn = self.herald_config.connections
            self.herald_log.write("connect", conn=self.herald_conn, peer=list(self.session.peer or []),
                                  tls=tls_of(transport)[0])

    def connection_lost(self, error):
        self.herald_log.write("disconnect", conn=self.herald_conn)
        super().connection_lost(error)

    @syntax("DATA")
    async def smtp_DATA(self, arg):
        config = self.herald_config
        if (config.args.drop_before_data and self.session.host_name and self.envelope.rcpt_tos
                and not (self._auth_required and not self.session.authenticated)
                and config.matches(self.envelope.rcpt_tos) and config.take_fault()):
            await self.herald_drop(kind="drop-before-data")
        return await super().smtp_DATA(arg)

    async def handle_exception(self, error):
        cause = f" ({type(error.__cause__).__name__}: {error.__cause__})" if error.__cause__ else ""
        self.herald_log.write("error", conn=self.herald_conn, error=f"{type(error).__name__}: {error}{cause}")
        return f"500 Error: ({type(error).__name__}) {error}"

    async def herald_drop(self, kind):
        """Closes the connection without a reply, and ends this session's handling."""
        self.herald_log.write("fault", conn=self.herald_conn, kind=kind)
        if self.transport is not None:
            self.transport.close()
        if self._original_transport is not None:
            self._original_transport.close()
        # connection_lost() cancels the handler coroutine, which is waiting here.
        await asyncio.sleep(3600)
        raise ConnectionResetError("dropped")


def parse_args(argv):
    p = argparse.ArgumentParser(description="SMTP test server for Herald (aiosmtpd)")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--no-starttls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--auth-insecure", action="store_true")
    p.add_argument("--rcpt-reply", type=int)
    p.add_argument("--fault-match")
    p.add_argument("--fault-times", type=int)
    p.add_argument("--data-reply", type=int)
    p.add_argument("--drop-after-data", action="store_true")
    p.add_argument("--drop-before-data", action="store_true")
    p.add_argument("--slow-data", type=float)
    p.add_argument("--max-messages-per-connection", type=int)
    p.add_argument("--pipelining", action="store_true")
    p.add_argument("--no-bodies", action="store_true")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.implicit_tls and not args.tls_cert:
        p.error("--implicit-tls needs --tls-cert and --tls-key")
    if args.auth is not None:
        if ":" not in args.auth:
            p.error("--auth takes USER:PASSWORD")
        args.auth = tuple(args.auth.split(":", 1))
    for name in ("rcpt_reply", "data_reply"):
        code = getattr(args, name)
        if code is not None and not 200 <= code <= 599:
            p.error(f"--{name.replace('_', '-')} takes a reply code 200..599")
    return args


async def serve(args):
    loop = asyncio.get_running_loop()
    log = EventLog(args.log)
    config = Config(args)
    handler = Handler(config, log)

    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    starttls_context = context if context is not None and not args.implicit_tls and not args.no_starttls else None

    def factory():
        server = HeraldSMTP(
            handler, config, log, args.implicit_tls,
            hostname="localhost",
            tls_context=starttls_context,
            require_starttls=bool(args.require_tls and starttls_context),
            auth_required=args.auth is not None,
            # aiosmtpd only knows about STARTTLS: over implicit TLS it would refuse AUTH.
            auth_require_tls=not (args.auth_insecure or args.implicit_tls),
            authenticator=authenticate if args.auth is not None else None,
        )
        return server

    def on_loop_exception(loop, context):
        # e.g. a failed implicit-TLS handshake: log it instead of a traceback.
        error = context.get("exception")
        log.write("error", conn=None, error=f"{type(error).__name__}: {error}" if error else context.get("message"))

    loop.set_exception_handler(on_loop_exception)

    server = await loop.create_server(
        factory, host="127.0.0.1", port=args.port, ssl=context if args.implicit_tls else None,
        reuse_address=True, backlog=256)
    port = server.sockets[0].getsockname()[1]
    mode = "implicit" if args.implicit_tls else "starttls" if starttls_context else "none"
    log.write("listening", port=port, tls=mode)
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    log.write("stopped", conn=None)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # A child inherits its parent thread's signal mask, and libdispatch worker threads (where
    # Swift concurrency runs tests) block SIGTERM/SIGINT: unblock them, or SIGTERM would stay
    # pending forever.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    # aiosmtpd warns (on stderr) about AUTH without TLS; that is asked for here.
    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr,
                        format="smtp_server: %(name)s: %(message)s")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
