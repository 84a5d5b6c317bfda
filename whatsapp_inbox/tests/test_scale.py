from unittest.mock import patch

from lxml import etree

from odoo.tools import SQL

from ..models import whatsapp_inbox_conversation_search
from .common import WhatsappInboxCase, payloads


class TestScale(WhatsappInboxCase):
    """What keeps the inbox fast at 100,000 conversations (see bench/scale.py)."""

    def test_phone_typed_in_any_format_finds_the_customer(self):
        maria = self.make_conversation(wa_id="5511987654321", contact_name="Maria")
        self.make_conversation(wa_id="5521912345678", contact_name="Joana")
        for typed in ("98765-4321", "+55 (11) 98765-4321", "11 98765 4321", "Mar"):
            self.assertEqual(self.Conversation.search([("customer_search", "ilike", typed)]),
                             maria, typed)
        self.assertNotIn(maria, self.Conversation.search(
            [("customer_search", "not ilike", "98765-4321")]))

    def test_old_whatsapp_id_is_found_by_the_number_with_its_ninth_digit(self):
        # WhatsApp accounts older than Brazil's ninth digit chat without it
        old = self.make_conversation(wa_id="551187654321")
        self.assertEqual(old.phone, "+5511987654321")
        for typed in ("+55 11 98765-4321", "1187654321"):
            self.assertEqual(self.Conversation.search([("customer_search", "ilike", typed)]),
                             old, typed)

    def test_workspace_search_matches_a_formatted_number(self):
        maria = self.make_conversation(wa_id="5511987654321", contact_name="Maria")
        rows = self.Conversation.workspace_list("all", search="(11) 98765-4321")["rows"]
        self.assertEqual([row["id"] for row in rows], maria.ids)

    def test_message_text_search_reads_the_newest_matches(self):
        """A common word finds the conversations of its newest matching messages, up to
        the limit; a rare text (an order number) is found however old it is."""
        self.receive(payloads.text("5511900000001", "Meu pedido 4242 não chegou"))
        order = self.conversation_of("5511900000001")
        refunds = []
        for n in range(3):
            wa_id = f"55119000000{n + 2:02d}"
            self.receive(payloads.text(wa_id, "Quero o reembolso"))
            refunds.append(self.conversation_of(wa_id))
        search = self.Conversation.with_user(self.agent).search
        with patch.object(whatsapp_inbox_conversation_search, "MESSAGE_SEARCH_LIMIT", 2):
            self.assertEqual(search([("message_search", "ilike", "REEMBOLSO")]).ids,
                             sorted((refunds[1] | refunds[2]).ids, reverse=True))
            self.assertEqual(search([("message_search", "ilike", "4242")]), order)
            # other operators keep their exact meaning
            self.assertEqual(search([("message_search", "not ilike", "reembolso"),
                                     ("id", "in", (order | refunds[0]).ids)]), order)
        self.assertEqual(len(search([("message_search", "ilike", "reembolso")])), 3)

    def test_finalized_comes_folded_when_grouped_by_state(self):
        """Grouped by state (All and Mine's Status group-by), the Finalized column is
        folded: the history is not read on every load."""
        self.make_conversation("done")
        groups = self.Conversation.with_user(self.agent).web_read_group(
            [], [], ["state"])["groups"]
        folded = {group["state"]: group.get("__fold", False) for group in groups}
        self.assertEqual(folded, {"new": False, "waiting": False, "open": False,
                                  "bot": False, "done": True, "error": False})

    def test_form_lists_the_newest_messages_first(self):
        """The form's Messages list asks for its first page in the list's default order,
        as the web client does: a long conversation shows its latest messages."""
        wa_id = "5511911112222"
        self.receive(*[payloads.text(wa_id, f"message {n}", timestamp=1_700_000_000 + n)
                       for n in range(45)])
        conversation = self.conversation_of(wa_id)
        arch = etree.fromstring(  # pylint: disable=c-extension-no-member
            self.Conversation.get_views([(False, "form")])["views"]["form"]["arch"])
        messages_list = arch.xpath("//field[@name='wa_message_ids']/list")[0]
        page = conversation.web_read({"wa_message_ids": {
            "fields": {"body": {}}, "limit": 40,
            "order": messages_list.get("default_order")}})[0]["wa_message_ids"]
        # the first 40 come with their fields, the others as ids (the next pages)
        self.assertEqual(page[0]["body"], "message 44")
        self.assertEqual(page[39]["body"], "message 5")

    def test_search_indexes_exist(self):
        self.env.cr.execute("""
            SELECT indexname, indexdef FROM pg_indexes
             WHERE tablename IN ('whatsapp_inbox_conversation', 'whatsapp_inbox_message')""")
        indexes = dict(self.env.cr.fetchall())
        for column in ("name", "contact_name", "username", "phone_digits",
                       "last_message_preview"):
            index = indexes.get(f"whatsapp_inbox_conversation__{column}_index", "")
            self.assertIn("gin_trgm_ops", index, column)
        self.assertIn("gin_trgm_ops", indexes.get("whatsapp_inbox_message__body_index", ""))
        self.assertIn("(state, company_id)",
                      indexes.get("whatsapp_inbox_conversation_state_company_id_index", ""))

    def test_agent_handling_many_conversations_joins_nothing(self):
        """Taking, answering, noting, finalizing: none of it makes the agent a member or
        follower of anything per conversation, so their Discuss stays as on day one."""
        partner = self.agent.partner_id
        Member = self.env["discuss.channel.member"]
        members_before = Member.search_count([("partner_id", "=", partner.id)])
        customers = [f"55119{n:08d}" for n in range(20)]
        self.receive(*[payloads.text(wa_id, "Oi") for wa_id in customers])
        conversations = self.Conversation.search([("wa_id", "in", customers)]).with_user(self.agent)
        self.assertEqual(len(conversations), 20)
        for conversation in conversations:
            conversation.action_take()
            conversation.message_post(body="Bom dia!", message_type="comment",
                                      subtype_xmlid="mail.mt_comment")
            conversation.message_post(body="VIP", subtype_xmlid="mail.mt_note")
            conversation.action_finalize()
        self.assertEqual(set(conversations.mapped("state")), {"done"})
        self.assertEqual(len(conversations.wa_message_ids.filtered(
            lambda m: m.direction == "out")), 20)
        self.assertFalse(self.env["mail.followers"].search_count([
            ("partner_id", "=", partner.id), ("res_model", "=", self.Conversation._name)]))
        self.assertEqual(Member.search_count([("partner_id", "=", partner.id)]), members_before)
        self.assertEqual(len(self.env["discuss.channel"].with_user(self.agent)
                             ._get_channels_as_member()), members_before)

    def test_kanban_first_cards_come_from_an_index(self):
        """A tab's first cards, in the kanban's order, are read from an index: sorting all
        80,000 Finalized conversations took 60-250 ms per load (bench/scale.py)."""
        arch = etree.fromstring(  # pylint: disable=c-extension-no-member
            self.Conversation.get_views([(False, "kanban")])["views"]["kanban"]["arch"])
        order = arch.get("default_order")
        self.env.cr.execute("SET LOCAL enable_sort = off")
        try:
            for domain in ([("state", "=", "done")], [("unread", "=", True)], [],
                           [("user_id", "=", self.agent.id), ("state", "!=", "done")]):
                query = self.Conversation.with_user(self.agent)._search(
                    domain, order=order, limit=80)
                self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
                plan = "\n".join(line for (line,) in self.env.cr.fetchall())
                self.assertNotIn("Sort", plan, domain)
        finally:
            self.env.cr.execute("RESET enable_sort")
