import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import WhatsappInboxCase, WhatsappInboxSimulatorCase, payloads

WA = "5511987654321"


class TestLeadStatus(WhatsappInboxCase):
    def test_seeded_statuses_and_origins(self):
        self.assertEqual(
            self.env["whatsapp.inbox.lead.status"].search([]).mapped("name")[:5],
            ["New", "In progress", "Contacted", "Qualified", "Closed"])
        origins = self.env["whatsapp.inbox.lead.origin"].search([]).mapped("name")
        for name in ("WhatsApp", "Google Ads", "Referral", "Landing page", "E-mail campaign"):
            self.assertIn(name, origins)

    def test_colour_is_hexadecimal(self):
        Status = self.env["whatsapp.inbox.lead.status"]
        self.assertEqual(Status.create({"name": "Hot", "color": " #ff0000 "}).color, "#FF0000")
        for bad in ("red", "#FFF", "#GG0000", ""):
            with self.assertRaises(ValidationError, msg=bad):
                Status.create({"name": "Bad", "color": bad})

    def test_status_in_use_cannot_be_deleted(self):
        Status = self.env["whatsapp.inbox.lead.status"]
        used, unused = Status.create([{"name": "Used"}, {"name": "Unused"}])
        conversation = self.make_conversation("new", lead_status_id=used.id)
        with self.assertRaisesRegex(UserError, "status of 1 conversation.*archive it instead"):
            (used | unused).unlink()
        unused.unlink()
        self.assertFalse(unused.exists())
        used.action_archive()
        self.assertEqual(conversation.lead_status_id, used)

    def test_status_follows_the_contact_across_conversations(self):
        partner = self.env["res.partner"].create({"name": "Rita"})
        first = self.make_conversation("new", partner_id=partner.id)
        second = self.make_conversation("new", partner_id=partner.id)
        qualified = self.env.ref("whatsapp_inbox.lead_status_qualified")
        first.lead_status_id = qualified
        self.assertEqual(partner.whatsapp_inbox_lead_status_id, qualified)
        self.assertEqual(second.lead_status_id, qualified)
        self.assertEqual(second.lead_status_color, "#22C55E")

    def test_pipeline_shows_every_status(self):
        groups = self.Conversation.read_group([], ["lead_status_id"], ["lead_status_id"])
        self.assertGreaterEqual(len(groups), 5)


class TestLeadOrigin(WhatsappInboxCase):
    def test_name_unique_whatever_case_and_spaces(self):
        Origin = self.env["whatsapp.inbox.lead.origin"]
        facebook = Origin.create({"name": "  Facebook  "})
        self.assertEqual(facebook.name, "Facebook")
        for clash in ("facebook", "FACEBOOK ", " Facebook"):
            with self.assertRaises(ValidationError, msg=clash), self.cr.savepoint():
                Origin.create({"name": clash})

    def test_origin_creates_its_utm_source(self):
        origin = self.env["whatsapp.inbox.lead.origin"].create({"name": "TikTok Ads"})
        self.assertEqual(origin.source_id.name, "TikTok Ads")
        self.assertEqual(self.env.ref("whatsapp_inbox.lead_origin_google_ads").source_id.name,
                         "Google Ads")

    def test_origin_in_use_cannot_be_deleted(self):
        origin = self.env["whatsapp.inbox.lead.origin"].create({"name": "Fair 2026"})
        self.make_conversation("new", origin_id=origin.id)
        self.env["res.partner"].create({"name": "P", "whatsapp_inbox_origin_id": origin.id})
        with self.assertRaisesRegex(UserError, "1 conversation.*1 contact"):
            origin.unlink()
        unused = self.env["whatsapp.inbox.lead.origin"].create({"name": "Unused"})
        unused.unlink()
        self.assertFalse(unused.exists())

    def test_inbound_from_new_customer_gets_connection_origin(self):
        self.assertEqual(self.connection.default_origin_id,
                         self.env.ref("whatsapp_inbox.lead_origin_whatsapp"))
        self.receive(payloads.text(WA))
        self.assertEqual(self.conversation_of(WA).origin_id,
                         self.env.ref("whatsapp_inbox.lead_origin_whatsapp"))

    def test_csv_import_maps_origin_and_status_by_name(self):
        result = self.Conversation.load(
            ["connection_id", "wa_id", "contact_name", "origin_id", "lead_status_id"],
            [["Support BR", "5511933332222", "Imported", " google ads ", "Qualified"]])
        self.assertFalse(result["messages"], result["messages"])
        conversation = self.Conversation.browse(result["ids"])
        self.assertEqual((conversation.origin_id.name, conversation.lead_status_id.name,
                          conversation.state), ("Google Ads", "Qualified", "new"))


class TestStartAttendance(WhatsappInboxSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.br")
        cls.env.company.phone = "+55 11 4000-1234"

    def start(self, **vals):
        """The wizard as an agent fills it."""
        return self.env["whatsapp.inbox.start"].with_user(self.agent).create(vals)

    def test_channel_decides_required_fields(self):
        cases = [
            ({"channel": "whatsapp", "name": "No phone"}, "Phone is required"),
            ({"channel": "sms", "name": "No phone"}, "Phone is required"),
            ({"channel": "voip", "phone": "abc"}, "not a valid phone"),
            ({"channel": "email", "name": "No email"}, "valid email"),
            ({"channel": "email", "email": "not-an-email"}, "valid email"),
            ({"channel": "whatsapp", "phone": "+5511955554444"}, "approved template"),
            ({"channel": "sms", "phone": "+5511955554444"}, "Write the message"),
            ({"channel": "sms", "phone": "+5511955554444", "body": " \n "}, "Write the message"),
            ({"channel": "email", "email": "ana@example.com", "body": "  "}, "Write the message"),
            ({"channel": "email", "email": "ana@example.com", "subject": " ", "body": "Oi"},
             "needs a subject"),
            ({"channel": "voip", "phone": "+5511955554444"}, "notes or outcome of the call"),
        ]
        count = self.Conversation.search_count([])
        for vals, error in cases:
            with self.assertRaisesRegex(ValidationError, error, msg=vals):
                self.start(**vals).action_start()
        self.assertEqual(self.Conversation.search_count([]), count, "nothing created")

    def test_every_problem_is_reported_at_once(self):
        with self.assertRaisesRegex(ValidationError, "(?s)valid email.*subject.*message"):
            self.start(channel="email", email="juan@@example", subject="").action_start()

    def test_no_attendance_without_outbound_content(self):
        """An empty email used to start an Open attendance stamped "Last Reply": reports
        counted it answered."""
        with self.assertRaises(ValidationError):
            self.start(channel="email", name="Vazio", email="vazio@example.com",
                       body="").action_start()
        self.assertFalse(self.Conversation.search([("email", "=", "vazio@example.com")]))
        self.assertFalse(self.Conversation.search([("last_outbound_at", "!=", False),
                                                   ("channel", "!=", "whatsapp")]))

    def test_email_subject_is_the_one_typed(self):
        action = self.start(channel="email", email="bia@example.com", subject="Proposta 42",
                            body="Segue.").action_start()
        message = self.Conversation.browse(action["res_id"]).message_ids.filtered(
            lambda m: m.message_type == "comment")
        self.assertEqual(message.subject, "Proposta 42")

    def test_existing_conversation_is_shown_and_kept(self):
        """The customer's conversation on this number is reused, announced in the wizard as
        soon as the number is typed, and neither renamed nor overwritten."""
        self.receive(payloads.text(WA, "Oi"))
        lead = self.conversation_of(WA)
        vip, new_tag = self.env["whatsapp.inbox.tag"].create([{"name": "VIP"}, {"name": "Hot"}])
        closed = self.env.ref("whatsapp_inbox.lead_status_closed")
        lead.write({"contact_name": "Lead from the website form", "tag_ids": vip.ids,
                    "lead_status_id": closed.id})
        template = self.connection.template_ids.filtered(lambda t: t.name == "hello_world")
        wizard = self.start(channel="whatsapp", name="Cliente Teste", phone="(11) 98765-4321",
                            connection_id=self.connection.id, template_id=template.id,
                            tag_ids=new_tag.ids,
                            lead_status_id=self.env.ref("whatsapp_inbox.lead_status_new").id)
        self.assertEqual((wizard.existing_conversation_id, wizard.existing_state,
                          wizard.existing_contact_name),
                         (lead, "waiting", "Lead from the website form"))
        self.assertEqual(wizard.action_start()["res_id"], lead.id)
        self.assertEqual((lead.contact_name, lead.lead_status_id, lead.tag_ids),
                         ("Lead from the website form", closed, vip | new_tag))
        self.assertTrue(lead.message_ids.filtered(
            lambda m: "Attendance started by Agent Smith in this conversation." in m.body))

    def test_existing_conversation_renamed_only_when_asked(self):
        self.receive(payloads.text(WA, "Oi"))
        lead = self.conversation_of(WA)
        lead.contact_name = "Lead from the website form"
        template = self.connection.template_ids.filtered(lambda t: t.name == "hello_world")
        self.start(channel="whatsapp", name="Cliente Teste", phone="+5511987654321",
                   connection_id=self.connection.id, template_id=template.id,
                   rename_existing=True).action_start()
        self.assertEqual(lead.contact_name, "Cliente Teste")
        self.assertTrue(lead.message_ids.filtered(lambda m: "changed from Lead from the "
                                                  "website form to Cliente Teste" in m.body))

    def test_no_existing_conversation_on_another_number_or_channel(self):
        self.receive(payloads.text(WA, "Oi"))
        for vals in ({"channel": "sms"}, {"channel": "whatsapp", "phone": "+5511911112222"}):
            wizard = self.start(**{"phone": "+5511987654321",
                                   "connection_id": self.connection.id, **vals})
            self.assertFalse(wizard.existing_conversation_id, vals)

    def test_whatsapp_starts_with_a_template_and_waits_for_the_customer(self):
        template = self.connection.template_ids.filtered(lambda t: t.name == "pedido_enviado")
        wizard = self.start(channel="whatsapp", name="Ana", phone="(11) 95555-4444",
                            connection_id=self.connection.id, template_id=template.id,
                            lead_status_id=self.env.ref("whatsapp_inbox.lead_status_new").id,
                            attendance_type_id=self.env.ref(
                                "whatsapp_inbox.attendance_type_post_sale").id)
        wizard.param_ids[0].value = "Ana"
        wizard.param_ids[1].value = "#42"
        action = wizard.action_start()
        conversation = self.Conversation.browse(action["res_id"])
        self.assertEqual((conversation.channel, conversation.phone, conversation.wa_id,
                          conversation.state),
                         ("whatsapp", "+5511955554444", "5511955554444", "new"))
        self.assertEqual(conversation.wa_message_ids.body, "Olá Ana, seu pedido #42 foi enviado.")
        self.assertEqual(conversation.user_id, self.agent, "started by the agent: theirs")
        self.assertIn("Attendance started on WhatsApp by Agent Smith.",
                      conversation.message_ids.mapped("body")[-1])
        with self.assertRaises(UserError):
            conversation._send_text("free text before the customer answers")

    def test_template_variables_prefilled_and_previewed(self):
        template = self.connection.template_ids.filtered(lambda t: t.name == "boas_vindas")
        template.variable_ids = [(0, 0, {"number": 1, "field_path": "name"}),
                                 (0, 0, {"number": 2, "field_path": "user_id.name"})]
        wizard = self.start(channel="whatsapp", name="Ana", phone="+5511955554444",
                            connection_id=self.connection.id, template_id=template.id)
        self.assertEqual(wizard.param_ids.mapped("value"), ["Ana", "Agent Smith"])
        self.assertEqual(wizard.preview, "Olá Ana! Aqui é da Agent Smith. Como podemos ajudar?"
                                         "\n[Falar com atendente]")

    def test_whatsapp_finds_the_customer_who_wrote_without_the_ninth_digit(self):
        self.receive(payloads.text("551187654321", "Oi"))
        wrote = self.conversation_of("551187654321")
        template = self.connection.template_ids.filtered(lambda t: t.name == "hello_world")
        action = self.start(channel="whatsapp", phone="+55 11 98765-4321",
                            connection_id=self.connection.id,
                            template_id=template.id).action_start()
        self.assertEqual(action["res_id"], wrote.id)
        self.assertEqual(wrote.wa_id, "551187654321", "WhatsApp's spelling stays")
        self.assertEqual(wrote.wa_message_ids.filtered(lambda m: m.direction == "out").body,
                         template.body)

    def test_email_is_sent_through_odoo_mail(self):
        action = self.start(channel="email", name="Bruno", email="bruno@example.com",
                            body="Olá Bruno, segue a proposta.").action_start()
        conversation = self.Conversation.browse(action["res_id"])
        self.assertEqual((conversation.channel, conversation.state, conversation.user_id),
                         ("email", "open", self.agent))
        message = conversation.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertIn("segue a proposta", message.body)
        email = message.notification_ids.filtered(lambda n: n.notification_type == "email")
        self.assertEqual(email.res_partner_id.email, "bruno@example.com")
        self.assertFalse(conversation.wa_message_ids)

    def test_sms_goes_through_odoo_sms(self):
        action = self.start(channel="sms", name="Caio", phone="+5511944443333",
                            body="Seu pedido chegou").action_start()
        conversation = self.Conversation.browse(action["res_id"])
        sms = self.env["sms.sms"].search([("number", "=", "+5511944443333")])
        self.assertEqual((sms.body, sms.state), ("Seu pedido chegou", "outgoing"))
        self.assertConversation(conversation, channel="sms", state="open", user_id=self.agent,
                                originated_by="+55 11 4000-1234")

    def test_voip_logs_the_call(self):
        action = self.start(channel="voip", phone="+5511933334444",
                            body="Customer wants a quote").action_start()
        conversation = self.Conversation.browse(action["res_id"])
        self.assertIn("Customer wants a quote", conversation.message_ids[0].body)
        self.assertEqual((conversation.state, conversation.user_id), ("open", self.agent))


@tagged("post_install", "-at_install")  # base.automation hooks models once the registry is ready
class TestAutomations(WhatsappInboxSimulatorCase):
    def test_status_change_sends_template_through_base_automation(self):
        qualified = self.env.ref("whatsapp_inbox.lead_status_qualified")
        template = self.connection.template_ids.filtered(lambda t: t.name == "hello_world")
        action = self.env["ir.actions.server"].create({
            "name": "Welcome qualified leads",
            "model_id": self.env["ir.model"]._get_id("whatsapp.inbox.conversation"),
            "state": "whatsapp_inbox_template",
            "whatsapp_inbox_template_id": template.id,
        })
        self.env["base.automation"].create({
            "name": "On qualified",
            "model_id": action.model_id.id,
            "trigger": "on_create_or_write",
            "trigger_field_ids": [(6, 0, [self.env["ir.model.fields"]._get(
                "whatsapp.inbox.conversation", "lead_status_id").id])],
            "filter_domain": f"[('lead_status_id', '=', {qualified.id})]",
            "action_server_ids": [(6, 0, action.ids)],
        })
        conversation = self.make_conversation("new")
        conversation.lead_status_id = qualified
        sent = conversation.wa_message_ids
        self.assertEqual((sent.message_type, sent.template_id), ("template", template))
        self.assertEqual(conversation.state, "new", "an automation is not an agent reply")

    def test_status_change_notifies_department(self):
        member = new_test_user(self.env, login="wa_sales", groups="whatsapp_inbox.group_agent")
        sales = self.env["whatsapp.inbox.department"].create(
            {"name": "Sales", "member_ids": [(6, 0, member.ids)]})
        action = self.env["ir.actions.server"].create({
            "name": "Tell sales",
            "model_id": self.env["ir.model"]._get_id("whatsapp.inbox.conversation"),
            "state": "whatsapp_inbox_notify",
            "whatsapp_inbox_department_id": sales.id,
        })
        conversation = self.make_conversation("new")
        conversation.lead_status_id = self.env.ref("whatsapp_inbox.lead_status_qualified")
        action.with_context(active_model=conversation._name, active_ids=conversation.ids).run()
        note = conversation.message_ids[0]
        self.assertIn("Qualified", note.body)
        self.assertIn(member.partner_id, note.notification_ids.res_partner_id)

    def test_notify_action_needs_someone_to_notify(self):
        """It used to save with no agents, no department and no message."""
        vals = {"name": "Tell nobody", "state": "whatsapp_inbox_notify",
                "model_id": self.env["ir.model"]._get_id("whatsapp.inbox.conversation")}
        with self.assertRaisesRegex(ValidationError, "agents or the department"):
            self.env["ir.actions.server"].create(vals)
        action = self.env["ir.actions.server"].create(
            {**vals, "whatsapp_inbox_user_ids": [(6, 0, self.agent.ids)]})
        with self.assertRaisesRegex(ValidationError, "agents or the department"):
            action.whatsapp_inbox_user_ids = False
        with self.assertRaisesRegex(ValidationError, "WhatsApp template"):
            action.state = "whatsapp_inbox_template"

    def test_automations_menu_lists_the_inbox_rules(self):
        menu = self.env.ref("whatsapp_inbox.whatsapp_inbox_automation_menu")
        self.assertEqual(menu.parent_id, self.env.ref("whatsapp_inbox.whatsapp_inbox_menu_config"))
        self.assertEqual(menu.groups_id, self.env.ref("base.group_system"))
        action = menu.action
        Automation = self.env["base.automation"]
        ours, theirs = Automation.create([
            {"name": "Inbox rule", "trigger": "on_create_or_write",
             "model_id": self.env["ir.model"]._get_id("whatsapp.inbox.conversation")},
            {"name": "Partner rule", "trigger": "on_create_or_write",
             "model_id": self.env["ir.model"]._get_id("res.partner")}])
        found = Automation.search(safe_eval(action.domain))
        self.assertIn(ours, found)
        self.assertNotIn(theirs, found)
        self.assertEqual(safe_eval(action.context)["default_model_id"], ours.model_id.id)

    def test_external_automation_takes_and_releases(self):
        conversation = self.open_window()
        self.env.ref("whatsapp_inbox.ir_actions_server_start_bot").with_context(
            active_model=conversation._name, active_ids=conversation.ids).run()
        self.assertEqual(conversation.state, "bot")
        conversation.action_release_bot()
        self.assertEqual(conversation.state, "waiting")

    def test_auto_finalize_idle_conversations(self):
        self.env["ir.config_parameter"].set_param("whatsapp_inbox.auto_finalize_hours", 4)
        idle = self.open_window()
        idle._send_text("Anything else?")
        busy_waiting = self.open_window()
        with freeze_time(fields.Datetime.now() + timedelta(hours=5)):
            fresh = self.open_window()
            fresh._send_text("Hi")
            self.Conversation._cron_auto_finalize()
        self.assertEqual(idle.state, "done")
        self.assertIn("automatically", idle.message_ids[1].body)
        self.assertEqual(busy_waiting.state, "waiting", "a waiting customer is never dropped")
        self.assertEqual(fresh.state, "open")

    def test_auto_finalize_off_by_default(self):
        idle = self.open_window()
        idle._send_text("Hi")
        with freeze_time(fields.Datetime.now() + timedelta(days=30)):
            self.Conversation._cron_auto_finalize()
        self.assertEqual(idle.state, "open")

    def test_round_robin_with_cap(self):
        agents = [new_test_user(self.env, login=f"rr{i}", groups="whatsapp_inbox.group_agent")
                  for i in range(2)]
        department = self.env["whatsapp.inbox.department"].create({
            "name": "RR", "auto_assign": True, "max_open_per_agent": 1,
            "member_ids": [(6, 0, [a.id for a in agents])]})
        conversations = [self.make_conversation("new", department_id=department.id)
                         for _i in range(3)]
        for conversation in conversations:
            self.receive(payloads.text(conversation.wa_id))
        self.assertEqual([c.user_id for c in conversations[:2]], agents)
        self.assertFalse(conversations[2].user_id, "both agents are at their cap")


class TestTriageBot(WhatsappInboxSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Department = cls.env["whatsapp.inbox.department"]
        cls.sales = Department.create({"name": "Vendas", "sequence": 1})
        cls.support = Department.create({"name": "Suporte", "sequence": 2})
        cls.connection.write({
            "bot_enabled": True, "bot_greeting": "Olá! Escolha uma opção:",
            "bot_department_ids": [(6, 0, (cls.sales | cls.support).ids)]})

    def bot_lines(self, conversation):
        return conversation.wa_message_ids.filtered(lambda m: m.direction == "out").mapped("body")

    def test_new_customer_is_greeted_and_routed(self):
        self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA)
        self.assertEqual(conversation.state, "bot")
        menu = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")[0]
        self.assertEqual(menu.message_type, "interactive", "two departments and a person: "
                                                          "three reply buttons")
        buttons = json.loads(menu.interactive_payload)["action"]["buttons"]
        self.assertEqual([(b["reply"]["id"], b["reply"]["title"]) for b in buttons],
                         [("1", "Vendas"), ("2", "Suporte"), ("0", "Talk to a person")])
        self.receive(payloads.text(WA, "2"))
        self.assertConversation(conversation, state="waiting", department_id=self.support)
        self.assertIn("Suporte", self.bot_lines(conversation)[-1])

    def test_tapped_button_routes_and_many_departments_get_a_list(self):
        Department = self.env["whatsapp.inbox.department"]
        self.connection.bot_department_ids |= Department.create([
            {"name": f"Departamento número {n} com nome longo", "sequence": 10 + n}
            for n in range(3)])
        self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA)
        menu = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")[0]
        interactive = json.loads(menu.interactive_payload)
        self.assertEqual(interactive["type"], "list", "six choices: a list")
        rows = interactive["action"]["sections"][0]["rows"]
        self.assertEqual(len(rows), 6)
        self.assertTrue(all(len(row["title"]) <= 24 for row in rows), "cut to Meta's limit")
        self.receive(payloads.inbound(WA, "interactive", {
            "type": "list_reply", "list_reply": {"id": "1", "title": "Vendas"}}))
        self.assertConversation(conversation, state="waiting", department_id=self.sales)
        choice = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")[-1]
        self.assertEqual((choice.choice_id, choice.choice_title), ("1", "Vendas"))

    def test_hands_over_on_request_or_when_lost(self):
        self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA)
        self.receive(payloads.text(WA, "quero falar com um humano"))
        self.assertEqual(conversation.state, "bot", "a sentence is not the menu")
        self.receive(payloads.text(WA, "???"))
        self.assertEqual(conversation.state, "waiting", "two misunderstandings: a person")
        other = "5511911112222"
        self.receive(payloads.text(other, "Oi"))
        self.receive(payloads.text(other, "humano"))
        self.assertEqual(self.conversation_of(other).state, "waiting")

    def test_agent_takeover_stops_the_bot(self):
        self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA)
        conversation.with_user(self.agent).action_take()
        self.assertEqual(conversation.state, "waiting")
        sent_before = len(self.bot_lines(conversation))
        self.receive(payloads.text(WA, "1"))
        self.assertEqual(len(self.bot_lines(conversation)), sent_before, "the bot stays quiet")
        self.assertFalse(conversation.department_id)

    def test_bot_off_by_default(self):
        self.receive(payloads.text(WA, "Oi"), connection=self.connection_ar)
        self.assertEqual(self.conversation_of(WA, self.connection_ar).state, "waiting")


class TestBusinessHours(WhatsappInboxSimulatorCase):
    def test_away_message_outside_hours_only(self):
        calendar = self.env["resource.calendar"].create({
            "name": "Weekdays 9-18 UTC", "tz": "UTC",
            "attendance_ids": [(0, 0, {"name": f"d{d}", "dayofweek": str(d), "hour_from": 9,
                                       "hour_to": 18, "day_period": "morning"})
                               for d in range(5)]})
        self.connection.write({"resource_calendar_id": calendar.id,
                               "away_message": "Estamos fechados, voltamos às 9h."})
        with freeze_time("2026-11-21 22:00:00"):  # a Saturday night
            self.receive(payloads.text(WA, "Oi"))
            self.receive(payloads.text(WA, "Alguém?"))
        conversation = self.conversation_of(WA)
        away = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(away.mapped("body"), ["Estamos fechados, voltamos às 9h."])
        self.assertEqual(conversation.state, "waiting", "the away message is not a reply")
        with freeze_time("2026-11-23 10:00:00"):  # Monday morning
            other = "5511900007777"
            self.receive(payloads.text(other, "Bom dia"))
        self.assertFalse(self.conversation_of(other).wa_message_ids.filtered(
            lambda m: m.direction == "out"))
