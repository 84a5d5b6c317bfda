import json
import os
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user

from ..tools.webhook import strip_customers
from .common import WhatsappInboxSimulatorCase, payloads

MARIA = "5511987654321"
MARIA_SPELLINGS = (MARIA, "551187654321")
JOAO = "5511955554444"
# what only Maria ever sent or was called: none of it may be found anywhere afterwards
MARIA_TRACES = (*MARIA_SPELLINGS, "Maria Privada", "segredo da Maria", "foto-da-maria.png",
                "BR.ENT.7000000000MARIA")
# written to the database by every commit and wiped after a minute: no customer store
EPHEMERAL_TABLES = {"bus_bus"}


class TestErasure(WhatsappInboxSimulatorCase):
    """An administrator erases one customer: nothing of them stays readable, other
    customers sharing their deliveries are untouched."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(cls.env, login="wa_admin", name="Admin Ana",
                                  groups="base.group_system,whatsapp_inbox.group_supervisor")
        cls.Event = cls.env["whatsapp.inbox.event"]

    def deliver_changes(self, *changes, state="done"):
        """Journal and process a delivery as the webhook does; return its event."""
        event = self.Event._journal(payloads.encode(payloads.delivery(*changes)).decode(),
                                    (self.connection | self.connection_ar).ids)
        event._process()
        event.write({"state": state})
        return event

    def maria_everywhere(self):
        """Maria writes on both numbers, with Joao in the same delivery; she sends a
        photo and a stop keyword, an agent answers, notes and plans a call."""
        png = b"\x89PNG\r\n\x1a\n" + MARIA.encode() * 8
        media_id = self.sim.add_media(png, "image/png", "foto-da-maria.png")
        shared = self.deliver_changes(payloads.change(
            "PNID-BR", contacts=[payloads.contact(MARIA, "Maria Privada"),
                                 payloads.contact(JOAO, "Joao Publico")],
            messages=[payloads.text(MARIA, "Oi, o segredo da Maria"),
                      payloads.text(JOAO, "Oi, sou o Joao"),
                      payloads.inbound(MARIA, "image", {
                          "id": media_id, "mime_type": "image/png",
                          "filename": "foto-da-maria.png"})]))
        only_maria = self.deliver_changes(payloads.change(
            "PNID-AR", contacts=[payloads.contact(MARIA, "Maria Privada")],
            messages=[payloads.text(MARIA, "Hola, segredo da Maria")]), state="failed")
        conversation = self.conversation_of(MARIA)
        conversation.parent_bsuid = "BR.ENT.7000000000MARIA"  # her id across our portfolios
        conversation.wa_message_ids._download_media()
        self.sim.fail(MARIA, 131009)
        conversation._send_text("Olá Maria Privada, recebemos sua foto")
        self.send_queue()
        self.assertEqual(conversation.state, "error", "pointing at its failed message")
        self.receive(payloads.text(MARIA, "PARAR"))
        conversation.with_context(tracking_disable=False).user_id = self.agent
        self.env.cr.precommit.run()  # tracking values are written at commit
        conversation.message_post(body="Maria Privada prefers calls",
                                  subtype_xmlid="mail.mt_note")
        conversation.activity_schedule("mail.mail_activity_data_call", summary="Call Maria Privada")
        return conversation, shared, only_maria

    def erase(self, mode="erase", **vals):
        wizard = self.env["whatsapp.inbox.erase"].with_user(self.admin).create(
            {"mode": mode, "reason": "Email of 3 March, ticket #1234", **vals})
        action = wizard.action_erase()
        return self.env[action["res_model"]].browse(action["res_id"])

    def tables_mentioning(self, *texts):
        """``{table.column}`` of every text column holding one of ``texts``."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = 'public'
               AND data_type IN ('character varying', 'text', 'jsonb')""")
        found = set()
        patterns = [f"%{text}%" for text in texts]
        for table, column in self.env.cr.fetchall():
            if table in EPHEMERAL_TABLES:
                continue
            self.env.cr.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE ANY(%s) LIMIT 1',
                [patterns])
            if self.env.cr.rowcount:
                found.add(f"{table}.{column}")
        return found

    def test_erase_leaves_nothing_of_the_customer(self):
        conversation, shared, only_maria = self.maria_everywhere()
        attachment = conversation.wa_message_ids.attachment_ids
        stored_file = attachment._full_path(attachment.store_fname)
        joao = self.conversation_of(JOAO)
        self.assertTrue(self.tables_mentioning(*MARIA_TRACES), "the scan finds her before")

        log = self.erase(customer="+55 (11) 98765-4321")

        self.assertFalse(self.tables_mentioning(*MARIA_TRACES))
        self.assertFalse(self.Conversation.search([("wa_id", "in", MARIA_SPELLINGS)]))
        self.assertEqual(
            (log.conversation_count, log.message_count, log.attachment_count,
             log.activity_count, log.event_rewritten_count, log.event_deleted_count,
             log.consent_count, log.origin, log.user_id),
            # deleted: the delivery only to the other number, and the one of her PARAR
            (2, 5, 1, 1, 1, 2, 1, "request", self.admin))
        self.assertGreaterEqual(log.chatter_count, 5)
        self.assertGreaterEqual(log.tracking_count, 1)
        self.assertEqual(log.name, "+55*********21")
        self.assertFalse(only_maria.exists())
        self.env["ir.attachment"]._gc_file_store_unsafe()
        self.assertFalse(os.path.exists(stored_file), "the file left the filestore")

        # Joao is untouched, his delivery still processable
        self.assertEqual(joao.wa_message_ids.mapped("body"), ["Oi, sou o Joao"])
        value = json.loads(shared.body)["entry"][0]["changes"][0]["value"]
        self.assertEqual([m["from"] for m in value["messages"]], [JOAO])
        self.assertEqual([c["wa_id"] for c in value["contacts"]], [JOAO])
        shared._process()
        self.assertEqual(len(joao.wa_message_ids), 1)

    def test_opt_out_proof_outlives_the_erasure(self):
        self.maria_everywhere()
        self.erase(customer=MARIA)
        proof = self.env["whatsapp.inbox.consent"].search([("anonymized_at", "!=", False)])
        self.assertEqual((proof.status, proof.wa_id, proof.note, proof.conversation_id.id),
                         ("opt_out", False, False, False))
        self.assertEqual(proof.customer_hash, proof._customer_hash(MARIA))
        self.receive(payloads.text(MARIA, "Oi de novo"))
        self.assertTrue(self.conversation_of(MARIA).opted_out,
                        "her opt-out still stands if she comes back")

    def test_opt_out_of_a_deleted_conversation_is_anonymised_too(self):
        self.receive(payloads.text(MARIA, "PARAR"))
        self.conversation_of(MARIA).with_user(self.supervisor).unlink()
        log = self.erase(customer="+55 11 8765-4321")  # her number without the ninth digit
        proof = self.env["whatsapp.inbox.consent"].search([])
        self.assertEqual((log.conversation_count, log.consent_count), (0, 1))
        self.assertEqual((proof.wa_id, proof.note, bool(proof.anonymized_at)),
                         (False, False, True))

    def test_erase_on_one_number_keeps_the_other(self):
        _conversation, shared, only_maria = self.maria_everywhere()
        log = self.erase(customer=MARIA, connection_id=self.connection.id)
        self.assertEqual(log.conversation_count, 1)
        self.assertFalse(self.conversation_of(MARIA))
        self.assertTrue(self.conversation_of(MARIA, self.connection_ar))
        self.assertNotIn(MARIA, shared.body)
        self.assertIn(MARIA, only_maria.body, "a delivery to the other number is kept")

    def test_anonymise_keeps_statistics_without_identity(self):
        conversation, _shared, _only = self.maria_everywhere()
        state, messages = conversation.state, len(conversation.wa_message_ids)
        log = self.erase(mode="anonymize", customer=MARIA)
        self.assertEqual(log.mode, "anonymize")
        self.assertFalse(self.tables_mentioning(*MARIA_TRACES))
        self.assertTrue(conversation.exists())
        self.assertEqual((conversation.state, conversation.user_id, conversation.name),
                         (state, self.agent, "Anonymised customer"))
        self.assertEqual(len(conversation.wa_message_ids), messages)
        self.assertFalse(any(conversation.wa_message_ids.mapped("body")))
        self.assertEqual(len(conversation.message_ids), 1, "only the note that says so")

    def test_erase_a_contact_from_its_form(self):
        self.env.company.country_id = self.env.ref("base.br")
        partner = self.env["res.partner"].create({"name": "Maria Privada",
                                                  "mobile": "(11) 98765-4321"})
        self.receive(payloads.text(MARIA, "Oi"))
        sms = self.env["whatsapp.inbox.start"].create({
            "channel": "sms", "partner_id": partner.id, "body": "Seu pedido chegou"})
        sms_conversation = self.Conversation.browse(sms.action_start()["res_id"])
        action = self.env["whatsapp.inbox.erase"].with_user(self.admin)._action_open_for_partner(
            partner)
        with Form(self.env["whatsapp.inbox.erase"].with_user(self.admin).with_context(
                **action["context"])) as wizard:
            self.assertEqual(len(wizard.conversation_ids), 2)
            wizard.reason = "Asked at the shop"
        log = self.env["whatsapp.inbox.erasure"].browse(wizard.record.action_erase()["res_id"])
        self.assertEqual((log.conversation_count, log.sms_count, log.name), (2, 1, "M**** P******"))
        self.assertFalse(sms_conversation.exists())
        self.assertFalse(self.env["sms.sms"].search([("number", "like", "%87654321")]))
        self.assertTrue(partner.exists(), "the contact is left to Odoo's own tools")

    def test_only_administrators_erase(self):
        self.receive(payloads.text(MARIA, "Oi"))
        for user in (self.agent, self.supervisor):
            with self.assertRaises(AccessError):
                self.env["whatsapp.inbox.erase"].with_user(user).create(
                    {"customer": MARIA, "reason": "x"})
        self.assertEqual(self.env.ref("whatsapp_inbox.whatsapp_inbox_erase_action_partner")
                         .groups_id, self.env.ref("base.group_system"))
        form = self.Conversation.with_user(self.agent).get_views([(False, "form")])
        self.assertNotIn("whatsapp_inbox_erase_action", str(form),
                         "agents do not see the erase button")
        self.assertTrue(self.conversation_of(MARIA))


class TestRetention(WhatsappInboxSimulatorCase):
    def finalized(self, wa_id, closed_days_ago):
        self.receive(payloads.text(wa_id, "Obrigado, tchau"))
        conversation = self.conversation_of(wa_id)
        with freeze_time(datetime.now() - timedelta(days=closed_days_ago)):
            conversation.action_finalize()
        return conversation

    def test_finalized_conversations_go_after_the_retention_period(self):
        old = self.finalized(MARIA, 31)
        recent = self.finalized(JOAO, 29)
        self.receive(payloads.text("5511933332222", "Ainda aberta"))
        waiting = self.conversation_of("5511933332222")
        Erasure = self.env["whatsapp.inbox.erasure"]
        params = self.env["ir.config_parameter"]

        params.set_param("whatsapp_inbox.retention_days", 0)
        Erasure._cron_retention()
        self.assertFalse(Erasure.search([]), "0 keeps everything")

        params.set_param("whatsapp_inbox.retention_days", 30)
        Erasure._cron_retention()
        self.assertTrue(old.anonymized_at, "anonymised by default")
        self.assertFalse(recent.anonymized_at or waiting.anonymized_at)
        log = Erasure.search([])
        self.assertEqual((log.origin, log.mode, log.conversation_count),
                         ("retention", "anonymize", 1))
        Erasure._cron_retention()
        self.assertEqual(len(Erasure.search([])), 1, "anonymised once")

        params.set_param("whatsapp_inbox.retention_mode", "erase")
        with freeze_time(datetime.now() + timedelta(days=2)):
            Erasure._cron_retention()
        self.assertFalse(recent.exists())
        self.assertTrue(waiting.exists())


class TestStripCustomers(TransactionCase):
    """The journal rewriting, on Meta's shapes and hostile ones."""

    def test_other_customers_numbers_and_fields_are_untouched(self):
        payload = payloads.delivery(
            payloads.change("PN1", contacts=[payloads.contact(MARIA, "M"),
                                             payloads.contact(JOAO, "J")],
                            messages=[payloads.text(MARIA), payloads.text(JOAO)],
                            statuses=[payloads.status("wamid.1", "read", MARIA)]),
            payloads.change("PN2", messages=[payloads.text(MARIA)]),
            payloads.change("PN1", field="message_template_status_update"))
        stripped, removed = strip_customers(json.loads(json.dumps(payload)), {"PN1": {MARIA}})
        self.assertEqual(removed, 3)
        first, second, third = (entry["changes"][0]["value"] for entry in stripped["entry"])
        self.assertEqual((first["contacts"][0]["wa_id"], first["messages"][0]["from"],
                          first["statuses"]), (JOAO, JOAO, []))
        self.assertEqual(second["messages"][0]["from"], MARIA, "another number")
        self.assertIn("metadata", third)

    def test_emptied_delivery_is_dropped(self):
        payload = payloads.delivery(payloads.change("PN1", messages=[payloads.text(MARIA)]))
        self.assertEqual(strip_customers(payload, {None: {MARIA}}), (None, 1))

    def test_hostile_shapes_are_kept_as_they_are(self):
        for payload in ({"entry": 3}, {"entry": [{"changes": [{"value": {
                "metadata": {"phone_number_id": ["PN1"]},
                "messages": [{"from": [MARIA]}, 7, None]}}]}]}, [], None):
            stripped, removed = strip_customers(payload, {None: {MARIA}})
            self.assertEqual((stripped, removed), (payload, 0))
