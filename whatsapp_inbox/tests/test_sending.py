from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError

from ..models.whatsapp_inbox_message_send import _Pacer
from ..tools import graph_api
from .common import WhatsappInboxSimulatorCase, payloads


class TestSending(WhatsappInboxSimulatorCase):
    """Each kind of message reaches the (simulated) Cloud API as Meta expects it."""

    def template(self, name):
        return self.env["whatsapp.inbox.template"].search([
            ("connection_id", "=", self.connection.id), ("name", "=", name)])

    def test_text_is_queued_then_sent(self):
        conversation = self.open_window()
        message = conversation._send_text("Olá! Como posso ajudar?")
        self.assertEqual(message.status, "queued")
        self.assertFalse(self.sim.sent, "nothing is sent before the transaction commits")
        self.assertConversation(conversation, state="open")
        self.assertTrue(conversation.first_response_at)
        self.send_queue()
        self.assertEqual(message.status, "sent")
        self.assertEqual(message.wamid, self.sim.sent[0]["wamid"])
        body = self.sent_bodies()[0]
        self.assertEqual((body["to"], body["type"], body["text"]["body"]),
                         (conversation.wa_id, "text", "Olá! Como posso ajudar?"))
        self.assertIn("Como posso ajudar", message.mail_message_id.body)

    def test_text_longer_than_whatsapp_takes_is_refused_at_the_door(self):
        conversation = self.open_window()
        for automated in (False, True):
            with self.assertRaisesRegex(UserError, "longer than 4096 characters.*4097"):
                conversation._send_text("a" * 4097, automated=automated)
        with self.assertRaisesRegex(UserError, "4096"):
            conversation.with_user(self.agent).message_post(
                body="b" * 5000, message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertFalse(conversation.wa_message_ids.filtered(lambda m: m.direction == "out"))
        message = conversation._send_text("c" * 4096)
        self.send_queue()
        self.assertEqual(message.status, "sent", message.failure_reason)

    def test_status_webhooks_tick_the_message(self):
        message = self.open_window()._send_text("Oi")
        self.send_queue()
        callbacks = self.deliver_callbacks()
        self.assertEqual(len(callbacks), 3)
        self.assertEqual(message.status, "read")

    def test_free_text_refused_when_window_closed(self):
        conversation = self.open_window()
        with freeze_time(fields.Datetime.now() + timedelta(hours=24, seconds=1)):
            self.assertFalse(conversation.window_open)
            with self.assertRaises(UserError):
                conversation._send_text("Too late")
        self.assertFalse(conversation.wa_message_ids.filtered(lambda m: m.direction == "out"))
        self.assertFalse(self.sim.sent)

    def test_free_text_allowed_just_before_window_closes(self):
        conversation = self.open_window()
        with freeze_time(fields.Datetime.now() + timedelta(hours=23, minutes=59)):
            conversation._send_text("Still in time")

    def test_first_contact_needs_a_template(self):
        conversation = self.make_conversation("new", wa_id="5511955550000")
        with self.assertRaises(UserError):
            conversation._send_text("Hello, we are reaching out")
        template = self.template("boas_vindas")
        message = conversation._send_template(template, {1: "Ana", 2: "Loja Azul"})
        self.send_queue()
        self.assertEqual(message.status, "sent")
        self.assertEqual(message.body, "Olá Ana! Aqui é da Loja Azul. Como podemos ajudar?")
        sent = self.sent_bodies()[0]["template"]
        self.assertEqual(sent["name"], "boas_vindas")
        self.assertEqual(sent["language"], {"code": "pt_BR"})
        self.assertEqual([p["text"] for p in sent["components"][0]["parameters"]],
                         ["Ana", "Loja Azul"])
        self.assertEqual(conversation.state, "new", "Not started until the customer answers")
        with self.assertRaises(UserError, msg="free text unlocks only when the customer answers"):
            conversation._send_text("Did you see it?")
        self.receive(payloads.text(conversation.wa_id, "Vi sim"))
        conversation._send_text("Great!")

    def test_template_variables_are_required(self):
        conversation = self.make_conversation("new")
        with self.assertRaises(UserError):
            conversation._send_template(self.template("boas_vindas"), {1: "Ana"})

    def test_unapproved_template_is_refused(self):
        conversation = self.make_conversation("new")
        with self.assertRaises(UserError):
            conversation._send_template(self.template("promo_natal"), {})

    def test_template_prefilled_from_conversation(self):
        template = self.template("boas_vindas")
        template.variable_ids = [
            fields.Command.create({"number": 1, "field_path": "partner_id.name",
                                   "default_value": "cliente"}),
            fields.Command.create({"number": 2, "field_path": "company_id.name"}),
        ]
        conversation = self.make_conversation("new")
        self.assertEqual(template._default_values(conversation),
                         {1: "cliente", 2: conversation.company_id.name})
        conversation.partner_id = self.env["res.partner"].create({"name": "Rita"})
        self.assertEqual(template._default_values(conversation)[1], "Rita")

    def test_image_and_document_are_uploaded_then_sent(self):
        conversation = self.open_window()
        image = self.env["ir.attachment"].create({
            "name": "foto.png", "raw": b"\x89PNG fake", "mimetype": "image/png"})
        document = self.env["ir.attachment"].create({
            "name": "boleto.pdf", "raw": b"%PDF-1.4 fake", "mimetype": "application/pdf"})
        conversation._send_attachment(image, "Veja a foto")
        conversation._send_attachment(document)
        self.send_queue()
        first, second = self.sent_bodies()
        self.assertEqual(first["type"], "image")
        self.assertEqual(first["image"]["caption"], "Veja a foto")
        self.assertTrue(first["image"]["id"])
        self.assertEqual(second["type"], "document")
        self.assertEqual(second["document"]["filename"], "boleto.pdf")

    def test_reaction(self):
        conversation = self.open_window()
        inbound = conversation.wa_message_ids[0]
        conversation._send_reaction(inbound, "❤️")
        self.send_queue()
        body = self.sent_bodies()[0]
        self.assertEqual(body["reaction"], {"message_id": inbound.wamid, "emoji": "❤️"})

    def test_mark_seen_sends_read_receipt(self):
        conversation = self.open_window()
        self.assertTrue(conversation.unread)
        conversation.action_mark_seen()
        self.assertFalse(conversation.unread)
        self.Message.search([("read_receipt", "=", "to_send")])._send_read_receipts()
        self.assertEqual(self.sent_bodies(), [{
            "messaging_product": "whatsapp", "status": "read",
            "message_id": conversation.wa_message_ids.wamid}])
        self.assertEqual(conversation.wa_message_ids.read_receipt, "sent")


class TestPacer(WhatsappInboxSimulatorCase):
    def test_sends_are_spaced_by_the_connection_rate(self):
        clock = {"now": 100.0}
        slept = []

        def sleep(seconds):
            slept.append(round(seconds, 3))
            clock["now"] += seconds

        pacer = _Pacer(rate=4)
        with patch("time.monotonic", lambda: clock["now"]), patch("time.sleep", sleep):
            for _call in range(3):
                pacer.wait()
        self.assertEqual(slept, [0.25, 0.25])


class TestSendFailures(WhatsappInboxSimulatorCase):
    """Each failure Meta can answer leads to the right state and next action."""

    def test_window_closed_moves_to_errors_and_offers_a_template(self):
        conversation = self.open_window()
        self.sim.fail(conversation.wa_id, 131047)
        message = conversation._send_text("Oi")
        self.send_queue()
        self.assertEqual(message.status, "sent", "Meta accepts, then reports the failure")
        self.deliver_callbacks()
        self.assertEqual((message.status, message.failure_code, message.failure_type),
                         ("failed", "131047", "window_closed"))
        self.assertConversation(conversation, state="error", error_type="window_closed")
        self.assertIn("template", conversation.error_message)
        # and in the attendant's language
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(["whatsapp_inbox"], ["pt_BR"])
        in_portuguese = conversation.with_context(lang="pt_BR")
        in_portuguese.invalidate_recordset(["error_message"])
        self.assertIn("somente um modelo aprovado", in_portuguese.error_message)
        self.assertIn("somente um modelo aprovado",
                      message.with_context(lang="pt_BR").failure_message)
        action = conversation.action_error_send_template()
        self.assertEqual(action["res_model"], "whatsapp.inbox.composer")
        self.assertEqual(action["context"]["default_mode"], "template")
        self.assertTrue(action["context"]["default_template_id"])

    def test_undeliverable_offers_another_channel(self):
        conversation = self.open_window()
        self.sim.fail(conversation.wa_id, 131026)
        conversation._send_text("Oi")
        self.send_queue()
        self.deliver_callbacks()
        self.assertConversation(conversation, state="error", error_type="undeliverable")
        action = conversation.action_error_other_channel()
        self.assertEqual((action["res_model"], action["context"]["default_channel"],
                          action["context"]["default_phone"]),
                         ("whatsapp.inbox.start", "voip", conversation.phone))
        conversation.partner_id = self.env["res.partner"].create(
            {"name": "Rita", "email": "rita@example.com"})
        action = conversation.action_error_other_channel()
        self.assertEqual((action["context"]["default_channel"],
                          action["context"]["default_partner_id"]),
                         ("email", conversation.partner_id.id))

    def test_rate_limits_retry_by_themselves(self):
        for code in (130429, 131056):
            conversation = self.open_window()
            self.sim.fail(conversation.wa_id, code)
            message = conversation._send_text("Oi")
            self.send_queue()
            self.assertEqual((message.status, message.attempts, message.failure_type),
                             ("queued", 1, "rate_limited"))
            self.assertTrue(message.next_attempt_at)
            self.assertEqual(conversation.state, "open")
            self.send_queue()
            self.assertEqual(message.status, "queued", "not before its time")
            with freeze_time(message.next_attempt_at + timedelta(seconds=1)):
                self.send_queue()
            self.assertEqual(message.status, "sent")
            self.assertFalse(message.failure_type)

    def test_server_error_retries_then_gives_up(self):
        conversation = self.open_window()
        self.sim.fail(conversation.wa_id, 500, times=None)
        message = conversation._send_text("Oi")
        start = fields.Datetime.now()
        for attempt in range(5):
            with freeze_time(start + timedelta(hours=attempt + 1)):
                self.send_queue()
        self.assertEqual((message.status, message.attempts, message.failure_type),
                         ("failed", 5, "server"))
        self.assertEqual(conversation.state, "error")

    def test_timeout_is_retried(self):
        conversation = self.open_window()
        # Odoo's test runner raises any requests timeout under 10 s to 10 s
        self.sim.timeout_seconds = 11
        self.sim.fail(conversation.wa_id, "timeout")
        message = conversation._send_text("Oi")
        with patch.object(graph_api, "TIMEOUT", 10):
            self.send_queue()
        self.assertEqual((message.status, message.failure_type), ("queued", "network"))

    def test_expired_token_flags_connection_and_alerts_admins(self):
        conversation = self.open_window()
        self.sim.fail(conversation.wa_id, 190)
        message = conversation._send_text("Oi")
        self.send_queue()
        self.assertEqual((message.status, message.failure_type), ("failed", "token"))
        self.assertEqual(self.connection.token_state, "expired")
        self.assertIn(self.env.ref("base.user_admin"), self.connection.activity_ids.user_id)
        with self.assertRaises(UserError):
            conversation._send_text("again")
        self.connection.access_token = "token-br"
        self.assertEqual(self.connection.token_state, "ok")

    def test_template_mismatch_resyncs_and_names_missing_variable(self):
        conversation = self.make_conversation("new")
        template = self.env["whatsapp.inbox.template"].search([("name", "=", "hello_world")])
        message = conversation._send_template(template, {})
        self.sim.set_templates("WABA-BR", [{
            "id": template.meta_id, "name": "hello_world", "language": "en_US",
            "status": "APPROVED", "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Hello {{1}}"}]}])
        self.sim.fail(conversation.wa_id, 132000)
        self.send_queue()
        self.assertEqual((message.status, message.failure_type), ("failed", "template"))
        conversation.action_error_resync_templates()
        self.assertIn("{{1}}", conversation.error_reason)
        self.assertEqual(template.variable_count, 1)

    def test_the_simulator_refuses_a_text_longer_than_meta_takes(self):
        conversation = self.open_window()
        # sudo: whatsapp.inbox.message - one queued past the door, as before it checked
        message = self.Message.sudo().create({
            "conversation_id": conversation.id, "direction": "out", "status": "queued",
            "message_type": "text", "body": "a" * 5000})
        self.send_queue()
        self.assertEqual((message.status, message.failure_code, message.failure_type),
                         ("failed", "131009", "invalid"))
        self.assertIn("4096", message.failure_reason)

    def test_resend_after_fixing(self):
        conversation = self.open_window()
        self.sim.fail(conversation.wa_id, 131009)
        message = conversation._send_text("Oi")
        self.send_queue()
        self.assertEqual((message.status, message.failure_type), ("failed", "invalid"))
        conversation.action_resend_failed()
        self.assertEqual(conversation.state, "open")
        self.send_queue()
        self.assertEqual(message.status, "sent")

    def test_retry_then_success(self):
        conversation = self.open_window()
        self.sim.fail(conversation.wa_id, 500, times=1)
        message = conversation._send_text("Oi")
        self.send_queue()
        with freeze_time(fields.Datetime.now() + timedelta(minutes=5)):
            self.send_queue()
        self.assertEqual((message.status, message.attempts), ("sent", 2))
