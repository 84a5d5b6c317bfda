"""Every corpus body delivered once, twice (all at once) and in reverse order gives the same
final state."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import corpus
from conftest import new_connection

T0 = int(time.time()) - 3600


def run(odoo, bus, order):
    """Deliver the corpus to a fresh connection; return its final state, comparable."""
    connection = new_connection(odoo)
    box = connection["phone_number_id"]
    conversation = odoo.call("whatsapp.inbox.conversation", "create", {
        "connection_id": connection["id"], "wa_id": corpus.OUTBOUND_TO})
    for wamid in corpus.outbound():
        odoo.call("whatsapp.inbox.message", "create", {
            "conversation_id": conversation, "direction": "out", "body": "our answer",
            "status": "sent", "wamid": corpus.fill(wamid, box),
            "timestamp": datetime.fromtimestamp(T0, UTC).strftime("%Y-%m-%d %H:%M:%S")})
    odoo.call("whatsapp.inbox.template", "create", {
        "connection_id": connection["id"], "name": f"promo_{box}", "language": "pt_BR",
        "status": "PENDING", "body": "Promo!"})
    odoo.call("whatsapp.inbox.template", "create", {
        "connection_id": connection["id"], "name": corpus.fill(corpus.PACED, box),
        "language": "pt_BR", "status": "APPROVED", "category": "UTILITY",
        "quality_score": "GREEN", "body": "Seu pedido saiu."})
    bodies = [corpus.fill(body, box)
              for body in corpus.corpus(connection["phone_number_id"], connection["waba_id"], T0)]
    order(odoo, bus, connection, bodies)
    bus.wait_processed(connection)
    return snapshot(odoo, connection, box)


def one_by_one(bodies_of):
    def deliver(odoo, bus, connection, bodies):
        for body in bodies_of(bodies):
            assert odoo.post_webhook(body, connection["app_secret"]).status_code == 200
            bus.wait_processed(connection)
    return deliver


def twice_at_once(odoo, bus, connection, bodies):
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda body: odoo.post_webhook(
            body, connection["app_secret"]).status_code, bodies + bodies))
    assert statuses == [200] * len(bodies) * 2


def snapshot(odoo, connection, box):
    def read(model, domain, fields):
        rows = odoo.call(model, "search_read", domain, fields=fields)
        return sorted((corpus.normal({k: v for k, v in row.items() if k != "id"}, box)
                       for row in rows), key=repr)

    mine = [("connection_id", "=", connection["id"])]
    return {
        "conversations": read("whatsapp.inbox.conversation", mine, [
            "wa_id", "bsuid", "username", "contact_name", "phone", "state", "unread",
            "opted_out", "waiting_since", "last_inbound_at", "last_message_at",
            "last_message_preview", "error_reason", "parent_bsuid", "handled_by",
            "marketing_opted_out"]),
        "messages": read("whatsapp.inbox.message", [("conversation_id.connection_id", "=",
                                                      connection["id"])], [
            "wamid", "direction", "message_type", "body", "status", "reply_to_wamid",
            "failure_code", "timestamp", "media_id", "origin", "choice_id", "choice_title",
            "pricing_billable", "pricing_category", "pricing_model", "raw_json"]),
        "events": sorted({repr(row) for row in read("whatsapp.inbox.event", [
            ("connection_ids", "in", connection["id"])], ["state", "error"])}),
        "held": sorted({repr(row) for row in read("whatsapp.inbox.message.status", [
            ("connection_id", "=", connection["id"])], ["wamid", "status"])}),
        "templates": read("whatsapp.inbox.template", mine, [
            "name", "status", "category", "quality_score"]),
    }


def test_same_final_state_once_twice_and_reversed(odoo, bus):
    once = run(odoo, bus, one_by_one(list))
    assert len(once["messages"]) == 27
    # bot: the customers Meta's agent answers (standby, handover)
    assert {c["state"] for c in once["conversations"]} == {"waiting", "error", "new", "bot"}
    assert sum("'failed'" in event for event in once["events"]) == 1, "the bad item's"
    assert_platform_fields_kept(once)
    assert run(odoo, bus, twice_at_once) == once
    assert run(odoo, bus, one_by_one(lambda bodies: bodies[::-1])) == once


def assert_platform_fields_kept(state):
    """What each of the newer fields of ``corpus.platform`` left: nothing lost."""
    customers = {c["wa_id"]: c for c in state["conversations"]}
    messages = {m["wamid"]: m for m in state["messages"]}
    box = corpus.BOX
    echo, history = messages[f"wamid.{box}.echo1"], messages[f"wamid.{box}.hist2"]
    assert (echo["direction"], echo["origin"]) == ("out", "echo")
    assert (history["direction"], history["origin"], history["status"]) == (
        "out", "history", "read")
    for coexistence in ("5511900000005", "5511900000006"):  # no Waiting, nobody notified
        assert (customers[coexistence]["state"], customers[coexistence]["unread"]) == (
            "new", False)
    assert messages[f"wamid.{box}.in62"]["origin"] == "standby"
    for customer, field in (("5511900000008", "standby"), ("5511900000009", "handover")):
        assert (customers[customer]["handled_by"], customers[customer]["state"]) == (
            "meta_agent", "bot"), field
    assert customers["5511900000001"]["marketing_opted_out"], "user_preferences"
    templates = {t["name"]: t for t in state["templates"]}
    assert templates[f"paced_{box}"] == {"name": f"paced_{box}", "status": "PAUSED",
                                         "category": "MARKETING", "quality_score": "YELLOW"}
    priced = messages[f"wamid.{box}.out3"]
    assert (priced["pricing_billable"], priced["pricing_category"],
            priced["pricing_model"]) == (True, "utility", "PMP")
    jonas = customers["BR.1700000000000009"]
    assert (jonas["parent_bsuid"], jonas["username"], jonas["phone"]) == (
        "BR.ENT.1700000000000009", "@jonas.r", "+5511900000010"), "shared on request"
    assert (messages[f"wamid.{box}.in67"]["choice_id"],
            messages[f"wamid.{box}.in67"]["choice_title"]) == ("t14", "14:00")
    assert "flow_token" in messages[f"wamid.{box}.in68"]["raw_json"]
    unsupported = messages[f"wamid.{box}.in69"]
    assert unsupported["message_type"] == "unsupported"
    assert "131051" in unsupported["raw_json"]
