from odoo.tests import HttpCase, new_test_user, tagged

from . import payloads
from .common import TourMixin

WA = "5511987654321"


@tagged("post_install", "-at_install")
class TestPrivacyTours(TourMixin, HttpCase):
    """Consent and erasure as an agent and an administrator click them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection = cls.env["whatsapp.inbox.connection"].create({
            "name": "Privacy", "phone_number_id": "PNID-PRIVACY", "app_secret": "s"})
        new_test_user(cls.env, login="privacy_agent", name="Privacy Agent",
                      groups="whatsapp_inbox.group_agent")
        cls.deliver(cls.connection, payloads.change(
            "PNID-PRIVACY", contacts=[payloads.contact(WA, "Paula Privada")],
            messages=[payloads.text(WA, "Quero falar com alguém"), payloads.text(WA, "PARAR")]))
        cls.conversation = cls.env["whatsapp.inbox.conversation"].search(
            [("connection_id", "=", cls.connection.id)])

    @classmethod
    def deliver(cls, connection, change):
        """Journal a delivery to ``connection`` and process it as the cron does."""
        event = cls.env["whatsapp.inbox.event"]._journal(
            payloads.encode(payloads.delivery(change)).decode(), connection.ids)
        event._process()
        return event

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

    def test_admin_erases_a_customer_tour(self):
        other = self.env["whatsapp.inbox.connection"].create({
            "name": "Other number", "phone_number_id": "PNID-OTHER", "app_secret": "s"})
        event = self.deliver(self.connection, payloads.change(
            "PNID-PRIVACY", messages=[payloads.text(WA, "Oi"),
                                      payloads.text("5511900001111", "Oi")]))
        self.deliver(other, payloads.change(
            "PNID-OTHER", messages=[payloads.text(WA, "Também escrevi aqui")]))
        self.start_tour(self.form_url(self.conversation), "whatsapp_inbox_erase_tour",
                        login="admin")
        Conversation = self.env["whatsapp.inbox.conversation"]
        self.assertFalse(Conversation.search([("wa_id", "=", WA)]), "on every number")
        self.assertNotIn(WA, event.body)
        log = self.env["whatsapp.inbox.erasure"].search([])
        self.assertEqual((log.reason, log.mode, log.conversation_count),
                         ("Email of 3 March, ticket #1234", "erase", 2))

    def test_admin_sets_the_retention_period_tour(self):
        self.start_tour("/odoo/action-whatsapp_inbox.whatsapp_inbox_settings_action",
                        "whatsapp_inbox_retention_settings_tour", login="admin")
        params = self.env["ir.config_parameter"]
        self.assertEqual(params.get_param("whatsapp_inbox.retention_days"), "90")
        self.assertEqual(params.get_param("whatsapp_inbox.retention_mode"), "erase")
