"""Kanban load time of the inbox tabs at scale.

Fills the inbox to ``BENCH_CONVERSATIONS`` conversations (default 10,000) through
the signed webhook, 50 messages per POST, then times what the web client asks
when an attendant opens each tab: the first 80 cards with every field a card
shows (``web_search_read``) and, for the All tab, the counts per state
(``web_read_group``). Medians of 5 runs, over JSON-RPC.

Environment: as bench/webhook_throughput.py.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "whatsapp_inbox" / "tests"))
import payloads  # noqa: E402
from conftest import Odoo  # noqa: E402

TARGET = int(os.environ.get("BENCH_CONVERSATIONS", "10000"))
CARD = {
    "name": {}, "phone": {}, "state": {}, "unread": {}, "waiting_since": {},
    "wait_thresholds": {}, "last_message_preview": {}, "last_message_at": {},
    "user_id": {"fields": {"display_name": {}}},
    "connection_id": {"fields": {"display_name": {}}},
    "department_id": {"fields": {"display_name": {}}},
    "tag_ids": {"fields": {"display_name": {}, "color": {}}},
}
TABS = {
    "Waiting (oldest first)": ([("state", "=", "waiting")], "waiting_since asc, id asc"),
    "Open": ([("state", "=", "open")], None),
    "Unread": ([("unread", "=", True)], None),
    "All": ([], None),
    "Search 'Maria'": (["|", ("name", "ilike", "Maria"), ("phone", "ilike", "Maria")], None),
}


def timed(call, runs=5):
    durations = []
    for _run in range(runs):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


def fill(odoo):
    existing = odoo.call("whatsapp.inbox.conversation", "search_count", [])
    missing = TARGET - existing
    if missing <= 0:
        return existing
    secret = "bench-views-secret"
    connection = odoo.call("whatsapp.inbox.connection", "search_read",
                           [("phone_number_id", "=", "PNID-BENCH-VIEWS")], fields=["id"])
    if not connection:
        odoo.call("whatsapp.inbox.connection", "create", {
            "name": "Bench views", "phone_number_id": "PNID-BENCH-VIEWS", "app_secret": secret})
    started = time.perf_counter()
    for start in range(existing, TARGET, 50):
        customers = [f"55{11 + (i % 80)}9{i:08d}" for i in range(start, min(start + 50, TARGET))]
        body = payloads.delivery(payloads.change(
            "PNID-BENCH-VIEWS", messages=[payloads.text(c, f"Olá, sou o cliente {c}")
                                          for c in customers],
            contacts=[payloads.contact(c, f"Cliente {c[-4:]}") for c in customers]))
        assert odoo.post_webhook(body, secret).status_code == 200
    print(f"filled {missing} conversations in {time.perf_counter() - started:.1f} s")
    return TARGET


def main():
    odoo = Odoo.from_env()
    total = fill(odoo)
    print(f"{total} conversations")
    for tab, (domain, order) in TABS.items():
        kwargs = {"specification": CARD, "limit": 80}
        if order:
            kwargs["order"] = order
        ms = timed(lambda d=domain, k=kwargs: odoo.call(
            "whatsapp.inbox.conversation", "web_search_read", d, **k))
        print(f"{tab:<28} first 80 cards {ms:7.1f} ms")
    ms = timed(lambda: odoo.call("whatsapp.inbox.conversation", "web_read_group", [],
                                 ["__count"], ["state"]))
    print(f"{'All, counts per state':<28} read_group    {ms:7.1f} ms")


if __name__ == "__main__":
    main()
