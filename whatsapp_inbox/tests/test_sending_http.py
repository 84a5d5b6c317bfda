from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from . import payloads
from .simulator import CloudApiSimulator


@tagged("post_install", "-at_install")
class TestSendingOverHttp(HttpCase):
    """The whole loop over real HTTP: Odoo -> simulator -> signed webhooks -> Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = CloudApiSimulator(
            {"PNID-H": {"token": "token-h", "app_secret": "secret-h", "waba_id": "WABA-H"}},
            callback_url=f"{cls.base_url()}/whatsapp_inbox/webhook",
        ).start()
        cls.addClassCleanup(cls.sim.stop)
        cls.connection = cls.env["whatsapp.inbox.connection"].create({
            "name": "HTTP", "phone_number_id": "PNID-H", "waba_id": "WABA-H",
            "access_token": "token-h", "app_secret": "secret-h",
            "api_base_url": cls.sim.api_base_url(),
        })

    def deliver(self):
        """Let the simulator post its webhooks to Odoo, which must see our writes, and run the
        processing cron they trigger; return the HTTP statuses of the posts."""
        self.env.flush_all()
        statuses = self.sim.deliver_pending()
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["whatsapp.inbox.event"]._process_pending(
                auto_commit=True)
        self.env.invalidate_all()
        return statuses

    def test_customer_writes_agent_answers_ticks_arrive(self):
        self.sim.customer_says("PNID-H", "5511988887777", "Oi, tudo bem?", name="Bia")
        self.assertEqual(self.deliver(), [200])
        conversation = self.env["whatsapp.inbox.conversation"].search(
            [("connection_id", "=", self.connection.id)])
        self.assertEqual((conversation.state, conversation.contact_name), ("waiting", "Bia"))

        message = conversation._send_text("Tudo ótimo! Em que posso ajudar?")
        self.env["whatsapp.inbox.message"]._send_queue()
        self.assertEqual(message.status, "sent")
        self.assertEqual(self.deliver(), [200, 200, 200])
        self.assertEqual(message.status, "read")
        self.assertEqual(conversation.state, "open")

    def test_failed_status_webhook_moves_to_errors(self):
        self.sim.customer_says("PNID-H", "5511966665555", "Oi")
        self.deliver()
        conversation = self.env["whatsapp.inbox.conversation"].search(
            [("wa_id", "=", "5511966665555")])
        self.sim.fail("5511966665555", 131026)
        message = conversation._send_text("Olá")
        self.env["whatsapp.inbox.message"]._send_queue()
        self.deliver()
        self.assertEqual((message.status, message.failure_type), ("failed", "undeliverable"))
        self.assertEqual(conversation.state, "error")

    @mute_logger("odoo.addons.whatsapp_inbox.controllers.main")
    def test_forged_status_is_refused(self):
        body = payloads.encode(payloads.delivery(payloads.change(
            "PNID-H", statuses=[payloads.status("wamid.X", "read", "5511900000000")])))
        response = self.url_open("/whatsapp_inbox/webhook", data=body, headers={
            "X-Hub-Signature-256": payloads.sign(body, "not-the-secret"),
            "Content-Type": "application/json"})
        self.assertEqual(response.status_code, 403)
