from odoo import Command, fields

from .common import WhatsappInboxCase, payloads

WA = "5511987654321"


class TestQuickReplies(WhatsappInboxCase):
    """Canned responses offered after "/" in the Inbox composer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        agents = cls.env.ref("whatsapp_inbox.group_agent")
        cls.env["mail.canned.response"].search([]).unlink()
        cls.env["mail.canned.response"].create([{
            "source": source, "substitution": text, "last_used": last_used,
            "group_ids": [Command.link(agents.id)],
        } for source, text, last_used in (
            ("hola", "¡Hola!", fields.Datetime.now()),
            ("ola", "Olá!", False),
            ("olaf", "Olá, aqui é o Olaf.", False),
            ("cola", "Cola aqui o código.", False),
            ("100%_pago", "Pagamento confirmado.", False),
            ("protocolo", "Seu protocolo é {protocol}.", False),
        )])

    def setUp(self):
        super().setUp()
        self.receive(payloads.text(WA, "Oi"), contacts=[payloads.contact(WA, "Ana")])
        self.conversation = self.conversation_of(WA)

    def shortcuts(self, term):
        replies = self.Conversation.with_user(self.agent).workspace_quick_replies(
            self.conversation.id, term)
        return [reply["source"] for reply in replies]

    def test_exact_shortcut_first_then_starting_then_containing(self):
        # hola was used last, yet /ola means ola
        self.assertEqual(self.shortcuts("ola"), ["ola", "olaf", "hola", "cola"])
        self.assertEqual(self.shortcuts("OLA"), ["ola", "olaf", "hola", "cola"])

    def test_last_use_orders_within_a_rank(self):
        self.env["mail.canned.response"].search([("source", "=", "cola")]).last_used = (
            fields.Datetime.now())
        self.assertEqual(self.shortcuts("ola"), ["ola", "olaf", "cola", "hola"])

    def test_wildcards_typed_are_plain_characters(self):
        self.assertEqual(self.shortcuts("100%_"), ["100%_pago"])
        self.assertEqual(self.shortcuts("_"), ["100%_pago"])

    def test_at_most_limit_replies(self):
        self.assertEqual(len(self.Conversation.with_user(self.agent).workspace_quick_replies(
            self.conversation.id, "", limit=3)), 3)

    def test_texts_read_as_the_customer_gets_them(self):
        protocol = self.conversation.attendance_protocol
        self.assertTrue(protocol)
        [reply] = self.Conversation.with_user(self.agent).workspace_quick_replies(
            self.conversation.id, "protocolo")
        self.assertEqual(reply["substitution"], f"Seu protocolo é {protocol}.")
        self.conversation.with_user(self.agent)._send_text("Seu protocolo é {protocol}.")
        self.assertEqual(self.conversation.wa_message_ids.filtered(
            lambda m: m.direction == "out").body, reply["substitution"])
