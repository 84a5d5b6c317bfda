from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import WhatsappInboxSimulatorCase, payloads

WA = "5511987654321"
WA_OLD_SPELLING = "551187654321"  # the same Brazilian mobile without its ninth digit


class TestConsentLedger(WhatsappInboxSimulatorCase):
    """The ledger is the only way ``opted_out`` changes; each entry says who and why."""

    def opted_out_customer(self, wa_id=WA):
        conversation = self.open_window(wa_id)
        self.receive(payloads.text(conversation.wa_id, "PARAR"))
        self.assertTrue(conversation.opted_out)
        return conversation

    def hello_world(self):
        return self.connection.template_ids.filtered(lambda t: t.name == "hello_world")

    def test_keyword_entry_names_the_customer_message(self):
        conversation = self.opted_out_customer()
        entry = conversation.consent_ids
        stop = conversation.wa_message_ids.filtered(lambda m: m.body == "PARAR")
        self.assertEqual((entry.status, entry.source, entry.message_id, entry.user_id.id),
                         ("opt_out", "keyword", stop, False))
        self.assertIn("PARAR", conversation.message_ids[0].body)

    def test_nobody_clears_an_opt_out_but_the_ledger(self):
        conversation = self.opted_out_customer()
        for user in (self.agent, self.supervisor):
            with self.subTest(user=user.login):
                as_user = conversation.with_user(user)
                with self.assertRaises(AccessError):
                    as_user.write({"opted_out": False})
                with self.assertRaises(AccessError):
                    as_user.consent_ids.write({"status": "opt_in"})
                with self.assertRaises(AccessError):
                    as_user.consent_ids.unlink()
                with self.assertRaises(AccessError):
                    self.env["whatsapp.inbox.consent"].with_user(user).create({
                        "conversation_id": conversation.id, "status": "opt_in",
                        "source": "agent", "connection_id": self.connection.id})
        self.assertTrue(conversation.opted_out)
        try:
            created = self.Conversation.with_user(self.agent).create({
                "connection_id": self.connection.id, "wa_id": "5511900000001",
                "opted_out": True})
        except AccessError:
            created = self.Conversation
        self.assertFalse(created.opted_out, "only the ledger opts out, even at creation")
        self.assertFalse(created.consent_ids)

    def test_agent_opt_in_says_how_and_who(self):
        conversation = self.opted_out_customer()
        action = conversation.with_user(self.agent).action_record_opt_in()
        Wizard = self.env[action["res_model"]].with_user(self.agent).with_context(
            **action["context"])
        with self.assertRaises(AssertionError, msg="the note is required"), Form(Wizard):
            pass
        with self.assertRaises(UserError):
            self.env["whatsapp.inbox.consent"].with_user(self.agent)._record(
                conversation, "opt_in", "agent", note="  ")
        with Form(Wizard) as wizard:
            wizard.note = "Asked by phone on 3 March"
        wizard.record.action_record()
        entry = conversation.consent_ids[0]
        self.assertEqual((entry.status, entry.source, entry.user_id, entry.note),
                         ("opt_in", "agent", self.agent, "Asked by phone on 3 March"))
        self.assertFalse(conversation.opted_out)
        self.assertIn("Asked by phone on 3 March", conversation.message_ids[0].body)

    def test_opt_out_outlives_the_conversation(self):
        conversation = self.opted_out_customer()
        conversation.with_user(self.supervisor).unlink()
        entry = self.env["whatsapp.inbox.consent"].search([("wa_id", "=", WA)])
        self.assertEqual(entry.status, "opt_out", "the proof stays")
        self.receive(payloads.text(WA_OLD_SPELLING, "Oi de novo"))
        again = self.conversation_of(WA_OLD_SPELLING)
        self.assertTrue(again.opted_out)
        self.assertEqual(again.consent_ids.source, "earlier")
        with self.assertRaises(UserError):
            again._send_template(self.hello_world(), {})

    def test_other_spelling_of_an_opted_out_number_gets_no_template(self):
        conversation = self.open_window(WA)
        twin = self.make_conversation("new", wa_id=WA_OLD_SPELLING)  # started by hand
        self.receive(payloads.text(WA, "PARAR"))
        self.assertEqual((conversation.opted_out, twin.opted_out), (True, False))
        with self.assertRaisesRegex(UserError, "record their opt-in"):
            twin._send_template(self.hello_world(), {})
        self.env["whatsapp.inbox.consent"]._record(conversation, "opt_in", "api",
                                                   note="Web form, 3 March")
        twin._send_template(self.hello_world(), {})

    def test_composer_and_api_refuse_templates(self):
        conversation = self.opted_out_customer()
        composer = self.env["whatsapp.inbox.composer"].with_user(self.agent).create({
            "conversation_id": conversation.id, "mode": "template",
            "template_id": self.hello_world().id})
        with self.assertRaises(UserError):
            composer.action_send()
        with self.assertRaises(UserError):
            conversation.with_user(self.agent).api_send_template(self.hello_world().id, {})
        self.assertFalse(conversation.wa_message_ids.filtered(
            lambda m: m.message_type == "template"))

    def test_start_attendance_refuses_an_opted_out_customer(self):
        self.env.company.country_id = self.env.ref("base.br")
        self.opted_out_customer()
        wizard = self.env["whatsapp.inbox.start"].with_user(self.agent).create({
            "channel": "whatsapp", "phone": "+55 11 98765-4321",
            "connection_id": self.connection.id, "template_id": self.hello_world().id})
        with self.assertRaisesRegex(UserError, "record their opt-in"):
            wizard.action_start()

    def test_queued_template_is_not_sent_after_an_opt_out(self):
        conversation = self.open_window(WA)
        message = conversation._send_template(self.hello_world(), {})
        self.receive(payloads.text(WA, "PARAR"))
        self.send_queue()
        self.assertEqual((message.status, message.failure_type), ("failed", "opted_out"))
        conversation.action_resend_failed()
        self.send_queue()
        self.assertEqual(message.status, "failed")
        self.assertFalse(self.sent_bodies())

    def test_api_records_consent_with_a_reason(self):
        conversation = self.open_window(WA)
        with self.assertRaises(UserError):
            conversation.with_user(self.agent).api_record_consent("opt_out", "")
        conversation.with_user(self.agent).api_record_consent("opt_out", "Call centre")
        entry = conversation.consent_ids
        self.assertEqual((entry.source, entry.user_id, entry.note),
                         ("api", self.agent, "Call centre"))
        self.assertTrue(conversation.opted_out)


@tagged("post_install", "-at_install")  # base.automation hooks models once the registry is ready
class TestConsentAutomations(WhatsappInboxSimulatorCase):
    def test_automation_skips_opted_out_customers_and_says_why(self):
        template = self.connection.template_ids.filtered(lambda t: t.name == "hello_world")
        action = self.env["ir.actions.server"].create({
            "name": "Welcome", "state": "whatsapp_inbox_template",
            "model_id": self.env["ir.model"]._get_id("whatsapp.inbox.conversation"),
            "whatsapp_inbox_template_id": template.id,
        })
        conversation = self.open_window(WA)
        self.receive(payloads.text(WA, "PARAR"))
        action.with_context(active_model=conversation._name,
                            active_ids=conversation.ids).run()
        self.assertFalse(conversation.wa_message_ids.filtered(
            lambda m: m.message_type == "template"))
        self.assertIn("not sent", conversation.message_ids[0].body)
