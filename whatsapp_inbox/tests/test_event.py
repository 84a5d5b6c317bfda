import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from .common import WhatsappInboxCase, payloads

WA = "5511987654321"


class TestEvent(WhatsappInboxCase):
    def journal(self, payload, connections=None):
        body = payload if isinstance(payload, bytes) else payloads.encode(payload)
        return self.env["whatsapp.inbox.event"]._journal(body, connections or self.connection)

    def test_process_applies_messages_and_statuses(self):
        conversation = self.make_conversation("open", wa_id=WA)
        out = self.make_outbound(conversation, "wamid.OUT")
        event = self.journal(payloads.delivery(payloads.change(
            "PNID-BR",
            messages=[payloads.text(WA, "thanks")],
            contacts=[payloads.contact(WA, "Maria")],
            statuses=[payloads.status("wamid.OUT", "read", WA)],
        )))
        event.action_replay()
        self.assertEqual(event.state, "done")
        self.assertEqual(out.status, "read")
        self.assertEqual(conversation.wa_message_ids[-1].body, "thanks")

    def test_batch_over_two_connections(self):
        event = self.journal(payloads.delivery(
            payloads.change("PNID-BR", messages=[payloads.text(WA, "oi")]),
            payloads.change("PNID-AR", messages=[payloads.text(WA, "hola")]),
        ), self.connection | self.connection_ar)
        event.action_replay()
        self.assertEqual(self.conversation_of(WA).wa_message_ids.body, "oi")
        self.assertEqual(self.conversation_of(WA, self.connection_ar).wa_message_ids.body, "hola")

    @mute_logger("odoo.addons.whatsapp_inbox.models.whatsapp_inbox_event")
    def test_changes_of_unverified_connection_are_skipped(self):
        event = self.journal(payloads.delivery(
            payloads.change("PNID-BR", messages=[payloads.text(WA, "oi")]),
            payloads.change("PNID-AR", messages=[payloads.text(WA, "forged")]),
        ), self.connection)
        event.action_replay()
        self.assertTrue(self.conversation_of(WA))
        self.assertFalse(self.conversation_of(WA, self.connection_ar))

    @mute_logger("odoo.addons.whatsapp_inbox.models.whatsapp_inbox_event")
    def test_other_fields_and_malformed_changes_are_ignored(self):
        payload = payloads.delivery(
            payloads.change("PNID-BR", field="message_template_status_update"),
            payloads.change("PNID-BR", messages=[payloads.text(WA)]),
        )
        payload["entry"].append({"id": "WABA-BR", "changes": [{"field": "messages", "value": 3}]})
        payload["entry"].append("garbage")
        event = self.journal(payload)
        event.action_replay()
        self.assertEqual(event.state, "done")
        self.assertTrue(self.conversation_of(WA))

    def test_replay_is_idempotent(self):
        event = self.journal(payloads.delivery(payloads.change(
            "PNID-BR", messages=[payloads.text(WA, "once")])))
        event.action_replay()
        event.action_replay()
        self.assertEqual(len(self.conversation_of(WA).wa_message_ids), 1)
        self.assertEqual(event.attempts, 2)

    def test_replay_is_for_administrators(self):
        event = self.journal(payloads.delivery())
        with self.assertRaises(UserError):
            event.with_user(self.supervisor).action_replay()

    def test_invalid_json_fails_replay(self):
        event = self.journal(b"{not json")
        with self.assertRaises(json.JSONDecodeError):
            event.action_replay()

    def test_vacuum_deletes_old_done_events_only(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            old_done = self.journal(payloads.delivery())
            old_done.action_replay()
            old_failed = self.journal(payloads.delivery())
        recent = self.journal(payloads.delivery())
        recent.action_replay()
        self.env["whatsapp.inbox.event"]._cron_vacuum()
        self.assertFalse(old_done.exists())
        self.assertTrue(old_failed.exists())
        self.assertTrue(recent.exists())
