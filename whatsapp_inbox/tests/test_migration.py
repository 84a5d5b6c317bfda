from odoo.modules.migration import load_script
from odoo.modules.module import get_module_path

from .common import WhatsappInboxCase, payloads

WA = "5511987654321"


def run_migration(env, name):
    path = f"{get_module_path('whatsapp_inbox')}/migrations/18.0.1.1.0/{name}.py"
    env.flush_all()
    load_script(path, name).migrate(env.cr, "18.0.1.0.0")
    env.invalidate_all()


class TestUpgradeTo110(WhatsappInboxCase):
    """Data that 18.0.1.0.0 could leave wrong is fixed on upgrade."""

    def test_conversations_get_their_connection_s_company(self):
        company_b = self.env["res.company"].create({"name": "Filial B"})
        self.connection_ar.company_id = company_b
        self.receive(payloads.text(WA, "Hola"), connection=self.connection_ar)
        conversation = self.conversation_of(WA, self.connection_ar)
        self.env.cr.execute("UPDATE whatsapp_inbox_conversation SET company_id = %s WHERE id = %s",
                            [self.env.company.id, conversation.id])
        self.env.cr.execute("UPDATE whatsapp_inbox_message SET company_id = %s "
                            "WHERE conversation_id = %s", [self.env.company.id, conversation.id])
        self.env.invalidate_all()
        self.assertEqual(conversation.company_id, self.env.company)
        run_migration(self.env, "post-company-from-connection")
        self.assertEqual(conversation.company_id, company_b)
        self.assertEqual(conversation.wa_message_ids.company_id, company_b)

    def test_opt_outs_come_back_from_the_ledger(self):
        self.receive(payloads.text(WA, "PARAR"))
        cleared = self.conversation_of(WA)
        self.receive(payloads.text("5511911112222", "Oi"))
        unrecorded = self.conversation_of("5511911112222")
        # what 18.0.1.0.0 allowed: an agent clearing the flag, a flag without an entry
        self.env.cr.execute("UPDATE whatsapp_inbox_conversation SET opted_out = (id = %s) "
                            "WHERE id IN %s", [unrecorded.id, (cleared | unrecorded)._ids])
        self.env.cr.execute("UPDATE whatsapp_inbox_consent SET customer_hash = NULL, "
                            "user_id = %s", [self.env.ref("base.public_user").id])
        self.env.invalidate_all()
        self.assertEqual((cleared.opted_out, unrecorded.opted_out), (False, True))
        run_migration(self.env, "post-consent-ledger")
        self.assertEqual((cleared.opted_out, unrecorded.opted_out), (True, True))
        self.assertEqual(unrecorded.consent_ids.source, "legacy")
        keyword = cleared.consent_ids
        self.assertEqual(keyword.customer_hash, keyword._customer_hash(WA))
        self.assertFalse(keyword.user_id)

    def test_discuss_mirror_channels_are_deleted(self):
        self.receive(payloads.text(WA, "Oi, segredo"))
        conversation = self.conversation_of(WA)
        # what 18.0.1.0.0 left: a channel per conversation holding copies of its messages
        self.env.cr.execute("ALTER TABLE discuss_channel ADD COLUMN "
                            "whatsapp_inbox_conversation_id integer")
        mirror = self.env["discuss.channel"].create({"name": "WhatsApp · Maria",
                                                     "channel_type": "group"})
        copy = mirror.message_post(body="Oi, segredo", message_type="comment")
        colleagues = self.env["discuss.channel"].create({"name": "Team", "channel_type": "group"})
        self.env.cr.execute("UPDATE discuss_channel SET whatsapp_inbox_conversation_id = %s "
                            "WHERE id = %s", [conversation.id, mirror.id])
        run_migration(self.env, "post-drop-discuss-mirror")
        self.assertFalse(mirror.exists())
        self.assertFalse(copy.exists(), "the copies of the customer's messages go too")
        self.assertTrue(colleagues.exists())
        self.assertTrue(conversation.message_ids.filtered(lambda m: "segredo" in m.body),
                        "the conversation's own thread keeps them")
