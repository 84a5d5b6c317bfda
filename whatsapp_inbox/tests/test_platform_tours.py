from odoo.tests import HttpCase, new_test_user, tagged

from . import payloads
from .live_tour import LiveTourMixin
from .simulator import CloudApiSimulator

INBOX = "/odoo/whatsapp-inbox"
PNID, SECRET = "PNID-TOUR-P14", "secret-tour-p14"


@tagged("post_install", "-at_install")
class TestPlatformTours(LiveTourMixin, HttpCase):
    """Meta's agent and customers without a number, in the Inbox, clicked as an attendant
    does; deliveries come through the signed webhook, sends go to the simulator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = CloudApiSimulator({
            PNID: {"token": "token-p14", "app_secret": SECRET, "waba_id": "WABA-P14"},
        }).start()
        cls.addClassCleanup(cls.sim.stop)
        cls.connection = cls.env["whatsapp.inbox.connection"].create({
            "name": "Tour Platform", "phone_number_id": PNID, "waba_id": "WABA-P14",
            "app_secret": SECRET, "access_token": "token-p14",
            "api_base_url": cls.sim.api_base_url()})
        new_test_user(cls.env, login="tour_agent_p14", name="Tour Agent P14",
                      groups="whatsapp_inbox.group_agent")
        cls.Conversation = cls.env["whatsapp.inbox.conversation"]

    def conversation(self, wa_id):
        return self.Conversation.search([("wa_id", "=", wa_id)])

    def test_take_over_from_meta_agent(self):
        customer = payloads.text("5511911119001", "Vocês entregam hoje?")
        self.post_webhook(payloads.delivery(payloads.field_change(
            PNID, "standby", contacts=[payloads.contact("5511911119001", "Standby Customer")],
            messages=[customer], message_echoes=[payloads.echo("5511911119001",
                                                               "Entregamos até as 18h.")])),
            SECRET)
        self.start_live_tour(INBOX, "whatsapp_inbox_take_over_tour", "tour_agent_p14")
        self.assertEqual((self.conversation("5511911119001").handled_by,
                          self.conversation("5511911119001").state), ("inbox", "waiting"))
        self.assertEqual([(r["body"]["action"], r["body"]["to"]) for r in self.sim.sent
                          if "action" in r["body"]], [("take", "5511911119001")])

    def test_ask_for_phone_number(self):
        bsuid = "BR.1502576394655843"
        message = payloads.text(bsuid, "Quero ajuda com meu pedido")
        message["from_user_id"] = message.pop("from")
        message["from_parent_user_id"] = parent = "BR.ENT.11815799212886844830"
        self.post_webhook(payloads.delivery(payloads.change(PNID, messages=[message], contacts=[
            {"user_id": bsuid, "parent_user_id": parent,
             "profile": {"name": "Username Customer", "username": "cliente.anonimo"}}])),
            SECRET)

        def customer_shares():
            self.in_transaction(lambda env: env["whatsapp.inbox.message"]._send_queue())
            shared = payloads.inbound(bsuid, "contacts", [{
                "origin": "contact_request", "name": {"formatted_name": "Username Customer"},
                "phones": [{"phone": "+55 11 91111-9002", "wa_id": "5511911119002",
                            "type": "CELL"}]}])
            shared["from_user_id"] = shared.pop("from")
            self.post_webhook(payloads.delivery(payloads.change(PNID, messages=[shared])),
                              SECRET)

        self.start_live_tour(INBOX, "whatsapp_inbox_ask_phone_tour", "tour_agent_p14",
                             share=customer_shares)
        self.assertEqual(self.conversation(bsuid).phone, "+5511911119002")
        [ask] = [r["body"] for r in self.sim.sent if r["body"].get("type") == "interactive"]
        self.assertEqual((ask["recipient"], ask["interactive"]["type"]),
                         (bsuid, "request_contact_info"))
