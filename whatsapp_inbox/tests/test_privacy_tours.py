from odoo.tests import HttpCase, new_test_user, tagged

from . import payloads

WA = "5511987654321"


@tagged("post_install", "-at_install")
class TestPrivacyTours(HttpCase):
    """Consent and erasure as an agent and an administrator click them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection = cls.env["whatsapp.inbox.connection"].create({
            "name": "Privacy", "phone_number_id": "PNID-PRIVACY", "app_secret": "s"})
        new_test_user(cls.env, login="privacy_agent", name="Privacy Agent",
                      groups="whatsapp_inbox.group_agent")
        cls.env["whatsapp.inbox.message"]._ingest_inbound(
            cls.connection, [payloads.contact(WA, "Paula Privada")],
            [payloads.text(WA, "Quero falar com alguém"), payloads.text(WA, "PARAR")])
        cls.conversation = cls.env["whatsapp.inbox.conversation"].search(
            [("connection_id", "=", cls.connection.id)])

    def form_url(self, record):
        return f"/odoo/action-whatsapp_inbox.whatsapp_inbox_conversation_action/{record.id}"

    def test_agent_records_an_opt_in_tour(self):
        self.assertTrue(self.conversation.opted_out)
        self.start_tour(self.form_url(self.conversation), "whatsapp_inbox_opt_in_tour",
                        login="privacy_agent")
        entry = self.conversation.consent_ids[0]
        self.assertEqual((entry.status, entry.user_id.login, entry.note),
                         ("opt_in", "privacy_agent",
                          "Asked by phone on 3 March to get our offers again"))
        self.assertFalse(self.conversation.opted_out)
