from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import load_script
from odoo.modules.module import get_module_path
from odoo.tests import new_test_user

from ..models import whatsapp_inbox_workspace
from .common import WhatsappInboxCase, WhatsappInboxSimulatorCase, payloads

WA = "5511987654321"


class TestWorkspaceQueues(WhatsappInboxCase):
    """The left column: tabs, counts, search, filters, pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Workspace = cls.Conversation.with_user(cls.agent)
        cls.vip = cls.env["whatsapp.inbox.tag"].create({"name": "VIP"})
        cls.sales = cls.env["whatsapp.inbox.department"].create({"name": "Sales"})

    def customer(self, wa_id, name, text="Oi", at="2026-03-02 10:00:00", connection=None):
        with freeze_time(at):
            self.receive(payloads.text(wa_id, text), contacts=[payloads.contact(wa_id, name)],
                         connection=connection)
        return self.conversation_of(wa_id, connection)

    def names(self, tab, **kwargs):
        return [row["name"] for row in self.Workspace.workspace_list(tab, **kwargs)["rows"]]

    def test_waiting_oldest_first_others_newest_first(self):
        self.customer("5531900000001", "Ana", at="2026-03-02 10:05:00")
        self.customer("5531900000002", "Bia", at="2026-03-02 10:00:00")
        self.customer("5531900000003", "Caio", at="2026-03-02 10:10:00")
        self.assertEqual(self.names("waiting"), ["Bia", "Ana", "Caio"])
        self.assertEqual(self.names("all"), ["Caio", "Ana", "Bia"])

    def test_pages_load_by_offset_and_say_when_more_remain(self):
        for index in range(5):
            self.customer(f"553190000010{index}", f"Cliente {index}",
                          at=f"2026-03-02 10:0{index}:00")
        first = self.Workspace.workspace_list("all", limit=2)
        second = self.Workspace.workspace_list("all", offset=2, limit=2)
        last = self.Workspace.workspace_list("all", offset=4, limit=2)
        self.assertEqual([r["name"] for r in first["rows"] + second["rows"] + last["rows"]],
                         ["Cliente 4", "Cliente 3", "Cliente 2", "Cliente 1", "Cliente 0"])
        self.assertEqual((first["more"], second["more"], last["more"]), (True, True, False))

    def test_row_carries_what_the_line_shows(self):
        conversation = self.customer(WA, "Maria", text="Quero um orçamento")
        status = self.env["whatsapp.inbox.lead.status"].create({"name": "Hot", "color": "#FF0000"})
        conversation.write({"user_id": self.agent.id, "lead_status_id": status.id})
        [row] = self.Workspace.workspace_list("waiting")["rows"]
        self.assertEqual(row["name"], "Maria")
        self.assertEqual(row["number"], "+5511987654321")
        self.assertEqual(row["preview"], "Quero um orçamento")
        self.assertEqual(row["connection"], "Support BR")
        self.assertEqual(row["lead_status"], {"id": status.id, "name": "Hot", "color": "#FF0000"})
        self.assertEqual(row["agent"], {"id": self.agent.id, "name": "Agent Smith"})
        self.assertTrue(row["unread"])
        self.assertEqual(row["waiting_since"], fields.Datetime.to_datetime("2026-03-02 10:00:00"))

    def test_counts_per_tab_follow_the_filters(self):
        mine = self.customer("5531900000001", "Ana")
        mine.user_id = self.agent
        other = self.customer("5531900000002", "Bia", connection=self.connection_ar)
        other.action_finalize()
        self.make_conversation("new")
        counts = self.Workspace.workspace_counts({})
        self.assertEqual(counts, {"waiting": 1, "unread": 1, "mine": 1, "all": 3, "new": 1,
                                  "open": 0, "bot": 0, "done": 1, "error": 0, "capped": []})
        counts = self.Workspace.workspace_counts({"connection_id": self.connection_ar.id})
        self.assertEqual((counts["all"], counts["done"], counts["waiting"]), (1, 1, 0))
        mine.action_finalize()
        self.assertEqual(self.Workspace.workspace_counts({})["mine"], 0,
                         "Mine holds my conversations still to attend")

    def test_counts_follow_the_search_as_the_list_does(self):
        ana = self.customer("5531900000001", "Ana Souza", text="Meu boleto venceu")
        ana.user_id = self.agent
        bia = self.customer("5531900000002", "Bia", text="Outro boleto", at="2026-03-02 10:01:00")
        bia.action_finalize()
        self.customer("5531900000003", "Caio", text="Bom dia", at="2026-03-02 10:02:00")
        counts = self.Workspace.workspace_counts({}, "boleto")
        self.assertEqual(counts, {"waiting": 1, "unread": 1, "mine": 1, "all": 2, "new": 0,
                                  "open": 0, "bot": 0, "done": 1, "error": 0, "capped": []})
        for tab in ("waiting", "unread", "mine", "all", "done"):
            self.assertEqual(len(self.names(tab, search="boleto")), counts[tab], tab)
        counts = self.Workspace.workspace_counts({"user_id": "none"}, "boleto")
        self.assertEqual((counts["all"], counts["waiting"], counts["done"]), (1, 0, 1),
                         "the search and the filters together")
        self.assertEqual(self.Workspace.workspace_counts({}, "  ")["all"], 3,
                         "a blank search counts everything")

    def test_finalized_count_stops_at_the_cap(self):
        for _index in range(3):
            self.make_conversation("done")
        self.make_conversation("open")
        with patch.object(whatsapp_inbox_workspace, "COUNT_CAP", 2):
            counts = self.Workspace.workspace_counts({})
        self.assertEqual((counts["done"], counts["all"], counts["capped"]),
                         (2, 3, ["done", "all"]))

    def test_counts_of_a_search_run_the_search_once(self):
        def queries(search):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Workspace.workspace_counts({}, search)
            return self.env.cr.sql_log_count - before

        self.customer("5531900000001", "Ana Souza", text="Meu boleto venceu")
        queries("boleto")  # caches of the first call (rules, ...)
        self.assertEqual(queries("boleto"), 2, "the newest matching messages' conversations, "
                         "then one grouped query, whatever the tabs")

    def test_finalized_count_with_a_search_stops_at_the_cap(self):
        for index in range(3):
            self.customer(f"553190000020{index}", f"Cliente {index}",
                          text="Pedido").action_finalize()
        self.customer("5531900000210", "Outra", text="Pedido").action_finalize()
        self.customer("5531900000211", "Aberta", text="Pedido")
        with patch.object(whatsapp_inbox_workspace, "COUNT_CAP", 2):
            counts = self.Workspace.workspace_counts({}, "Cliente")
            self.assertEqual((counts["done"], counts["all"], counts["capped"]),
                             (2, 2, ["done", "all"]))
            counts = self.Workspace.workspace_counts({}, "Outra")
        self.assertEqual((counts["done"], counts["all"], counts["capped"]), (1, 1, []))

    def test_search_by_name_number_and_last_message(self):
        self.customer("5531900000001", "Ana Souza", text="Meu boleto venceu")
        self.customer("5521987650000", "Bia", text="Bom dia")
        self.assertEqual(self.names("all", search="souza"), ["Ana Souza"])
        self.assertEqual(self.names("all", search="+55 21 98765"), ["Bia"])
        self.assertEqual(self.names("all", search="boleto"), ["Ana Souza"])

    def test_search_finds_the_text_of_an_earlier_message(self):
        ana = self.customer("5531900000001", "Ana Souza", text="Pedido 98321 atrasado")
        with freeze_time("2026-03-02 10:05:00"):
            self.receive(payloads.text("5531900000001", "Alguém?"))
        self.customer("5531900000002", "Bia", text="Bom dia")
        self.assertEqual(ana.last_message_preview, "Alguém?")
        self.assertEqual(self.names("all", search="98321"), ["Ana Souza"])
        self.assertEqual(self.names("waiting", search="atrasado"), ["Ana Souza"])

    def test_open_line_says_since_when_the_customer_waits_for_an_answer(self):
        conversation = self.customer(WA, "Maria", at="2026-03-02 10:00:00")
        with freeze_time("2026-03-02 10:01:00"):
            conversation.with_user(self.agent)._send_text("Olá!")
        [row] = self.Workspace.workspace_list("open")["rows"]
        self.assertEqual((row["state"], row["unanswered_since"], row["channel"]),
                         ("open", False, "whatsapp"), "answered: nothing to wait for")
        with freeze_time("2026-03-02 10:07:00"):
            self.receive(payloads.text(WA, "Ainda está aí?"))
        [row] = self.Workspace.workspace_list("all")["rows"]
        self.assertEqual((row["state"], row["unanswered_since"]),
                         ("open", fields.Datetime.to_datetime("2026-03-02 10:07:00")))
        with freeze_time("2026-03-02 10:08:00"):
            conversation.with_user(self.agent)._send_text("Sim!")
        self.assertFalse(self.Workspace.workspace_list("all")["rows"][0]["unanswered_since"])
        # Meta's timestamps are whole seconds: a message in the second of our reply waits
        with freeze_time("2026-03-02 10:08:00"):
            self.receive(payloads.text(WA, "Obrigada"))
        [row] = self.Workspace.workspace_list("all")["rows"]
        self.assertEqual((row["unanswered_since"], row["awaiting_customer"]),
                         (fields.Datetime.to_datetime("2026-03-02 10:08:00"), False))

    def test_open_line_waits_since_the_first_message_after_our_reply(self):
        conversation = self.customer(WA, "Maria", at="2026-03-02 10:00:00")
        with freeze_time("2026-03-02 10:01:00"):
            conversation.with_user(self.agent)._send_text("Olá!")
        for at, text in (("10:07:00", "Ainda está aí?"), ("10:12:00", "Alô?")):
            with freeze_time(f"2026-03-02 {at}"):
                self.receive(payloads.text(WA, text))
        [row] = self.Workspace.workspace_list("open")["rows"]
        self.assertEqual(row["unanswered_since"],
                         fields.Datetime.to_datetime("2026-03-02 10:07:00"),
                         "the customer waits since their first message, not their last")
        with freeze_time("2026-03-02 10:20:00"):
            # a message sent before our first reply, delivered late: answered already
            self.receive(payloads.text(WA, "Oi?", timestamp=1772445630))  # 10:00:30
        self.assertEqual(conversation.unanswered_since,
                         fields.Datetime.to_datetime("2026-03-02 10:07:00"))
        with freeze_time("2026-03-02 10:21:00"):
            conversation.with_user(self.agent)._send_text("Sim!")
        self.assertFalse(conversation.unanswered_since)
        # a customer message in the second of our reply waits from that second
        with freeze_time("2026-03-02 10:30:00"):
            self.receive(payloads.text(WA, "Mais uma coisa"))
        with freeze_time("2026-03-02 10:35:00"):
            self.receive(payloads.text(WA, "E outra"))
            conversation.with_user(self.agent)._send_text("Diga!")
        self.assertEqual(conversation.unanswered_since,
                         fields.Datetime.to_datetime("2026-03-02 10:35:00"))

    def test_an_automated_reply_answers_and_a_reaction_does_not_wait(self):
        conversation = self.customer(WA, "Maria", at="2026-03-02 10:00:00")
        self.assertEqual(conversation.unanswered_since,
                         fields.Datetime.to_datetime("2026-03-02 10:00:00"))
        with freeze_time("2026-03-02 10:01:00"):
            conversation._send_text("Recebemos sua mensagem", automated=True)
        self.assertFalse(conversation.unanswered_since)
        [ours] = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")
        ours.wamid = "wamid.OURS"
        with freeze_time("2026-03-02 10:02:00"):
            self.receive(payloads.inbound(WA, "reaction",
                                          {"message_id": "wamid.OURS", "emoji": "👍"}))
        self.assertFalse(conversation.unanswered_since)

    def test_conversations_of_before_get_their_first_unanswered_message(self):
        conversation = self.customer(WA, "Maria", at="2026-03-02 10:00:00")
        with freeze_time("2026-03-02 10:01:00"):
            conversation.with_user(self.agent)._send_text("Olá!")
        for at in ("10:07:00", "10:12:00"):
            with freeze_time(f"2026-03-02 {at}"):
                self.receive(payloads.text(WA, "Oi?"))
        answered = self.customer("5531900000001", "Ana", at="2026-03-02 10:00:00")
        with freeze_time("2026-03-02 10:01:00"):
            answered.with_user(self.agent)._send_text("Olá!")
        # as 18.0.1.2.0 left them: no unanswered_since
        self.env.flush_all()
        self.env.cr.execute("UPDATE whatsapp_inbox_conversation SET unanswered_since = NULL")
        self.env.invalidate_all()
        path = f"{get_module_path('whatsapp_inbox')}/migrations/18.0.1.3.0/post-unanswered-since.py"
        load_script(path, "post-unanswered-since").migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(conversation.unanswered_since,
                         fields.Datetime.to_datetime("2026-03-02 10:07:00"))
        self.assertFalse(answered.unanswered_since)

    def test_lines_where_we_spoke_last_await_the_customer(self):
        conversation = self.customer(WA, "Maria", at="2026-03-02 10:00:00")
        conversation.user_id = self.agent

        def awaiting():
            [row] = self.Workspace.workspace_list("mine")["rows"]
            return row["awaiting_customer"]

        self.assertFalse(awaiting(), "Waiting: the customer spoke last")
        with freeze_time("2026-03-02 10:01:00"):
            conversation.with_user(self.agent)._send_text("Olá!")
        self.assertTrue(awaiting(), "answered: nothing to do until they write")
        with freeze_time("2026-03-02 10:07:00"):
            self.receive(payloads.text(WA, "Ainda está aí?"))
        self.assertFalse(awaiting())
        conversation.action_finalize()
        reached_out = self.make_conversation(
            "new", user_id=self.agent.id, last_outbound_at="2026-03-02 10:09:00",
            last_message_at="2026-03-02 10:09:00")
        [row] = self.Workspace.workspace_list("mine")["rows"]
        self.assertEqual((row["id"], row["awaiting_customer"]), (reached_out.id, True),
                         "a template sent to a new contact awaits their answer")

    def test_a_page_costs_the_same_queries_whatever_its_lines(self):
        def queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Workspace.workspace_list("all")
            return self.env.cr.sql_log_count - before

        status = self.env["whatsapp.inbox.lead.status"].create({"name": "Hot", "color": "#FF0000"})
        self.customer("5531900000001", "Ana").write({"user_id": self.agent.id,
                                                    "lead_status_id": status.id})
        queries()  # caches of the first call (rules, ...)
        few = queries()
        for index in range(2, 7):
            conversation = self.customer(f"553190000000{index}", f"Cliente {index}")
            with freeze_time("2026-03-02 10:01:00"):
                conversation.with_user(self.agent)._send_text("Olá!")  # Open
            with freeze_time("2026-03-02 10:05:00"):
                self.receive(payloads.text(f"553190000000{index}", "E agora?"))  # unanswered
            self.assertTrue(conversation._workspace_unanswered_since())
        self.assertEqual(len(self.Workspace.workspace_list("all")["rows"]), 6)
        self.assertEqual(queries(), few)

    def test_filters_by_agent_department_connection_and_tags(self):
        ana = self.customer("5531900000001", "Ana")
        bia = self.customer("5531900000002", "Bia")
        caio = self.customer("5531900000003", "Caio", connection=self.connection_ar)
        ana.write({"user_id": self.agent.id, "tag_ids": [(6, 0, self.vip.ids)]})
        bia.department_id = self.sales
        self.assertEqual(self.names("all", filters={"user_id": self.agent.id}), ["Ana"])
        self.assertEqual(sorted(self.names("all", filters={"user_id": "none"})), ["Bia", "Caio"])
        self.assertEqual(self.names("all", filters={"department_id": self.sales.id}), ["Bia"])
        self.assertEqual(self.names("all", filters={"connection_id": caio.connection_id.id}),
                         ["Caio"])
        self.assertEqual(self.names("all", filters={"tag_ids": self.vip.ids}), ["Ana"])
        self.assertEqual(len(self.names("all", filters={"tag_ids": "x", "bogus": 1})), 3,
                         "malformed filters are ignored")

    def test_filters_are_kept_per_user(self):
        self.Workspace.workspace_save_filters({"connection_id": self.connection.id,
                                               "tag_ids": self.vip.ids})
        self.assertEqual(self.Workspace.workspace_setup()["filters"],
                         {"connection_id": self.connection.id, "tag_ids": self.vip.ids})
        self.assertEqual(self.Conversation.with_user(self.supervisor).workspace_setup()["filters"],
                         {})

    def test_tab_and_state_names_are_the_inbox_s_own(self):
        """Other apps translate "All" and "Open" too ("Tudo", "Aberto"): the workspace
        names its tabs and states from the server, in the inbox's own words."""
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(["whatsapp_inbox"], ["pt_BR"])
        labels = self.Workspace.with_context(lang="pt_BR").workspace_setup()["labels"]
        self.assertEqual((labels["tabs"]["all"], labels["tabs"]["unread"], labels["tabs"]["open"],
                          labels["tabs"]["error"]), ("Todos", "Não lidos", "Em aberto", "Erros"))
        self.assertEqual(labels["states"]["open"], "Em aberto")

    def test_setup_lists_the_filter_choices(self):
        setup = self.Workspace.workspace_setup()
        self.assertIn("Agent Smith", [a["name"] for a in setup["agents"]])
        self.assertIn("Sales", [d["name"] for d in setup["departments"]])
        self.assertEqual(setup["thresholds"], {"amber": 5, "red": 15})

    def test_transfer_lists_the_others_with_their_load_and_presence(self):
        """Not myself; each one's Open and Waiting conversations, counted in one query
        for all of them; online first, then the least busy."""
        busy = new_test_user(self.env, login="wa_busy", name="Busy Bea",
                             groups="whatsapp_inbox.group_agent")
        idle = new_test_user(self.env, login="wa_idle", name="Idle Ivo",
                             groups="whatsapp_inbox.group_agent")
        for state in ("open", "waiting", "waiting", "done", "bot", "new"):
            self.make_conversation(state, user_id=busy.id)
        self.make_conversation("open", user_id=self.agent.id)
        self.env["bus.presence"].create([
            {"user_id": busy.id, "status": "online"}, {"user_id": idle.id, "status": "away"}])

        def agents():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = self.Workspace.workspace_transfer_agents()
            return result, self.env.cr.sql_log_count - before

        rows, _queries = agents()
        by_name = {row["name"]: row for row in rows}
        self.assertNotIn("Agent Smith", by_name, "not myself")
        self.assertEqual((by_name["Busy Bea"]["load"], by_name["Busy Bea"]["im_status"]),
                         (3, "online"), "Open and Waiting only")
        self.assertEqual((by_name["Idle Ivo"]["load"], by_name["Idle Ivo"]["im_status"]),
                         (0, "away"))
        self.assertEqual(by_name["Supervisor Sue"]["im_status"], "offline")
        self.assertEqual([row["name"] for row in rows][:2], ["Busy Bea", "Idle Ivo"])
        _rows, few = agents()
        for index in range(3):
            self.make_conversation("open", user_id=new_test_user(
                self.env, login=f"wa_more_{index}",
                groups="whatsapp_inbox.group_agent").id)
        agents()  # caches that new users and groups emptied (rules, access rights)
        rows, more = agents()
        self.assertEqual(more, few, "one query for the loads of all agents")
        self.assertEqual(len(rows), len(_rows) + 3)

    def test_unknown_tab_is_refused(self):
        with self.assertRaises(UserError):
            self.Workspace.workspace_list("everything")


class TestWorkspaceSecurity(WhatsappInboxCase):
    """The workspace reads as the user: record rules decide what an agent sees."""

    def test_agent_sees_only_the_conversations_of_their_companies(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        hidden_connection = self.env["whatsapp.inbox.connection"].create({
            "name": "Other", "phone_number_id": "PNID-OTHER", "app_secret": "x",
            "company_id": other_company.id})
        self.receive(payloads.text(WA, "Oi"), connection=hidden_connection)
        hidden = self.conversation_of(WA, hidden_connection)
        hidden.company_id = other_company  # as its connection's (see DESIGN.md)
        workspace = self.Conversation.with_user(self.agent)
        self.assertNotIn(hidden.id, [r["id"] for r in workspace.workspace_list("all")["rows"]])
        self.assertEqual(workspace.workspace_counts({})["all"], 0)
        with self.assertRaises(AccessError):
            workspace.workspace_open(hidden.id)
        with self.assertRaises(AccessError):
            workspace.workspace_thread(hidden.id, before_id=10 ** 9)

    def test_bodies_are_plain_text(self):
        self.receive(payloads.text(WA, "<b>bold</b> & <script>x()</script>"))
        conversation = self.conversation_of(WA)
        conversation.with_user(self.agent).workspace_post_note(conversation.id, "<i>note</i>")
        bubbles = self.Conversation.with_user(self.agent).workspace_open(
            conversation.id)["messages"]
        self.assertEqual(bubbles[0]["body"], "<b>bold</b> & <script>x()</script>",
                         "the customer's text as they typed it, for the browser to escape")
        self.assertEqual(bubbles[-1]["body"], "<i>note</i>")


class TestWorkspaceConversation(WhatsappInboxSimulatorCase):
    """The middle and right columns: thread, actions, client panel."""

    def setUp(self):
        super().setUp()
        self.conversation = self.open_window(WA)
        self.as_agent = self.Conversation.with_user(self.agent)

    def bubbles(self):
        return self.as_agent.workspace_open(self.conversation.id)["messages"]

    def test_thread_shows_messages_notes_and_system_lines_oldest_first(self):
        self.as_agent.workspace_send(self.conversation.id, "Olá! Em que posso ajudar?")
        self.as_agent.workspace_post_note(self.conversation.id, "Cliente antigo")
        self.conversation.with_user(self.agent).action_finalize()
        kinds = [(b["kind"], b.get("direction"), b["body"]) for b in self.bubbles()]
        self.assertEqual(kinds[:3], [
            ("whatsapp", "in", "Oi"),
            ("whatsapp", "out", "Olá! Em que posso ajudar?"),
            ("note", None, "Cliente antigo"),
        ])
        self.assertEqual(kinds[-1][0], "system")
        self.assertIn("finalized", kinds[-1][2])
        outbound = self.bubbles()[1]
        self.assertEqual((outbound["author"], outbound["status"]), ("Agent Smith", "queued"))
        self.assertFalse(self.conversation.wa_message_ids.filtered(
            lambda m: m.body == "Cliente antigo"), "a note never goes to the customer")

    def test_other_channels_read_as_bubbles_and_fill_the_line(self):
        """Content sent by SMS or e-mail and a call's notes are outgoing bubbles with their
        channel, an e-mail received an incoming one; the line shows the last of them."""
        Start = self.env["whatsapp.inbox.start"].with_user(self.agent)
        for channel, body, extra in (
                ("sms", "Seu pedido\nchegou", {"phone": "+55 11 97777-1234"}),
                ("email", "Segue a proposta", {"email": "c@example.com", "subject": "P 42"}),
                ("voip", "Quer um orçamento", {"phone": "+55 11 97777-5678"})):
            action = Start.create({"channel": channel, "name": f"Cliente {channel}",
                                   "body": body, **extra}).action_start()
            conversation = self.Conversation.browse(action["res_id"])
            self.assertEqual(conversation.last_message_preview, " ".join(body.split()))
            self.assertTrue(conversation.last_message_at)
            bubbles = self.as_agent.workspace_open(conversation.id)["messages"]
            self.assertEqual(bubbles[0]["kind"], "system", "the start of the attendance")
            sent = bubbles[-1]
            self.assertEqual((sent["kind"], sent["channel"], sent["direction"], sent["author"]),
                             ("channel", channel, "out", "Agent Smith"))
            self.assertIn(body.split()[-1], sent["body"])
        self.assertEqual(sent["subject"], "", "a call has no subject")
        email = self.Conversation.search([("contact_name", "=", "Cliente email")])
        email.message_post(body="Obrigado, recebi", message_type="email",
                           subtype_xmlid="mail.mt_comment")
        received = self.as_agent.workspace_open(email.id)["messages"][-1]
        self.assertEqual((received["channel"], received["direction"], received["body"]),
                         ("email", "in", "Obrigado, recebi"))

    def test_header_shows_the_protocol_and_the_panel_the_attendances(self):
        opened = self.as_agent.workspace_open(self.conversation.id)
        protocol = self.conversation.attendance_protocol
        self.assertTrue(protocol)
        self.assertEqual(opened["conversation"]["protocol"], protocol)
        self.assertEqual([(a["protocol"], a["state"]) for a in opened["panel"]["attendances"]],
                         [(protocol, "open")])

    def test_last_30_then_older_pages(self):
        for index in range(40):
            self.receive(payloads.text(WA, f"msg {index}"))
        latest = self.bubbles()
        self.assertEqual(len(latest), 30)
        self.assertEqual(latest[-1]["body"], "msg 39")
        older = self.as_agent.workspace_thread(self.conversation.id, latest[0]["id"])
        self.assertEqual([b["body"] for b in older][-1], "msg 9")
        self.assertEqual(older[0]["body"], "Oi")

    def test_sync_brings_new_messages_and_ticks(self):
        self.as_agent.workspace_send(self.conversation.id, "Um momento")
        latest = self.bubbles()
        sent = latest[-1]
        self.send_queue()
        self.deliver_callbacks()
        self.receive(payloads.text(WA, "Ok"))
        sync = self.as_agent.workspace_sync(self.conversation.id, latest[-1]["id"],
                                            [sent["wa_id"]])
        self.assertEqual([b["body"] for b in sync["messages"]], ["Ok"])
        self.assertEqual(sync["updated"][0]["status"], "read")
        self.assertEqual(sync["conversation"]["state"], "open")

    def test_reply_quotes_and_reactions(self):
        inbound = self.conversation.wa_message_ids
        self.as_agent.workspace_send(self.conversation.id, "Respondendo", reply_to_id=inbound.id)
        self.as_agent.workspace_react(self.conversation.id, inbound.id, "👍")
        self.receive(payloads.inbound(WA, "reaction", {"message_id": inbound.wamid,
                                                       "emoji": "❤️"}))
        bubbles = self.bubbles()
        reply = next(b for b in bubbles if b["body"] == "Respondendo")
        self.assertEqual(reply["quote"], {"wamid": inbound.wamid, "direction": "in",
                                          "body": "Oi"})
        reactions = [(b["direction"], b["body"], b["reacts_to"]) for b in bubbles
                     if b.get("type") == "reaction"]
        self.assertEqual(reactions, [("out", "👍", inbound.wamid), ("in", "❤️", inbound.wamid)])
        self.send_queue()
        self.assertEqual(self.sent_bodies()[0]["context"]["message_id"], inbound.wamid)

    def test_media_location_and_contacts(self):
        self.receive(payloads.inbound(WA, "location", {
            "latitude": -23.5613, "longitude": -46.6565, "name": "MASP"}))
        self.receive(payloads.inbound(WA, "contacts", None, contacts=[
            {"name": {"formatted_name": "Rita"}, "phones": [{"phone": "+55 11 5555-0000"}]}]))
        self.receive(payloads.inbound(WA, "document", {
            "id": "MEDIA1", "mime_type": "application/pdf", "filename": "boleto.pdf"}))
        location, contacts, document = self.bubbles()[-3:]
        self.assertEqual(location["location"], {"lat": "-23.5613", "lng": "-46.6565"})
        self.assertEqual(contacts["body"], "Rita +55 11 5555-0000")
        self.assertEqual((document["type"], document["filename"], document["media_state"]),
                         ("document", "boleto.pdf", "to_download"))
        attachment = self.env["ir.attachment"].create({
            "name": "boleto.pdf", "raw": b"%PDF-1.4", "mimetype": "application/pdf",
            "res_model": self.conversation._name, "res_id": self.conversation.id})
        self.as_agent.workspace_send(self.conversation.id, "Segue", [attachment.id])
        sent = self.bubbles()[-1]
        self.assertEqual((sent["type"], sent["body"]), ("document", "Segue"))
        self.assertEqual(sent["attachments"][0]["name"], "boleto.pdf")

    def test_files_of_another_record_are_refused(self):
        attachment = self.env["ir.attachment"].create({
            "name": "x.pdf", "raw": b"%PDF", "res_model": "res.partner",
            "res_id": self.agent.partner_id.id})
        with self.assertRaises(UserError):
            self.as_agent.workspace_send(self.conversation.id, "", [attachment.id])

    def test_failure_inline_with_its_next_action(self):
        self.sim.fail(WA, 131026)
        self.as_agent.workspace_send(self.conversation.id, "Oi")
        self.send_queue()
        self.deliver_callbacks()
        failed = self.bubbles()[-1]
        self.assertEqual(failed["status"], "failed")
        self.assertEqual(failed["failure"]["type"], "undeliverable")
        header = self.as_agent.workspace_open(self.conversation.id)["conversation"]
        self.assertEqual((header["state"], header["error"]["message_id"]),
                         ("error", failed["id"]))

    def test_templates_in_the_customer_s_language_come_first(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["res.lang"]._activate_lang("es_AR")
        self.env.company.partner_id.lang = "en_US"
        Template = self.env["whatsapp.inbox.template"]
        for name, language in (("a_welcome", "es"), ("a_welcome", "en_US"),
                               ("z_hello", "pt_BR")):
            Template.create({"connection_id": self.connection.id, "name": name,
                             "language": language, "body": "Olá", "status": "APPROVED"})

        def offered(wa_id):
            conversation = self.make_conversation("new", wa_id=wa_id, phone=f"+{wa_id}")
            return [t["name"] for t in self.as_agent.workspace_templates(conversation.id)]

        def languages(names):
            return [name.rsplit("(", 1)[1].rstrip(")") for name in names]

        brazilian = offered("5511955550201")
        self.assertLess(brazilian.index("z_hello (pt_BR)"), brazilian.index("a_welcome (es)"))
        self.assertEqual(set(languages(brazilian)[:brazilian.index("z_hello (pt_BR)") + 1]),
                         {"pt_BR"}, "pt_BR first, by name")
        argentinian = offered("5491155550202")
        self.assertEqual(argentinian[0], "a_welcome (es)", "Spanish (another variant) first")
        spanish = [code.split("_")[0] == "es" for code in languages(argentinian)]
        self.assertEqual(spanish, sorted(spanish, reverse=True), "every Spanish one first")

    def test_templates_prefilled_then_sent_outside_the_window(self):
        conversation = self.make_conversation("new", contact_name="Rita")
        template = self.connection.template_ids.filtered(lambda t: t.name == "boas_vindas")
        template.variable_ids = [fields.Command.create({"number": 1,
                                                        "field_path": "contact_name"})]
        offered = self.as_agent.workspace_templates(conversation.id)
        self.assertNotIn("promo_natal (pt_BR)", [t["name"] for t in offered], "approved only")
        welcome = next(t for t in offered if t["id"] == template.id)
        self.assertEqual(welcome["values"], {"1": "Rita", "2": ""})
        self.assertEqual([b["text"] for b in welcome["buttons"]], ["Falar com atendente"])
        with self.assertRaises(UserError):
            self.as_agent.workspace_send(conversation.id, "free text")
        self.as_agent.workspace_send_template(conversation.id, template.id,
                                              {"1": "Rita", "2": "Loja"})
        self.assertEqual(conversation.wa_message_ids.body,
                         "Olá Rita! Aqui é da Loja. Como podemos ajudar?")

    def test_the_contact_s_name_falls_back_to_the_whatsapp_profile_name(self):
        template = self.connection.template_ids.filtered(lambda t: t.name == "boas_vindas")
        template.variable_ids = [fields.Command.create({
            "number": 1, "field_path": "partner_id.name", "default_value": "cliente"})]

        def prefilled(conversation):
            [offered] = [t for t in self.as_agent.workspace_templates(conversation.id)
                         if t["id"] == template.id]
            return offered["values"]["1"]

        conversation = self.make_conversation("new", contact_name="Rita Lead")
        self.assertEqual(prefilled(conversation), "Rita Lead", "no contact: the profile name")
        conversation.partner_id = self.env["res.partner"].create({"name": "Rita Souza"})
        self.assertEqual(prefilled(conversation), "Rita Souza", "the contact's name first")
        self.assertEqual(prefilled(self.make_conversation("new")), "cliente",
                         "neither: the default")

    def test_transfer_with_a_note_the_receiver_reads(self):
        colleague = new_test_user(self.env, login="wa_colleague", name="Colleague",
                                  groups="whatsapp_inbox.group_agent")
        self.as_agent.workspace_transfer(self.conversation.id, colleague.id, False, "VIP")
        self.assertEqual(self.conversation.user_id, colleague)
        mine = self.Conversation.with_user(colleague).workspace_list("mine")["rows"]
        self.assertEqual([r["id"] for r in mine], self.conversation.ids)
        self.assertIn("VIP", self.bubbles()[-1]["body"])

    def test_panel_without_then_with_a_contact(self):
        self.env.company.country_id = self.env.ref("base.br")
        panel = self.as_agent.workspace_open(self.conversation.id)["panel"]
        self.assertFalse(panel["partner"])
        self.assertEqual(panel["number"], "+5511987654321")
        partner = self.env["res.partner"].create({
            "name": "Maria Silva", "vat": "123.456.789-09", "email": "maria@example.com",
            "street": "Rua A, 10", "city": "São Paulo"})
        found = self.as_agent.workspace_search_partners("123.456")
        self.assertEqual([p["id"] for p in found], partner.ids, "found by CPF")
        self.assertEqual(self.as_agent.workspace_search_partners("maria@ex")[0]["id"],
                         partner.id)
        earlier = self.make_conversation("done", partner_id=partner.id,
                                         connection_id=self.connection_ar.id)
        self.as_agent.workspace_link_partner(self.conversation.id, partner.id)
        panel = self.as_agent.workspace_open(self.conversation.id)["panel"]
        self.assertEqual((panel["partner"]["name"], panel["partner"]["vat"]),
                         ("Maria Silva", "123.456.789-09"))
        self.assertIn("Rua A, 10", panel["partner"]["address"])
        self.assertEqual([e["id"] for e in panel["earlier"]], earlier.ids)
        self.assertEqual(partner.mobile, "+55 11 98765-4321",
                         "the number is kept on the contact, formatted as the link dialog does")
        self.assertEqual(self.as_agent.workspace_search_partners("11 98765-4321")[0]["id"],
                         partner.id, "found by phone, however it is spelled")

    def test_opening_then_mark_seen_sends_the_read_receipt(self):
        self.assertTrue(self.as_agent.workspace_open(self.conversation.id)["conversation"][
            "unread"])
        self.as_agent.browse(self.conversation.id).action_mark_seen()
        self.assertEqual(self.conversation.wa_message_ids.read_receipt, "to_send")
        self.assertFalse(self.as_agent.workspace_list("unread")["rows"])

    def test_window_countdown_data(self):
        header = self.as_agent.workspace_open(self.conversation.id)["conversation"]
        self.assertTrue(header["window_open"])
        self.assertEqual(header["window_expires_at"],
                         self.conversation.last_inbound_at + timedelta(hours=24))
