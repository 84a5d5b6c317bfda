import hashlib

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import WhatsappInboxSimulatorCase, payloads

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class TestTemplates(WhatsappInboxSimulatorCase):
    def test_sync_creates_templates_and_archives_vanished(self):
        templates = self.connection.template_ids
        self.assertIn("boas_vindas", templates.mapped("name"))
        welcome = templates.filtered(lambda t: t.name == "boas_vindas")
        self.assertEqual((welcome.status, welcome.category, welcome.variable_count),
                         ("APPROVED", "UTILITY", 2))
        self.sim.set_templates("WABA-BR", [])
        self.connection.action_sync_templates()
        self.assertFalse(welcome.active)

    def test_status_update_webhook(self):
        promo = self.connection.template_ids.filtered(lambda t: t.name == "promo_natal")
        self.assertEqual(promo.status, "PENDING")
        self.sim.post_template_status("WABA-BR", "promo_natal", "APPROVED")
        self.deliver_callbacks()
        self.assertEqual(promo.status, "APPROVED")
        self.sim.post_template_status("WABA-BR", "promo_natal", "REJECTED",
                                      reason="INCORRECT_CATEGORY")
        self.deliver_callbacks()
        self.assertEqual((promo.status, promo.rejected_reason), ("REJECTED", "INCORRECT_CATEGORY"))

    def test_composer_offers_only_templates_when_window_closed(self):
        conversation = self.make_conversation("new")
        composer = self.env["whatsapp.inbox.composer"].create(
            {"conversation_id": conversation.id})
        self.assertEqual((composer.can_send_text, composer.mode), (False, "template"))
        template = self.connection.template_ids.filtered(lambda t: t.name == "pedido_enviado")
        composer.template_id = template
        self.assertEqual(composer.param_ids.mapped("name"), ["{{1}}", "{{2}}"])
        composer.param_ids[0].value = "Ana"
        composer.param_ids[1].value = "#123"
        self.assertEqual(composer.preview, "Pedido a caminho\nOlá Ana, seu pedido #123 foi "
                                           "enviado.\nObrigado pela preferência")
        composer.action_send()
        self.assertEqual(conversation.wa_message_ids.message_type, "template")

    def test_composer_inserts_quick_replies(self):
        canned = self.env["mail.canned.response"].create(
            {"source": "pix", "substitution": "Nossa chave Pix é o CNPJ."})
        conversation = self.open_window()
        with Form(self.env["whatsapp.inbox.composer"].with_context(
                default_conversation_id=conversation.id)) as composer:
            composer.body = "Olá!"
            composer.canned_response_id = canned
            self.assertEqual(composer.body, "Olá!\nNossa chave Pix é o CNPJ.")

    def test_composer_sends_text_in_window(self):
        conversation = self.open_window()
        composer = self.env["whatsapp.inbox.composer"].create(
            {"conversation_id": conversation.id, "body": "Bom dia"})
        self.assertEqual(composer.mode, "text")
        composer.action_send()
        self.assertEqual(conversation.wa_message_ids[-1].body, "Bom dia")


class TestConsent(WhatsappInboxSimulatorCase):
    def test_stop_keyword_opts_out_and_blocks_templates(self):
        conversation = self.open_window()
        self.receive(payloads.text(conversation.wa_id, "  sair! "))
        self.assertTrue(conversation.opted_out)
        entry = conversation.consent_ids
        self.assertEqual((entry.status, entry.source, entry.note),
                         ("opt_out", "keyword", "  sair! "))
        template = self.connection.template_ids.filtered(lambda t: t.name == "hello_world")
        with self.assertRaises(UserError):
            conversation._send_template(template, {})
        conversation._send_text("Ok, you will not get promotions anymore.")
        action = conversation.with_user(self.agent).action_record_opt_in()
        with Form(self.env[action["res_model"]].with_user(self.agent).with_context(
                **action["context"])) as wizard:
            wizard.note = "Asked by phone to get our offers again"
        wizard.record.action_record()
        self.assertFalse(conversation.opted_out)
        self.assertEqual(conversation.consent_ids[0].user_id, self.agent)
        conversation._send_template(template, {})

    def test_keywords_in_other_languages_and_sentences(self):
        for word in ("PARAR", "Baja", "stop"):
            conversation = self.open_window()
            self.receive(payloads.text(conversation.wa_id, word))
            self.assertTrue(conversation.opted_out, word)
        conversation = self.open_window()
        self.receive(payloads.text(conversation.wa_id, "não quero parar de receber"))
        self.assertFalse(conversation.opted_out)


class TestInboundMedia(WhatsappInboxSimulatorCase):
    def receive_image(self, media_id, sha256=None):
        raw = payloads.inbound("5511977770000", "image", {
            "id": media_id, "mime_type": "image/png", "sha256": sha256 or "x"})
        return self.receive(raw)

    def test_media_is_downloaded_into_an_attachment(self):
        media_id = self.sim.add_media(PNG, "image/png", "foto.png")
        message = self.receive_image(media_id, hashlib.sha256(PNG).hexdigest())
        self.assertEqual(message.media_state, "to_download")
        message._download_media()
        self.assertEqual(message.media_state, "done")
        self.assertEqual(message.attachment_ids.raw, PNG)
        self.assertEqual(message.attachment_ids.res_id, message.conversation_id.id)
        self.assertEqual(message.mail_message_id.attachment_ids, message.attachment_ids)

    def test_failed_download_is_retried_and_message_kept(self):
        message = self.receive_image("404404")
        message._download_media()
        self.assertEqual((message.media_state, message.attempts), ("failed", 1))
        self.assertTrue(message.next_attempt_at)
        self.assertTrue(message.exists())

    def test_oversized_and_unexpected_types_are_refused(self):
        self.env["ir.config_parameter"].set_param("whatsapp_inbox.media_max_bytes", 10)
        message = self.receive_image(self.sim.add_media(PNG, "image/png"))
        message._download_media()
        self.assertEqual(message.media_state, "refused")
        self.assertFalse(message.attachment_ids)
        self.env["ir.config_parameter"].set_param("whatsapp_inbox.media_max_bytes", 10**6)
        exe = self.receive(payloads.inbound("5511977770001", "document", {
            "id": self.sim.add_media(b"MZ", "application/x-msdownload")}))
        exe._download_media()
        self.assertEqual(exe.media_state, "refused")
