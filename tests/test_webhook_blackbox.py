import secrets
import threading

from conftest import payloads


def post_all_at_once(odoo, connection, deliveries):
    """POST the deliveries from as many threads released together; their statuses."""
    start = threading.Barrier(len(deliveries))
    statuses = []

    def send(payload):
        start.wait()
        statuses.append(odoo.post_webhook(payload, connection["app_secret"]).status_code)

    threads = [threading.Thread(target=send, args=(d,)) for d in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def new_customer():
    return "55119" + "".join(secrets.choice("0123456789") for _ in range(8))


def conversations(odoo, connection, wa_id):
    return odoo.call("whatsapp.inbox.conversation", "search_read",
                     [("connection_id", "=", connection["id"]), ("wa_id", "=", wa_id)],
                     fields=["state", "unread", "contact_name"])


def messages(odoo, connection):
    return odoo.call("whatsapp.inbox.message", "search_read",
                     [("conversation_id.connection_id", "=", connection["id"])],
                     fields=["wamid", "body", "status"])


def test_handshake(odoo, connection):
    url = f"{odoo.url}/whatsapp_inbox/webhook"
    ok = odoo.session.get(url, params={"hub.mode": "subscribe", "hub.challenge": "42",
                                       "hub.verify_token": connection["verify_token"]})
    assert (ok.status_code, ok.text) == (200, "42")
    refused = odoo.session.get(url, params={"hub.mode": "subscribe", "hub.challenge": "42",
                                            "hub.verify_token": "wrong"})
    assert refused.status_code == 403


def test_signed_delivery_is_stored_and_unsigned_refused(odoo, bus, connection):
    wa_id = new_customer()
    payload = payloads.delivery(payloads.change(
        connection["phone_number_id"], messages=[payloads.text(wa_id, "Olá")],
        contacts=[payloads.contact(wa_id, "Maria")]))
    refused = odoo.post_webhook(payload, connection["app_secret"], signature="sha256=00")
    assert refused.status_code == 403
    assert not conversations(odoo, connection, wa_id)
    response = odoo.post_webhook(payload, connection["app_secret"])
    assert response.status_code == 200
    bus.wait_processed(connection)
    [conversation] = conversations(odoo, connection, wa_id)
    assert conversation["state"] == "waiting"
    assert conversation["contact_name"] == "Maria"


def test_concurrent_first_messages_make_one_conversation(odoo, bus, connection):
    """Workers receive the first messages of a new customer at the same time."""
    wa_id = new_customer()
    bodies = [payloads.delivery(payloads.change(
        connection["phone_number_id"], messages=[payloads.text(wa_id, f"message {i}")]))
        for i in range(8)]
    assert post_all_at_once(odoo, connection, bodies) == [200] * len(bodies)
    bus.wait_processed(connection)
    assert len(conversations(odoo, connection, wa_id)) == 1
    assert len(messages(odoo, connection)) == len(bodies)
    failed = odoo.call("whatsapp.inbox.event", "search_count",
                       [("connection_ids", "in", connection["id"]), ("state", "!=", "done")])
    assert failed == 0


def test_concurrent_duplicates_and_statuses_lose_nothing(odoo, bus, connection):
    """The same delivery arriving twice at once, with statuses racing messages."""
    wa_id = new_customer()
    first = payloads.text(wa_id, "hello")
    odoo.post_webhook(payloads.delivery(payloads.change(
        connection["phone_number_id"], messages=[first])), connection["app_secret"])
    bus.wait_processed(connection)
    [conversation] = conversations(odoo, connection, wa_id)
    out_wamid = f"wamid.OUT.{wa_id}"
    odoo.call("whatsapp.inbox.message", "create", {
        "conversation_id": conversation["id"], "direction": "out", "body": "answer",
        "wamid": out_wamid, "status": "queued"})
    deliveries = []
    for state in ("sent", "delivered", "read"):
        deliveries.append(payloads.delivery(payloads.change(
            connection["phone_number_id"], statuses=[payloads.status(out_wamid, state, wa_id)])))
    duplicate = payloads.delivery(payloads.change(
        connection["phone_number_id"], messages=[payloads.text(wa_id, "twice")]))
    deliveries += [duplicate, duplicate]
    assert post_all_at_once(odoo, connection, deliveries) == [200] * len(deliveries)
    bus.wait_processed(connection)
    stored = {m["wamid"]: m for m in messages(odoo, connection)}
    assert stored[out_wamid]["status"] == "read"
    assert sorted(m["body"] for m in stored.values()) == ["answer", "hello", "twice"]
