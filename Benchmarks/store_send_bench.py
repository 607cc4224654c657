#!/usr/bin/env python3
"""Benchmark: `herald digest send` on a PostgreSQL store beside SQLite, and two instances on one digest.

Usage:
    store_send_bench.py [--count 100000] [--rounds 1] [--warmup 2000]
                        [--no-build | --herald-bin PATH] [--workdir /tmp/herald-bench/store-send]
                        [--cache-dir Benchmarks/.cache] [--skip-postgres] [--check-postgres]

COUNT subscribers, one digest, Postfix's smtp-sink as the relay (the config of
digest_send_vs_smtp_source.py: smtp transport, concurrency 4, no DKIM, the sample site's posts in
full), with only the store changed. Three cases, each with a fresh sink, a fresh store and the
same subscriber CSV:
  sqlite  store.path var/herald.sqlite: `herald subscribers import`, `herald digest send hebdo
          --no-wait` (plan), then ONE `herald digest send hebdo` under GNU time;
  pg-1    the same on store.url postgres://herald@127.0.0.1:PORT/DB (a database of its own);
  pg-2    import and plan once on PostgreSQL, then TWO `herald digest send hebdo` started
          together (each at concurrency 4, each under GNU time) deliver the one digest.
msgs/s = COUNT / wall seconds (for pg-2, from the start of the first to the end of the last).
Every send must exit 0 (75 means rows still queued: a failure here), print "COUNT sent", leave
every delivery of the digest "sent" (`herald digest list --json`), and the sink must have
received exactly COUNT messages (smtp-sink -c counters): no loss, no duplicate.

PostgreSQL is a throw-away cluster the script starts: Debian's /usr/lib/postgresql/*/bin (the
highest), `initdb -A trust -U herald --encoding=UTF8 --locale=C` in /tmp/herald-pg-*, run as the
postgres user (through /usr/sbin/runuser) when the script runs as root, listening on 127.0.0.1
and a free port, with PostgreSQL's DEFAULT durability (fsync, synchronous_commit and
full_page_writes on), as the SQLite store commits with synchronous=FULL. It is stopped
(`pg_ctl stop -m fast`) and its folder removed at the end, on an error or SIGTERM too.

Prints per case msgs/s, wall seconds, import and plan seconds, Herald's CPU seconds, the
PostgreSQL cluster's CPU seconds over the send, and each herald process's peak RSS (GNU time %M);
then `PostgreSQL/SQLite` (target >= 0.8x, PASS or MISS) and `two PostgreSQL instances / one`.
Exit status: 0 when every case completed (a MISS does not change it); 2 when the setup, a run or
a check failed.

--skip-postgres runs the SQLite case alone (no ratio). --check-postgres only starts the cluster,
creates a database, runs `SELECT 1` through the URL Herald would get, drops it and stops.
Only the Python standard library is used.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import pwd
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the repository
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchtools import GNU_TIME, BenchFailed, log, release_binary, run_main, swift_build, timed  # noqa: E402
from digest_send_vs_smtp_source import make_site  # noqa: E402
from mail_vs_smtp_source import CLK_TCK, Sink, free_port, postfix_tools, postfix_version  # noqa: E402

TARGET_RATIO = 0.8          # PostgreSQL msgs/s >= 0.8 x SQLite's
RUNUSER = "/usr/sbin/runuser"
PG_USER = "herald"          # the cluster's superuser (initdb -U); trust authentication
NEWSLETTER = "hebdo"

CASES = ["sqlite", "pg-1", "pg-2"]
LABELS = {"sqlite": "SQLite, 1 instance", "pg-1": "PostgreSQL, 1 instance", "pg-2": "PostgreSQL, 2 instances"}
INSTANCES = {"sqlite": 1, "pg-1": 1, "pg-2": 2}


# --- the PostgreSQL cluster ---------------------------------------------------

def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (index 0 = state, 1 = ppid,
    11/12 = utime/stime, 13/14 = cutime/cstime, in clock ticks); None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


class PgCluster:
    """A throw-away PostgreSQL cluster in /tmp/herald-pg-*, default durability, trust
    authentication for the superuser `herald`, on 127.0.0.1:PORT (what
    Sources/TestSupport/PostgresTestServer.swift does for the tests, durable)."""

    def __init__(self) -> None:
        self.bin = self.find_bin()
        self.root: str | None = None
        self.port = 0
        self.owner: str | None = None
        # Programs run without the caller's PG* variables (PGDATABASE, PGPASSWORD, ...), in English.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        self.env.update(LC_ALL="C", PGCONNECT_TIMEOUT="10")

    @staticmethod
    def find_bin() -> str:
        base = "/usr/lib/postgresql"
        try:
            versions = [v for v in os.listdir(base) if os.access(os.path.join(base, v, "bin", "initdb"), os.X_OK)]
        except OSError:
            versions = []
        if not versions:
            raise BenchFailed("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
                              "apt-get install postgresql")

        def key(v: str) -> float:
            try:
                return float(v)
            except ValueError:
                return 0.0
        return os.path.join(base, max(versions, key=key), "bin")

    @property
    def data(self) -> str:
        return os.path.join(self.root, "data")

    @property
    def log_path(self) -> str:
        return os.path.join(self.root, "postgres.log")

    def log_tail(self, lines: int = 20) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return "\n".join("    " + line for line in f.read().splitlines()[-lines:])
        except OSError:
            return "    (no server log)"

    def run(self, cmd: list[str], what: str, timeout: float = 60, as_owner: bool = False,
            check: bool = True) -> tuple[int, str]:
        """Runs cmd (as the cluster's owner if asked) in the cluster's folder; (status, output).
        Output goes through a file, not a pipe: the server pg_ctl starts must not hold it."""
        if as_owner and self.owner:
            cmd = [RUNUSER, "-u", self.owner, "--", *cmd]
        cwd = self.root if self.root and os.path.isdir(self.root) else "/"
        with tempfile.TemporaryFile() as out:
            try:
                proc = subprocess.run(cmd, cwd=cwd, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                      stderr=subprocess.STDOUT, timeout=timeout)
                status = proc.returncode
            except subprocess.TimeoutExpired:
                status = -1
            except FileNotFoundError as error:
                raise BenchFailed(f"{what}: {error}")
            out.seek(0)
            output = out.read().decode("utf-8", "replace")
        if check and status != 0:
            reason = f"timed out after {timeout:.0f} s" if status == -1 else f"exit status {status}"
            raise BenchFailed(f"{what} failed ({reason}): {' '.join(cmd)}\n"
                              + "\n".join("    " + line for line in output.strip().splitlines()[-20:]))
        return status, output

    def start(self, timeout: float = 60) -> None:
        # Short (the socket path, ROOT/.s.PGSQL.PORT, must fit in 107 bytes), under /tmp (which
        # the postgres user can traverse; /root cannot be), 0755.
        self.root = tempfile.mkdtemp(prefix="herald-pg-", dir="/tmp")
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:
            # initdb and postgres refuse to run as root: they run as postgres, which owns the folder.
            try:
                entry = pwd.getpwnam("postgres")
            except KeyError:
                raise BenchFailed("running as root, but there is no postgres user to run PostgreSQL as "
                                  "(apt-get install postgresql)")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.owner = "postgres"
            if not os.access(RUNUSER, os.X_OK):
                raise BenchFailed(f"running as root, but {RUNUSER} is missing (Debian package util-linux)")
        # --no-sync only spares initdb's own fsyncs of the files it writes; the server's settings
        # are initdb's defaults: fsync, synchronous_commit and full_page_writes on.
        self.run([os.path.join(self.bin, "initdb"), "-D", self.data, "-A", "trust", "-U", PG_USER,
                  "--encoding=UTF8", "--locale=C", "--no-sync"], "initdb", timeout=timeout * 2, as_owner=True)
        for attempt in range(1, 4):
            # Free when picked, but another process could bind it first: then pick again.
            self.port = free_port()
            options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=100")
            status, output = self.run([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l", self.log_path, "-w",
                                       "-t", str(int(timeout)), "-o", options, "start"],
                                      "pg_ctl start", timeout=timeout + 10, as_owner=True, check=False)
            if status == 0:
                break
            server_log = self.log_tail(40)
            if attempt < 3 and ("could not bind" in server_log or "already in use" in server_log):
                log(f"port {self.port} was taken; trying another")
                continue
            raise BenchFailed(f"pg_ctl start failed (exit status {status}):\n{output.strip()}\n"
                              f"--- server log:\n{server_log}")
        deadline = time.monotonic() + timeout
        while True:
            status, output = self.run([os.path.join(self.bin, "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port),
                                       "-U", PG_USER, "-d", "postgres", "-t", "2"], "pg_isready",
                                      timeout=10, check=False)
            if status == 0:
                return
            if time.monotonic() > deadline:
                raise BenchFailed(f"PostgreSQL does not accept connections on 127.0.0.1:{self.port} after "
                                  f"{timeout:.0f} s: {output.strip()}\n--- server log:\n{self.log_tail()}")
            time.sleep(0.05)

    def url(self, database: str) -> str:
        return f"postgres://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def psql(self, database: str, sql: str, timeout: float = 120) -> str:
        """psql -tAqX on DATABASE (a name, or a postgres:// URL); what it printed."""
        target = (["-d", database] if database.startswith("postgres://")
                  else ["-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, "-d", database])
        _, output = self.run([os.path.join(self.bin, "psql"), *target, "-tAqX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             f"psql {sql!r}", timeout=timeout)
        return output.strip()

    def create_database(self, name: str) -> str:
        self.psql("postgres", f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def version(self) -> str:
        return self.psql("postgres", "SHOW server_version")

    def settings(self) -> dict[str, str]:
        names = ["fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "shared_buffers",
                 "max_connections", "max_wal_size"]
        quoted = ",".join(f"'{n}'" for n in names)
        rows = self.psql("postgres", f"SELECT name, current_setting(name) FROM pg_settings WHERE name IN ({quoted})")
        return dict(line.split("|", 1) for line in rows.splitlines() if "|" in line)

    def postmaster_pid(self) -> int | None:
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) of the whole cluster so far: the postmaster, the backends
        it has reaped (its cutime/cstime) and those still running. Approximate: a backend reaped
        between the two reads counts twice or not at all."""
        pid = self.postmaster_pid()
        if pid is None:
            return float("nan")
        ticks = 0
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) != pid:
                fields = proc_stat(int(entry))
                if fields and fields[1] == str(pid):
                    ticks += sum(int(x) for x in fields[11:15])
        fields = proc_stat(pid)
        if not fields:
            return float("nan")
        return (ticks + sum(int(x) for x in fields[11:15])) / CLK_TCK

    def stop(self) -> None:
        """pg_ctl stop -m fast (then -m immediate, then SIGKILL), and the folder removed. Idempotent."""
        if not self.root:
            return
        root = self.root  # run() and data need self.root until the folder is gone
        try:
            if os.path.exists(os.path.join(self.data, "postmaster.pid")):
                pg_ctl = os.path.join(self.bin, "pg_ctl")
                stopped = False
                for mode in ("fast", "immediate"):
                    status, output = self.run([pg_ctl, "-D", self.data, "-m", mode, "-w", "-t", "30", "stop"],
                                              f"pg_ctl stop -m {mode}", timeout=40, as_owner=True, check=False)
                    if status == 0:
                        stopped = True
                        break
                    log(f"pg_ctl stop -m {mode} failed ({status}): {output.strip()}")
                if not stopped:
                    pid = self.postmaster_pid()
                    if pid:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
        finally:
            shutil.rmtree(root, ignore_errors=True)
            self.root = None


def check_postgres() -> int:
    """--check-postgres: start, create a database, SELECT 1 through Herald's URL, drop, stop."""
    cluster = PgCluster()
    try:
        cluster.start()
        root, pid = cluster.root, cluster.postmaster_pid()
        print(f"PostgreSQL {cluster.version()} ({cluster.bin}) in {cluster.root}, 127.0.0.1:{cluster.port}, "
              f"run as {cluster.owner or pwd.getpwuid(os.geteuid()).pw_name}, postmaster pid {pid}")
        print("settings: " + ", ".join(f"{k}={v}" for k, v in sorted(cluster.settings().items())))
        url = cluster.create_database("herald_bench_check")
        answer = cluster.psql(url, "SELECT 1")
        if answer != "1":
            raise BenchFailed(f"SELECT 1 on {url} printed {answer!r}")
        print(f"CREATE DATABASE, then SELECT 1 on {url}: {answer}")
        cluster.drop_database("herald_bench_check")
        print(f"cluster CPU so far: {cluster.cpu_seconds():.2f} s")
    finally:
        cluster.stop()
    if os.path.exists(root):
        raise BenchFailed(f"{root} is still there after the stop")
    fields = proc_stat(pid) if pid else None
    if fields and fields[0] != "Z":  # a zombie has exited; init reaps it when it gets to it
        raise BenchFailed(f"the postmaster (pid {pid}) still runs after the stop")
    print(f"stopped; {root} removed; PostgreSQL check OK")
    return 0


# --- the sink -------------------------------------------------------------------

class CountingSink(Sink):
    """Sink's smtp-sink with -c: its counters ("sess=N quit=N mesg=N", one update per line
    ended by CR) go to a file, so the messages received can be counted."""

    def __init__(self, binary: str, env: dict, counters: str):
        self.counters = counters
        super().__init__(binary, env, counters=counters)

    def received(self) -> int:
        """Messages received so far (the last mesg= counter)."""
        with open(self.counters, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 256))
            found = re.findall(rb"mesg=(\d+)", f.read())
        return int(found[-1]) if found else 0

    def wait_received(self, expected: int, timeout: float = 3) -> int:
        """received(), once it reaches expected or stops moving for `timeout` seconds."""
        last, since = self.received(), time.monotonic()
        while last < expected and time.monotonic() - since < timeout:
            time.sleep(0.05)
            now = self.received()
            if now != last:
                last, since = now, time.monotonic()
        return last


class SinkWatch:
    """When the sink's count reached `expected`, in seconds since `origin` (a perf_counter
    value): polled every 10 ms in a thread, from the file smtp-sink -c writes."""

    def __init__(self, sink: CountingSink, expected: int, origin: float):
        self.sink, self.expected, self.origin = sink, expected, origin
        self.done_at: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            if self.sink.received() >= self.expected:
                self.done_at = time.perf_counter() - self.origin
                return
            self._stop.wait(0.01)

    def stop(self) -> float | None:
        self._stop.set()
        self._thread.join()
        return self.done_at


# --- a case -----------------------------------------------------------------------

EXIT_HINTS = {75: "75: deliveries still queued (deferred, or uncertain and due for a retry): the sink "
                  "refused some, or connections failed"}


def send_one(herald: str, folder: str, env: dict) -> dict:
    try:
        sent = timed([herald, "digest", "send", NEWSLETTER], "herald digest send", cwd=folder, env=env,
                     capture_stdout=True)
    except BenchFailed as error:
        if "exit status 75" in str(error):
            raise BenchFailed(f"{error}\n    ({EXIT_HINTS[75]})")
        raise
    sent["start"] = 0.0
    sent["end"] = sent["wall"]
    sent["returncode"] = 0
    sent["own_sent"] = None
    return sent


def send_together(herald: str, folder: str, env: dict, instances: int, origin: float) -> tuple[float, list[dict]]:
    """Starts INSTANCES `herald digest send` at once, each under GNU time (output in files of
    FOLDER), and waits for all; (seconds from ORIGIN, just before the first start, to the last
    end; per process, its start and end since ORIGIN and what GNU time said)."""
    procs: list[subprocess.Popen] = []
    files = []
    runs: list[dict] = []
    try:
        for i in range(1, instances + 1):
            report = os.path.join(folder, f"send-{i}.time")
            out = open(os.path.join(folder, f"send-{i}.stdout"), "wb")
            err = open(os.path.join(folder, f"send-{i}.stderr"), "wb")
            files += [out, err]
            start = time.perf_counter() - origin
            procs.append(subprocess.Popen([GNU_TIME, "-f", "%e %U %S %M", "-o", report, herald, "digest", "send",
                                           NEWSLETTER], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                          stdout=out, stderr=err))
            runs.append({"start": start, "report": report, "stdout_path": out.name, "stderr_path": err.name})
        ends: list[float | None] = [None] * instances

        def wait(i: int) -> None:
            procs[i].wait()
            ends[i] = time.perf_counter() - origin
        threads = [threading.Thread(target=wait, args=(i,), daemon=True) for i in range(instances)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        total = max(ends)
    finally:
        for p in procs:
            if p.poll() is None:  # only on an error or a signal: stop what still runs
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for f in files:
            f.close()
    failures = []
    for i, (p, run) in enumerate(zip(procs, runs), start=1):
        with open(run["stdout_path"], encoding="utf-8", errors="replace") as f:
            run["stdout"] = f.read()
        with open(run["stderr_path"], encoding="utf-8", errors="replace") as f:
            stderr = f.read()
        run["returncode"] = p.returncode
        run["end"] = ends[i - 1]
        run["wall"] = run["end"] - run["start"]
        if p.returncode != 0:
            tail = (run["stdout"] + stderr).strip().splitlines()[-10:]
            hint = f" ({EXIT_HINTS[p.returncode]})" if p.returncode in EXIT_HINTS else ""
            failures.append(f"instance {i} exited with status {p.returncode}{hint}:\n"
                            + "\n".join("    " + line for line in tail))
            continue
        with open(run["report"]) as f:
            wall, user, sys_, rss = f.read().strip().splitlines()[-1].split()
        run.update(wall_gnu=float(wall), user=float(user), sys=float(sys_), rss_kib=int(rss))
        # The last progress line ("[###] done/total  sent N ...") counts this process's own sends.
        progress = [line for line in stderr.splitlines() if line.startswith("[")]
        found = re.search(r"\bsent (\d+)", progress[-1]) if progress else None
        run["own_sent"] = int(found.group(1)) if found else None
    if failures:
        raise BenchFailed("two instances: " + "\n".join(failures))
    return total, runs


def digest_counts(herald: str, folder: str, env: dict) -> dict:
    proc = subprocess.run([herald, "digest", "list", "--json"], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True)
    if proc.returncode != 0:
        raise BenchFailed(f"herald digest list --json failed ({proc.returncode}): "
                          f"{proc.stderr.decode('utf-8', 'replace').strip()}")
    entries = [e for e in json.loads(proc.stdout) if e.get("newsletter") == NEWSLETTER]
    if len(entries) != 1:
        raise BenchFailed(f"expected one digest of {NEWSLETTER}, `herald digest list --json` shows {len(entries)}")
    return entries[0]


def write_store(config: str, store: dict) -> None:
    with open(config, encoding="utf-8") as f:
        data = json.load(f)
    data["store"] = store
    with open(config, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)


def run_case(case: str, tag: str, herald: str, sink_bin: str, sink_env: dict, cluster: PgCluster | None,
             workdir: str, count: int) -> dict:
    """One case on a fresh sink and a fresh store: import, plan, send (timed), checks."""
    folder = os.path.join(workdir, f"{case}-{tag}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    database = None
    sink = CountingSink(sink_bin, sink_env, os.path.join(folder, "sink-counters.txt"))
    ok = False
    try:
        config, subscribers = make_site(folder, sink.port, None, count)
        if case == "sqlite":
            write_store(config, {"path": "var/herald.sqlite"})
        else:
            database = f"herald_bench_{case.replace('-', '_')}_{tag}"
            write_store(config, {"url": cluster.create_database(database)})
        env = dict(os.environ, HERALD_CONFIG=config)
        # The first open of the store (the import) applies Herald's migrations, on either store.
        imported = timed([herald, "subscribers", "import", subscribers], "herald subscribers import",
                         cwd=folder, env=env)
        planned = timed([herald, "digest", "send", NEWSLETTER, "--no-wait"], "plan (digest send --no-wait)",
                        cwd=folder, env=env, capture_stdout=True)
        if f"{count} recipients" not in planned["stdout"]:
            raise BenchFailed(f"the plan is not one digest to {count} recipients: {planned['stdout'].strip()}")
        cpu_before = cluster.cpu_seconds() if database else float("nan")
        sink_before = sink.cpu_seconds()
        origin = time.perf_counter()
        watch = SinkWatch(sink, count, origin)
        try:
            if INSTANCES[case] == 1:
                sends = [send_one(herald, folder, env)]
                wall = sends[0]["wall"]
            else:
                wall, sends = send_together(herald, folder, env, INSTANCES[case], origin)
        finally:
            sink_done = watch.stop()
        if database:
            time.sleep(0.2)  # the backends of the connections herald closed exit and are reaped
        server_cpu = cluster.cpu_seconds() - cpu_before if database else float("nan")
        sink_cpu = sink.cpu_seconds() - sink_before
        for i, s in enumerate(sends, start=1):
            if f"{count} sent" not in s["stdout"]:
                raise BenchFailed(f"{case}: instance {i} did not report all {count} sent: {s['stdout'].strip()}")
        received = sink.wait_received(count)
        if received != count:
            raise BenchFailed(f"{case}: smtp-sink received {received} messages, not {count}"
                              + (" (duplicates)" if received > count else ""))
        digest = digest_counts(herald, folder, env)
        deliveries = {k: v for k, v in digest.get("deliveries", {}).items() if v}
        if deliveries != {"sent": count}:
            raise BenchFailed(f"{case}: the digest's deliveries are {deliveries}, not {{'sent': {count}}}")
        ok = True
    finally:
        sink.stop()
        if not ok:
            log(f"{case}: its site, store and sink counters are kept in {folder}")
    if database:
        cluster.drop_database(database)
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "case": case, "count": count, "wall": wall, "rate": count / wall,
        "import_s": imported["wall"], "plan_s": planned["wall"],
        "rss_mib": [s["rss_kib"] / 1024 for s in sends],
        "cpu": [s["user"] + s["sys"] for s in sends],
        "walls": [s["wall"] for s in sends], "starts": [s["start"] for s in sends],
        "own_sent": [s["own_sent"] for s in sends],
        "server_cpu": server_cpu, "sink_cpu": sink_cpu, "received": received,
        "sink_done": sink_done if sink_done is not None else float("nan"),
    }


def describe(r: dict) -> str:
    text = (f"  {LABELS[r['case']]:<24} {r['rate']:8.0f} msgs/s  wall {r['wall']:.2f} s  "
            f"last message in the sink at {r['sink_done']:.2f} s  "
            f"import {r['import_s']:.2f} s  plan {r['plan_s']:.2f} s  "
            f"RSS {' / '.join(f'{m:.1f}' for m in r['rss_mib'])} MiB")
    if len(r["walls"]) > 1:
        text += ("  (each: " + ", ".join(
            f"{w:.2f} s from +{s:.3f} s" + (f", sent {n}" if n is not None else "")
            for w, s, n in zip(r["walls"], r["starts"], r["own_sent"])) + ")")
    return text


# --- the report ---------------------------------------------------------------------

def summarize(runs: list[dict]) -> dict:
    instances = len(runs[0]["rss_mib"])
    return {
        "rate": statistics.median(r["rate"] for r in runs),
        "wall": statistics.median(r["wall"] for r in runs),
        "import_s": statistics.median(r["import_s"] for r in runs),
        "plan_s": statistics.median(r["plan_s"] for r in runs),
        "rss_mib": [max(r["rss_mib"][i] for r in runs) for i in range(instances)],
        "cpu": [statistics.median(r["cpu"][i] for r in runs) for i in range(instances)],
        "server_cpu": statistics.median(r["server_cpu"] for r in runs),
        "sink_cpu": statistics.median(r["sink_cpu"] for r in runs),
        "sink_done": statistics.median(r["sink_done"] for r in runs),
        "rates": [r["rate"] for r in runs],
    }


def print_report(results: dict[str, list[dict]], count: int, rounds: int) -> None:
    print(f"\n{count} subscribers, one digest, smtp-sink; msgs/s = subscribers / wall seconds of the send "
          f"(median of {rounds} round(s)); peak RSS per herald process (GNU time %M, the largest of the rounds)\n")
    header = (f"{'case':<25}{'msgs/s':>8}{'wall s':>8}{'sink done s':>13}{'import s':>10}{'plan s':>8}"
              f"{'herald CPU s':>14}{'postgres CPU s':>16}{'sink CPU s':>12}  peak RSS MiB")
    print(header)
    print("-" * (len(header) + 8))
    for case in CASES:
        if case not in results:
            continue
        s = summarize(results[case])
        server = "" if s["server_cpu"] != s["server_cpu"] else f"{s['server_cpu']:.2f}"  # NaN: SQLite
        print(f"{LABELS[case]:<25}{s['rate']:>8.0f}{s['wall']:>8.2f}{s['sink_done']:>13.2f}{s['import_s']:>10.2f}"
              f"{s['plan_s']:>8.2f}{' + '.join(f'{c:.2f}' for c in s['cpu']):>14}{server:>16}{s['sink_cpu']:>12.2f}  "
              + " / ".join(f"{m:.1f}" for m in s["rss_mib"]))
    if rounds > 1:
        print()
        for case in CASES:
            if case in results:
                print(f"  {LABELS[case]}: rounds " + ", ".join(f"{r:.0f}" for r in summarize(results[case])["rates"])
                      + " msgs/s")
    print()
    if "sqlite" in results and "pg-1" in results:
        ratio = summarize(results["pg-1"])["rate"] / summarize(results["sqlite"])["rate"]
        verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
        print(f"PostgreSQL/SQLite: {ratio:.2f}x (target >= {TARGET_RATIO}x) {verdict}")
    else:
        print("PostgreSQL/SQLite: not measured (--skip-postgres or --cases)")
    if "pg-1" in results and "pg-2" in results:
        two, one = summarize(results["pg-2"]), summarize(results["pg-1"])
        print(f"two PostgreSQL instances / one: {two['rate'] / one['rate']:.2f}x")
        # A process whose own rows are done waits, in 1 s steps, for the rows the other still
        # holds: the last process can end up to a second after the last message.
        print(f"  (by the time of the last message in the sink instead: {one['sink_done'] / two['sink_done']:.2f}x)")
    else:
        print("two PostgreSQL instances / one: not measured (--skip-postgres or --cases)")


def descendants(root: int) -> list[int]:
    """The processes under `root` (children first), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = proc_stat(int(entry))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(0), []):
            found.append(child)
            queue.append(child)
    return found


def on_signal(number: int, frame) -> None:
    # subprocess kills GNU time on the way out, not the herald under it: SIGTERM everything
    # under this process first (herald then lets its messages in flight finish and exits).
    for pid in descendants(os.getpid()):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    sys.exit(128 + number)


def filesystem(path: str) -> str:
    proc = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True)
    return proc.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="subscribers (default 100000)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of the three cases (default 1); medians shown")
    parser.add_argument("--warmup", type=int, default=2000,
                        help="subscribers of an untimed first SQLite and PostgreSQL run (default 2000; 0: none)")
    parser.add_argument("--no-build", action="store_true", help="use the existing .build/release/herald")
    parser.add_argument("--herald-bin", metavar="PATH", help="run this herald executable instead of building one")
    parser.add_argument("--workdir", default="/tmp/herald-bench/store-send",
                        help="where each case's site and SQLite store go (default /tmp/herald-bench/store-send)")
    parser.add_argument("--cache-dir", default=os.path.join(HERE, ".cache"),
                        help="where the postfix .deb is downloaded and unpacked (default Benchmarks/.cache)")
    parser.add_argument("--cases", metavar="LIST", help=f"only these cases, comma-separated ({','.join(CASES)}); "
                        "the ratios need their two cases")
    parser.add_argument("--skip-postgres", action="store_true", help="the SQLite case alone (no PostgreSQL cluster)")
    parser.add_argument("--check-postgres", action="store_true",
                        help="only start the PostgreSQL cluster, create a database, SELECT 1, and stop")
    args = parser.parse_args(argv)
    if args.count < 1 or args.rounds < 1 or args.warmup < 0:
        parser.error("--count and --rounds must be >= 1, --warmup >= 0")
    # SIGTERM (and SIGHUP) unwind like Ctrl-C: the finally blocks stop the cluster and the sinks.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    if args.check_postgres:
        return check_postgres()
    if not os.access(GNU_TIME, os.X_OK):
        raise BenchFailed(f"{GNU_TIME} not found: apt-get install time")

    if args.herald_bin:
        herald = os.path.abspath(args.herald_bin)
        if not os.access(herald, os.X_OK):
            raise BenchFailed(f"--herald-bin {args.herald_bin} is not an executable")
    else:
        herald = release_binary("herald") if args.no_build else swift_build("herald")
    cache = os.path.abspath(args.cache_dir)
    sink_bin, _, sink_env = postfix_tools(cache)
    workdir = os.path.abspath(args.workdir)
    os.makedirs(workdir, exist_ok=True)
    cases = ["sqlite"] if args.skip_postgres else list(CASES)
    if args.cases:
        cases = [c for c in CASES if c in args.cases.split(",")]
        unknown = set(args.cases.split(",")) - set(CASES)
        if unknown or (args.skip_postgres and cases != ["sqlite"]):
            raise BenchFailed(f"--cases: choose among {', '.join(CASES)} (got {args.cases})")

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor()) if os.path.exists("/proc/cpuinfo") else platform.processor()
    print(f"machine: {os.cpu_count()} CPUs, {cpu}; {platform.platform()}")
    print(f"herald:  {herald}")
    print(f"postfix: {postfix_version(cache)} (smtp-sink -c)")
    print(f"SQLite:  store.path var/herald.sqlite in {workdir}/CASE-ROUND ({filesystem(workdir)}), "
          f"synchronous=FULL (the SQLite store's own setting)")
    sys.stdout.flush()

    results: dict[str, list[dict]] = {case: [] for case in cases}
    cluster = None
    try:
        if any(case != "sqlite" for case in cases):
            cluster = PgCluster()
            cluster.start()
            settings = cluster.settings()
            print(f"PostgreSQL: {cluster.version()} ({cluster.bin}), throw-away cluster in {cluster.root} "
                  f"({filesystem(cluster.root)}), 127.0.0.1:{cluster.port}, one database per case")
            print("  " + ", ".join(f"{k}={v}" for k, v in sorted(settings.items())))
            if settings.get("fsync") != "on" or settings.get("synchronous_commit") != "on":
                raise BenchFailed("the cluster does not run with PostgreSQL's default durability "
                                  "(fsync and synchronous_commit on): the comparison would not be fair")
            print("  default durability (fsync and synchronous_commit on), like SQLite's synchronous=FULL: "
                  "like with like")
            sys.stdout.flush()
        if args.warmup:
            # Untimed: the first run after a build pays for cold caches (the binary and its libraries
            # read from disk; for PostgreSQL, the cluster's first tables), which would favour the later cases.
            for case in [c for c in cases if c != "pg-2"]:
                log(f"-- warm-up: {LABELS[case]}, {args.warmup} subscribers, not counted")
                run_case(case, "warmup", herald, sink_bin, sink_env, cluster, workdir, args.warmup)
        for round_ in range(1, args.rounds + 1):
            # Each round starts with another case, so that no store always goes first.
            shift = (round_ - 1) % len(cases)
            for case in cases[shift:] + cases[:shift]:
                log(f"-- round {round_}/{args.rounds}: {LABELS[case]}, {args.count} subscribers")
                r = run_case(case, f"r{round_}", herald, sink_bin, sink_env, cluster, workdir, args.count)
                results[case].append(r)
                log(describe(r))
    finally:
        if cluster:
            cluster.stop()
    print_report(results, args.count, args.rounds)
    return 0


if __name__ == "__main__":
    run_main(main)
