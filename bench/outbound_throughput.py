"""Outbound messages per second through the queue to the Cloud API simulator.

Queues text messages to many customers with one JSON-RPC call, lets Odoo's
cron send them to a local simulator over HTTP, and prints how fast they left
the queue and how fast the simulator's status webhooks (sent, delivered, read)
came back, with the CPU cost per message (Odoo and every PostgreSQL backend it uses, counted
as bench/webhook_throughput.py counts them) and the load average.

Environment: as bench/webhook_throughput.py.
"""

import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "whatsapp_inbox" / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import payloads  # noqa: E402
from conftest import Bus, Odoo  # noqa: E402
from simulator import CloudApiSimulator  # noqa: E402
from webhook_throughput import ServerCpu, load  # noqa: E402

MESSAGES = int(os.environ.get("BENCH_OUTBOUND", "300"))


def wait_until(odoo, domain, count, limit=300):
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if odoo.call("whatsapp.inbox.message", "search_count", domain) >= count:
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError(f"{domain} did not reach {count} in {limit} s")


def main():
    odoo = Odoo.from_env()
    odoo_pid = int(os.environ["ODOO_PID"])
    suffix = secrets.token_hex(4)
    account = {"token": f"token-{suffix}", "app_secret": f"secret-{suffix}",
               "waba_id": f"WABA-{suffix}"}
    pnid = f"PNID-{suffix}"
    callback = f"{odoo.url}/whatsapp_inbox/webhook"
    with CloudApiSimulator({pnid: account}, callback_url=callback, auto_deliver=True,
                           delay=0.05) as sim:
        connection_id = odoo.call("whatsapp.inbox.connection", "create", {
            "name": f"Bench out {suffix}", "phone_number_id": pnid,
            "waba_id": account["waba_id"], "app_secret": account["app_secret"],
            "access_token": account["token"], "api_base_url": sim.api_base_url(),
            "rate_limit": 1000,
        })
        customers = [f"55219{index:08d}" for index in range(MESSAGES)]
        for start in range(0, MESSAGES, 100):  # open the 24-hour windows
            body = payloads.delivery(payloads.change(
                pnid, messages=[payloads.text(c, "Oi") for c in customers[start:start + 100]]))
            assert odoo.post_webhook(body, account["app_secret"]).status_code == 200
        bus = Bus(odoo)  # the deliveries are processed by a cron, right after their 200
        bus.wait_processed({"id": connection_id})
        bus.close()
        conversations = odoo.call("whatsapp.inbox.conversation", "search",
                                  [("connection_id", "=", connection_id)])
        out = [("conversation_id.connection_id", "=", connection_id), ("direction", "=", "out")]

        meter = ServerCpu(odoo_pid, os.environ["ODOO_DB"])
        load_before, started = load(), time.perf_counter()
        with meter.measure() as spent:
            odoo.call("whatsapp.inbox.conversation", "api_send_text", conversations,
                      "Olá! Seu pedido saiu para entrega.")
            queued = time.perf_counter()
            left = wait_until(odoo, [*out, ("status", "!=", "queued")], MESSAGES)
            read = wait_until(odoo, [*out, ("status", "=", "read")], MESSAGES)
        meter.close()
        cpu = sum(spent["cpu"].values())
        assert len(sim.sent) == MESSAGES, len(sim.sent)
    print(f"queued {MESSAGES} messages in one call       {queued - started:7.2f} s")
    print(f"sent through the queue                      {MESSAGES / (left - started):7.1f} msg/s")
    print(f"all read ticks back (3 webhooks each)        {MESSAGES / (read - started):7.1f} msg/s")
    print(f"CPU (Odoo + PostgreSQL) per message, all in {cpu * 1000 / MESSAGES:7.2f} CPU-ms  "
          f"(load {load_before:.1f}->{load():.1f})")


if __name__ == "__main__":
    main()
