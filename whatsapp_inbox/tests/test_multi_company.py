import json

from odoo.exceptions import UserError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from .common import WhatsappInboxCase, payloads

URL = "/whatsapp_inbox/webhook"
CONVERSATION = "whatsapp.inbox.conversation"


@tagged("post_install", "-at_install")
class TestMultiCompany(HttpCase):
    """Two companies, each with its number and its agent, fed through the real webhook:
    each agent reads its own company's customers and nothing of the other's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company  # the public user's company: the webhook's env
        cls.company_b = cls.env["res.company"].create({"name": "Filial B"})
        Connection = cls.env["whatsapp.inbox.connection"]
        cls.connection_a = Connection.create({
            "name": "Number A", "phone_number_id": "PNID-A", "app_secret": "secret-a",
            "company_id": cls.company_a.id})
        cls.connection_b = Connection.create({
            "name": "Number B", "phone_number_id": "PNID-B", "app_secret": "secret-b",
            "company_id": cls.company_b.id})
        cls.agent_a = new_test_user(
            cls.env, login="mc_agent_a", groups="whatsapp_inbox.group_agent",
            company_id=cls.company_a.id, company_ids=[(6, 0, cls.company_a.ids)])
        cls.agent_b = new_test_user(
            cls.env, login="mc_agent_b", groups="whatsapp_inbox.group_agent",
            company_id=cls.company_b.id, company_ids=[(6, 0, cls.company_b.ids)])

    def deliver(self, pnid, secret, wa_id, text):
        body = payloads.encode(payloads.delivery(payloads.change(
            pnid, messages=[payloads.text(wa_id, text)],
            contacts=[payloads.contact(wa_id, f"Customer of {pnid}")])))
        response = self.url_open(URL, data=body, headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": payloads.sign(body, secret)})
        self.assertEqual(response.status_code, 200)
        # what Odoo's cron worker does when the webhook triggers it
        self.env["whatsapp.inbox.event"].sudo()._process_pending()

    def call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs})

    @mute_logger("odoo.http")  # the refused reads of the other company's records
    def test_each_company_reads_only_its_own_customers(self):
        self.deliver("PNID-A", "secret-a", "5511911110000", "Olá A")
        self.deliver("PNID-B", "secret-b", "5511922220000", "Olá B")
        Conversation = self.env[CONVERSATION]
        conversation_a = Conversation.search([("connection_id", "=", self.connection_a.id)])
        conversation_b = Conversation.search([("connection_id", "=", self.connection_b.id)])
        self.assertEqual(conversation_a.company_id, self.company_a)
        self.assertEqual(conversation_b.company_id, self.company_b,
                         "the connection's company, not the webhook user's")
        self.assertEqual(conversation_b.wa_message_ids.company_id, self.company_b)

        for login, own, other in (("mc_agent_a", conversation_a, conversation_b),
                                  ("mc_agent_b", conversation_b, conversation_a)):
            with self.subTest(agent=login):
                self.authenticate(login, login)
                conversations = self.call(CONVERSATION, "search_read", [], ["name"])
                self.assertEqual([c["id"] for c in conversations], own.ids)
                messages = self.call("whatsapp.inbox.message", "search_read", [], ["body"])
                self.assertEqual([m["body"] for m in messages], own.wa_message_ids.mapped("body"))
                chatter = self.call("mail.message", "search_read",
                                    [("model", "=", CONVERSATION)], ["res_id", "body"])
                self.assertTrue(chatter)
                self.assertEqual({line["res_id"] for line in chatter}, set(own.ids))
                thread = self.make_jsonrpc_request("/mail/thread/messages", {
                    "thread_model": CONVERSATION, "thread_id": other.id})
                self.assertFalse(thread["messages"], "the other company's chatter")
                with self.assertRaises(JsonRpcException):
                    self.call(CONVERSATION, "read", other.ids, ["name"])
                with self.assertRaises(JsonRpcException):
                    self.call("whatsapp.inbox.message", "read", other.wa_message_ids.ids,
                              ["body"])


class TestCompanyOfRecords(WhatsappInboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Filial B"})
        cls.connection_b = cls.env["whatsapp.inbox.connection"].create({
            "name": "Number B", "phone_number_id": "PNID-B", "app_secret": "secret-b",
            "company_id": cls.company_b.id})
        cls.agent_b = new_test_user(
            cls.env, login="mc_agent_b", groups="whatsapp_inbox.group_agent",
            company_id=cls.company_b.id, company_ids=[(6, 0, cls.company_b.ids)])

    def test_attendance_without_connection_takes_the_user_company(self):
        self.env.company.country_id = self.env.ref("base.br")
        action = self.env["whatsapp.inbox.start"].with_user(self.agent_b).create({
            "channel": "voip", "phone": "+5511933334444", "body": "Ligação"}).action_start()
        conversation = self.Conversation.browse(action["res_id"])
        self.assertEqual(conversation.company_id, self.company_b)

    def test_company_is_always_the_connection_s(self):
        self.receive(payloads.text("5511911110000", "Oi"), connection=self.connection_b)
        conversation = self.conversation_of("5511911110000", self.connection_b)
        self.assertEqual(conversation.company_id, self.company_b)
        with self.assertRaises(UserError):
            conversation.company_id = self.env.company
        self.connection_b.company_id = self.env.company
        self.assertEqual(conversation.company_id, self.env.company)
        self.assertEqual(conversation.wa_message_ids.company_id, self.env.company)

    def test_assignment_and_toasts_stay_in_the_company(self):
        shared = self.env["whatsapp.inbox.department"].create({
            "name": "Shared", "company_id": False, "auto_assign": True,
            "member_ids": [(6, 0, (self.agent | self.agent_b).ids)]})
        self.receive(payloads.text("5511911110000", "Oi"), connection=self.connection_b)
        conversation = self.conversation_of("5511911110000", self.connection_b)
        self.env["bus.bus"].search([]).unlink()
        conversation.department_id = shared
        conversation._notify_agents("Oi")
        self.env.cr.precommit.run()  # the bus writes its notifications at commit
        toasted = {json.loads(n.channel)[-1] for n in self.env["bus.bus"].search(
            [("message", "like", "whatsapp_inbox/toast")])}
        self.assertEqual(toasted, {self.agent_b.partner_id.id})
        conversation._auto_assign()
        self.assertEqual(conversation.user_id, self.agent_b)
        with self.assertRaises(UserError):
            conversation.user_id = self.agent  # not an agent of company B
