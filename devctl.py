#!/usr/bin/env python3
"""Developer loop of the whatsapp_inbox Odoo 18 addon (standard library only: run it with python3).

    python3 devctl.py setup   Debian packages, .venv and a PostgreSQL server (quick once done;
                              every other command runs it first)
    python3 devctl.py test    the addon's Odoo tests on a fresh database, then the black-box
                              tests in tests/ against that database served with 2 workers;
                              [--tags /whatsapp_inbox:TestFoo] runs a subset and no black-box
                              tests, [--db NAME] reuses (or creates) NAME and keeps it,
                              [--keep-db] keeps the fresh database
    python3 devctl.py demo    database whatsapp_inbox_demo with demo data, served on :8069
    python3 devctl.py lint    ruff on the repository, pylint-odoo on the addon
    python3 devctl.py bench   bench/*.py (or the scripts given) against wai_bench served on :8070

Environment: ODOO_SRC (Odoo 18 source, default /opt/odoo); PGHOST, PGPORT, PGUSER (a server of
your own); WAI_PG_PORT (port of the server tried on 127.0.0.1, default 5432; when none answers, a
private one is started in .pgdata/ on 127.0.0.1:55432); WAI_ADDONS_DIR (the folder holding
whatsapp_inbox, default this repository); WAI_DEMO_DB, WAI_DEMO_PORT, WAI_SIM_PORT, WAI_BENCH_DB,
WAI_BENCH_PORT (to run several demos or benches side by side).
"""

import argparse
import asyncio
import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo"))
ODOO_BIN = ODOO_SRC / "odoo-bin"
ADDONS_DIR = Path(os.environ.get("WAI_ADDONS_DIR", REPO)).resolve()
ADDON = "whatsapp_inbox"
VENV = REPO / ".venv"
PY = VENV / "bin" / "python"
LOGS = REPO / "logs"
PGDATA = REPO / ".pgdata"
PRIVATE_PG_PORT = "55432"
APT_PACKAGES = ["libldap2-dev", "libsasl2-dev", "chromium"]
REQUIREMENTS = [ODOO_SRC / "requirements.txt", REPO / "requirements.txt",
                REPO / "requirements-dev.txt"]
CONSTRAINTS = REPO / "constraints.txt"
DEMO_DB = os.environ.get("WAI_DEMO_DB", "whatsapp_inbox_demo")
DEMO_PORT = int(os.environ.get("WAI_DEMO_PORT", 8069))
# The demo connection of whatsapp_inbox/demo/ and the simulator that plays Meta for it.
SIMULATOR_PORT = int(os.environ.get("WAI_SIM_PORT", 8079))
DEMO_ACCOUNT = "100000000000001:demo-access-token:demo-app-secret:200000000000001"
BENCH_DB = os.environ.get("WAI_BENCH_DB", "wai_bench")
BENCH_PORT = int(os.environ.get("WAI_BENCH_PORT", 8070))

# What Odoo's test log tells (odoo/tests/result.py, odoo/service/server.py).
TEST_SUMMARY = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
BROWSER_SKIPPED = re.compile(r"skipped .* : .*(websocket|chrom)", re.IGNORECASE)


class Failure(Exception):
    """A step failed; the message says which and why."""


def say(message):
    print(f"devctl: {message}", flush=True)


# ---------------------------------------------------------------------------------------- setup


def setup():
    """Make everything the other commands need; return the PostgreSQL server to use."""
    ensure_apt(APT_PACKAGES)
    ensure_venv()
    return ensure_postgres()


def ensure_apt(packages):
    missing = [
        package
        for package in packages
        if "install ok installed" not in subprocess.run(
            ["dpkg", "-s", package], capture_output=True, text=True
        ).stdout
    ]
    if not missing:
        return
    if os.geteuid() != 0:
        raise Failure(f"Missing Debian packages: sudo apt-get install -y {' '.join(missing)}")
    say(f"installing Debian packages: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, env=env)


def ensure_venv():
    """(Re)install the requirements into .venv when they changed since the last install."""
    files = [*REQUIREMENTS, CONSTRAINTS]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()
    stamp = VENV / "devctl-requirements.sha256"
    if stamp.is_file() and stamp.read_text() == digest:
        return
    if not PY.exists():
        say("creating .venv")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    say("installing Python requirements into .venv (about a minute the first time)")
    # PIP_CONSTRAINT (unlike -c) also reaches pip's isolated build environments.
    subprocess.run(
        [PY, "-m", "pip", "install", "-q", *(arg for path in REQUIREMENTS for arg in ("-r", path))],
        check=True,
        env=dict(os.environ, PIP_CONSTRAINT=str(CONSTRAINTS)),
    )
    stamp.write_text(digest)


@dataclass
class Postgres:
    host: str
    port: str
    user: str = "odoo"

    def psql(self, sql, db="postgres", user=None, check=False):
        """Output of one SQL statement, or None when it fails (an error when check is set)."""
        result = subprocess.run(
            [pg_tool("psql"), "-XAtq", "-h", self.host, "-p", self.port,
             "-U", user or self.user, "-d", db, "-c", sql],
            capture_output=True, text=True,
        )
        if result.returncode and check:
            raise Failure(f"PostgreSQL refused {sql!r}: {result.stderr.strip()}")
        return None if result.returncode else result.stdout.strip()

    def answers(self):
        ready = subprocess.run([pg_tool("pg_isready"), "-q", "-h", self.host, "-p", self.port])
        return ready.returncode == 0

    def odoo_args(self):
        return [f"--db_host={self.host}", f"--db_port={self.port}", f"--db_user={self.user}"]

    def env(self):
        return {"PGHOST": self.host, "PGPORT": self.port, "PGUSER": self.user}


def pg_tool(name):
    """Path of a PostgreSQL program, installing Debian's postgresql when there is none."""
    versions = Path("/usr/lib/postgresql")
    if not any(versions.glob("*/bin")):
        ensure_apt(["postgresql"])
    newest = max(versions.glob("*/bin"), key=lambda path: float(path.parent.name))
    return str(newest / name)


def ensure_postgres():
    """The server named by PG* variables if it answers, else 127.0.0.1, else a private one."""
    env = os.environ
    candidates = [Postgres("127.0.0.1", env.get("WAI_PG_PORT", "5432"))]
    if {"PGHOST", "PGPORT", "PGUSER"} & env.keys():
        candidates.insert(0, Postgres(env.get("PGHOST", ""), env.get("PGPORT", "5432"),
                                      env.get("PGUSER", "odoo")))
    pg = next((pg for pg in candidates if pg.answers()), None) or start_private_postgres()
    # Odoo refuses the postgres role: it needs a login role that may create databases.
    if pg.psql("SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user") != "t":
        say(f"creating the PostgreSQL role {pg.user} (LOGIN CREATEDB)")
        pg.psql(f'CREATE ROLE "{pg.user}" LOGIN CREATEDB', user="postgres", check=True)
    return pg


def start_private_postgres():
    """Start (after creating it if needed) a trust-auth cluster in .pgdata/ on 127.0.0.1 only."""
    pg = Postgres("127.0.0.1", PRIVATE_PG_PORT)
    if pg.answers():
        return pg
    initdb, pg_ctl = pg_tool("initdb"), pg_tool("pg_ctl")
    # PostgreSQL will not run as root: its cluster belongs to the postgres system user.
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if not (PGDATA / "PG_VERSION").exists():
        say(f"no PostgreSQL answers on 127.0.0.1: creating a private cluster in {PGDATA}")
        PGDATA.mkdir(mode=0o700, exist_ok=True)
        if as_postgres:
            shutil.chown(PGDATA, "postgres", "postgres")
        subprocess.run(
            [*as_postgres, initdb, "-D", PGDATA, "-U", "postgres", "--auth=trust",
             "--encoding=UTF8", "--locale=C"],
            check=True, cwd=PGDATA, stdout=subprocess.DEVNULL,
        )
        with open(PGDATA / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {PRIVATE_PG_PORT}\n"
                       "unix_socket_directories = ''\n")
    say(f"starting the private PostgreSQL of {PGDATA} on 127.0.0.1:{PRIVATE_PG_PORT}")
    subprocess.run(
        [*as_postgres, pg_ctl, "-D", PGDATA, "-l", PGDATA / "server.log", "-w", "start"],
        check=True, cwd=PGDATA, stdout=subprocess.DEVNULL, start_new_session=True,
    )
    return pg


def cmd_setup(args):
    pg = setup()
    say(f"ready: .venv, PostgreSQL at {pg.host}:{pg.port} as {pg.user}")
    return 0


# ----------------------------------------------------------------------------------- Odoo runs


def odoo(pg, db, *args):
    """Command line of odoo-bin on database db, with our addons and PostgreSQL server."""
    return [PY, ODOO_BIN, f"--addons-path={ODOO_SRC / 'odoo' / 'addons'},{ADDONS_DIR}",
            *pg.odoo_args(), f"--database={db}", *args]


def install_flag(pg, db):
    """-u when db has the addon installed, else -i (which also creates a missing database)."""
    state = pg.psql(f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'", db=db)
    return "-u" if state == "installed" else "-i"


def prepare(pg, db):
    """Install the addon with demo data into db (created if missing), or update it there."""
    say(f"installing or updating {ADDON} in database {db}")
    code = subprocess.run(odoo(pg, db, install_flag(pg, db), ADDON, "--stop-after-init")).returncode
    if code:
        raise Failure(f"Odoo could not install {ADDON} in {db} (exit code {code})")


def drop(pg, db):
    if pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1":
        say(f"dropping database {db} and its filestore")
        dropped = subprocess.run([PY, ODOO_BIN, "db", *pg.odoo_args(), "drop", db],
                                 capture_output=True, text=True)
        if dropped.returncode:
            say(f"could not drop database {db}: {dropped.stderr.strip()}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def background(cmd, **popen):
    """Run cmd in its own session during the block; then stop it and all it started."""
    proc = subprocess.Popen(cmd, start_new_session=True, **popen)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()  # Odoo shuts down gracefully on the first SIGTERM
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left: workers, Chrome
        proc.wait()


@contextlib.contextmanager
def serve(pg, db, port, logfile=None):
    """Serve db on port as in production, and yield the Odoo server once it answers.

    Odoo runs 2 HTTP workers and a gevent process for websockets, each on a port of its own;
    in front of them, on port, devctl.py route does what the reverse proxy of a production
    set-up does (without it, no live update would reach a browser).
    """
    http_port, gevent_port = free_port(), free_port()
    cmd = odoo(pg, db, "--workers=2", f"--http-port={http_port}", f"--gevent-port={gevent_port}")
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(logfile, "w")) if logfile else None
        err = subprocess.STDOUT if out else None
        server = stack.enter_context(background(cmd, stdout=out, stderr=err))
        # stdout muted: its "stopped" when we stop it would read as if the whole run stopped.
        router = stack.enter_context(background(
            [sys.executable, __file__, "route", str(port), str(http_port), str(gevent_port)],
            stdout=subprocess.DEVNULL))
        # The gevent port answering too shows that the websocket process stays up.
        for url in (f"http://127.0.0.1:{port}", f"http://127.0.0.1:{gevent_port}"):
            wait_healthy(url, server, router)
        yield server


def wait_healthy(url, *processes, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in processes):
            raise Failure(f"a server process exited before {url} answered")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/web/health", timeout=5):
            return
        time.sleep(0.5)
    raise Failure(f"{url}/web/health did not answer within {timeout} s")


def cmd_route(args):
    """Forward each connection on args.port by its first request: /websocket to the gevent
    process, anything else to the HTTP workers (what nginx does in Odoo's deployment docs)."""

    async def pipe(reader, writer):
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def forward(reader, writer):
        with contextlib.suppress(OSError, EOFError, asyncio.LimitOverrunError, IndexError):
            request_line = await reader.readuntil(b"\r\n")
            websocket = request_line.split(b" ")[1].startswith(b"/websocket")
            upstream = await asyncio.open_connection(
                "127.0.0.1", args.gevent_port if websocket else args.http_port)
            upstream[1].write(request_line)
            await asyncio.gather(pipe(reader, upstream[1]), pipe(upstream[0], writer))
        writer.close()

    async def main():
        async with await asyncio.start_server(forward, host="127.0.0.1",
                                              port=args.port) as server:
            await server.serve_forever()

    asyncio.run(main())


def client_env(pg, db, url, server):
    """What scripts talking to a served database are told (tests/, bench/)."""
    return dict(os.environ, **pg.env(), ODOO_URL=url, ODOO_DB=db, ODOO_LOGIN="admin",
                ODOO_PASSWORD="admin", ODOO_PID=str(server.pid), ODOO_SRC=str(ODOO_SRC),
                WAI_REPO=str(REPO))


# ------------------------------------------------------------------------------------------ test


@dataclass
class Report:
    """Tests counted, and every reason why the run is red."""

    passed: int = 0
    failed: int = 0
    problems: list = field(default_factory=list)

    def close(self):
        for problem in self.problems:
            say(f"FAILED: {problem}")
        # A red run that counted no failure (crash, stray ERROR line...) counts as one failure.
        failed = self.failed or (1 if self.problems else 0)
        print(f"{self.passed} passed, {failed} failed", flush=True)
        return 1 if self.problems else 0


def odoo_tests(pg, db, tags, report):
    """Install or update the addon with its tests; return whether Odoo got to run them."""
    logfile = LOGS / f"{db}.log"
    cmd = odoo(pg, db, install_flag(pg, db), ADDON, "--test-enable", f"--test-tags={tags}",
               "--stop-after-init", "--without-demo=all", "--log-level=test",
               f"--http-port={free_port()}")
    say(f"Odoo tests of {ADDON} on database {db} (log: {logfile})")
    lines = []
    with open(logfile, "w", encoding="utf-8") as log, background(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, encoding="utf-8", errors="replace"
    ) as proc:
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
            lines.append(line)
        proc.wait()
    if proc.returncode:
        report.problems.append(f"Odoo exited with code {proc.returncode}")
    summary = next(filter(None, map(TEST_SUMMARY.search, lines)), None)
    if summary:
        failed, errors, total = map(int, summary.groups())
        report.passed += total - failed - errors
        report.failed += failed + errors
        if failed or errors:
            report.problems.append(f"Odoo tests: {failed} failed, {errors} error(s) of {total}")
        if not total:
            report.problems.append(f"Odoo ran no test: --test-tags={tags} matches none")
    else:
        report.problems.append("Odoo logged no test summary (did the addon load?)")
    errors = [line.strip() for line in lines if " ERROR " in line or " CRITICAL " in line]
    if errors:
        report.problems.append(f"{len(errors)} ERROR/CRITICAL log line(s), the first: {errors[0]}")
    skipped = [line.strip() for line in lines if BROWSER_SKIPPED.search(line)]
    if skipped:
        report.problems.append(f"browser tests were skipped: {skipped[0]}")
    return summary is not None


def black_box_tests(pg, db, report):
    """pytest tests/ against db served like in production (2 workers)."""
    tests = REPO / "tests"
    if not any(tests.rglob("test_*.py")) and not any(tests.rglob("*_test.py")):
        say("no test files in tests/: no black-box tests to run")
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    junit, server_log = LOGS / f"{db}-pytest.xml", LOGS / f"{db}-server.log"
    junit.unlink(missing_ok=True)
    say(f"black-box tests against {url} (server log: {server_log})")
    with serve(pg, db, port, server_log) as server:
        code = subprocess.run([PY, "-m", "pytest", tests, f"--junitxml={junit}"],
                              cwd=REPO, env=client_env(pg, db, url, server)).returncode
    if junit.is_file():
        for suite in ET.parse(junit).getroot().iter("testsuite"):
            bad = int(suite.get("failures")) + int(suite.get("errors"))
            report.passed += int(suite.get("tests")) - bad - int(suite.get("skipped"))
            report.failed += bad
    if code:
        report.problems.append(f"pytest exited with code {code}")


def cmd_test(args):
    report = Report()
    db = args.db or time.strftime(f"wai_test_%Y%m%d_%H%M%S_{os.getpid()}")
    pg = None
    try:
        pg = setup()
        LOGS.mkdir(exist_ok=True)
        loaded = odoo_tests(pg, db, args.tags or f"/{ADDON}", report)
        if args.tags:
            say("--tags given: black-box tests not run")
        elif loaded:
            black_box_tests(pg, db, report)
    except (Failure, subprocess.CalledProcessError) as error:
        report.problems.append(str(error))
    except KeyboardInterrupt:
        report.problems.append("interrupted")
    finally:
        if args.keep_db or args.db:
            say(f"database {db} kept")
        elif pg:
            drop(pg, db)
    return report.close()


# ------------------------------------------------------------------------------ demo and bench


def cmd_demo(args):
    pg = setup()
    prepare(pg, DEMO_DB)
    # the demo connection points at the simulator's default port: follow WAI_SIM_PORT
    pg.psql("UPDATE whatsapp_inbox_connection SET api_base_url = "
            f"'http://127.0.0.1:{SIMULATOR_PORT}/v23.0' WHERE api_base_url LIKE "
            "'http://127.0.0.1:%/v23.0'", db=DEMO_DB)
    url = f"http://localhost:{DEMO_PORT}"
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(serve(pg, DEMO_DB, DEMO_PORT))
        # The local Cloud API simulator plays Meta for the demo connection (demo data):
        # it answers the sends, posts signed status webhooks back, and a few customers
        # write now and then.
        stack.enter_context(background([
            PY, REPO / ADDON / "tests" / "simulator.py", f"--port={SIMULATOR_PORT}",
            f"--callback=http://127.0.0.1:{DEMO_PORT}/whatsapp_inbox/webhook",
            f"--account={DEMO_ACCOUNT}", "--chatter=45",
        ]))
        say(f"WhatsApp Cloud API simulator on http://127.0.0.1:{SIMULATOR_PORT}")
        say(f"serving {url} : log in as admin / admin. Ctrl-C stops it.")
        return server.wait()


def cmd_bench(args):
    scripts = args.scripts or sorted((REPO / "bench").glob("*.py"))
    if not scripts:
        say("no bench/*.py scripts to run")
        return 0
    pg = setup()
    prepare(pg, BENCH_DB)
    LOGS.mkdir(exist_ok=True)
    url = f"http://127.0.0.1:{BENCH_PORT}"
    failed = []
    with serve(pg, BENCH_DB, BENCH_PORT, LOGS / "bench-server.log") as server:
        for script in scripts:
            say(f"bench: {script}")
            env = client_env(pg, BENCH_DB, url, server)
            if subprocess.run([PY, script], cwd=REPO, env=env).returncode:
                failed.append(str(script))
    if failed:
        say(f"FAILED: {' '.join(failed)}")
    return 1 if failed else 0


# ------------------------------------------------------------------------------------------ lint


def cmd_lint(args):
    setup()
    ruff = subprocess.run([VENV / "bin" / "ruff", "check", "."], cwd=REPO).returncode
    addon = ADDONS_DIR / ADDON
    if not addon.is_dir():
        say(f"FAILED: no addon at {addon}")
        return 1
    # pylint needs to import odoo itself, which is not installed in the venv.
    pylint = subprocess.run([PY, "-m", "pylint", f"--rcfile={REPO / '.pylintrc'}", addon],
                            cwd=REPO, env=dict(os.environ, PYTHONPATH=str(ODOO_SRC))).returncode
    return 1 if ruff or pylint else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="install what the other commands need")
    test = commands.add_parser("test", help="Odoo tests, then black-box tests")
    test.add_argument("--tags", help="Odoo --test-tags, e.g. /whatsapp_inbox:TestFoo "
                      "(then no black-box tests)")
    test.add_argument("--db", help="database to reuse (or create) and keep: -u instead of -i")
    test.add_argument("--keep-db", action="store_true", help="keep the fresh test database")
    commands.add_parser("demo", help=f"serve {DEMO_DB} with demo data on :{DEMO_PORT}")
    commands.add_parser("lint", help="ruff and pylint-odoo")
    bench = commands.add_parser("bench", help=f"bench scripts against {BENCH_DB} on :{BENCH_PORT}")
    bench.add_argument("scripts", nargs="*", type=Path, help="default: bench/*.py")
    route = commands.add_parser("route", help="(used by the others) route a port to Odoo's")
    for name in ("port", "http_port", "gevent_port"):
        route.add_argument(name, type=int)
    args = parser.parse_args()
    if not ODOO_BIN.is_file():
        print(f"devctl: no Odoo 18 source at {ODOO_SRC} ({ODOO_BIN} is missing): "
              "export ODOO_SRC=/path/to/odoo-18-source and run again.", file=sys.stderr)
        return 2
    handlers = {"setup": cmd_setup, "test": cmd_test, "demo": cmd_demo, "lint": cmd_lint,
                "bench": cmd_bench, "route": cmd_route}
    # a SIGTERM (kill, CI's timeout) stops the servers and drops the test database like Ctrl-C
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        return handlers[args.command](args)
    except (Failure, subprocess.CalledProcessError) as error:
        say(f"FAILED: {error}")
        return 1
    except KeyboardInterrupt:
        say("stopped")
        return 130

if __name__ == "__main__":
    sys.exit(main())
