from .common import WhatsappInboxCase, payloads


class TestPartnerMatch(WhatsappInboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.br = cls.env.ref("base.br")

    def test_partner_with_ninth_digit_matches_wa_id_without_it(self):
        partner = self.env["res.partner"].create({
            "name": "Maria", "mobile": "+55 11 98765-4321", "country_id": self.br.id,
        })
        self.receive(payloads.text("551187654321"))
        self.assertConversation(self.conversation_of("551187654321"), partner_id=partner)

    def test_partner_without_ninth_digit_matches_wa_id_with_it(self):
        partner = self.env["res.partner"].create({
            "name": "João", "phone": "(11) 8765-4321", "country_id": self.br.id,
        })
        self.receive(payloads.text("5511987654321"))
        self.assertConversation(self.conversation_of("5511987654321"), partner_id=partner)

    def test_phone_field_matches_too(self):
        partner = self.env["res.partner"].create({
            "name": "Carlos", "phone": "+54 9 11 5555-1234", "mobile": "+54 9 11 4444-0000",
        })
        self.receive(payloads.text("5491155551234"))
        self.assertConversation(self.conversation_of("5491155551234"), partner_id=partner)

    def test_no_match_keeps_profile_name(self):
        self.receive(payloads.text("5521998877665"),
                     contacts=[payloads.contact("5521998877665", "Ana Costa")])
        conversation = self.conversation_of("5521998877665")
        self.assertConversation(conversation, partner_id=False, contact_name="Ana Costa",
                                name="Ana Costa", phone="+5521998877665")

    def test_partner_of_another_company_is_not_matched(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env["res.partner"].create({
            "name": "Elsewhere", "mobile": "+5511987650000", "company_id": other.id,
        })
        self.receive(payloads.text("5511987650000"))
        self.assertConversation(self.conversation_of("5511987650000"), partner_id=False)

    def test_keys_follow_partner_edits(self):
        partner = self.env["res.partner"].create({"name": "Lia", "country_id": self.br.id})
        self.assertFalse(partner.whatsapp_inbox_mobile_key)
        partner.mobile = "11 97777-6666"
        self.assertEqual(partner.whatsapp_inbox_mobile_key, "551177776666")

    def test_lookup_columns_are_indexed(self):
        self.env.cr.execute("""
            SELECT indexdef FROM pg_indexes
             WHERE tablename = 'res_partner' AND indexdef LIKE '%%whatsapp_inbox_%%_key%%'
        """)
        self.assertEqual(len(self.env.cr.fetchall()), 2)

    def test_both_spellings_in_one_delivery_make_one_conversation_and_one_contact(self):
        partner = self.env["res.partner"].create({
            "name": "Bia", "mobile": "+55 11 98888-7777", "country_id": self.br.id})
        self.receive(payloads.text("551188887777", "oi"), payloads.text("5511988887777", "sou eu"),
                     contacts=[payloads.contact("551188887777", "Bia"),
                               payloads.contact("5511988887777", "Bia")])
        conversations = self.Conversation.search([("wa_id", "in", ["551188887777",
                                                                   "5511988887777"])])
        self.assertEqual(len(conversations), 1)
        self.assertEqual(conversations.partner_id, partner)
        self.assertEqual(len(conversations.wa_message_ids), 2)

    def test_contact_registered_later_is_linked_at_the_next_message(self):
        self.receive(payloads.text("5511977776666", "oi"))
        conversation = self.conversation_of("5511977776666")
        self.assertFalse(conversation.partner_id)
        partner = self.env["res.partner"].create({
            "name": "Rui", "phone": "(11) 97777-6666", "country_id": self.br.id})
        self.receive(payloads.text("5511977776666", "voltei"))
        self.assertConversation(conversation, partner_id=partner, name="Rui")
