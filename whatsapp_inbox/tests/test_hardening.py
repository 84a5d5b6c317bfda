"""Abuse and failure cases found in review: each test fails without its fix."""

from odoo.exceptions import AccessError
from odoo.tests import Form
from odoo.tools import mute_logger

from ..tools.locks import lock_numbers
from .common import WhatsappInboxSimulatorCase, payloads

WA = "5511987654321"


class TestHardening(WhatsappInboxSimulatorCase):
    def test_agents_cannot_forge_messages(self):
        conversation = self.open_window()
        Message = self.Message.with_user(self.agent)
        with self.assertRaises(AccessError):
            Message.create({"conversation_id": conversation.id, "direction": "out",
                            "body": "unchecked", "status": "queued"})
        with self.assertRaises(AccessError):
            conversation.wa_message_ids.with_user(self.agent).write(
                {"media_id": "https://attacker.example/x", "media_state": "to_download"})
        conversation.with_user(self.agent)._send_text("checked")  # the helper still works

    def test_state_and_consent_only_change_through_actions(self):
        conversation = self.open_window()
        self.receive(payloads.text(conversation.wa_id, "PARAR"))
        as_agent = conversation.with_user(self.agent)
        for vals in ({"opted_out": False}, {"state": "done"}):
            with self.assertRaises(AccessError, msg=vals):
                as_agent.write(vals)
            # the context key the transitions once used unlocks nothing
            with self.assertRaises(AccessError, msg=vals):
                as_agent.with_context(whatsapp_inbox_transition=True).write(vals)
        for vals in ({"state": "done"}, {"opted_out": True}):
            with self.assertRaises(AccessError, msg=vals):
                self.Conversation.with_user(self.agent).create(
                    {"connection_id": self.connection.id, "wa_id": "5511900009999", **vals})
        as_agent.action_finalize()
        self.assertEqual(conversation.state, "done")
        self.assertTrue(conversation.opted_out)

    def test_media_id_never_sends_the_token_elsewhere(self):
        message = self.receive(payloads.inbound(WA, "image", {"id": "MEDIA", "mime_type": "x"}))
        message.media_id = "https://attacker.example/steal"
        message._download_media()
        self.assertEqual(message.media_state, "failed")
        self.assertIn("Not a media id", message.failure_reason)

    def test_template_variables_never_read_restricted_fields(self):
        template = self.connection.template_ids.filtered(lambda t: t.name == "boas_vindas")
        template.variable_ids = [(0, 0, {"number": 1, "field_path": "connection_id.access_token",
                                         "default_value": "cliente"})]
        conversation = self.make_conversation("new")
        self.assertEqual(template._default_values(conversation)[1], "cliente")

    @mute_logger("odoo.addons.whatsapp_inbox.models.whatsapp_inbox_conversation_automation")
    def test_failing_automation_never_loses_the_customer_message(self):
        self.connection.write({"bot_enabled": True, "token_state": "expired"})
        created = self.receive(payloads.text(WA, "Oi"))
        self.assertEqual(created.body, "Oi")
        self.connection.token_state = "ok"
        other = "5511977776666"
        conversation = self.make_conversation("waiting", wa_id=other,
                                              last_inbound_at="2020-01-01 00:00:00")
        conversation.action_start_bot()
        self.receive(payloads.text(other, "1", timestamp=1577836800))  # a late redelivery
        self.assertTrue(conversation.wa_message_ids, "kept although the bot could not answer")

    @mute_logger("odoo.addons.whatsapp_inbox.models.whatsapp_inbox_message_send")
    def test_one_broken_message_does_not_block_the_queue(self):
        first = self.make_conversation("new")
        template = self.connection.template_ids.filtered(lambda t: t.name == "hello_world")
        broken = first._send_template(template, {})
        broken.sudo().template_params = "{not json"
        second = self.open_window()
        fine = second._send_text("Olá")
        self.send_queue()
        self.assertEqual((broken.status, broken.failure_type), ("failed", "unknown"))
        self.assertEqual(fine.status, "sent")
        self.assertEqual(first.state, "error")

    def test_start_sms_as_an_agent(self):
        self.env.company.country_id = self.env.ref("base.br")
        action = self.env["whatsapp.inbox.start"].with_user(self.agent).create({
            "channel": "sms", "name": "Caio", "phone": "+5511944443333", "body": "Oi"}
        ).action_start()
        conversation = self.Conversation.with_user(self.agent).browse(action["res_id"])
        self.assertEqual(conversation.company_id, self.env.company)

    def test_other_channel_sends_an_email(self):
        conversation = self.open_window()
        conversation.partner_id = self.env["res.partner"].create(
            {"name": "Rita", "email": "rita@example.com"})
        action = conversation.action_error_other_channel()
        start = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual((start.channel, start.email), ("email", "rita@example.com"))
        start.body = "Por email"
        start.save().action_start()
        self.assertTrue(self.env["mail.notification"].search([
            ("res_partner_id", "=", conversation.partner_id.id),
            ("notification_type", "=", "email")]), "an email went to the contact")
        self.assertFalse(conversation.wa_message_ids.filtered(lambda m: m.direction == "out"))

    def test_reply_to_a_conversation_we_started_with_the_ninth_digit(self):
        started = self.make_conversation("new", wa_id="5511988887777")
        self.receive(payloads.text("551188887777", "Oi, quem é?"))  # WhatsApp's older id
        self.assertEqual(started.state, "waiting")
        self.assertFalse(self.Conversation.search([("wa_id", "=", "551188887777")]))

    def test_both_spellings_of_a_brazilian_mobile_take_one_lock(self):
        both = lock_numbers([(self.connection.id, "5511988887777"),
                             (self.connection.id, "551188887777")])
        self.assertEqual(len(both), 1)

    def test_resend_forgets_the_old_wamid(self):
        conversation = self.open_window()
        self.sim.fail(conversation.wa_id, 131009)
        message = conversation._send_text("Oi")
        self.send_queue()
        message.wamid = "wamid.OLD"
        conversation.action_resend_failed()
        self.assertFalse(message.wamid)
        self.deliver(payloads.delivery(payloads.change("PNID-BR", statuses=[
            payloads.status("wamid.OLD", "failed", WA, error=(131026, "late"))])))
        self.assertEqual(message.status, "queued")
