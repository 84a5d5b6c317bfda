import json
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..models import whatsapp_inbox_conversation_send
from . import payloads
from .live_tour import LiveTourMixin
from .simulator import CloudApiSimulator

INBOX = "/odoo/whatsapp-inbox"
PNID, SECRET = "PNID-RICH", "secret-rich"


@tagged("post_install", "-at_install")
class TestRichTours(LiveTourMixin, HttpCase):
    """Rich messages typed and clicked in the Inbox workspace, then sent to the simulator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = CloudApiSimulator({
            PNID: {"token": "token-rich", "app_secret": SECRET, "waba_id": "WABA-RICH"},
        }).start()
        cls.addClassCleanup(cls.sim.stop)
        cls.connection = cls.env["whatsapp.inbox.connection"].create({
            "name": "Rich Support", "phone_number_id": PNID, "waba_id": "WABA-RICH",
            "app_secret": SECRET, "access_token": "token-rich",
            "api_base_url": cls.sim.api_base_url()})
        cls.connection.action_sync_templates()
        cls.agent = new_test_user(cls.env, login="rich_agent", name="Rich Agent",
                                  groups="whatsapp_inbox.group_agent")
        cls.Conversation = cls.env["whatsapp.inbox.conversation"]

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def customer_writes(self, wa_id, text, name):
        self.post_webhook(payloads.delivery(payloads.change(
            PNID, messages=[payloads.text(wa_id, text)],
            contacts=[payloads.contact(wa_id, name)])), SECRET)

    def conversation(self, wa_id):
        return self.Conversation.search([("wa_id", "=", wa_id)])

    def send_queue(self):
        self.in_transaction(lambda env: env["whatsapp.inbox.message"]._send_queue())
        self.env.invalidate_all()

    def test_template_with_header_image_and_url_button_variable(self):
        self.Conversation.create({"connection_id": self.connection.id,
                                  "wa_id": "5511922220001", "contact_name": "Offer Lead"})
        offer = self.connection.template_ids.filtered(lambda t: t.name == "oferta_imagem")
        offer.variable_ids = [Command.create({"number": 1, "field_path": "contact_name"})]
        # the tour reads the billed warning with this price (Brazil, marketing)
        self.env.ref("whatsapp_inbox.whatsapp_inbox_price_br_marketing").price = 0.0625
        self.start_live_tour(INBOX, "whatsapp_inbox_rich_template_tour", "rich_agent")
        message = self.conversation("5511922220001").wa_message_ids
        self.assertEqual((message.message_type, message.attachment_ids.name),
                         ("template", "oferta.png"))
        self.send_queue()
        self.assertEqual(message.status, "sent", message.failure_reason)
        components = self.sim.sent[-1]["body"]["template"]["components"]
        self.assertEqual(components[0]["parameters"][0]["image"], {"id": message.media_id})
        self.assertEqual(components[1]["parameters"], [{"type": "text", "text": "Offer Lead"}])
        self.assertEqual(components[2]["parameters"], [{"type": "text", "text": "42"}])
        self.assertEqual(components[3]["parameters"],
                         [{"type": "coupon_code", "coupon_code": "NATAL10"}])

    def test_reply_buttons_from_the_composer_while_typing_shows(self):
        self.customer_writes("5511922220002", "Vocês ligam?", "Buttons Customer")
        self.env["mail.canned.response"].create({
            "source": "turno", "substitution": "Qual turno prefere?\n[Manhã]\n[Tarde]",
            "group_ids": [Command.link(self.env.ref("whatsapp_inbox.group_agent").id)]})
        # the tour types for as long as the machine makes it (20 s under load): the
        # interval between two indicators outlasts it, so typing shows once at any speed
        with patch.object(whatsapp_inbox_conversation_send, "TYPING_INTERVAL",
                          timedelta(hours=1)):
            self.start_live_tour(INBOX, "whatsapp_inbox_rich_buttons_tour", "rich_agent")
        conversation = self.conversation("5511922220002")
        inbound = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")
        typing = [s["body"] for s in self.sim.sent if s["body"].get("typing_indicator")]
        self.assertEqual(len(typing), 1, "typing shown once: throttled while the agent typed")
        self.assertEqual(typing[0]["message_id"], inbound.wamid)
        messages = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(messages.mapped("message_type"), ["interactive", "interactive"])
        self.send_queue()
        self.assertEqual(messages.mapped("status"), ["sent", "sent"])
        first, second = (request["body"]["interactive"] for request in self.sim.sent[-2:])
        self.assertEqual(first, {
            "type": "button", "body": {"text": "Podemos ligar agora?"}, "action": {"buttons": [
                {"type": "reply", "reply": {"id": "1", "title": "Sim"}},
                {"type": "reply", "reply": {"id": "2", "title": "Mais tarde"}}]}})
        self.assertEqual([b["reply"]["title"] for b in second["action"]["buttons"]],
                         ["Manhã", "Tarde"])
        self.assertEqual(json.loads(messages[1].interactive_payload), second)

    def test_list_and_link_button_from_the_composer_and_the_customer_s_choice(self):
        self.customer_writes("5511922220006", "Quero agendar", "List Customer")
        conversation = self.conversation("5511922220006")

        def customer_chooses():
            self.post_webhook(payloads.delivery(payloads.change(PNID, messages=[
                payloads.inbound("5511922220006", "interactive", {
                    "type": "list_reply", "list_reply": {"id": "3", "title": "14:00"}})])),
                SECRET)

        self.start_live_tour(INBOX, "whatsapp_inbox_rich_list_link_tour", "rich_agent",
                             choose=customer_chooses)
        choice = conversation.wa_message_ids.filtered(lambda m: m.choice_id)
        self.assertEqual((choice.choice_id, choice.choice_title), ("3", "14:00"))
        sent = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(sent.mapped("message_type"), ["interactive", "interactive"])
        self.send_queue()
        menu, link = (request["body"]["interactive"] for request in self.sim.sent[-2:])
        self.assertEqual(menu, {
            "type": "list", "body": {"text": "Qual horário prefere?"}, "action": {
                "button": "Ver horários", "sections": [
                    {"title": "Manhã", "rows": [
                        {"id": "1", "title": "09:00", "description": "Com café"},
                        {"id": "2", "title": "10:00"}]},
                    {"title": "Tarde", "rows": [{"id": "3", "title": "14:00"}]}]}})
        self.assertEqual(link, {
            "type": "cta_url", "body": {"text": "Sua nota fiscal"}, "action": {
                "name": "cta_url", "parameters": {
                    "display_text": "Ver nota", "url": "https://loja.example.com/nf/9"}}})

    def test_react_to_a_message_then_remove_the_reaction(self):
        self.customer_writes("5511922220003", "Chegou!", "Reaction Customer")
        self.start_live_tour(INBOX, "whatsapp_inbox_rich_reaction_tour", "rich_agent")
        conversation = self.conversation("5511922220003")
        inbound = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")
        reactions = conversation.wa_message_ids.filtered(lambda m: m.message_type == "reaction")
        self.assertEqual([(r.body or "", r.reply_to_wamid) for r in reactions],
                         [("👍", inbound.wamid), ("", inbound.wamid)])
        self.send_queue()
        self.assertEqual([s["body"]["reaction"]["emoji"] for s in self.sim.sent
                          if s["body"].get("type") == "reaction"], ["👍", ""])

    def test_create_a_template_and_submit_it_to_meta(self):
        new_test_user(self.env, login="rich_supervisor", name="Rich Supervisor",
                      groups="whatsapp_inbox.group_supervisor")
        self.start_live_tour("/odoo/action-whatsapp_inbox.whatsapp_inbox_template_action/new",
                             "whatsapp_inbox_rich_template_create_tour", "rich_supervisor")
        template = self.env["whatsapp.inbox.template"].search([("name", "=", "retirada_pronta")])
        self.assertEqual((template.status, template.connection_id), ("PENDING", self.connection))
        remote = next(t for t in self.sim._templates["WABA-RICH"]
                      if t["name"] == "retirada_pronta")
        self.assertEqual(remote["id"], template.meta_id)
        self.assertEqual(remote["components"], [
            {"type": "BODY", "text": "Olá {{1}}, seu pedido está pronto para retirada.",
             "example": {"body_text": [["Ana"]]}},
            {"type": "BUTTONS", "buttons": [{
                "type": "URL", "text": "Ver pedido",
                "url": "https://loja.example.com/pedido/{{1}}",
                "example": ["https://loja.example.com/pedido/123"]}]}])

    def test_submit_a_template_with_an_image_header(self):
        self.sim.accounts[PNID]["app_id"] = "700000000000009"
        self.start_tour(f"/odoo/whatsapp.inbox.connection/{self.connection.id}",
                        "whatsapp_inbox_rich_connection_app_id_tour", login="admin")
        self.assertEqual(self.connection.app_id, "700000000000009")
        new_test_user(self.env, login="rich_media_supervisor", name="Rich Media Supervisor",
                      groups="whatsapp_inbox.group_supervisor")
        template = self.env["whatsapp.inbox.template"].create({
            "name": "oferta_banner", "language": "pt_BR", "category": "MARKETING",
            "connection_id": self.connection.id, "header_format": "IMAGE",
            "body": "Olá {{1}}, a oferta chegou!", "body_examples": "Ana"})
        self.start_live_tour(f"/odoo/whatsapp.inbox.template/{template.id}",
                             "whatsapp_inbox_rich_media_template_submit_tour",
                             "rich_media_supervisor")
        self.assertEqual((template.status, template.header_attachment_id.mimetype),
                         ("PENDING", "image/png"))
        [upload] = [u for u in self.sim.uploads if u["file_name"] == "banner.png"]
        self.assertEqual((upload["app_id"], upload["data"]),
                         ("700000000000009", template.header_attachment_id.raw))
        remote = next(t for t in self.sim._templates["WABA-RICH"] if t["name"] == "oferta_banner")
        self.assertEqual(remote["components"][0], {
            "type": "HEADER", "format": "IMAGE",
            "example": {"header_handle": [upload["handle"]]}})

    def test_reply_and_link_buttons_from_the_send_whatsapp_form(self):
        self.customer_writes("5511922220004", "Oi", "Form Customer")
        conversation = self.conversation("5511922220004")
        self.start_live_tour(f"/odoo/whatsapp.inbox.conversation/{conversation.id}",
                             "whatsapp_inbox_rich_form_composer_tour", "rich_agent")
        self.send_queue()
        buttons, link, menu = (request["body"]["interactive"] for request in self.sim.sent[-3:])
        self.assertEqual([b["reply"]["title"] for b in buttons["action"]["buttons"]],
                         ["Sim", "Ainda não"])
        self.assertEqual(link["action"], {"name": "cta_url", "parameters": {
            "display_text": "Ver nota", "url": "https://loja.example.com/nf/9"}})
        self.assertEqual(menu["action"], {"button": "Horários", "sections": [
            {"title": "Manhã", "rows": [{"id": "1", "title": "09:00", "description": "Com café"},
                                        {"id": "2", "title": "10:00"}]},
            {"title": "Tarde", "rows": [{"id": "3", "title": "14:00"}]}]})

    def test_chatter_reaction_goes_to_whatsapp(self):
        self.customer_writes("5511922220005", "Chegou o boleto", "Chatter Customer")
        conversation = self.conversation("5511922220005")
        inbound = conversation.wa_message_ids
        self.start_live_tour(f"/odoo/whatsapp.inbox.conversation/{conversation.id}",
                             "whatsapp_inbox_rich_chatter_reaction_tour", "rich_agent")
        reactions = conversation.wa_message_ids.filtered(lambda m: m.message_type == "reaction")
        self.assertEqual([(r.body or "", r.reply_to_wamid) for r in reactions],
                         [("👍", inbound.wamid), ("", inbound.wamid)])
