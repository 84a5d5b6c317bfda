"""Every flow of the inbox as a person does it in the browser (Chromium tours in
static/tests/tours/): they type into the fields and click the buttons, then these
tests check what was stored."""

import json
import time

from odoo.tests import HttpCase, new_test_user, tagged

from . import payloads
from .common import TourMixin, load_web_translations
from .live_tour import LiveTourMixin

ACTION_URL = "/odoo/action-whatsapp_inbox.%s"
WAITING_URL = ACTION_URL % "whatsapp_inbox_conversation_action_waiting"
AGENT = "whatsapp_inbox.group_agent"


@tagged("post_install", "-at_install")
class WhatsappInboxTourCase(TourMixin, HttpCase):
    """A WhatsApp number with two approved templates, two agents and a supervisor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"country_id": cls.env.ref("base.br").id,
                               "phone": "+55 11 4000-1234"})
        cls.connection = cls.env["whatsapp.inbox.connection"].create({
            "name": "Tour", "phone_number_id": "PNID-TOUR", "waba_id": "WABA-TOUR",
            "app_secret": "tour-secret", "access_token": "tour-token"})
        Template = cls.env["whatsapp.inbox.template"]
        cls.welcome = Template.create({
            "connection_id": cls.connection.id, "name": "boas_vindas", "language": "pt_BR",
            "status": "APPROVED", "body": "Olá {{1}}! Aqui é da {{2}}.",
            "variable_ids": [(0, 0, {"number": 1, "field_path": "name"})]})
        cls.shipped = Template.create({
            "connection_id": cls.connection.id, "name": "pedido_enviado", "language": "pt_BR",
            "status": "APPROVED", "body": "Olá {{1}}, seu pedido {{2}} foi enviado."})
        cls.agent = new_test_user(cls.env, login="tour_agent_a", name="Tour Agent A",
                                  groups=AGENT)
        cls.agent_b = new_test_user(cls.env, login="tour_agent_b", name="Tour Agent B",
                                    groups=AGENT)
        cls.supervisor = new_test_user(cls.env, login="tour_supervisor", name="Tour Supervisor",
                                       groups="whatsapp_inbox.group_supervisor")
        cls.Conversation = cls.env["whatsapp.inbox.conversation"]

    @classmethod
    def customer_writes(cls, wa_id, name, text="Olá", minutes_ago=0):
        """A customer message through the webhook's processing; return its conversation."""
        body = payloads.encode(payloads.delivery(payloads.change(
            cls.connection.phone_number_id, contacts=[payloads.contact(wa_id, name)],
            messages=[payloads.text(wa_id, text, timestamp=time.time() - 60 * minutes_ago)])))
        cls.env["whatsapp.inbox.event"]._journal(body.decode(), cls.connection.ids)._process()
        return cls.Conversation.search([("connection_id", "=", cls.connection.id),
                                        ("wa_id", "=", wa_id)])

    def sent(self, conversation):
        return conversation.wa_message_ids.filtered(lambda m: m.direction == "out")


class TestAttendTours(WhatsappInboxTourCase):
    def test_link_transfer_finalize_tour(self):
        self.env["res.partner"].create({"name": "Tour Partner",
                                        "email": "tour.partner@example.com"})
        conversation = self.customer_writes("5511911110001", "Tour Customer")
        self.start_tour(WAITING_URL, "whatsapp_inbox_attend_tour", login="tour_agent_a")
        self.assertEqual((conversation.state, conversation.user_id, conversation.partner_id.name),
                         ("done", self.agent_b, "Tour Partner"))
        self.assertEqual((conversation.name, conversation.partner_id.mobile),
                         ("Tour Partner", "+55 11 91111-0001"))

    def test_register_contact_and_cancel_tour(self):
        conversation = self.customer_writes("5511911110002", "Unknown Lead")
        partners = self.env["res.partner"].search_count([])
        self.start_tour(WAITING_URL, "whatsapp_inbox_register_contact_tour",
                        login="tour_agent_a")
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 1,
                         "cancelling created nothing")
        self.assertEqual((conversation.partner_id.name, conversation.partner_id.mobile,
                          conversation.partner_id.email),
                         ("Unknown Lead", "+5511911110002", "unknown.lead@example.com"))
        self.assertEqual(conversation.partner_id.country_id, self.env.ref("base.br"))

    def test_take_finalize_reopen_tour(self):
        conversation = self.customer_writes("5511911110004", "Take Customer")
        self.start_tour(WAITING_URL, "whatsapp_inbox_take_reopen_tour", login="tour_agent_a")
        self.assertEqual((conversation.state, conversation.user_id), ("open", self.agent))

    def test_supervisor_takes_from_an_agent_after_confirming_tour(self):
        conversation = self.customer_writes("5511911110005", "Held Customer")
        conversation.user_id = self.agent
        self.start_tour(ACTION_URL % f"whatsapp_inbox_conversation_action/{conversation.id}",
                        "whatsapp_inbox_take_from_agent_tour", login="tour_supervisor")
        self.assertEqual(conversation.user_id, self.supervisor)
        note = conversation.message_ids.filtered(lambda m: "Taken from" in (m.body or ""))
        self.assertIn(self.agent.partner_id, note.notification_ids.res_partner_id)

    def test_agent_opening_marks_seen_tour(self):
        conversation = self.customer_writes("5511911110003", "Seen Customer")
        conversation.user_id = self.agent
        self.start_tour(ACTION_URL % "whatsapp_inbox_conversation_action_mine",
                        "whatsapp_inbox_seen_tour", login="tour_agent_a")
        self.assertFalse(conversation.unread)
        self.assertEqual(conversation.wa_message_ids.read_receipt, "to_send")


class TestStartTours(WhatsappInboxTourCase):
    def started(self, name):
        return self.Conversation.search([("contact_name", "=", name)])

    def test_start_on_whatsapp_with_typed_variables_tour(self):
        self.start_tour(WAITING_URL, "whatsapp_inbox_start_whatsapp_tour", login="tour_agent_a")
        conversation = self.started("Tour Lead")
        message = self.sent(conversation)
        self.assertEqual((conversation.wa_id, conversation.state, conversation.user_id),
                         ("5511955554444", "new", self.agent))
        self.assertEqual((message.template_id, json.loads(message.template_params)),
                         (self.shipped, {"1": "Tour Lead", "2": "#42"}))

    def test_start_on_sms_tour(self):
        self.start_tour(WAITING_URL, "whatsapp_inbox_start_sms_tour", login="tour_agent_a")
        conversation = self.started("Tour SMS")
        self.assertEqual((conversation.channel, conversation.state, conversation.user_id,
                          conversation.originated_by),
                         ("sms", "open", self.agent, "+55 11 4000-1234"))
        sms = self.env["sms.sms"].search([("number", "=", "+5511944443333")])
        self.assertEqual(sms.body, "Seu pedido chegou")

    def test_start_on_email_tour(self):
        self.start_tour(WAITING_URL, "whatsapp_inbox_start_email_tour", login="tour_agent_a")
        conversation = self.started("Tour Mail")
        self.assertEqual((conversation.channel, conversation.state, conversation.user_id,
                          conversation.email, conversation.originated_by),
                         ("email", "open", self.agent, "tour.mail@example.com",
                          "vendas@example.com"))
        self.assertEqual(conversation.message_ids.filtered(
            lambda m: m.message_type == "comment").subject, "Proposta 42")

    def test_start_in_the_existing_conversation_tour(self):
        lead = self.customer_writes("5511912345678", "Lead from the website form")
        vip = self.env["whatsapp.inbox.tag"].create({"name": "VIP"})
        lead.tag_ids = vip
        self.start_tour(WAITING_URL, "whatsapp_inbox_start_existing_tour", login="tour_agent_a")
        self.assertEqual((lead.contact_name, lead.tag_ids, self.sent(lead).template_id),
                         ("Lead from the website form", vip, self.shipped))
        self.assertFalse(self.started("Cliente Teste"), "no second conversation")

    def test_start_on_voip_tour(self):
        self.start_tour(WAITING_URL, "whatsapp_inbox_start_voip_tour", login="tour_agent_a")
        conversation = self.started("Tour Call")
        self.assertEqual((conversation.channel, conversation.state, conversation.user_id,
                          conversation.phone),
                         ("voip", "open", self.agent, "+5511933334444"))


class TestReplyTours(LiveTourMixin, WhatsappInboxTourCase):
    def test_reply_in_the_window_assigns_me_tour(self):
        conversation = self.customer_writes("5511911110005", "Reply Customer")
        self.start_tour(WAITING_URL, "whatsapp_inbox_reply_tour", login="tour_agent_a")
        self.assertEqual((conversation.state, conversation.user_id), ("open", self.agent))
        self.assertEqual((self.sent(conversation).body, self.sent(conversation).status),
                         ("Olá! Já verifico o seu pedido.", "queued"))

    def test_text_longer_than_whatsapp_takes_is_refused_tour(self):
        conversation = self.customer_writes("5511911110007", "Long Customer")
        self.start_tour(ACTION_URL % f"whatsapp_inbox_conversation_action/{conversation.id}",
                        "whatsapp_inbox_long_text_tour", login="tour_agent_a")
        self.assertEqual(self.sent(conversation).mapped("body"),
                         ["Segue o passo a passo: ver o manual."])

    def test_reply_outside_the_window_with_a_template_tour(self):
        conversation = self.customer_writes("5511911110006", "Late Customer",
                                            minutes_ago=3 * 24 * 60)
        # sudo: whatsapp.inbox.message - what the send cron records when Meta refuses
        failed = self.env["whatsapp.inbox.message"].sudo().create({
            "conversation_id": conversation.id, "direction": "out", "body": "Oi de novo",
            "status": "failed", "failure_code": "131047", "failure_type": "window_closed",
            "failure_reason": "Re-engagement message"})
        conversation._on_send_failure("Re-engagement message", failed)
        self.start_tour(WAITING_URL, "whatsapp_inbox_template_reply_tour", login="tour_agent_a")
        template_message = self.sent(conversation) - failed
        self.assertEqual((conversation.state, conversation.user_id), ("open", self.agent))
        self.assertEqual(json.loads(template_message.template_params),
                         {"1": "Rafael", "2": "4521"})

    def test_ticks_follow_meta_live_tour(self):
        conversation = self.customer_writes("5511911110009", "Ticks Customer")
        message = conversation.with_user(self.agent)._send_text("Ticks reply")
        # sudo: whatsapp.inbox.message - what the send cron records once Meta accepted it
        message.sudo().write({"wamid": "wamid.TOUR.TICKS", "status": "sent"})

        def meta_reports(status):
            return lambda: self.post_webhook(payloads.delivery(payloads.change(
                "PNID-TOUR", statuses=[payloads.status("wamid.TOUR.TICKS", status,
                                                       "5511911110009")])), "tour-secret")

        self.start_live_tour(
            ACTION_URL % f"whatsapp_inbox_conversation_action_open/{conversation.id}",
            "whatsapp_inbox_ticks_tour", "tour_agent_a",
            delivered=meta_reports("delivered"), read=meta_reports("read"))
        self.assertEqual(message.status, "read")


class TestTabsTours(LiveTourMixin, WhatsappInboxTourCase):
    def test_app_opens_on_its_queue_with_live_counts_tour(self):
        self.customer_writes("5511911110010", "Oldest Wait", minutes_ago=30)
        self.customer_writes("5511911110011", "Second Wait", minutes_ago=5)
        mine = self.customer_writes("5511911110012", "Mine Open", minutes_ago=10)
        mine.user_id = self.agent
        mine.with_user(self.agent)._send_text("Olá!")
        mine.with_user(self.agent).action_mark_seen()
        closed = self.customer_writes("5511911110013", "Mine Closed", minutes_ago=40)
        closed.user_id = self.agent
        closed.with_user(self.agent).action_mark_seen()
        closed.with_user(self.agent).action_finalize()  # history: not in Mine's count
        self.start_live_tour("/odoo", "whatsapp_inbox_tabs_tour", "tour_agent_a",
                             customer_writes=lambda: self.post_webhook(
                                 payloads.delivery(payloads.change(
                                     "PNID-TOUR",
                                     contacts=[payloads.contact("5511911110077", "Newest Wait")],
                                     messages=[payloads.text("5511911110077",
                                                             "Olá, alguém aí?")])),
                                 "tour-secret"))


class TestPortugueseTour(WhatsappInboxTourCase):
    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("pt_BR")
        cls.env["ir.module.module"]._load_module_terms(["whatsapp_inbox"], ["pt_BR"])
        cls.supervisor.lang = "pt_BR"  # sees every menu, Configuração included
        load_web_translations(cls.env, "pt_BR")

    def test_portuguese_words_and_top_bar_fit_tour(self):
        self.env["res.partner"].create({"name": "Parceiro Tour"})
        conversation = self.customer_writes("5511911110013", "Cliente Português")
        self.start_tour(WAITING_URL, "whatsapp_inbox_pt_br_tour", login="tour_supervisor")
        self.assertTrue(conversation.message_ids.filtered(
            lambda m: "Vinculado ao cliente Parceiro Tour" in m.body))


class TestConfigurationTours(WhatsappInboxTourCase):
    def test_lead_origins_crud_tour(self):
        Origin = self.env["whatsapp.inbox.lead.origin"]
        fair = Origin.create({"name": "Fair 2026"})
        self.customer_writes("5511911110020", "Fair Visitor").origin_id = fair
        self.start_tour(ACTION_URL % "whatsapp_inbox_lead_origin_action",
                        "whatsapp_inbox_origins_tour", login="tour_supervisor")
        self.assertTrue(fair.exists())
        self.assertFalse(Origin.search([("name", "=ilike", "instagram%")]))
        self.assertEqual(self.env["utm.source"].search_count([("name", "=", "Instagram")]), 1)

    def test_lead_statuses_crud_tour(self):
        Status = self.env["whatsapp.inbox.lead.status"]
        used = Status.create({"name": "Used Status"})
        self.customer_writes("5511911110021", "Status Holder").lead_status_id = used
        self.start_tour(ACTION_URL % "whatsapp_inbox_lead_status_action",
                        "whatsapp_inbox_statuses_tour", login="tour_supervisor")
        self.assertTrue(used.active)
        self.assertFalse(Status.search([("name", "ilike", "hot lead")]))

    def test_automations_menu_and_notify_action_tour(self):
        sales = self.env["whatsapp.inbox.department"].create({"name": "Sales"})
        notify = self.env["ir.actions.server"].create({
            "name": "Tell sales", "state": "whatsapp_inbox_notify",
            "model_id": self.env["ir.model"]._get_id("whatsapp.inbox.conversation"),
            "whatsapp_inbox_department_id": sales.id})
        self.env["base.automation"].create([
            {"name": "Tell sales on qualified", "trigger": "on_create_or_write",
             "model_id": notify.model_id.id, "action_server_ids": [(6, 0, notify.ids)]},
            {"name": "Partner rule", "trigger": "on_create_or_write",
             "model_id": self.env["ir.model"]._get_id("res.partner")}])
        self.start_tour(ACTION_URL % "whatsapp_inbox_event_action",
                        "whatsapp_inbox_automations_tour", login="admin")
        self.assertEqual(notify.whatsapp_inbox_department_id, sales, "not saved without it")

    def test_settings_tour(self):
        self.start_tour(ACTION_URL % "whatsapp_inbox_event_action",
                        "whatsapp_inbox_settings_tour", login="admin")
        params = self.env["ir.config_parameter"]
        self.assertEqual((params.get_param("whatsapp_inbox.wait_amber_minutes"),
                          params.get_param("whatsapp_inbox.wait_red_minutes")), ("3", "10"))
        self.assertEqual(params.get_param("whatsapp_inbox.protocol_prefix"), "WA%(year)s-")
        self.assertEqual(params.get_param("whatsapp_inbox.media_max_bytes"), str(10 * 1024 * 1024),
                         "typed in MB, kept in bytes")
