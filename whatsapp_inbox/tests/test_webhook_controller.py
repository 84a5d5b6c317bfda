import codecs
import json
from unittest.mock import patch

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..controllers.main import MAX_BODY_BYTES
from ..models import whatsapp_inbox_event
from ..models.whatsapp_inbox_event_batch import _BUS, WhatsappInboxEvent
from ..models.whatsapp_inbox_message_inbound import WhatsappInboxMessage
from . import payloads

WA = "5511987654321"
URL = "/whatsapp_inbox/webhook"
CONTROLLER_LOGGER = "odoo.addons.whatsapp_inbox.controllers.main"
EVENT_LOGGER = "odoo.addons.whatsapp_inbox.models.whatsapp_inbox_event_batch"


class Killed(BaseException):
    """What a worker killed by the system leaves behind: nothing after this point runs."""


@tagged("post_install", "-at_install")
class TestWebhookController(HttpCase):
    """The webhook through the real route, with signed bodies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Connection = cls.env["whatsapp.inbox.connection"]
        cls.connection = Connection.create({
            "name": "BR", "phone_number_id": "PNID-BR", "waba_id": "WABA-BR",
            "app_secret": "secret-br", "verify_token": "verify-br",
        })
        cls.connection_ar = Connection.create({
            "name": "AR", "phone_number_id": "PNID-AR", "waba_id": "WABA-AR",
            "app_secret": "secret-br", "verify_token": "verify-ar",
        })
        cls.connection_other_app = Connection.create({
            "name": "Other app", "phone_number_id": "PNID-X", "app_secret": "secret-x",
        })
        cls.Event = cls.env["whatsapp.inbox.event"]
        cls.Conversation = cls.env["whatsapp.inbox.conversation"]

    def setUp(self):
        super().setUp()
        self.last_event_id = self.Event.search([], limit=1).id or 0

    def events(self):
        """Events journaled by this test."""
        return self.Event.search([("id", ">", self.last_event_id)])

    def process(self):
        """Run the processing cron, as Odoo's cron worker does when the webhook triggers it."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["whatsapp.inbox.event"]._process_pending(
                auto_commit=True)
        self.env.invalidate_all()

    def post(self, payload, secret="secret-br", signature=None, headers=None):
        body = payload if isinstance(payload, bytes) else payloads.encode(payload)
        all_headers = {"Content-Type": "application/json"}
        if signature is None and secret:
            signature = payloads.sign(body, secret)
        if signature is not None:
            all_headers["X-Hub-Signature-256"] = signature
        all_headers.update(headers or {})
        return self.url_open(URL, data=body, headers=all_headers)

    def text_delivery(self, body="Olá", wa_id=WA, pnid="PNID-BR"):
        return payloads.delivery(payloads.change(
            pnid, messages=[payloads.text(wa_id, body)],
            contacts=[payloads.contact(wa_id, "Maria")]))

    def conversations(self, wa_id=WA):
        return self.Conversation.search([("wa_id", "=", wa_id)])

    # Handshake --------------------------------------------------------

    def test_handshake_echoes_challenge_with_right_token(self):
        response = self.url_open(
            f"{URL}?hub.mode=subscribe&hub.verify_token=verify-br&hub.challenge=1158201444")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, "1158201444")
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))

    @mute_logger(CONTROLLER_LOGGER)
    def test_handshake_refuses_wrong_token(self):
        for query in ("hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1",
                      "hub.mode=unsubscribe&hub.verify_token=verify-br&hub.challenge=1",
                      "hub.mode=subscribe&hub.challenge=1"):
            response = self.url_open(f"{URL}?{query}")
            self.assertEqual(response.status_code, 403, query)
            self.assertNotIn("1", response.text)

    @mute_logger(CONTROLLER_LOGGER)
    def test_handshake_refuses_archived_connection(self):
        self.connection.active = False
        response = self.url_open(
            f"{URL}?hub.mode=subscribe&hub.verify_token=verify-br&hub.challenge=7")
        self.assertEqual(response.status_code, 403)

    # Signature ----------------------------------------------------------

    def test_valid_signature_is_journaled_then_processed_by_the_triggered_cron(self):
        cron = self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_event_process")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        response = self.post(self.text_delivery("Olá, São Paulo ✓"))
        self.assertEqual(response.status_code, 200)
        event = self.events()
        self.assertEqual(event.state, "pending", "answered once journaled")
        self.assertEqual(event.connection_ids, self.connection)
        self.assertIn("\\u00e3", event.body, "the raw body is kept as Meta sent it")
        self.assertEqual(len(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])),
                         len(triggers) + 1)
        self.process()
        self.assertEqual(event.state, "done")
        self.assertEqual(self.conversations().wa_message_ids.body, "Olá, São Paulo ✓")

    @mute_logger(CONTROLLER_LOGGER)
    def test_missing_signature_is_refused(self):
        response = self.post(self.text_delivery(), secret=None)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.events())
        self.assertFalse(self.conversations())

    @mute_logger(CONTROLLER_LOGGER)
    def test_wrong_signature_is_refused(self):
        for signature in ("sha256=" + "0" * 64, "sha256=", "sha1=abc", "sha256=é"):
            response = self.post(self.text_delivery(), signature=signature)
            self.assertEqual(response.status_code, 403, signature)
        self.assertFalse(self.events())
        self.assertFalse(self.conversations())

    @mute_logger(CONTROLLER_LOGGER)
    def test_signature_of_another_app_secret_is_refused(self):
        response = self.post(self.text_delivery(), secret="secret-x")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.conversations())

    @mute_logger(CONTROLLER_LOGGER)
    def test_signature_over_reserialised_body_is_refused(self):
        payload = self.text_delivery("Olá")
        body = payloads.encode(payload)
        signature = payloads.sign(json.dumps(payload, ensure_ascii=False).encode(), "secret-br")
        response = self.post(body, signature=signature)
        self.assertEqual(response.status_code, 403)

    @mute_logger(CONTROLLER_LOGGER)
    def test_altered_body_is_refused_before_it_is_read(self):
        body = payloads.encode(self.text_delivery("Olá"))
        signature = payloads.sign(body, "secret-br")
        for altered in (body.replace(b"Ol", b"Al"), body[:-1], b"{not json", b"\xff\xfe",
                        b"[]", body + b" "):
            response = self.post(altered, signature=signature)
            self.assertEqual(response.status_code, 403, altered[:20])
        self.assertFalse(self.events())

    # Bad input ------------------------------------------------------------

    @mute_logger(CONTROLLER_LOGGER)
    def test_malformed_signed_bodies_get_400(self):
        for body in (b"{not json", b"[]", b'{"entry": 3}', b'{"object": "x"}',
                     b'{"entry": [3]}', b"\xff\xfe", b"\xed\xa0\x80"):
            response = self.post(body)
            self.assertEqual(response.status_code, 400, body)
        self.assertFalse(self.events())

    @mute_logger(CONTROLLER_LOGGER)
    def test_oversized_body_gets_413(self):
        body = b'{"entry": [], "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
        response = self.post(body)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.events())

    @mute_logger(CONTROLLER_LOGGER)
    def test_unknown_number_is_ignored_without_storing(self):
        response = self.post(self.text_delivery(pnid="PNID-UNKNOWN"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.events())
        self.assertFalse(self.conversations())

    def test_unhandled_fields_are_acknowledged(self):
        payload = payloads.delivery(
            payloads.change("PNID-BR", field="account_update"),
            payloads.change("PNID-BR", field="security"),
            waba_id="WABA-BR")
        response = self.post(payload)
        self.assertEqual(response.status_code, 200)
        self.process()
        self.assertEqual(self.events().state, "done")

    def test_nul_is_removed_from_the_text_not_from_the_body(self):
        body = payloads.encode(self.text_delivery("a\\u0000b\u0000c"))
        self.assertIn(b"a\\\\u0000b\\u0000c", body, "an escaped backslash, then a NUL")
        self.assertEqual(self.post(body).status_code, 200)
        self.process()
        self.assertEqual(self.events().state, "done")
        self.assertEqual(self.conversations().wa_message_ids.body, "a\\u0000bc")

    def test_byte_order_mark_and_utf16_bodies_are_read(self):
        for wa_id, body in (("5511911110001", codecs.BOM_UTF8 + payloads.encode(
                self.text_delivery("com BOM", wa_id="5511911110001"))),
                            ("5511911110002", json.dumps(self.text_delivery(
                                "em UTF-16", wa_id="5511911110002")).encode("utf-16"))):
            self.assertEqual(self.post(body).status_code, 200)
            self.process()
            self.assertEqual(self.events()[0].state, "done")
            self.assertTrue(self.conversations(wa_id).wa_message_ids, wa_id)

    @mute_logger(CONTROLLER_LOGGER)
    def test_hostile_signed_bodies_never_get_a_5xx(self):
        deep = b"[" * 1000 + b"]" * 1000
        for body, status in ((deep, 400), (b'{"entry": ' + deep + b"}", 400),
                             (b'{"entry": [{"id": "WABA-BR", "changes": [{"field": "messages", '
                              b'"value": {"metadata": {"phone_number_id": ["PNID-BR"]}}}]}]}', 200),
                             (b'{"entry": [{"id": "X", "changes": [{"field": "messages", '
                              b'"value": {"metadata": {"phone_number_id": {}}}}]}]}', 400),
                             (b'{"entry": [{"id": "WABA-BR\\u0000"}]}', 400),
                             (b'{"entry": [], "x": 1e999999}', 200)):
            self.assertEqual(self.post(body).status_code, status, body[:60])
        self.process()
        failed = self.events()
        self.assertEqual(failed.mapped("state"), ["failed"])
        self.assertIn("metadata.phone_number_id", failed.error)
        self.assertIn("phone_number_id: expected an id, got a list", failed.error)

    def test_one_bad_item_costs_only_itself(self):
        good = [payloads.text(f"55119222200{i:02d}", f"fine {i}") for i in range(6)]
        bad = [
            payloads.inbound(WA, "contacts", {}, contacts=[{"phones": 5}]),
            payloads.inbound(WA, "text", {"body": "x"}, type=["text"]),
            payloads.text(WA, "far", timestamp=253402300799),  # year 9999
            payloads.text("5511\ud800", "lone surrogate in from"),
            payloads.text(WA, "long", wamid="wamid." + "x" * 10000),
            payloads.text(WA, ["not", "text"]),
        ]
        messages = [item for pair in zip(good, bad, strict=True) for item in pair]
        payload = payloads.delivery(payloads.change("PNID-BR", messages=messages,
                                                    statuses=[{"id": 3, "status": []}]))
        self.assertEqual(self.post(payload).status_code, 200)
        self.process()
        event = self.events()
        self.assertEqual(event.state, "failed")
        for text in ("contacts[0].phones: expected a list, got a number",
                     "type: expected text, got a list",
                     "timestamp: 253402300799 is not a plausible time",
                     "from: not an id", "id: not an id",
                     "body: expected text, got a list", "statuses[0]"):
            self.assertIn(text, event.error)
        self.assertIn("7 item(s) could not be stored", event.error)
        stored = self.env["whatsapp.inbox.message"].search(
            [("wamid", "in", [m["id"] for m in good])])
        self.assertEqual(len(stored), len(good), "every well-formed sibling is stored")

    def test_status_arriving_before_its_wamid_is_applied_later(self):
        self.post(self.text_delivery("oi"))
        self.process()
        conversation = self.conversations()
        message = conversation._send_text("Olá!")
        self.post(payloads.delivery(payloads.change(
            "PNID-BR", statuses=[payloads.status("wamid.SENT", "delivered", WA)])))
        self.process()
        self.assertEqual((message.status, self.events()[0].state), ("queued", "done"))
        message.write({"wamid": "wamid.SENT", "status": "sent"})  # the send cron commits
        self.process()
        self.assertEqual(message.status, "delivered")

    # Batches and duplicates ------------------------------------------------

    def test_batch_over_two_connections_and_customers(self):
        payload = payloads.delivery(
            payloads.change("PNID-BR", messages=[payloads.text(WA, "oi"),
                                                 payloads.text("5511911112222", "bom dia")]),
            payloads.change("PNID-AR", messages=[payloads.text(WA, "hola")]),
        )
        self.assertEqual(self.post(payload).status_code, 200)
        self.process()
        self.assertEqual(len(self.conversations()), 2)
        self.assertEqual(sorted(self.conversations().wa_message_ids.mapped("body")),
                         ["hola", "oi"])
        self.assertEqual(self.events().connection_ids,
                         self.connection | self.connection_ar)

    def test_redelivery_changes_nothing(self):
        payload = self.text_delivery("once")
        self.post(payload)
        self.process()
        self.post(payload)
        self.process()
        self.assertEqual(len(self.conversations().wa_message_ids), 1)
        self.assertEqual(self.events().mapped("state"), ["done", "done"])

    def test_delivery_killed_before_its_commit_is_processed_once_later(self):
        self.assertEqual(self.post(self.text_delivery("survivor")).status_code, 200)
        with patch.object(WhatsappInboxEvent, "_record_outcome", side_effect=Killed), \
                self.assertRaises(Killed):
            self.process()
        event = self.events()
        self.assertEqual((event.state, event.attempts), ("pending", 0))
        self.assertFalse(self.conversations(), "nothing of the killed batch was kept")
        self.process()
        self.assertEqual(event.state, "done")
        self.assertEqual(self.conversations().wa_message_ids.mapped("body"), ["survivor"])

    def refreshes_notified(self):
        """A function returning the backend pids that notified the inbox's refresh of this
        company to the websocket process (``imbus`` on ``postgres``) since this call."""
        _db, dsn = odoo.sql_db.connection_info_for("postgres")
        listener = psycopg2.connect(**dsn)
        listener.autocommit = True
        self.addCleanup(listener.close)
        listener.cursor().execute("LISTEN imbus")
        channel = [self.env.cr.dbname, "res.company", self.env.company.id, "whatsapp_inbox"]

        def notified():
            listener.poll()
            return [notify.pid for notify in listener.notifies
                    if channel in json.loads(notify.payload)]

        return notified

    def test_a_run_notifies_each_batch_over_the_one_connection_it_holds(self):
        for body in ("first", "second"):
            self.post(self.text_delivery(body))
        notified = self.refreshes_notified()
        self.env.flush_all()
        with self.registry.cursor() as cr, patch.object(whatsapp_inbox_event, "BATCH_SIZE", 1), \
                patch.object(odoo.sql_db, "db_connect", wraps=odoo.sql_db.db_connect) as connect:
            Event = api.Environment(cr, SUPERUSER_ID, {})["whatsapp.inbox.event"]
            with Event._bus_connection():
                self.assertEqual(Event._process_pending(auto_commit=True), 2, "two batches")
        self.env.invalidate_all()
        self.assertEqual(self.events().mapped("state"), ["done", "done"])
        self.assertEqual([call.args[0] for call in connect.call_args_list], ["postgres"],
                         "one connection to the bus's database for the whole run")
        refreshes = notified()
        self.assertEqual(len(refreshes), 2, "each batch refreshes the inbox once committed")
        self.assertEqual(len(set(refreshes)), 1, "over the same connection")

    @mute_logger(EVENT_LOGGER, "odoo.sql_db")
    def test_a_broken_bus_connection_is_replaced(self):
        self.post(self.text_delivery("after the break"))
        notified = self.refreshes_notified()
        self.env.flush_all()
        with self.registry.cursor() as cr:
            Event = api.Environment(cr, SUPERUSER_ID, {})["whatsapp.inbox.event"]
            with Event._bus_connection():
                _BUS.get()[0]._cnx.close()  # as when PostgreSQL ends the session
                Event._process_pending(auto_commit=True)
        self.env.invalidate_all()
        self.assertEqual(self.events().state, "done")
        self.assertEqual(len(notified()), 1, "the refresh went over a new connection")

    # Failures and retries -----------------------------------------------

    @mute_logger(EVENT_LOGGER)
    def test_processing_failure_is_kept_then_retried_by_cron(self):
        response = self.post(self.text_delivery("keep me"))
        self.assertEqual(response.status_code, 200, "journaled deliveries are acknowledged")
        with patch.object(WhatsappInboxMessage, "_ingest_inbound",
                          side_effect=RuntimeError("database hiccup")):
            self.process()
        event = self.events()
        self.assertEqual(event.state, "failed")
        self.assertIn("database hiccup", event.error)
        self.assertFalse(self.conversations())

        self.env.cr.execute("UPDATE whatsapp_inbox_event SET write_date = '2000-01-01' "
                            "WHERE id = %s", [event.id])  # older than the cron's grace minute
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["whatsapp.inbox.event"]._cron_retry()
        self.process()
        self.assertEqual(event.state, "done")
        self.assertEqual(event.attempts, 2)
        self.assertEqual(self.conversations().wa_message_ids.body, "keep me")
