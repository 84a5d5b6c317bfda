"""Webhook ingestion at the request floor: acknowledgement, processing, live update.

Posts signed deliveries to a running Odoo (served with workers by ``make bench``) and prints,
per scenario: deliveries (and messages) acknowledged per second, p50/p99 latency of the POSTs,
and the CPU milliseconds per message spent end to end (journal, processing by the cron, bus
notifications) by the Odoo processes and their PostgreSQL backends (process time, which swings
far less than wall-clock time on shared machines). Then the time from a POST to the message
visible to a second client (the bus refresh on its websocket), p50/p99.

Environment: ODOO_URL, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD, ODOO_PID (the Odoo server; its
workers are its children), PGHOST/PGPORT/PGUSER; BENCH_SCALE multiplies the POSTs.
"""

import contextlib
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import psycopg2

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


def run(odoo, bus, connection, name, posts, per_post, concurrency, customers):
    """POST ``posts`` deliveries of ``per_post`` messages from ``concurrency`` senders, wait
    until the cron processed them all, print the figures."""
    pnid, secret = connection["phone_number_id"], connection["app_secret"]
    bodies = [payloads.encode(payloads.delivery(payloads.change(pnid, messages=[
        payloads.text(customers[(index * per_post + k) % len(customers)], f"msg {index}.{k}")
        for k in range(per_post)]))) for index in range(posts)]

    def post(body):
        started = time.perf_counter()
        response = odoo.post_webhook(body, secret)
        assert response.status_code == 200, response.text
        return time.perf_counter() - started

    odoo_pid = int(os.environ["ODOO_PID"])
    cpu_before, wall_before = cpu_by_role(odoo_pid), time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = list(pool.map(post, bodies))
    acknowledged = time.perf_counter() - wall_before
    bus.wait_processed(connection, deadline=900)
    processed = time.perf_counter() - wall_before
    count = posts * per_post
    cpu = {role: (spent - cpu_before[role]) * 1000 / count
           for role, spent in cpu_by_role(odoo_pid).items()}
    print(f"{name:<42} {posts / acknowledged:7.1f} deliveries/s acknowledged "
          f"({count / processed:7.1f} msg/s processed)  p50 "
          f"{statistics.median(latencies) * 1000:6.1f} ms  p99 "
          f"{percentile(latencies, 0.99) * 1000:6.1f} ms  {sum(cpu.values()):6.2f} CPU-ms/msg "
          f"({', '.join(f'{role} {ms:.2f}' for role, ms in cpu.items())})  "
          f"({count} messages, {posts} POSTs, {concurrency} senders)", flush=True)


def visible(odoo, bus, connection, customers, samples):
    """Time from a POST to the refresh that shows its conversation on a second client."""
    conversations = {c["wa_id"]: c["id"] for c in odoo.call(
        "whatsapp.inbox.conversation", "search_read",
        [("connection_id", "=", connection["id"])], fields=["wa_id"])}
    delays = []
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
          f"a time)", flush=True)


def request_floor(odoo, connection, count=200):
    """CPU of Odoo's own pipeline for a request to a public route of ours that does one
    indexed lookup (the verification handshake): the floor under any webhook."""
    params = {"hub.mode": "subscribe", "hub.challenge": "1",
              "hub.verify_token": connection["verify_token"]}
    url = f"{odoo.url}/whatsapp_inbox/webhook"
    odoo_pid = int(os.environ["ODOO_PID"])
    cpu_before = cpu_seconds(odoo_pid)
    for _index in range(count):
        assert odoo.session.get(url, params=params, timeout=30).status_code == 200
    cpu = cpu_seconds(odoo_pid) - cpu_before
    print(f"{'handshake GET (request floor)':<42} {cpu * 1000 / count:6.2f} CPU-ms/request",
          flush=True)


def main():
    odoo = Odoo.from_env()
    bus = Bus(odoo)
    connection = new_connection(odoo)
    customers = [f"55119{index:08d}" for index in range(200)]

    def scaled(posts):
        return max(1, int(posts * SCALE))

    # warm-up: workers load the registry, customers get their conversations
    run(odoo, bus, connection, "warm-up (200 new customers)", 4, 50, 1, customers)
    request_floor(odoo, connection)
    run(odoo, bus, connection, "1 message per POST, 1 sender", scaled(300), 1, 1, customers)
    run(odoo, bus, connection, "1 message per POST, 4 senders", scaled(1200), 1, 4, customers)
    run(odoo, bus, connection, "1 message per POST, 16 senders", scaled(1200), 1, 16, customers)
    run(odoo, bus, connection, "50 messages per POST, 1 sender", scaled(20), 50, 1, customers)
    run(odoo, bus, connection, "500 messages per POST, 1 sender", scaled(4), 500, 1, customers)
    new = [f"55218{index:08d}" for index in range(int(1000 * SCALE) + 50)]
    run(odoo, bus, connection, "50 messages per POST, all new customers", scaled(20), 50, 1,
        new)
    visible(odoo, bus, connection, customers, scaled(100))
    bus.close()


if __name__ == "__main__":
    main()
