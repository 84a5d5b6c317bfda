"""Webhook ingestion at the request floor: acknowledgement, processing, live update, and OCA's
``mail_gateway_whatsapp`` side by side.

Posts signed deliveries to a running Odoo (served with workers by ``make bench``) and prints,
per scenario: deliveries (and messages) acknowledged per second, p50/p99 latency of the POSTs,
the CPU milliseconds per message spent end to end (journal, processing by the cron, bus
notifications), and the load average of the machine at the start and end of the scenario.
The end of the processing is watched from PostgreSQL directly, so that the bench's own polling
costs the server nothing. Then the time from a POST to the message visible to a second client
(the bus refresh on its websocket), p50/p99, and Odoo's request floor (an empty route).

CPU is the scheduler's exact runtime (each process's CPU clock) of every process of the
Odoo server and of every PostgreSQL backend it uses (see :class:`ServerCpu`): those it keeps
open on any database, its own and ``postgres`` (where the cron workers and the websocket
process listen), and those it opens and closes within a scenario (Odoo connects to
``postgres`` for each bus notification and each cron wake-up, and keeps no connection there:
their CPU comes from Linux's taskstats, which needs root; without it they are counted, not
timed, and the bench says so). Process time swings far less than wall-clock time on shared
machines; what other programs do to the same PostgreSQL server is not counted.

Side by side: when OCA's ``mail_gateway_whatsapp`` is on the server's addons path (``make
bench`` installs it from PyPI into a throwaway folder, ``logs/oca-addons``), it is installed
in the same database, a gateway is configured, and the same messages are posted to both
receivers in alternating rounds of the same run; the ratio of CPU-ms per message and of
messages per second is printed for single-message and 50-message deliveries.

Environment: ODOO_URL, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD, ODOO_PID (the Odoo server; its
workers are its children), PGHOST/PGPORT/PGUSER; BENCH_SCALE multiplies the POSTs; BENCH_ONLY
runs some of the scenarios (see ``ONLY``).
"""

import contextlib
import json
import os
import secrets
import select
import socket
import statistics
import struct
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import psycopg2
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "whatsapp_inbox" / "tests"))
import payloads  # noqa: E402
from conftest import Bus, Odoo, new_connection  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
# BENCH_ONLY: some of the scenarios (comma-separated): floor, single1, single4, single16,
# batch50, batch1000, new50, visible, oca
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))


# Linux taskstats (generic netlink): the kernel reports each process that ends, with its CPU.
_GENL_ID_CTRL, _CTRL_CMD_GETFAMILY, _CTRL_ATTR_FAMILY_ID, _CTRL_ATTR_FAMILY_NAME = 0x10, 3, 1, 2
_TASKSTATS_CMD_GET, _TASKSTATS_CMD_ATTR_REGISTER_CPUMASK = 1, 3
_TASKSTATS_TYPE_STATS, _TASKSTATS_TYPE_AGGR_PID = 3, 4
# struct taskstats (linux/taskstats.h): cpu_run_virtual_total (the scheduler's exact runtime,
# ns), ac_pid, ac_ppid
_RUNTIME_AT, _PID_AT = 72, 128


def _nlattrs(data):
    while len(data) >= 4:
        length, kind = struct.unpack_from("HH", data)
        if length < 4:
            return
        yield kind & 0x3FFF, data[4:length]
        data = data[(length + 3) & ~3:]


class ProcessExits:
    """The processes that end on this machine, with the CPU each used in its life, as Linux's
    taskstats reports them (needs root: CAP_NET_ADMIN). Nothing is changed for other
    programs: this only listens."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
        # SO_RCVBUFFORCE (root): room for the reports of a busy machine between two reads
        self.socket.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)
        self.socket.bind((0, 0))
        self.lost = 0
        family = self._request(_GENL_ID_CTRL, _CTRL_CMD_GETFAMILY, _CTRL_ATTR_FAMILY_NAME,
                               b"TASKSTATS\0")
        self.family = next(struct.unpack("H", value[:2])[0]
                           for kind, value in _nlattrs(family[20:])
                           if kind == _CTRL_ATTR_FAMILY_ID)
        cpus = f"0-{os.cpu_count() - 1}\0".encode()
        self._request(self.family, _TASKSTATS_CMD_GET, _TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, cpus)

    def _request(self, family, command, kind, value):
        """Send a generic netlink request with one attribute; return the answer's message
        (empty for a bare acknowledgement)."""
        attribute = struct.pack("HH", 4 + len(value), kind) + value
        attribute += b"\0" * (-len(attribute) % 4)
        body = struct.pack("BBH", command, 1, 0) + attribute
        self.socket.send(struct.pack("IHHII", 16 + len(body), family, 0x5, 0, 0) + body)
        answer = b""
        while True:  # the answer (if any), then the acknowledgement
            data, offset = self.socket.recv(65536), 0
            while offset + 16 <= len(data):
                length, kind = struct.unpack_from("IH", data, offset)
                if kind == 2:  # NLMSG_ERROR: 0 acknowledges
                    if error := -struct.unpack_from("i", data, offset + 16)[0]:
                        raise OSError(error, os.strerror(error))
                    return answer
                answer = data[offset:offset + length]
                offset += max((length + 3) & ~3, 16)

    def fileno(self):
        return self.socket.fileno()

    def read(self):
        """``[(pid, parent pid, CPU seconds)]`` of the processes that ended since the last
        read."""
        ended = []
        while True:
            try:
                data = self.socket.recv(1 << 20, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return ended
            except OSError:  # ENOBUFS: the kernel dropped reports (counted, not hidden)
                self.lost += 1
                continue
            offset = 0
            while offset + 20 <= len(data):
                length, family = struct.unpack_from("IH", data, offset)
                attributes = data[offset + 20:offset + length] if family == self.family else b""
                for kind, value in _nlattrs(attributes):
                    stats = dict(_nlattrs(value)).get(_TASKSTATS_TYPE_STATS) \
                        if kind == _TASKSTATS_TYPE_AGGR_PID else None
                    if stats:
                        pid, ppid = struct.unpack_from("II", stats, _PID_AT)
                        runtime = struct.unpack_from("Q", stats, _RUNTIME_AT)[0]
                        ended.append((pid, ppid, runtime / 1e9))
                offset += max((length + 3) & ~3, 20)

    def close(self):
        self.socket.close()


ROLES = ("http", "cron", "websocket", "postgres", "pg-short")


def process_cpu(pid):
    """CPU seconds the process ``pid`` used so far, all its threads, ended ones too (the
    scheduler's exact runtime: its CPU clock), or None when it is gone."""
    try:
        return time.clock_gettime_ns(((~pid) << 3) | 2) / 1e9  # MAKE_PROCESS_CPUCLOCK(pid, SCHED)
    except OSError:
        return None


class ServerCpu:
    """CPU time of the Odoo server while a scenario runs, by role: ``http`` (its HTTP workers),
    ``cron`` (its cron workers), ``websocket``, ``postgres`` (the PostgreSQL backends its
    processes keep open, named ``odoo-<pid>``, on any database) and ``pg-short`` (backends it
    opens and closes within the scenario: one on ``postgres`` for each bus notification and
    each cron wake-up, Odoo's pool keeping no connection there).

    During a scenario the processes and their open backends are sampled every
    ``SAMPLE_SECONDS``; a process that ends counts up to its end as taskstats reports it. The
    short backends are known by the notifications they send (the bench listens on ``imbus`` and
    ``cron_trigger`` for those naming this database) and timed by taskstats; without root they
    are counted, not timed. The backends of other programs, and PostgreSQL's own processes
    (WAL writer, checkpointer, autovacuum), are not counted.
    """

    SAMPLE_SECONDS = 0.5

    def __init__(self, odoo_pid, dbname):
        self.odoo_pid, self.dbname = odoo_pid, dbname
        self.db = psycopg2.connect(dbname=dbname)
        self.db.autocommit = True
        self.listener = psycopg2.connect(dbname="postgres")
        self.listener.autocommit = True
        with self.listener.cursor() as cr:
            cr.execute("LISTEN imbus; LISTEN cron_trigger; SELECT pg_backend_pid()")
            self.postmaster = psutil.Process(cr.fetchone()[0]).ppid()
        try:
            self.exits = ProcessExits()
            self.untimed_why = ""
        except OSError as error:
            self.exits = None
            self.untimed_why = f"taskstats refused ({error}): run the bench as root"

    def processes(self):
        """``{pid: role}`` of the server's processes and of the backends they keep open."""
        server = psutil.Process(self.odoo_pid)
        roles = {}
        for process in [server, *server.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                roles[process.pid] = ("cron" if process.nice() == 10 else "websocket"
                                      if "gevent" in process.cmdline()[1:3] else "http")
        with self.db.cursor() as cr:
            cr.execute("SELECT pid FROM pg_stat_activity WHERE application_name = ANY(%s)",
                       [[f"odoo-{pid}" for pid in roles]])
            roles.update((pid, "postgres") for (pid,) in cr.fetchall())
        return roles

    def _ours(self, notification):
        """Whether a notification on ``postgres`` comes from our server's database."""
        if notification.channel == "cron_trigger":
            return notification.payload == self.dbname
        with contextlib.suppress(ValueError, TypeError):
            return any(isinstance(channel, list) and channel[:1] == [self.dbname]
                       for channel in json.loads(notification.payload))
        return False

    @contextlib.contextmanager
    def measure(self):
        """Measure the block; yield a dict filled at its end: ``cpu`` ``{role: CPU
        seconds}``, ``short`` (how many short backends), ``untimed`` (of them, not timed),
        ``ended`` (backends of the whole PostgreSQL server that ended meanwhile)."""
        figures = {}
        first, last, ended, short = {}, {}, {}, set()
        started, stop = time.time(), threading.Event()

        def sample():
            for pid, role in self.processes().items():
                cpu = process_cpu(pid)
                if cpu is None:
                    continue
                if pid not in first:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        born = psutil.Process(pid).create_time() >= started
                        first[pid] = 0.0 if born else cpu
                last[pid] = (role, cpu)

        def collect():
            for pid, ppid, cpu in self.exits.read() if self.exits else ():
                ended[pid] = (ppid, cpu)
            self.listener.poll()
            short.update(notification.pid for notification in self.listener.notifies
                         if self._ours(notification))
            self.listener.notifies.clear()

        def watch():
            sampled = time.monotonic()
            while not stop.is_set():
                select.select([self.listener, *filter(None, [self.exits])], [], [],
                              self.SAMPLE_SECONDS)
                collect()
                if time.monotonic() - sampled >= self.SAMPLE_SECONDS:
                    sample()
                    sampled = time.monotonic()

        collect()  # what came before the block is not its
        ended.clear()
        short.clear()
        sample()
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            yield figures
        finally:
            stop.set()
            watcher.join()
        sample()
        time.sleep(0.2)  # the short backends that notified last end now
        collect()
        cpu = dict.fromkeys(ROLES, 0.0)
        for pid, (role, spent) in last.items():
            if pid in first:
                cpu[role] += max(spent, ended.get(pid, (0, 0.0))[1]) - first[pid]
        untimed = 0
        for pid in short - last.keys():
            if pid in ended:
                cpu["pg-short"] += ended[pid][1]
            elif (spent := process_cpu(pid)) is not None:
                cpu["pg-short"] += spent  # still closing
            else:
                untimed += 1
        figures.update(cpu=cpu, short=len(short - last.keys()), untimed=untimed,
                       ended=sum(1 for ppid, _cpu in ended.values() if ppid == self.postmaster))

    def close(self):
        if self.exits:
            self.exits.close()
        self.listener.close()
        self.db.close()


def load():
    """The 1-minute load average of the machine."""
    return os.getloadavg()[0]


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))]


def bodies_for(connection, posts, per_post, customers):
    """``posts`` signed-to-be delivery bodies of ``per_post`` new text messages each."""
    pnid = connection["phone_number_id"]
    bodies = []
    for index in range(posts):
        senders = [customers[(index * per_post + k) % len(customers)] for k in range(per_post)]
        # as Meta sends them: each sender's profile along with the messages (OCA names the
        # customer's channel after it)
        bodies.append(payloads.encode(payloads.delivery(payloads.change(
            pnid, messages=[payloads.text(sender, f"msg {index}.{k}")
                            for k, sender in enumerate(senders)],
            contacts=[payloads.contact(sender, f"Customer {sender[-4:]}")
                      for sender in dict.fromkeys(senders)]))))
    return bodies


class Journal:
    """The bench's own view of the journal, over one PostgreSQL connection of its own (not an
    Odoo process: not counted, and not a new backend per look)."""

    def __init__(self, dbname):
        self.db = psycopg2.connect(dbname=dbname)
        self.db.autocommit = True

    def pending(self, connection):
        """Deliveries of ``connection`` not processed yet."""
        with self.db.cursor() as cr:
            cr.execute("SELECT count(*) FROM whatsapp_inbox_event event JOIN "
                       "whatsapp_inbox_connection_whatsapp_inbox_event_rel rel "
                       "ON rel.whatsapp_inbox_event_id = event.id WHERE event.state = 'pending' "
                       "AND rel.whatsapp_inbox_connection_id = %s", [connection["id"]])
            return cr.fetchone()[0]

    def wait_processed(self, connection, deadline=900):
        started = time.monotonic()
        while self.pending(connection):
            assert time.monotonic() - started < deadline, "deliveries still pending"
            time.sleep(0.02)


def deliver(url, bodies, secret, concurrency):
    """POST ``bodies`` from ``concurrency`` senders; return each POST's latency."""
    def post(body):
        started = time.perf_counter()
        response = requests.post(url, data=body, timeout=60, headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": payloads.sign(body, secret)})
        assert response.status_code == 200, response.text
        return time.perf_counter() - started

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(post, bodies))


def measure(bench, url, bodies, per_post, secret, concurrency, connection=None):
    """Deliver ``bodies`` to ``url``; with ``connection`` (ours), wait until processed.
    Return ``{"cpu": {role: CPU-ms per message}, "acknowledged": deliveries/s, "processed":
    messages/s, "latencies": [s], "load": (before, after), "short": short backends per
    message, "untimed": short backends not timed, "ended": backends of the whole PostgreSQL
    server that ended}``."""
    load_before, wall_before = load(), time.perf_counter()
    with bench.cpu.measure() as spent:
        latencies = deliver(url, bodies, secret, concurrency)
        acknowledged = time.perf_counter() - wall_before
        if connection:
            bench.journal.wait_processed(connection)
        processed = time.perf_counter() - wall_before
    count = len(bodies) * per_post
    return {"cpu": {role: seconds * 1000 / count for role, seconds in spent["cpu"].items()},
            "acknowledged": len(bodies) / acknowledged, "processed": count / processed,
            "latencies": latencies, "load": (load_before, load()),
            "short": spent["short"] / count, "untimed": spent["untimed"],
            "ended": spent["ended"]}


def roles_text(cpu):
    return ", ".join(f"{role} {ms:.2f}" for role, ms in cpu.items())


def context_text(figures):
    """Load average and short backends of a measure, to print beside its figures."""
    before, after = figures["load"]
    untimed = f", {figures['untimed']} NOT TIMED" if figures["untimed"] else ""
    return (f"load {before:.1f}->{after:.1f}; {figures['short']:.2f} short backends/msg"
            f"{untimed}, {figures['ended']} ended on the PostgreSQL server")


def run(bench, name, posts, per_post, concurrency, customers, target=""):
    """POST ``posts`` deliveries of ``per_post`` messages from ``concurrency`` senders, wait
    until the cron processed them all, print the figures (and the target, if any)."""
    connection = bench.connection
    bodies = bodies_for(connection, posts, per_post, customers)
    figures = measure(bench, f"{bench.odoo.url}/whatsapp_inbox/webhook", bodies, per_post,
                      connection["app_secret"], concurrency, connection)
    cpu, latencies = figures["cpu"], figures["latencies"]
    print(f"{name:<42} {figures['acknowledged']:7.1f} deliveries/s acknowledged "
          f"({figures['processed']:7.1f} msg/s processed)  p50 "
          f"{statistics.median(latencies) * 1000:6.1f} ms  p99 "
          f"{percentile(latencies, 0.99) * 1000:6.1f} ms  {sum(cpu.values()):6.2f} CPU-ms/msg "
          f"({roles_text(cpu)})  ({posts * per_post} messages, {posts} POSTs, "
          f"{concurrency} senders)\n{'':<42} {context_text(figures)}"
          + (f"\n{'':<42} target: {target}" if target else ""), flush=True)


def visible(bench, bus, customers, samples):
    """Time from a POST to the refresh that shows its conversation on a second client."""
    odoo, connection = bench.odoo, bench.connection
    conversations = {c["wa_id"]: c["id"] for c in odoo.call(
        "whatsapp.inbox.conversation", "search_read",
        [("connection_id", "=", connection["id"])], fields=["wa_id"])}
    delays = []
    for _stale in bus.refreshes(1):
        pass  # notifications of the earlier scenarios
    load_before = load()
    for index in range(samples):
        customer = customers[index % len(customers)]
        body = payloads.delivery(payloads.change(connection["phone_number_id"], messages=[
            payloads.text(customer, f"visible? {index}")]))
        started = time.perf_counter()
        assert odoo.post_webhook(body, connection["app_secret"]).status_code == 200
        for refresh in bus.refreshes(10):
            if conversations[customer] in refresh["ids"] and refresh["message_ids"]:
                delays.append(time.perf_counter() - started)
                break
        else:
            raise AssertionError("no refresh within 10 s")
    print(f"{'POST to visible on a second client (bus)':<42} p50 "
          f"{statistics.median(delays) * 1000:6.1f} ms  p99 "
          f"{percentile(delays, 0.99) * 1000:6.1f} ms  ({samples} single messages, one at "
          f"a time; target: within 1 s on an idle system)  load {load_before:.1f}->{load():.1f}",
          flush=True)


def request_floor(bench, count=200):
    """CPU of Odoo's own pipeline for a request to an empty route (``/web/health``, which
    answers a constant), and to a public route of ours doing one indexed lookup (the
    verification handshake): the floor under any webhook."""
    params = {"hub.mode": "subscribe", "hub.challenge": "1",
              "hub.verify_token": bench.connection["verify_token"]}
    for name, path, query in (("empty route GET /web/health (request floor)", "/web/health",
                               None),
                              ("handshake GET (one indexed lookup)", "/whatsapp_inbox/webhook",
                               params)):
        load_before = load()
        with bench.cpu.measure() as spent:
            for _index in range(count):
                assert requests.get(bench.odoo.url + path, params=query,
                                    timeout=30).status_code == 200
        cpu = {role: seconds * 1000 / count for role, seconds in spent["cpu"].items()}
        print(f"{name:<42} {sum(cpu.values()):6.2f} CPU-ms/request ({roles_text(cpu)})  "
              f"load {load_before:.1f}->{load():.1f}", flush=True)


def oca_gateway(odoo, connection):
    """OCA's receiver in the same server and database: ``mail_gateway_whatsapp`` installed
    (when the server's addons path has it) and a WhatsApp gateway configured as its README
    says. Return ``(webhook url, app secret)``, or None when OCA's module is not available."""
    Module = "ir.module.module"
    odoo.call(Module, "update_list")
    module = odoo.call(Module, "search_read", [("name", "=", "mail_gateway_whatsapp")],
                       fields=["state"])
    if not module:
        return None
    for _attempt in range(60):
        if odoo.call(Module, "read", [module[0]["id"]], ["state"])[0]["state"] == "installed":
            break
        print("installing OCA's mail_gateway_whatsapp into the database...", flush=True)
        try:
            odoo.call(Module, "button_immediate_install", [module[0]["id"]])
        except RuntimeError as error:  # refused while a processing run lingers
            print(f"  {error}".splitlines()[0], flush=True)
            time.sleep(5)
    suffix = secrets.token_hex(4)
    key, secret = f"bench-{suffix}", f"oca-secret-{suffix}"
    odoo.call("mail.gateway", "create", {
        "name": f"OCA bench {suffix}", "gateway_type": "whatsapp", "token": f"bench-token-{suffix}",
        "webhook_key": key, "webhook_secret": secret, "whatsapp_security_key": suffix,
        "whatsapp_from_phone": connection["phone_number_id"],
        "integrated_webhook_state": "integrated", "member_ids": [(4, odoo.uid)]})
    return f"{odoo.url}/gateway/whatsapp/{key}/update", secret


def side_by_side(bench, oca, customers, rounds, posts, per_post, concurrency):
    """The same messages to both receivers, in alternating rounds (ours first in even
    rounds, OCA's in odd ones), and the totals of each, with their ratio."""
    connection = bench.connection
    url, oca_secret = oca
    ours_url = f"{bench.odoo.url}/whatsapp_inbox/webhook"
    totals = {"ours": [], "OCA": []}
    load_before = load()
    for index in range(rounds):
        bodies = bodies_for(connection, posts, per_post, customers)
        order = [("ours", ours_url, connection["app_secret"], connection),
                 ("OCA", url, oca_secret, None)]
        for name, target, secret, ours in order[::1 if index % 2 == 0 else -1]:
            totals[name].append(measure(bench, target, bodies, per_post, secret, concurrency,
                                        ours))
    figures = {}
    for name, measured in totals.items():
        count = rounds * posts * per_post
        roles = {role: sum(m["cpu"][role] for m in measured) / rounds
                 for role in measured[0]["cpu"]}
        cpu = sum(roles.values())
        rate = count / sum(posts * per_post / m["processed"] for m in measured)
        latencies = [latency for m in measured for latency in m["latencies"]]
        figures[name] = (cpu, rate)
        print(f"  {name:<5} {cpu:6.2f} CPU-ms/msg ({roles_text(roles)}), "
              f"{rate:7.1f} msg/s processed, POST p50 "
              f"{statistics.median(latencies) * 1000:6.1f} ms p99 "
              f"{percentile(latencies, 0.99) * 1000:6.1f} ms ({count} messages)", flush=True)
    print(f"  OCA / ours: {figures['OCA'][0] / figures['ours'][0]:.1f}x the CPU per message, "
          f"ours / OCA: {figures['ours'][1] / figures['OCA'][1]:.1f}x the messages per second "
          f"(load {load_before:.1f}->{load():.1f})", flush=True)


class Bench:
    """What the scenarios share: the server, our connection on it, its CPU meter and the
    bench's own view of the journal."""

    def __init__(self):
        self.odoo = Odoo.from_env()
        self.connection = new_connection(self.odoo)
        self.cpu = ServerCpu(int(os.environ["ODOO_PID"]), os.environ["ODOO_DB"])
        self.journal = Journal(os.environ["ODOO_DB"])


def main():
    bench = Bench()
    odoo = bench.odoo
    customers = [f"55119{index:08d}" for index in range(200)]
    with bench.journal.db.cursor() as cr:
        cr.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'")
        active = cr.fetchone()[0]
    print(f"load average {' '.join(f'{value:.1f}' for value in os.getloadavg())}, "
          f"{os.cpu_count()} cores, {active} active PostgreSQL backends (all databases)",
          flush=True)
    if bench.cpu.untimed_why:
        print(f"short-lived PostgreSQL backends are counted, NOT TIMED: "
              f"{bench.cpu.untimed_why}", flush=True)

    def scaled(posts):
        return max(1, int(posts * SCALE))

    def wanted(scenario):
        return not ONLY or scenario in ONLY

    # first, while no processing run lingers (Odoo installs no module during a cron run)
    oca = oca_gateway(odoo, bench.connection) if wanted("oca") else None

    # warm-up: workers load the registry, customers get their conversations
    run(bench, "warm-up (200 new customers)", 4, 50, 1, customers)
    if wanted("floor"):
        request_floor(bench)
    if wanted("single1"):
        run(bench, "1 message per POST, 1 sender", scaled(300), 1, 1, customers)
    if wanted("single4"):
        run(bench, "1 message per POST, 4 senders", scaled(1200), 1, 4, customers,
            target="<= 6 CPU-ms/msg, >= 150 deliveries/s, p99 <= 100 ms")
    if wanted("single16"):
        run(bench, "1 message per POST, 16 senders", scaled(1200), 1, 16, customers)
    if wanted("batch50"):
        run(bench, "50 messages per POST, 1 sender", scaled(20), 50, 1, customers,
            target="<= 2 CPU-ms/msg")
    if wanted("batch1000"):
        run(bench, "1000 messages per POST, 1 sender", scaled(4), 1000, 1, customers,
            target="<= 2 CPU-ms/msg")
    if wanted("new50"):
        new = [f"55218{index:08d}" for index in range(int(1000 * SCALE) + 50)]
        run(bench, "50 messages per POST, all new customers", scaled(20), 50, 1, new)
    if wanted("visible"):
        bus = Bus(odoo)
        visible(bench, bus, customers, scaled(100))
        bus.close()

    if wanted("oca"):
        if not oca:
            print("OCA's mail_gateway_whatsapp is not on the addons path: no side by side "
                  "(make bench installs it)", flush=True)
        else:
            # warm-up: OCA's workers load the new registry, its channels of the customers exist
            deliver(oca[0], bodies_for(bench.connection, 4, 50, customers), oca[1], 1)
            print("side by side, 1 message per POST, 4 senders, alternating rounds:", flush=True)
            side_by_side(bench, oca, customers, 6, scaled(200), 1, 4)
            print("side by side, 50 messages per POST, 1 sender, alternating rounds:",
                  flush=True)
            side_by_side(bench, oca, customers, 4, scaled(6), 50, 1)
    print(f"load average at the end {' '.join(f'{value:.1f}' for value in os.getloadavg())}",
          flush=True)
    bench.cpu.close()


if __name__ == "__main__":
    main()
