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
    python3 devctl.py lint    the checks of .pre-commit-config.yaml on every file (ruff,
                              pylint-odoo, XML, manifest and translation checks)
    python3 devctl.py bench   bench/*.py (or the scripts given) against wai_bench served on :8070;
                              [--scale] instead fills wai_scale with 100,000 conversations
                              (once) and times the inbox on it

Odoo 18 source: ODOO_SRC when set (an empty or missing folder gets a clone); else the clone
cached in ~/.cache/whatsapp_inbox/odoo-18.0, else /opt/odoo; else devctl.py makes that cached
clone: a shallow clone of ODOO_GIT_URL (default Odoo's public repository) at ODOO_GIT_BRANCH
(default 18.0). Setting ODOO_GIT_URL means "Odoo from there": /opt/odoo is then not looked at.

Environment: PGHOST, PGPORT, PGUSER (a server of your own); WAI_PG_PORT (port of the server tried on
127.0.0.1, default 5432; when none answers, a private one is started in .pgdata/ on
127.0.0.1:55432); WAI_ADDONS_DIR (the folder holding whatsapp_inbox, default this repository);
WAI_DEMO_DB, WAI_DEMO_PORT, WAI_SIM_PORT, WAI_BENCH_DB, WAI_BENCH_PORT, WAI_SCALE_DB (to run several
demos or benches side by side).
"""

import argparse
import asyncio
import contextlib
import functools
import hashlib
import itertools
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
ODOO_GIT_URL = "https://github.com/odoo/odoo.git"  # ODOO_GIT_URL's default
# An Odoo 18 tree installed by hand (this project's machines have one there).
ODOO_INSTALLED = Path("/opt/odoo")
ADDONS_DIR = Path(os.environ.get("WAI_ADDONS_DIR", REPO)).resolve()
ADDON = "whatsapp_inbox"
VENV = REPO / ".venv"
PY = VENV / "bin" / "python"
LOGS = REPO / "logs"
PGDATA = REPO / ".pgdata"
PRIVATE_PG_PORT = "55432"
APT_PACKAGES = ["libldap2-dev", "libsasl2-dev", "chromium"]
REQUIREMENTS = [REPO / "requirements.txt", REPO / "requirements-dev.txt"]
CONSTRAINTS = REPO / "constraints.txt"
DEMO_DB = os.environ.get("WAI_DEMO_DB", "whatsapp_inbox_demo")
DEMO_PORT = int(os.environ.get("WAI_DEMO_PORT", 8069))
DEMO_LANGUAGES = ("pt_BR", "es_419")  # Portuguese (Brazil), Spanish (Latin America)
# The demo connection of whatsapp_inbox/demo/ and the simulator that plays Meta for it.
SIMULATOR_PORT = int(os.environ.get("WAI_SIM_PORT", 8079))
DEMO_ACCOUNT = (
    "100000000000001:demo-access-token:demo-app-secret:200000000000001:300000000000001")
BENCH_DB = os.environ.get("WAI_BENCH_DB", "wai_bench")
BENCH_PORT = int(os.environ.get("WAI_BENCH_PORT", 8070))
# bench --scale: bench/generate.py fills this database once, bench/scale.py times it
SCALE_DB = os.environ.get("WAI_SCALE_DB", "wai_scale")
SCALE_SCRIPTS = ("generate.py", "scale.py")
# OCA's WhatsApp gateway, which bench/webhook_throughput.py compares with ours in the same
# server: installed from PyPI into this throwaway folder (not the project), for the bench only.
OCA_PACKAGES = ["odoo-addon-mail-gateway-whatsapp==18.0.*", "odoo-addon-mail-gateway==18.0.*"]
OCA_TARGET = LOGS / "oca-addons"
EXTRA_ADDONS = []  # folders the bench adds to the addons path

# What Odoo's test log tells (odoo/tests/result.py, odoo/service/server.py).
TEST_SUMMARY = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
BROWSER_SKIPPED = re.compile(r"skipped .* : .*(websocket|chrom)", re.IGNORECASE)
# the first line of each entry of Odoo's log (a traceback's lines do not start so)
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ")


class Failure(Exception):
    """A step failed; the message says which and why."""


def say(message):
    print(f"devctl: {message}", flush=True)


# ---------------------------------------------------------------------------------------- setup


def setup():
    """Make everything the other commands need; return the PostgreSQL server to use."""
    odoo_src()
    ensure_apt(APT_PACKAGES)
    ensure_venv()
    return ensure_postgres()


def ensure_apt(packages, purpose="Debian packages (1 to 3 minutes the first time)"):
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
    say(f"installing {purpose}: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, env=env)


# ---------------------------------------------------------------------------- Odoo 18 source


def is_odoo18(src):
    """Whether src is an Odoo 18.0 source tree (the folder holding odoo-bin)."""
    release = src / "odoo" / "release.py"
    return ((src / "odoo-bin").is_file() and release.is_file()
            and re.search(r"^version_info = \(18, 0,", release.read_text(), re.MULTILINE)
            is not None)


def odoo_addons_paths(src):
    """Odoo's own addons folders in src, the one holding web (and mail...) first.

    A git checkout of odoo/odoo keeps base in odoo/addons/ and the other addons in addons/; a
    packaged or nightly tree keeps them all in odoo/addons/, sometimes beside a stale addons/ of
    an older build, which is left out.
    """
    packaged, checkout = src / "odoo" / "addons", src / "addons"
    if (packaged / "web" / "__manifest__.py").is_file():
        return [packaged]
    if (checkout / "web" / "__manifest__.py").is_file():
        return [checkout, packaged]
    raise Failure(f"no web addon in {packaged} nor in {checkout}: {src} is not a whole Odoo tree")


def odoo_cache():
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "whatsapp_inbox" / "odoo-18.0"


@functools.cache
def odoo_src():
    """The Odoo 18 source tree to use (see the module docstring), cloned first if need be."""
    if os.environ.get("ODOO_SRC"):
        src = Path(os.environ["ODOO_SRC"]).expanduser().resolve()
        if is_odoo18(src):
            return src
        if src.is_dir() and any(src.iterdir()):
            raise Failure(f"ODOO_SRC={src} is not an Odoo 18.0 source tree (odoo-bin and "
                          "odoo/release.py of 18.0): point it at one, or at an empty folder "
                          "to clone Odoo 18 there")
        clone_odoo(src)
        return src
    cache = odoo_cache()
    candidates = [cache] if os.environ.get("ODOO_GIT_URL") else [cache, ODOO_INSTALLED]
    found = next(filter(is_odoo18, candidates), None)
    if found:
        return found
    clone_odoo(cache)
    return cache


def clone_odoo(dest):
    """Shallow clone of ODOO_GIT_URL at ODOO_GIT_BRANCH into dest, which appears only when whole."""
    if not shutil.which("git"):
        ensure_apt(["git"], "git, to clone Odoo")
    source = url = os.environ.get("ODOO_GIT_URL") or ODOO_GIT_URL
    branch = os.environ.get("ODOO_GIT_BRANCH") or "18.0"
    if Path(url).is_dir():
        url = Path(url).resolve().as_uri()  # a plain local path would ignore --depth
    say(f"no Odoo 18 source found: cloning {source} (branch {branch}, last "
        f"commit only) into {dest}. About 400 MB: several minutes over the network, under a "
        "minute from a local copy. Done once.")
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    # a stalled transfer (under 1 kB/s for a minute) fails instead of hanging
    cloned = subprocess.run(
        ["git", "-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=60", "clone",
         "--depth=1", "--single-branch", f"--branch={branch}", "--progress", url, partial]
    )
    if cloned.returncode:
        shutil.rmtree(partial, ignore_errors=True)
        raise Failure(f"could not clone Odoo from {source} (branch {branch}): the "
                      "network refused it or the address is wrong (git's message is above). Set "
                      "ODOO_GIT_URL to a reachable copy of Odoo's repository (a local path "
                      "works), or ODOO_SRC to an Odoo 18 source tree.")
    if not is_odoo18(partial):
        shutil.rmtree(partial, ignore_errors=True)
        raise Failure(f"branch {branch} of {source} is not Odoo 18.0: set ODOO_GIT_BRANCH")
    if dest.is_dir():
        dest.rmdir()  # empty (odoo_src checked)
    partial.rename(dest)
    say(f"Odoo 18 is in {dest}")


def odoo_bin():
    return odoo_src() / "odoo-bin"


# -------------------------------------------------------------------------- venv and PostgreSQL


def ensure_venv():
    """(Re)install the requirements into .venv when they changed since the last install."""
    files = [odoo_src() / "requirements.txt", *REQUIREMENTS, CONSTRAINTS]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()
    stamp = VENV / "devctl-requirements.sha256"
    if not (stamp.is_file() and stamp.read_text() == digest):
        if not PY.exists():
            say("creating the virtualenv .venv")
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        say("installing Odoo's Python requirements and ours into .venv (1 to 2 minutes the "
            "first time, less with pip's cache)")
        # PIP_CONSTRAINT (unlike -c) also reaches pip's isolated build environments; -qq: errors
        # only (this machine's pip configuration warns about every package)
        subprocess.run(
            [PY, "-m", "pip", "install", "-qq",
             *(arg for path in files[:-1] for arg in ("-r", path))],
            check=True,
            env=dict(os.environ, PIP_CONSTRAINT=str(CONSTRAINTS)),
        )
        stamp.write_text(digest)
    # Odoo importable in .venv, as tools that read the addon (pylint-odoo, the wheel check) need
    site = next((VENV / "lib").glob("python3*/site-packages"))
    pth = site / "devctl-odoo-src.pth"
    if not pth.is_file() or pth.read_text() != f"{odoo_src()}\n":
        pth.write_text(f"{odoo_src()}\n")


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
    return [PY, odoo_bin(), f"--addons-path={addons_path()}", *pg.odoo_args(), f"--database={db}",
            *args]


def addons_path():
    return ",".join(map(str, [*odoo_addons_paths(odoo_src()), ADDONS_DIR, *EXTRA_ADDONS]))


def install_flag(pg, db):
    """-u when db has the addon installed, else -i (which also creates a missing database)."""
    state = pg.psql(f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'", db=db)
    return "-u" if state == "installed" else "-i"


def addon_digest():
    """Digest of the addon's files and of the Odoo tree used: what an update would load."""
    digest = hashlib.sha256(str(odoo_src()).encode())
    for path in sorted((ADDONS_DIR / ADDON).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"{path.relative_to(ADDONS_DIR)}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def prepare(pg, db, languages=()):
    """Install the addon with demo data into db (created if missing), or update it there when
    its files changed since, with ``languages`` loaded; return whether Odoo had anything to
    do."""
    flag, digest = install_flag(pg, db), addon_digest()
    stamp = LOGS / f"{db}.installed.sha256"
    if flag == "-u" and stamp.is_file() and stamp.read_text() == digest:
        return False
    if flag == "-i":
        say(f"creating database {db} with {ADDON} and its demo data (about a minute)")
    else:
        say(f"updating {ADDON} in database {db}: its files changed (15 to 30 s)")
    extra = [f"--load-language={','.join(languages)}"] if languages else []
    code = subprocess.run(odoo(pg, db, flag, ADDON, "--stop-after-init", "--log-level=warn",
                               *extra)).returncode
    if code:
        raise Failure(f"Odoo could not install {ADDON} in {db} (exit code {code})")
    LOGS.mkdir(exist_ok=True)
    stamp.write_text(digest)
    return True


def drop(pg, db):
    if pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1":
        say(f"dropping database {db} and its filestore")
        dropped = subprocess.run([PY, odoo_bin(), "db", *pg.odoo_args(), "drop", db],
                                 capture_output=True, text=True)
        if dropped.returncode:
            say(f"could not drop database {db}: {dropped.stderr.strip()}")
    (LOGS / f"{db}.installed.sha256").unlink(missing_ok=True)


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
                ODOO_PASSWORD="admin", ODOO_PID=str(server.pid), ODOO_SRC=str(odoo_src()),
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
    fresh = cmd[cmd.index(ADDON) - 1] == "-i"
    say(f"Odoo tests of {ADDON} on database {db} (log: {logfile})"
        + (": first Odoo installs the modules (about a minute) and, before the first browser "
           "test, builds the asset bundles (about a minute)" if fresh else ""))
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
    errors = error_lines(lines)
    if errors:
        report.problems.append(f"{len(errors)} ERROR/CRITICAL log line(s), the first: {errors[0]}")
    skipped = [line.strip() for line in lines if BROWSER_SKIPPED.search(line)]
    if skipped:
        report.problems.append(f"browser tests were skipped: {skipped[0]}")
    return summary is not None


def error_lines(lines):
    """The ERROR and CRITICAL lines of an Odoo log, but one of Odoo's test harness itself: a
    request Chrome paused is continued after a finished tour closed the devtools socket
    (``Fetch.requestPaused`` followed by ``socket is already closed``): nothing failed."""
    errors = []
    for index, line in enumerate(lines):
        if " ERROR " not in line and " CRITICAL " not in line:
            continue
        if "odoo.tests.common: While processing message" in line and "Fetch.requestPaused" in line:
            traceback = itertools.takewhile(lambda later: not LOG_LINE.match(later),
                                            lines[index + 1:])
            if any("WebSocketConnectionClosedException: socket is already closed" in later
                   for later in traceback):
                continue
        errors.append(line.strip())
    return errors


def pytest(paths, junit, report, **run):
    """Run pytest on paths and count its tests into report."""
    junit.unlink(missing_ok=True)
    code = subprocess.run([PY, "-m", "pytest", *paths, f"--junitxml={junit}"], cwd=REPO,
                          **run).returncode
    if junit.is_file():
        for suite in ET.parse(junit).getroot().iter("testsuite"):
            bad = int(suite.get("failures")) + int(suite.get("errors"))
            report.passed += int(suite.get("tests")) - bad - int(suite.get("skipped"))
            report.failed += bad
    if code:
        report.problems.append(f"pytest {' '.join(map(str, paths))} exited with code {code}")


def repository_tests(report):
    """The tests of the tooling in .ci/tests: devctl's Odoo paths, the wheel, the bench's
    generator (under a minute)."""
    say("tests of devctl.py, of the packaging and of bench/generate.py (.ci/tests)")
    pytest([REPO / ".ci" / "tests"], LOGS / "ci-tests-pytest.xml", report)


def black_box_tests(pg, db, report):
    """pytest tests/ against db served like in production (2 workers)."""
    tests = REPO / "tests"
    if not any(tests.rglob("test_*.py")) and not any(tests.rglob("*_test.py")):
        say("no test files in tests/: no black-box tests to run")
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = LOGS / f"{db}-server.log"
    say(f"black-box tests against {url} (server log: {server_log})")
    with serve(pg, db, port, server_log) as server:
        pytest([tests], LOGS / f"{db}-pytest.xml", report,
               env=client_env(pg, db, url, server))


def cmd_test(args):
    report = Report()
    db = args.db or time.strftime(f"wai_test_%Y%m%d_%H%M%S_{os.getpid()}")
    pg = None
    try:
        pg = setup()
        LOGS.mkdir(exist_ok=True)
        if not args.tags:
            repository_tests(report)
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
    # the shipped translations, for agents who switch language in their preferences
    changed = prepare(pg, DEMO_DB, languages=DEMO_LANGUAGES)
    # the demo connection points at the simulator's default port: follow WAI_SIM_PORT
    pg.psql("UPDATE whatsapp_inbox_connection SET api_base_url = "
            f"'http://127.0.0.1:{SIMULATOR_PORT}/v23.0' WHERE api_base_url LIKE "
            "'http://127.0.0.1:%/v23.0'", db=DEMO_DB)
    logins = [f"{login} / {login}" for login in pg.psql(
        "SELECT login FROM res_users WHERE active AND login IN ('admin', 'agent', 'supervisor') "
        "ORDER BY id", db=DEMO_DB).split()]
    LOGS.mkdir(exist_ok=True)
    log = LOGS / f"{DEMO_DB}-server.log"
    say(f"starting Odoo (2 workers) on {DEMO_DB}")
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(serve(pg, DEMO_DB, DEMO_PORT, log))
        # The local Cloud API simulator plays Meta for the demo connection (demo data):
        # it answers the sends, posts signed status webhooks back, and a few customers
        # write now and then.
        stack.enter_context(background([
            PY, REPO / ADDON / "tests" / "simulator.py", f"--port={SIMULATOR_PORT}",
            f"--callback=http://127.0.0.1:{DEMO_PORT}/whatsapp_inbox/webhook",
            f"--account={DEMO_ACCOUNT}", "--chatter=45",
        ], stdout=subprocess.DEVNULL))
        say(f"the demo is served on http://localhost:{DEMO_PORT}")
        say(f"  log in as {', '.join(logins)}")
        if changed:
            say("  the first page takes about 30 s: Odoo builds its asset bundles once")
        say(f"  Odoo's log: {log.relative_to(REPO)}; Meta is played by the simulator on "
            f"http://127.0.0.1:{SIMULATOR_PORT}")
        say(f"  Ctrl-C here (or kill {os.getpid()}) stops Odoo and the simulator")
        return server.wait()


def cmd_bench(args):
    if args.scale:
        return bench_scale()
    scripts = args.scripts or sorted(path for path in (REPO / "bench").glob("*.py")
                                     if path.name not in SCALE_SCRIPTS)
    if not scripts:
        say("no bench/*.py scripts to run")
        return 0
    pg = setup()
    LOGS.mkdir(exist_ok=True)
    if not (OCA_TARGET / "odoo" / "addons" / "mail_gateway_whatsapp").is_dir():
        say(f"installing OCA's mail_gateway_whatsapp from PyPI into {OCA_TARGET} (bench only)")
        subprocess.run([PY, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                        OCA_TARGET, *OCA_PACKAGES], check=True)
    EXTRA_ADDONS.append(OCA_TARGET / "odoo" / "addons")
    prepare(pg, BENCH_DB)
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


def bench_scale():
    """Fill SCALE_DB with 100,000 conversations (once: minutes), serve it with 2 workers and
    time what the web client asks (bench/scale.py)."""
    pg = setup()
    LOGS.mkdir(exist_ok=True)
    prepare(pg, SCALE_DB)
    env = dict(os.environ, **pg.env(), ODOO_DB=SCALE_DB, ODOO_SRC=str(odoo_src()),
               WAI_REPO=str(REPO))
    subprocess.run([PY, REPO / "bench" / "generate.py"], cwd=REPO, env=env, check=True)
    url = f"http://127.0.0.1:{BENCH_PORT}"
    with serve(pg, SCALE_DB, BENCH_PORT, LOGS / f"{SCALE_DB}-server.log") as server:
        return subprocess.run([PY, REPO / "bench" / "scale.py"], cwd=REPO,
                              env=client_env(pg, SCALE_DB, url, server)).returncode


# ------------------------------------------------------------------------------------------ lint


def cmd_lint(args):
    """The hooks of .pre-commit-config.yaml on every file of the repository (new ones too)."""
    setup()
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, text=True, check=True).stdout
    files = [name for name in listed.split("\0") if name and (REPO / name).is_file()]
    return subprocess.run([VENV / "bin" / "pre-commit", "run", "--files", *files],
                          cwd=REPO).returncode


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
    commands.add_parser("lint", help="the checks of .pre-commit-config.yaml on every file")
    bench = commands.add_parser("bench", help=f"bench scripts against {BENCH_DB} on :{BENCH_PORT}")
    bench.add_argument("scripts", nargs="*", type=Path,
                       help=f"default: bench/*.py but {' and '.join(SCALE_SCRIPTS)}")
    bench.add_argument("--scale", action="store_true",
                       help=f"instead: fill {SCALE_DB} with 100,000 conversations (once) and "
                            "time the inbox on it (bench/generate.py, bench/scale.py)")
    route = commands.add_parser("route", help="(used by the others) route a port to Odoo's")
    for name in ("port", "http_port", "gevent_port"):
        route.add_argument(name, type=int)
    args = parser.parse_args()
    handlers = {"setup": cmd_setup, "test": cmd_test, "demo": cmd_demo, "lint": cmd_lint,
                "bench": cmd_bench, "route": cmd_route}
    # a SIGTERM (kill, CI's timeout) stops the servers and drops the test database like Ctrl-C;
    # SIGINT too when started in the background, where the shell makes it ignored: ignored, it
    # would stay ignored in every program started from here (tests/ interrupt the simulator)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.default_int_handler)
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
