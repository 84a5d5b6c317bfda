"""Throughput, latency and CPU cost of webhook ingestion over real HTTP.

Posts signed deliveries to a running Odoo (started with workers by
``make bench``) and prints, per scenario: messages per second, p50/p99 latency
of the POSTs, and CPU milliseconds per message spent by the Odoo processes
and PostgreSQL (process time, which swings far less than wall-clock time on
shared machines).

Environment: ODOO_URL, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD, ODOO_PID (the Odoo
server process; its workers are its children).
"""

import os
import secrets
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "whatsapp_inbox" / "tests"))
import payloads  # noqa: E402
from conftest import Odoo  # noqa: E402


def cpu_seconds(odoo_pid):
    """CPU time used so far by the Odoo server, its workers, and PostgreSQL."""
    total = 0.0
    server = psutil.Process(odoo_pid)
    processes = [server, *server.children(recursive=True)]
    processes += [p for p in psutil.process_iter(["name"]) if p.info["name"] in ("postgres",
                                                                                  "postmaster")]
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def run(odoo, connection, name, posts, per_post, concurrency, customers, odoo_pid):
    phone_number_id, secret = connection["phone_number_id"], connection["app_secret"]
    bodies = []
    for index in range(posts):
        messages = [
            payloads.text(customers[(index * per_post + k) % len(customers)], f"msg {index}.{k}")
            for k in range(per_post)
        ]
        bodies.append(payloads.delivery(payloads.change(phone_number_id, messages=messages)))

    def post(payload):
        started = time.perf_counter()
        response = odoo.post_webhook(payload, secret)
        assert response.status_code == 200, response.text
        return time.perf_counter() - started

    cpu_before, wall_before = cpu_seconds(odoo_pid), time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = sorted(pool.map(post, bodies))
    wall = time.perf_counter() - wall_before
    cpu = cpu_seconds(odoo_pid) - cpu_before
    count = posts * per_post
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"{name:<44} {count / wall:8.1f} msg/s  p50 {statistics.median(latencies) * 1000:7.1f} ms"
          f"  p99 {p99 * 1000:7.1f} ms  {cpu * 1000 / count:6.2f} CPU-ms/msg"
          f"  ({count} messages, {posts} POSTs, concurrency {concurrency})")


def request_floor(odoo, connection, odoo_pid, count=200):
    """CPU of Odoo's own pipeline for a request to a public route of ours that does
    one indexed lookup (the verification handshake): the floor under any webhook."""
    params = {"hub.mode": "subscribe", "hub.challenge": "1",
              "hub.verify_token": connection["verify_token"]}
    url = f"{odoo.url}/whatsapp_inbox/webhook"
    cpu_before = cpu_seconds(odoo_pid)
    for _index in range(count):
        assert odoo.session.get(url, params=params, timeout=30).status_code == 200
    cpu = cpu_seconds(odoo_pid) - cpu_before
    print(f"{'handshake GET (request floor)':<44} {cpu * 1000 / count:6.2f} CPU-ms/request")


def main():
    odoo = Odoo.from_env()
    odoo_pid = int(os.environ["ODOO_PID"])
    suffix = secrets.token_hex(4)
    connection = {"name": f"Bench {suffix}", "phone_number_id": f"PNID-{suffix}",
                  "app_secret": f"secret-{suffix}", "verify_token": f"verify-{suffix}"}
    odoo.call("whatsapp.inbox.connection", "create", connection)
    customers = [f"55119{index:08d}" for index in range(200)]
    scale = int(os.environ.get("BENCH_SCALE", "1"))
    # warm-up: workers load the registry, customers get their conversations
    run(odoo, connection, "warm-up (new customers)", 200 // 50, 50, 1, customers, odoo_pid)
    request_floor(odoo, connection, odoo_pid)
    run(odoo, connection, "1 message per POST, sequential", 200 * scale, 1, 1, customers,
        odoo_pid)
    run(odoo, connection, "1 message per POST, 4 concurrent", 400 * scale, 1, 4, customers,
        odoo_pid)
    run(odoo, connection, "50 messages per POST, sequential", 10 * scale, 50, 1, customers,
        odoo_pid)
    run(odoo, connection, "50 messages per POST, 2 concurrent", 20 * scale, 50, 2, customers,
        odoo_pid)
    new = [f"55218{suffix_index:08d}" for suffix_index in range(1000)]
    run(odoo, connection, "50 messages per POST, all new customers", 20 * scale, 50, 1, new,
        odoo_pid)


if __name__ == "__main__":
    main()
