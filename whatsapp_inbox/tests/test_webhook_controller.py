import json
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..controllers.main import MAX_BODY_BYTES
from ..models.whatsapp_inbox_message import WhatsappInboxMessage
from . import payloads

WA = "5511987654321"
URL = "/whatsapp_inbox/webhook"
CONTROLLER_LOGGER = "odoo.addons.whatsapp_inbox.controllers.main"
EVENT_LOGGER = "odoo.addons.whatsapp_inbox.models.whatsapp_inbox_event"


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

    def test_valid_signature_is_journaled_and_processed(self):
        response = self.post(self.text_delivery("Olá, São Paulo ✓"))
        self.assertEqual(response.status_code, 200)
        event = self.events()
        self.assertEqual(event.state, "done")
        self.assertEqual(event.connection_ids, self.connection)
        self.assertIn("\\u00e3", event.body, "the raw body is kept as Meta sent it")
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

    # Bad input ------------------------------------------------------------

    @mute_logger(CONTROLLER_LOGGER)
    def test_malformed_bodies_get_400(self):
        for body in (b"{not json", b"[]", b'{"entry": 3}', b'{"object": "x"}',
                     b'{"entry": [3]}', b"\xff\xfe"):
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

    @mute_logger(EVENT_LOGGER)
    def test_unhandled_fields_are_acknowledged(self):
        payload = payloads.delivery(
            payloads.change("PNID-BR", field="message_template_status_update"),
            payloads.change("PNID-BR", field="account_update"),
            waba_id="WABA-BR")
        response = self.post(payload)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.events().state, "done")

    def test_nul_characters_do_not_block_the_delivery(self):
        response = self.post(self.text_delivery("a\u0000b"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.conversations().wa_message_ids.body, "ab")

    # Batches and duplicates ------------------------------------------------

    def test_batch_over_two_connections_and_customers(self):
        payload = payloads.delivery(
            payloads.change("PNID-BR", messages=[payloads.text(WA, "oi"),
                                                 payloads.text("5511911112222", "bom dia")]),
            payloads.change("PNID-AR", messages=[payloads.text(WA, "hola")]),
        )
        self.assertEqual(self.post(payload).status_code, 200)
        self.assertEqual(len(self.conversations()), 2)
        self.assertEqual(sorted(self.conversations().wa_message_ids.mapped("body")),
                         ["hola", "oi"])
        self.assertEqual(self.events().connection_ids,
                         self.connection | self.connection_ar)

    def test_redelivery_changes_nothing(self):
        payload = self.text_delivery("once")
        self.post(payload)
        self.post(payload)
        self.assertEqual(len(self.conversations().wa_message_ids), 1)
        self.assertEqual(self.events().mapped("state"), ["done", "done"])

    # Failures and retries -----------------------------------------------

    @mute_logger(EVENT_LOGGER)
    def test_processing_failure_is_kept_then_retried_by_cron(self):
        with patch.object(WhatsappInboxMessage, "_ingest_inbound",
                          side_effect=RuntimeError("database hiccup")):
            response = self.post(self.text_delivery("keep me"))
        self.assertEqual(response.status_code, 200, "journaled deliveries are acknowledged")
        event = self.events()
        self.assertEqual(event.state, "failed")
        self.assertIn("database hiccup", event.error)
        self.assertFalse(self.conversations())

        event.received_at = "2000-01-01 00:00:00"  # older than the cron's grace minute
        self.env.flush_all()
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["whatsapp.inbox.event"]._cron_retry()
        event.invalidate_recordset()
        self.assertEqual(event.state, "done")
        self.assertEqual(event.attempts, 2)
        self.assertEqual(self.conversations().wa_message_ids.body, "keep me")
