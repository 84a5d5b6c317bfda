"""Thousands of hostile signed bodies: never a 5xx, and no well-formed sibling lost."""

import itertools
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import corpus
import payloads

BODIES = 3000


def test_hostile_signed_bodies_get_no_5xx_and_lose_no_sibling(odoo, bus, connection):
    kinds = list(itertools.islice(itertools.cycle(corpus.HOSTILE), BODIES))
    siblings = [payloads.text(f"55119{index % 200:08d}", f"sibling {index}",
                              wamid=f"wamid.{connection['phone_number_id']}.s{index}")
                for index in range(BODIES)]
    bodies = [corpus.hostile(kind, connection["phone_number_id"], connection["waba_id"], sibling)
              for kind, sibling in zip(kinds, siblings, strict=True)]

    def post(body):
        return odoo.post_webhook(body, connection["app_secret"]).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(post, bodies))
    assert not [status for status in statuses if status >= 500]
    unexpected = Counter((kind, status) for kind, status in zip(kinds, statuses, strict=True)
                         if status != corpus.HOSTILE[kind][1])
    assert not unexpected, "each kind gets its answer"

    bus.wait_processed(connection)
    acknowledged = [sibling["id"] for sibling, status in zip(siblings, statuses, strict=True)
                    if status == 200]
    stored = odoo.call("whatsapp.inbox.message", "search_count",
                       [("wamid", "in", acknowledged)])
    assert stored == len(acknowledged), "every well-formed sibling of an acknowledged body"
    events = Counter(event["state"] for event in odoo.call(
        "whatsapp.inbox.event", "search_read", [("connection_ids", "in", connection["id"])],
        fields=["state"]))
    failing = sum(corpus.HOSTILE[kind][2] for kind in kinds)
    assert events == {"failed": failing, "done": len(acknowledged) - failing}, \
        "nothing journaled for a 4xx; a body with a bad item ends failed, never done"
    errors = odoo.call("whatsapp.inbox.event", "search_read", [
        ("connection_ids", "in", connection["id"]), ("state", "=", "failed"),
        ("error", "not ilike", "could not be stored")], fields=["error"])
    assert not errors, "each failed delivery names its bad items"
