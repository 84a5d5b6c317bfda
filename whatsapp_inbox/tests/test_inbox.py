import json

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user

from .common import WhatsappInboxCase, payloads

WA = "5511987654321"


class TestInboxActions(WhatsappInboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_b = new_test_user(cls.env, login="wa_agent_b", name="Agent B",
                                    groups="whatsapp_inbox.group_agent")
        cls.support = cls.env["whatsapp.inbox.department"].create(
            {"name": "Support", "member_ids": [(6, 0, cls.agent_b.ids)]})

    def waiting(self, wa_id=WA, name="Maria"):
        self.receive(payloads.text(wa_id, "Preciso de ajuda"),
                     contacts=[payloads.contact(wa_id, name)])
        return self.conversation_of(wa_id)

    def test_card_preview_follows_last_message(self):
        conversation = self.waiting()
        self.assertEqual(conversation.last_message_preview, "Preciso de ajuda")
        self.receive(payloads.inbound(WA, "image", {"id": "M1", "mime_type": "image/png"}))
        self.assertEqual(conversation.last_message_preview, "📷 Image")

    def test_transfer_to_agent_notifies_and_keeps_state(self):
        conversation = self.waiting()
        conversation.with_user(self.agent)._transfer(self.agent_b, note="VIP, be nice")
        self.assertConversation(conversation, user_id=self.agent_b, state="waiting")
        note = conversation.message_ids[0]
        self.assertIn("Agent B", note.body)
        self.assertIn("VIP, be nice", note.body)
        self.assertIn(self.agent_b.partner_id, note.notification_ids.res_partner_id)
        mine = self.Conversation.with_user(self.agent_b).search([("user_id", "=", self.agent_b.id)])
        self.assertIn(conversation, mine)

    def test_transfer_to_department_unassigns_non_members(self):
        conversation = self.waiting()
        conversation.user_id = self.agent
        conversation._transfer(department=self.support)
        self.assertConversation(conversation, department_id=self.support, user_id=False)
        with self.assertRaises(UserError):
            conversation._transfer()

    def test_transfer_wizard(self):
        conversations = self.waiting() | self.waiting("5511900001111", "Jo")
        self.env["whatsapp.inbox.transfer"].create({
            "conversation_ids": [(6, 0, conversations.ids)], "user_id": self.agent_b.id,
        }).action_transfer()
        self.assertEqual(conversations.user_id, self.agent_b)

    def test_take_assigns_me_and_stops_the_bot(self):
        conversation = self.make_conversation("bot", last_inbound_at="2026-01-01 10:00:00")
        conversation.with_user(self.agent).action_take()
        self.assertConversation(conversation, user_id=self.agent, state="waiting")
        self.assertFalse(conversation.message_partner_ids, "agents never follow conversations")

    def test_taking_from_another_agent_tells_them(self):
        conversation = self.waiting()
        conversation.user_id = self.agent_b
        self.env["bus.bus"].search([]).unlink()
        supervisor = new_test_user(self.env, login="wa_sup_take", name="Sup Take",
                                   groups="whatsapp_inbox.group_supervisor")
        conversation.with_user(supervisor).action_take()
        self.assertConversation(conversation, user_id=supervisor, state="waiting")
        note = conversation.message_ids[0]
        self.assertIn("Taken from Agent B by Sup Take.", note.body)
        self.assertIn(self.agent_b.partner_id, note.notification_ids.res_partner_id,
                      "in Agent B's Odoo inbox")
        self.assertEqual(self.toasted_partners(), {self.agent_b.partner_id.id})
        self.assertFalse(conversation.message_partner_ids, "agents never follow conversations")

    def test_taking_an_unassigned_conversation_tells_nobody(self):
        conversation = self.waiting()
        self.env["bus.bus"].search([]).unlink()
        conversation.with_user(self.agent).action_take()
        self.assertIn("Taken by", conversation.message_ids[0].body)
        self.assertFalse(conversation.message_ids[0].notification_ids)
        self.assertEqual(self.toasted_partners(), set())

    def test_finalize_several_from_the_list(self):
        conversations = self.waiting() | self.waiting("5511900002222")
        conversations.action_finalize()
        self.assertEqual(set(conversations.mapped("state")), {"done"})

    def test_register_new_contact_from_profile(self):
        conversation = self.waiting(name="Ana Costa")
        action = conversation.action_register_contact()
        self.assertFalse(conversation.partner_id, "nothing is created before confirming")
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create(
            {"email": "ana@example.com"})
        self.assertEqual((wizard.name, wizard.mobile), ("Ana Costa", "+5511987654321"))
        wizard.action_register()
        partner = conversation.partner_id
        self.assertEqual((partner.name, partner.mobile, partner.email),
                         ("Ana Costa", "+5511987654321", "ana@example.com"))
        self.assertEqual(conversation.name, "Ana Costa")

    def test_register_refuses_a_malformed_email(self):
        """email_normalize alone finds "@example" in "juan@@example"."""
        conversation = self.waiting(name="Juan")
        Wizard = self.env["whatsapp.inbox.register.contact"]
        for bad in ("juan@@example", "juan example.com", "a b@example.com",
                    "a@b.com, c@d.com"):
            with self.assertRaisesRegex(ValidationError, "not a valid email"), \
                    self.cr.savepoint():
                Wizard.create({"conversation_id": conversation.id, "email": bad})
        self.assertFalse(conversation.partner_id)

    def test_register_prefills_country_and_its_language(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        wizard = self.env["whatsapp.inbox.register.contact"].create(
            {"conversation_id": self.waiting(name="Ana").id})
        self.assertEqual((wizard.country_id, wizard.lang), (self.env.ref("base.br"), "pt_BR"))
        wizard.mobile = "+34 612 345 678"
        self.assertEqual((wizard.country_id, wizard.lang), (self.env.ref("base.es"), False),
                         "no Spanish installed: no language proposed")
        self.env["res.lang"]._activate_lang("es_419")
        wizard.mobile = "+54 9 11 2345-6789"
        self.assertEqual((wizard.country_id, wizard.lang), (self.env.ref("base.ar"), "es_419"),
                         "an Argentine reads Latin-American Spanish, as the survey picks it")
        wizard.action_register()
        self.assertEqual(wizard.conversation_id.partner_id.country_id.code, "AR")

    def test_link_existing_contact_and_store_number(self):
        conversation = self.waiting()
        partner = self.env["res.partner"].create({"name": "Maria Silva", "email": "m@x.com"})
        self.env["whatsapp.inbox.link.contact"].create({
            "conversation_id": conversation.id, "partner_id": partner.id, "store_number": True,
        }).action_link()
        self.assertConversation(conversation, partner_id=partner, name="Maria Silva",
                                partner_email="m@x.com")
        self.assertEqual(partner.mobile, "+55 11 98765-4321", "formatted as Odoo formats")
        self.receive(payloads.text(WA, "again"), connection=self.connection_ar)
        self.assertEqual(self.conversation_of(WA, self.connection_ar).partner_id, partner)

    def test_link_keeps_the_contact_number(self):
        """Linking used to write the number into the contact's Mobile next to its own
        phone."""
        conversation = self.waiting(name="Pedro")
        company = self.env["res.partner"].create({
            "name": "Deco Addict", "is_company": True, "phone": "(603)-996-3829"})
        wizard = self.env["whatsapp.inbox.link.contact"].create({
            "conversation_id": conversation.id, "partner_id": company.id})
        self.assertEqual(wizard.partner_number, "(603)-996-3829")
        wizard.action_link()
        self.assertEqual((conversation.name, conversation.partner_id),
                         ("Deco Addict", company))
        self.assertEqual((company.mobile, company.phone), (False, "(603)-996-3829"))
        self.assertTrue(conversation.message_ids.filtered(
            lambda m: "+5511987654321 was not saved on Deco Addict" in m.body))

    def test_unlink_a_wrong_contact(self):
        conversation = self.waiting(name="Pedro")
        partner = self.env["res.partner"].create({"name": "Wrong One"})
        conversation._link_partner(partner)
        conversation.action_unlink_partner()
        self.assertFalse(conversation.partner_id)
        self.assertEqual(conversation.name, "Pedro")
        self.assertIn("Unlinked from contact Wrong One.", conversation.message_ids[0].body)
        self.assertTrue(partner.exists())

    def test_link_without_storing_number(self):
        conversation = self.waiting()
        partner = self.env["res.partner"].create({"name": "Other"})
        conversation._link_partner(partner, store_number=False)
        self.assertFalse(partner.mobile)

    def test_unread_cleared_when_seen(self):
        conversation = self.waiting()
        conversation.user_id = self.agent
        self.assertTrue(conversation.unread)
        conversation.with_user(self.agent).action_mark_seen()
        self.assertFalse(conversation.unread)
        self.receive(payloads.text(WA, "more"))
        self.assertTrue(conversation.unread)

    def test_all_tab_has_a_column_per_tab_in_order(self):
        self.waiting()
        groups = self.Conversation.read_group([], ["state"], ["state"])
        self.assertEqual([g["state"] for g in groups],
                         ["new", "waiting", "open", "bot", "done", "error"])

    def test_window_filter(self):
        open_one = self.waiting()
        closed = self.make_conversation("new")
        found = self.Conversation.search([("window_open", "=", True)])
        self.assertIn(open_one, found)
        self.assertNotIn(closed, found)
        self.assertIn(closed, self.Conversation.search([("window_open", "=", False)]))

    def test_customer_is_never_suggested_as_email_recipient(self):
        conversation = self.waiting()
        conversation._link_partner(self.env["res.partner"].create(
            {"name": "Rita", "email": "rita@example.com"}))
        self.assertEqual(conversation._message_get_suggested_recipients(), [])

    def toasted_partners(self):
        self.env.cr.precommit.run()  # the bus writes its notifications at commit
        toasts = self.env["bus.bus"].search([("message", "like", "whatsapp_inbox/toast")])
        return {json.loads(t.channel)[-1] for t in toasts}

    def test_inbound_notifies_the_agent_or_else_the_department(self):
        conversation = self.waiting()
        conversation.write({"user_id": self.agent.id, "department_id": self.support.id})
        self.env["bus.bus"].search([]).unlink()
        self.receive(payloads.text(WA, "Alô?"))
        self.assertEqual(self.toasted_partners(), {self.agent.partner_id.id})
        conversation.user_id = False
        self.env["bus.bus"].search([]).unlink()
        self.receive(payloads.text(WA, "Alguém?"))
        self.assertEqual(self.toasted_partners(), {self.agent_b.partner_id.id})

    def test_toast_names_its_conversation(self):
        """The workspace leaves out the toasts of the conversation it shows: each says which."""
        conversation = self.waiting()
        conversation.user_id = self.agent
        self.env["bus.bus"].search([]).unlink()
        self.receive(payloads.text(WA, "Alô?"))
        self.env.cr.precommit.run()  # the bus writes its notifications at commit
        [toast] = self.env["bus.bus"].search([("message", "like", "whatsapp_inbox/toast")])
        payload = json.loads(toast.message)["payload"]
        self.assertEqual((payload["conversation_id"], payload["message"], payload["new_message"]),
                         (conversation.id, "Maria: Alô?", True))
        self.env["bus.bus"].search([]).unlink()
        conversation.with_user(self.agent_b).action_take()
        self.env.cr.precommit.run()
        [toast] = self.env["bus.bus"].search([("message", "like", "whatsapp_inbox/toast")])
        payload = json.loads(toast.message)["payload"]
        self.assertEqual((payload["conversation_id"], payload["new_message"]),
                         (conversation.id, False), "shown even with the conversation open")

    def test_seeing_a_conversation_refreshes_the_other_agents_views(self):
        conversation = self.waiting()
        self.env.cr.precommit.run()
        self.env["bus.bus"].search([]).unlink()
        conversation.with_user(self.agent).action_mark_seen()
        self.env.cr.precommit.run()  # the bus writes its notifications at commit
        refreshes = [json.loads(n.message) for n in self.env["bus.bus"].search([])
                     if "whatsapp_inbox/refresh" in n.message]
        self.assertEqual([r["payload"]["ids"] for r in refreshes], [conversation.ids])

    def test_inbound_refreshes_views_through_the_bus(self):
        self.env["bus.bus"].search([]).unlink()
        self.waiting()
        self.env.cr.precommit.run()  # the bus writes its notifications at commit
        notifications = self.env["bus.bus"].search([]).mapped("message")
        self.assertTrue(any("whatsapp_inbox/refresh" in n for n in notifications))


class TestReplyChannels(WhatsappInboxCase):
    """Agents answer from the chatter (or any screen): the customer gets WhatsApp, never
    email, and each message lives once, in the conversation's thread."""

    def setUp(self):
        super().setUp()
        self.receive(payloads.text(WA, "Oi"), contacts=[payloads.contact(WA, "Maria")])
        self.conversation = self.conversation_of(WA)
        self.conversation._link_partner(self.env["res.partner"].create(
            {"name": "Maria", "email": "maria@example.com"}))
        self.conversation.with_user(self.agent).action_take()

    def test_chatter_send_message_goes_to_whatsapp(self):
        line = self.conversation.with_user(self.agent).message_post(
            body="Olá Maria!", message_type="comment", subtype_xmlid="mail.mt_comment")
        sent = self.conversation.wa_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual((sent.body, sent.status, sent.mail_message_id),
                         ("Olá Maria!", "queued", line))
        self.assertEqual(self.conversation.state, "open")
        self.assertFalse(self.env["mail.mail"].search([
            ("recipient_ids", "in", self.conversation.partner_id.ids)]))

    def test_log_note_stays_internal(self):
        self.conversation.with_user(self.agent).message_post(
            body="internal", message_type="comment", subtype_xmlid="mail.mt_note")
        self.assertFalse(self.conversation.wa_message_ids.filtered(lambda m: m.direction == "out"))

    def test_each_message_is_stored_once_in_the_conversation_thread(self):
        self.receive(payloads.text(WA, "Ainda está aí?"))
        self.conversation.with_user(self.agent).message_post(
            body="Sim, estou aqui!", message_type="comment", subtype_xmlid="mail.mt_comment")
        self.conversation.with_user(self.agent)._send_text("Posso ajudar?")
        messages = self.conversation.wa_message_ids
        self.assertEqual(messages.mapped("body"),
                         ["Oi", "Ainda está aí?", "Sim, estou aqui!", "Posso ajudar?"])
        lines = self.env["mail.message"].search([("body", "ilike", "aqui!")])
        self.assertEqual(lines, messages[2].mail_message_id, "one chatter line, nowhere else")
        self.assertEqual(lines.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertFalse(self.env["discuss.channel"].search([("name", "ilike", "Maria")]))
        self.assertFalse(self.conversation.message_partner_ids, "no follower was added")

    def test_first_reply_assigns_the_conversation_to_its_author(self):
        conversation = self.conversation
        conversation.user_id = False
        conversation.with_user(self.agent)._send_text("Olá")
        self.assertEqual(conversation.user_id, self.agent)
        other = new_test_user(self.env, login="wa_other_agent", groups="whatsapp_inbox.group_agent")
        conversation.with_user(other)._send_text("Eu também")
        self.assertEqual(conversation.user_id, self.agent, "only when it has no agent")
