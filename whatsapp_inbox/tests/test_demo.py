from odoo.tests import TransactionCase
from odoo.tools import convert_file

from ..tools import phone
from .simulator import CHATTER


class TestDemoData(TransactionCase):
    """The demo (``make demo``) is what people first try: its users must be able to
    do what its data shows them doing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        convert_file(cls.env, "whatsapp_inbox", "demo/whatsapp_inbox_demo.xml", {},
                     mode="init", kind="demo")

    def test_demo_users_hold_the_roles_their_data_implies(self):
        agent = self.env.ref("whatsapp_inbox.user_agent_demo")
        supervisor = self.env.ref("whatsapp_inbox.user_supervisor_demo")
        self.assertEqual((agent.login, supervisor.login), ("agent", "supervisor"))
        self.assertTrue(agent.has_group("whatsapp_inbox.group_agent"))
        self.assertFalse(agent.has_group("whatsapp_inbox.group_supervisor"))
        self.assertTrue(supervisor.has_group("whatsapp_inbox.group_supervisor"))
        conversations = self.env["whatsapp.inbox.conversation"].search([])
        departments = self.env["whatsapp.inbox.department"].search([])
        people = conversations.user_id | conversations.closed_by_id | departments.member_ids
        self.assertIn(agent, people)
        for user in people:
            self.assertTrue(user.has_group("whatsapp_inbox.group_agent"),
                            f"{user.name} works in the inbox but is not an Agent")

    def test_every_channel_and_tab_has_a_conversation(self):
        conversations = self.env["whatsapp.inbox.conversation"].search([])
        self.assertEqual(set(conversations.mapped("channel")), {"whatsapp", "sms", "email"})
        self.assertEqual(set(conversations.mapped("state")),
                         {"new", "waiting", "open", "bot", "done", "error"})

    def test_conversations_being_attended_have_their_protocol(self):
        attended = self.env["whatsapp.inbox.conversation"].search(
            [("state", "not in", ("new", "done"))])
        self.assertTrue(attended)
        self.assertEqual(attended.filtered(lambda c: not c.attendance_protocol),
                         attended.browse())
        self.assertEqual(set(attended.current_attendance_id.mapped("state")), {"open"})

    def test_agents_find_quick_replies_in_portuguese_and_spanish(self):
        """"/" in the Inbox composer offers the demo's quick replies to every agent."""
        agent = self.env.ref("whatsapp_inbox.user_agent_demo")
        replies = self.env["mail.canned.response"].with_user(agent).search([])
        self.assertGreaterEqual(set(replies.mapped("source")), {"ola", "prazo", "resolvido",
                                                                 "hola"})
        self.assertIn("{protocol}", replies.filtered(lambda r: r.source == "ola").substitution)
        self.assertTrue(replies.filtered(lambda r: r.source == "resolvido")
                        .substitution.endswith("[Sim, obrigado]\n[Ainda não]"),
                        "ends with lines the composer turns into reply buttons")

    def test_local_numbers_are_brazilian(self):
        """The demo shop is Brazilian: (11) 9xxxx-xxxx typed by its agents is valid."""
        self.assertEqual(self.env.ref("base.main_company").country_id,
                         self.env.ref("base.br"))

    def test_demo_template_with_image_header_and_buttons(self):
        template = self.env.ref("whatsapp_inbox.whatsapp_inbox_template_oferta_imagem_demo")
        self.assertEqual(template.header_attachment_id.mimetype, "image/png")
        self.assertEqual([key for key, _label in template._variables()],
                         [1, "button_0", "button_1"])
        conversation = self.env["whatsapp.inbox.conversation"].search(
            [("connection_id", "=", template.connection_id.id)], limit=1)
        self.assertEqual(template._default_values(conversation)["button_1"], "NATAL10")

    def test_simulated_customers_are_not_the_demo_s(self):
        """The simulator's random customers would rename a demo conversation of their
        number (any spelling: Brazil's ninth digit) with their profile name."""
        conversations = self.env["whatsapp.inbox.conversation"].search([])
        partners = self.env["res.partner"].search([])
        demo_keys = {phone.match_key(number) for number in
                     conversations.mapped("wa_id") + conversations.mapped("phone")
                     + partners.mapped("mobile") + partners.mapped("phone") if number}
        for wa_id, name, _messages in CHATTER:
            self.assertNotIn(phone.match_key(wa_id), demo_keys, f"{name} is a demo number")

    def test_conversations_with_a_last_message_show_it(self):
        """A line of the queue with a preview opens on a thread that has that message."""
        Conversation = self.env["whatsapp.inbox.conversation"]
        for conversation in Conversation.search([("last_message_preview", "!=", False)]):
            bubbles = Conversation.workspace_open(conversation.id)["messages"]
            self.assertTrue([b for b in bubbles if b["kind"] in ("whatsapp", "channel")],
                            f"{conversation.name}: a blank thread")
