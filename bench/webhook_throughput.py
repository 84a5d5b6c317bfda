"""Webhook ingestion at the request floor: acknowledgement, processing, live update, and OCA's
``mail_gateway_whatsapp`` side by side.

Posts signed deliveries to a running Odoo (served with workers by ``make bench``) and prints,
per scenario: deliveries (and messages) acknowledged per second, p50/p99 latency of the POSTs,
and the CPU milliseconds per message spent end to end (journal, processing by the cron, bus
notifications) by the Odoo processes and their PostgreSQL backends (process time, which swings
far less than wall-clock time on shared machines). The end of the processing is watched from
PostgreSQL directly, so that the bench's own polling costs the server nothing. Then the time
from a POST to the message visible to a second client (the bus refresh on its websocket),
p50/p99, and Odoo's request floor (an empty route).

Side by side: when OCA's ``mail_gateway_whatsapp`` is on the server's addons path (``make
bench`` installs it from PyPI into a throwaway folder, ``logs/oca-addons``), it is installed
in the same database, a gateway is configured, and the same messages are posted to both
receivers in alternating rounds of the same run; the ratio of CPU-ms per message and of
messages per second is printed for single-message and 50-message deliveries.

Environment: ODOO_URL, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD, ODOO_PID (the Odoo server; its
workers are its children), PGHOST/PGPORT/PGUSER; BENCH_SCALE multiplies the POSTs.
"""

import contextlib
import os
import secrets
import statistics
import sys
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


def cpu_by_role(odoo_pid):
    """CPU time used so far by the Odoo server's processes, by role: ``http`` (its HTTP
    workers), ``cron``, ``websocket``, and ``postgres`` (the backends they opened, named
    ``odoo-<pid>``: other databases' load is not counted)."""
    server = psutil.Process(odoo_pid)
    roles = {}
    for process in [server, *server.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            roles[process] = ("cron" if process.nice() == 10 else "websocket"
                              if "gevent" in process.cmdline()[1:3] else "http")
    names = [f"odoo-{process.pid}" for process in roles]
    with psycopg2.connect(dbname=os.environ["ODOO_DB"]) as connection, \
            connection.cursor() as cr:
        cr.execute("SELECT pid FROM pg_stat_activity WHERE application_name = ANY(%s)", [names])
        roles.update((psutil.Process(pid), "postgres") for (pid,) in cr.fetchall())
    totals = dict.fromkeys(("http", "cron", "websocket", "postgres"), 0.0)
    for process, role in roles.items():
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            totals[role] += times.user + times.system
    return totals


def cpu_seconds(odoo_pid):
    """CPU time used so far by the Odoo server, its workers and their PostgreSQL backends."""
    return sum(cpu_by_role(odoo_pid).values())


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


def pending(connection):
    """Deliveries of ``connection`` not processed yet, read by the bench's own PostgreSQL
    connection (not an Odoo process: it is not counted)."""
    with psycopg2.connect(dbname=os.environ["ODOO_DB"]) as db, db.cursor() as cr:
        cr.execute("SELECT count(*) FROM whatsapp_inbox_event event JOIN "
                   "whatsapp_inbox_connection_whatsapp_inbox_event_rel rel "
                   "ON rel.whatsapp_inbox_event_id = event.id WHERE event.state = 'pending' "
                   "AND rel.whatsapp_inbox_connection_id = %s", [connection["id"]])
        return cr.fetchone()[0]


def wait_processed(connection, deadline=900):
    started = time.monotonic()
    while pending(connection):
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


def measure(url, bodies, per_post, secret, concurrency, connection=None):
    """Deliver ``bodies`` to ``url``; with ``connection`` (ours), wait until processed.
    Return ``{"cpu": {role: CPU-ms per message}, "acknowledged": deliveries/s, "processed":
    messages/s, "latencies": [s]}``."""
    odoo_pid = int(os.environ["ODOO_PID"])
    cpu_before, wall_before = cpu_by_role(odoo_pid), time.perf_counter()
    latencies = deliver(url, bodies, secret, concurrency)
    acknowledged = time.perf_counter() - wall_before
    if connection:
        wait_processed(connection)
    processed = time.perf_counter() - wall_before
    count = len(bodies) * per_post
    return {"cpu": {role: (spent - cpu_before[role]) * 1000 / count
                    for role, spent in cpu_by_role(odoo_pid).items()},
            "acknowledged": len(bodies) / acknowledged, "processed": count / processed,
            "latencies": latencies}


def run(odoo, connection, name, posts, per_post, concurrency, customers, target=""):
    """POST ``posts`` deliveries of ``per_post`` messages from ``concurrency`` senders, wait
    until the cron processed them all, print the figures (and the target, if any)."""
    bodies = bodies_for(connection, posts, per_post, customers)
    figures = measure(f"{odoo.url}/whatsapp_inbox/webhook", bodies, per_post,
                      connection["app_secret"], concurrency, connection)
    cpu, latencies = figures["cpu"], figures["latencies"]
    print(f"{name:<42} {figures['acknowledged']:7.1f} deliveries/s acknowledged "
          f"({figures['processed']:7.1f} msg/s processed)  p50 "
          f"{statistics.median(latencies) * 1000:6.1f} ms  p99 "
          f"{percentile(latencies, 0.99) * 1000:6.1f} ms  {sum(cpu.values()):6.2f} CPU-ms/msg "
          f"({', '.join(f'{role} {ms:.2f}' for role, ms in cpu.items())})  "
          f"({posts * per_post} messages, {posts} POSTs, {concurrency} senders)"
          + (f"\n{'':<42} target: {target}" if target else ""), flush=True)


def visible(odoo, bus, connection, customers, samples):
    """Time from a POST to the refresh that shows its conversation on a second client."""
    conversations = {c["wa_id"]: c["id"] for c in odoo.call(
        "whatsapp.inbox.conversation", "search_read",
        [("connection_id", "=", connection["id"])], fields=["wa_id"])}
    delays = []
    for _stale in bus.refreshes(1):
        pass  # notifications of the earlier scenarios
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
          f"a time; target: within 1 s on an idle system)", flush=True)


def request_floor(odoo, connection, count=200):
    """CPU of Odoo's own pipeline for a request to an empty route (``/web/health``, which
    answers a constant), and to a public route of ours doing one indexed lookup (the
    verification handshake): the floor under any webhook."""
    params = {"hub.mode": "subscribe", "hub.challenge": "1",
              "hub.verify_token": connection["verify_token"]}
    odoo_pid = int(os.environ["ODOO_PID"])
    for name, path, query in (("empty route GET /web/health (request floor)", "/web/health",
                               None),
                              ("handshake GET (one indexed lookup)", "/whatsapp_inbox/webhook",
                               params)):
        cpu_before = cpu_seconds(odoo_pid)
        for _index in range(count):
            assert requests.get(odoo.url + path, params=query, timeout=30).status_code == 200
        cpu = cpu_seconds(odoo_pid) - cpu_before
        print(f"{name:<42} {cpu * 1000 / count:6.2f} CPU-ms/request", flush=True)


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


def side_by_side(odoo, connection, oca, customers, rounds, posts, per_post, concurrency):
    """The same messages to both receivers, in alternating rounds (ours first in even
    rounds, OCA's in odd ones), and the totals of each, with their ratio."""
    url, oca_secret = oca
    ours_url = f"{odoo.url}/whatsapp_inbox/webhook"
    totals = {"ours": [], "OCA": []}
    for index in range(rounds):
        bodies = bodies_for(connection, posts, per_post, customers)
        order = [("ours", ours_url, connection["app_secret"], connection),
                 ("OCA", url, oca_secret, None)]
        for name, target, secret, ours in order[::1 if index % 2 == 0 else -1]:
            totals[name].append(measure(target, bodies, per_post, secret, concurrency, ours))
    figures = {}
    for name, measured in totals.items():
        count = rounds * posts * per_post
        roles = {role: sum(m["cpu"][role] for m in measured) / rounds
                 for role in measured[0]["cpu"]}
        cpu = sum(roles.values())
        rate = count / sum(posts * per_post / m["processed"] for m in measured)
        latencies = [latency for m in measured for latency in m["latencies"]]
        figures[name] = (cpu, rate)
        print(f"  {name:<5} {cpu:6.2f} CPU-ms/msg "
              f"({', '.join(f'{role} {ms:.2f}' for role, ms in roles.items())}), "
              f"{rate:7.1f} msg/s processed, POST p50 "
              f"{statistics.median(latencies) * 1000:6.1f} ms p99 "
              f"{percentile(latencies, 0.99) * 1000:6.1f} ms ({count} messages)", flush=True)
    print(f"  OCA / ours: {figures['OCA'][0] / figures['ours'][0]:.1f}x the CPU per message, "
          f"ours / OCA: {figures['ours'][1] / figures['OCA'][1]:.1f}x the messages per second",
          flush=True)


def main():
    odoo = Odoo.from_env()
    connection = new_connection(odoo)
    customers = [f"55119{index:08d}" for index in range(200)]
    with psycopg2.connect(dbname=os.environ["ODOO_DB"]) as db, db.cursor() as cr:
        cr.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'")
        active = cr.fetchone()[0]
    print(f"load average {' '.join(f'{load:.1f}' for load in os.getloadavg())}, "
          f"{os.cpu_count()} cores, {active} active PostgreSQL backends (all databases)",
          flush=True)

    def scaled(posts):
        return max(1, int(posts * SCALE))

    # first, while no processing run lingers (Odoo installs no module during a cron run)
    oca = oca_gateway(odoo, connection)

    # warm-up: workers load the registry, customers get their conversations
    run(odoo, connection, "warm-up (200 new customers)", 4, 50, 1, customers)
    request_floor(odoo, connection)
    run(odoo, connection, "1 message per POST, 1 sender", scaled(300), 1, 1, customers)
    run(odoo, connection, "1 message per POST, 4 senders", scaled(1200), 1, 4, customers,
        target="<= 6 CPU-ms/msg, >= 150 deliveries/s, p99 <= 100 ms")
    run(odoo, connection, "1 message per POST, 16 senders", scaled(1200), 1, 16, customers)
    run(odoo, connection, "50 messages per POST, 1 sender", scaled(20), 50, 1, customers,
        target="<= 2 CPU-ms/msg")
    run(odoo, connection, "1000 messages per POST, 1 sender", scaled(4), 1000, 1, customers,
        target="<= 2 CPU-ms/msg")
    new = [f"55218{index:08d}" for index in range(int(1000 * SCALE) + 50)]
    run(odoo, connection, "50 messages per POST, all new customers", scaled(20), 50, 1,
        new)
    bus = Bus(odoo)
    visible(odoo, bus, connection, customers, scaled(100))
    bus.close()

    if not oca:
        print("OCA's mail_gateway_whatsapp is not on the addons path: no side by side "
              "(make bench installs it)", flush=True)
        return
    # warm-up: OCA's workers load the new registry, its channels of the customers exist
    deliver(oca[0], bodies_for(connection, 4, 50, customers), oca[1], 1)
    print("side by side, 1 message per POST, 4 senders, alternating rounds:", flush=True)
    side_by_side(odoo, connection, oca, customers, 6, scaled(200), 1, 4)
    print("side by side, 50 messages per POST, 1 sender, alternating rounds:", flush=True)
    side_by_side(odoo, connection, oca, customers, 4, scaled(6), 50, 1)


if __name__ == "__main__":
    main()
