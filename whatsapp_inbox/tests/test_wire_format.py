import codecs
import json

from odoo.tests import BaseCase

from ..tools import webhook
from ..tools.graph_api import failure_type, media_type
from . import payloads

WA = "5511987654321"
T0 = 1767268800  # 2026-01-01 12:00:00 UTC


def parse(*messages, statuses=(), contacts=(), pnid="PNID"):
    return webhook.parse(payloads.encode(payloads.delivery(payloads.change(
        pnid, messages=messages, statuses=statuses, contacts=contacts))))


class TestWireFormat(BaseCase):
    """A delivery is read once, into plain records; a wrong field costs its item only."""

    def test_records_of_a_delivery(self):
        delivery = parse(
            payloads.text(WA, "Oi", wamid="wamid.A", timestamp=T0, context={"id": "wamid.Q"}),
            payloads.inbound(WA, "image", {"id": "M1", "mime_type": "image/png",
                                           "caption": "foto"}, wamid="wamid.B", timestamp=T0),
            statuses=[payloads.status("wamid.C", "failed", WA, timestamp=T0,
                                      error=(131047, "Re-engagement"))],
            contacts=[payloads.contact(WA, "Maria", user_id="BR.1")],
        )
        text, image = delivery.messages
        self.assertEqual((text.phone_number_id, text.wamid, text.customer, text.kind, text.body,
                          text.reply_to, str(text.timestamp)),
                         ("PNID", "wamid.A", WA, "text", "Oi", "wamid.Q", "2026-01-01 12:00:00"))
        self.assertEqual((image.kind, image.body, image.media.id, image.media.mime_type),
                         ("image", "foto", "M1", "image/png"))
        [status] = delivery.statuses
        self.assertEqual((status.wamid, status.status, status.recipient, status.error_code,
                          status.error_reason),
                         ("wamid.C", "failed", WA, "131047",
                          "Re-engagement — Re-engagement (details)"))
        [profile] = delivery.profiles
        self.assertEqual((profile.wa_id, profile.bsuid, profile.name), (WA, "BR.1", "Maria"))
        self.assertEqual((delivery.phone_number_ids, delivery.waba_ids, delivery.problems),
                         ({"PNID"}, {"WABA1"}, []))
        self.assertEqual(delivery.customers(), {("PNID", WA)})

    def test_template_updates_and_change_errors(self):
        body = payloads.encode({"entry": [{"id": "WABA9", "changes": [
            {"field": "message_template_status_update", "value": {
                "event": "APPROVED", "message_template_id": 77,
                "message_template_name": "promo", "message_template_language": "pt_BR"}},
            {"field": "messages", "value": {"metadata": {"phone_number_id": "P"},
                                            "errors": [{"code": 131000, "title": "Oops"}]}},
            {"field": "account_alerts", "value": {}},
        ]}]})
        delivery = webhook.parse(body)
        self.assertEqual(delivery.template_updates, [webhook.TemplateUpdate(
            "WABA9", "APPROVED", "77", "promo", "pt_BR", "")])
        self.assertEqual(delivery.errors, [webhook.ChangeError("P", "131000", "Oops")])
        self.assertEqual(delivery.ignored_fields, ["account_alerts"])

    def test_nul_is_removed_from_decoded_strings_only(self):
        delivery = parse(payloads.text(WA, "a\\u0000b\u0000c"))
        self.assertEqual(delivery.messages[0].body, "a\\u0000bc")
        self.assertIn('a\\\\u0000b\\u0000c', delivery.text, "the text is kept as it came")

    def test_nul_or_surrogate_in_an_id_makes_a_problem(self):
        delivery = parse(payloads.text(WA, wamid="wamid.\u0000A"),
                         payloads.text("5511\ud800"),
                         statuses=[payloads.status("wamid.B", "read", "55\udc00")])
        self.assertEqual([(p.where.rsplit(".", 1)[1], p.error.split(":")[0])
                          for p in delivery.problems],
                         [("messages[0]", "id"), ("messages[1]", "from"),
                          ("statuses[0]", "recipient_id")])
        self.assertFalse(delivery.messages or delivery.statuses)

    def test_lone_surrogates_in_text_are_replaced(self):
        delivery = parse(payloads.text(WA, "oi \ud83d"), contacts=[payloads.contact(WA, "\udc00x")])
        self.assertEqual(delivery.messages[0].body, "oi \ufffd")
        self.assertEqual(delivery.profiles[0].name, "\ufffdx")

    def test_byte_order_mark_and_other_encodings(self):
        payload = payloads.delivery(payloads.change("PNID", messages=[payloads.text(WA, "ção")]))
        for body in (codecs.BOM_UTF8 + payloads.encode(payload),
                     json.dumps(payload, ensure_ascii=False).encode("utf-16"),
                     json.dumps(payload, ensure_ascii=False).encode("utf-32-le")):
            self.assertEqual(webhook.parse(body).messages[0].body, "ção", body[:4])

    def test_bodies_that_are_no_delivery(self):
        for body in (b"", b"{", b"[]", b'{"entry": {}}', b"\xff\xfe\x00", b"\xed\xa0\x80",
                     b"[" * 100000, b'{"entry": ' + b"[" * 5000 + b"]" * 5000 + b"}"):
            with self.assertRaises(webhook.MalformedDelivery, msg=body[:20]):
                webhook.parse(body)

    def test_each_wrong_field_is_named(self):
        cases = [
            (payloads.inbound(WA, "contacts", {}, contacts=[{"phones": 5}]),
             "contacts[0].phones: expected a list, got a number"),
            (payloads.inbound(WA, "contacts", {}, contacts=[{"phones": [3]}]),
             "contacts[0].phones[0]: expected an object, got a number"),
            (payloads.inbound(WA, "contacts", {}, contacts=["card"]),
             "contacts[0]: expected an object, got text"),
            (payloads.inbound(WA, "text", {"body": "x"}, type=["text"]),
             "type: expected text, got a list"),
            (payloads.text(WA, timestamp=253402300799),
             "timestamp: 253402300799 is not a plausible time"),
            (dict(payloads.text(WA), timestamp=True),
             "timestamp: expected Unix seconds, got a boolean"),
            (payloads.text(WA, wamid="w" * 10000), "id: not an id"),
            (payloads.text(WA, {"nested": 1}), "body: expected text, got an object"),
            (payloads.inbound(WA, "location", {"latitude": "north"}),
             "latitude: expected a number, got text"),
            (payloads.inbound(WA, "image", ["x"]), "image: expected an object, got a list"),
            (dict(payloads.text(WA), context="wamid.X"), "context: expected an object, got text"),
            ({"id": "wamid.NOFROM", "timestamp": str(T0), "type": "text"}, "from: missing"),
            ("not a message", "expected an object, got text"),
        ]
        delivery = parse(*(case for case, _error in cases), payloads.text(WA, "ok"))
        self.assertEqual(len(delivery.problems), len(cases))
        for problem, (_case, error) in zip(delivery.problems, cases, strict=True):
            self.assertTrue(problem.error.startswith(error), (problem.error, error))
        self.assertEqual([m.body for m in delivery.messages], ["ok"])
        self.assertEqual(delivery.problems[-2].wamid, "wamid.NOFROM")
        self.assertIn("(wamid.NOFROM): from: missing", str(delivery.problems[-2]))

    def test_unknown_types_and_statuses_are_kept(self):
        delivery = parse(payloads.inbound(WA, "ephemeral", {}),
                         statuses=[payloads.status("wamid.Z", "deleted", WA)])
        self.assertEqual(delivery.messages[0].kind, "unsupported")
        self.assertEqual(delivery.statuses[0].status, "deleted")

    def test_username_customers(self):
        message = payloads.text(None, "oi")
        del message["from"]
        message["from_user_id"] = "BR.15025"
        [record] = parse(message).messages
        self.assertEqual((record.customer, record.bsuid), ("BR.15025", "BR.15025"))

    def test_failure_types(self):
        self.assertEqual([failure_type(code) for code in (131047, "131026", "timeout",
                                                          "http_503", "999999")],
                         ["window_closed", "undeliverable", "network", "server", "unknown"])
        self.assertEqual([media_type(m) for m in ("image/png", "audio/ogg", "application/pdf",
                                                  None)], ["image", "audio", "document",
                                                           "document"])
