import json
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from ..models import whatsapp_inbox_event
from ..tools.locks import processing_lock
from .common import WhatsappInboxCase, payloads

WA = "5511987654321"
EVENT_LOGGER = "odoo.addons.whatsapp_inbox.models.whatsapp_inbox_event_batch"


class TestEvent(WhatsappInboxCase):
    def journal(self, payload, connections=None):
        body = payload if isinstance(payload, bytes) else payloads.encode(payload)
        return self.env["whatsapp.inbox.event"]._journal(
            body.decode(), (connections or self.connection).ids)

    def test_journal_triggers_the_processing_cron(self):
        cron = self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_event_process")
        event = self.journal(payloads.delivery(payloads.change(
            "PNID-BR", messages=[payloads.text(WA, "oi")])))
        self.assertEqual(event.state, "pending")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))

    def test_no_trigger_while_a_run_holds_the_processing_lock(self):
        cron = self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_event_process")
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        with self.registry.cursor() as run, processing_lock(run):
            event = self.journal(payloads.delivery(payloads.change(
                "PNID-BR", messages=[payloads.text(WA, "oi")])))
        self.assertEqual(event.state, "pending")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), triggers,
                         "the run applies it, or sees it once it released the lock")
        self.journal(payloads.delivery(payloads.change(
            "PNID-BR", messages=[payloads.text(WA, "oi again")])))
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1,
                         "no run: the delivery triggers the cron")

    def test_process_applies_messages_and_statuses(self):
        conversation = self.make_conversation("open", wa_id=WA)
        out = self.make_outbound(conversation, "wamid.OUT")
        event = self.deliver(payloads.delivery(payloads.change(
            "PNID-BR",
            messages=[payloads.text(WA, "thanks")],
            contacts=[payloads.contact(WA, "Maria")],
            statuses=[payloads.status("wamid.OUT", "read", WA)],
        )))
        self.assertEqual(event.state, "done")
        self.assertEqual(out.status, "read")
        self.assertEqual(conversation.wa_message_ids[-1].body, "thanks")

    def test_batch_over_two_connections(self):
        self.deliver(payloads.delivery(
            payloads.change("PNID-BR", messages=[payloads.text(WA, "oi")]),
            payloads.change("PNID-AR", messages=[payloads.text(WA, "hola")]),
        ), self.connection | self.connection_ar)
        self.assertEqual(self.conversation_of(WA).wa_message_ids.body, "oi")
        self.assertEqual(self.conversation_of(WA, self.connection_ar).wa_message_ids.body, "hola")

    @mute_logger(EVENT_LOGGER)
    def test_changes_of_unverified_connection_are_skipped(self):
        self.deliver(payloads.delivery(
            payloads.change("PNID-BR", messages=[payloads.text(WA, "oi")]),
            payloads.change("PNID-AR", messages=[payloads.text(WA, "forged")]),
        ), self.connection)
        self.assertTrue(self.conversation_of(WA))
        self.assertFalse(self.conversation_of(WA, self.connection_ar))

    def test_unhandled_fields_are_done(self):
        event = self.deliver(payloads.delivery(
            payloads.change("PNID-BR", field="account_update"),
            payloads.change("PNID-BR", messages=[payloads.text(WA)]),
        ))
        self.assertEqual((event.state, event.error), ("done", False))
        self.assertTrue(self.conversation_of(WA))

    def test_malformed_changes_fail_the_event_and_the_rest_is_stored(self):
        payload = payloads.delivery(payloads.change("PNID-BR", messages=[payloads.text(WA)]))
        payload["entry"].append({"id": "WABA-BR", "changes": [{"field": "messages", "value": 3}]})
        payload["entry"].append("garbage")
        event = self.deliver(payload)
        self.assertEqual(event.state, "failed")
        self.assertIn("2 item(s) could not be stored", event.error)
        self.assertIn("entry[1].changes[0]: value: expected an object, got a number", event.error)
        self.assertIn("entry[2]: expected an object, got text", event.error)
        self.assertTrue(self.conversation_of(WA))

    def test_replay_is_idempotent(self):
        event = self.deliver(payloads.delivery(payloads.change(
            "PNID-BR", messages=[payloads.text(WA, "once")])))
        event.action_replay()
        event.action_replay()
        self.assertEqual(len(self.conversation_of(WA).wa_message_ids), 1)
        self.assertEqual((event.state, event.attempts), ("done", 3))

    def test_replay_is_for_administrators(self):
        event = self.journal(payloads.delivery())
        with self.assertRaises(UserError):
            event.with_user(self.supervisor).action_replay()

    def test_invalid_json_fails_with_a_readable_error(self):
        event = self.deliver(b"{not json")
        self.assertEqual(event.state, "failed")
        self.assertIn("The body is not a webhook delivery: not JSON", event.error)

    def test_vacuum_deletes_old_done_events_only(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            old_done = self.deliver(payloads.delivery())
            old_failed = self.deliver(b"[]")
        recent = self.deliver(payloads.delivery())
        self.env["whatsapp.inbox.event"]._cron_vacuum()
        self.assertFalse(old_done.exists())
        self.assertTrue(old_failed.exists())
        self.assertTrue(recent.exists())

    def test_retry_cron_queues_failed_events_again(self):
        event = self.deliver(b"[]")
        self.assertEqual((event.state, event.attempts), ("failed", 1))
        with freeze_time(fields.Datetime.now() + timedelta(minutes=2)):
            self.env["whatsapp.inbox.event"]._cron_retry()
        self.assertEqual(event.state, "pending")


class TestBatches(WhatsappInboxCase):
    """The processing drains pending deliveries in batches: one transaction, one set of
    queries and one bus notification per batch."""

    def journal(self, *messages, connection=None):
        connection = connection or self.connection
        body = payloads.encode(payloads.delivery(payloads.change(
            connection.phone_number_id, messages=messages)))
        return self.env["whatsapp.inbox.event"]._journal(body.decode(), connection.ids)

    def refreshes(self):
        self.env.cr.precommit.run()  # the bus writes its notifications at commit
        return [json.loads(n.message) for n in self.env["bus.bus"].search([], order="id")
                if json.loads(n.message)["type"] == "whatsapp_inbox/refresh"]

    def test_one_refresh_per_batch_whatever_the_deliveries(self):
        second_company = self.env["res.company"].create({"name": "Second"})
        self.connection_ar.company_id = second_company
        events = self.env["whatsapp.inbox.event"]
        for index in range(5):
            events |= self.journal(payloads.text(f"551190000{index:04d}", "a"),
                                   payloads.text("5511911112222", f"b{index}"))
        events |= self.journal(payloads.text(WA, "hola"), connection=self.connection_ar)
        conversation = self.make_conversation("open", wa_id="5511933334444")
        out = self.make_outbound(conversation, "wamid.TICK")
        events |= self.env["whatsapp.inbox.event"]._journal(payloads.encode(payloads.delivery(
            payloads.change("PNID-BR", statuses=[payloads.status("wamid.TICK", "read", WA)])
        )).decode(), self.connection.ids)
        self.env.cr.precommit.run()
        self.env["bus.bus"].search([]).unlink()
        self.env["whatsapp.inbox.event"]._process_pending()
        self.assertEqual(set(events.mapped("state")), {"done"})
        refreshes = self.refreshes()
        self.assertEqual(len(refreshes), 2, "one per company")
        by_company = {tuple(json.loads(n.channel)[1:]): json.loads(n.message)["payload"]
                      for n in self.env["bus.bus"].search([])
                      if "whatsapp_inbox/refresh" in n.message}
        first = by_company[("res.company", self.env.company.id, "whatsapp_inbox")]
        br_messages = self.Message.search([("conversation_id.connection_id", "=",
                                            self.connection.id), ("direction", "=", "in")])
        self.assertEqual(set(first["message_ids"]), set((br_messages | out).ids))
        self.assertEqual(set(first["ids"]), set((br_messages.conversation_id | conversation).ids))
        second = by_company[("res.company", second_company.id, "whatsapp_inbox")]
        self.assertEqual(second["ids"], self.conversation_of(WA, self.connection_ar).ids)

    def test_drains_every_pending_delivery_in_batches(self):
        events = self.env["whatsapp.inbox.event"]
        for index in range(7):
            events |= self.journal(payloads.text(f"551190001{index:04d}", "oi"))
        with patch.object(whatsapp_inbox_event, "BATCH_SIZE", 3), \
                patch.object(type(events), "_process_batch", autospec=True,
                             side_effect=type(events)._process_batch) as batches:
            done = events._process_pending()
        self.assertEqual(done, 7)
        self.assertEqual([len(call.args[0]) for call in batches.call_args_list], [3, 3, 1])
        self.assertEqual(set(events.mapped("state")), {"done"})

    def test_a_batch_holds_about_batch_bytes_of_bodies_and_at_least_one(self):
        events = self.env["whatsapp.inbox.event"]
        for index in range(5):
            events |= self.journal(payloads.text(f"551190002{index:04d}", "oi"))
        size = max(len(body.encode()) for body in events.mapped("body"))
        calls = []
        for limit in (size * 2, size // 2):
            events.write({"state": "pending"})
            with patch.object(whatsapp_inbox_event, "BATCH_BYTES", limit), \
                    patch.object(type(events), "_process_batch", autospec=True,
                                 side_effect=type(events)._process_batch) as batches:
                self.assertEqual(events._process_pending(), 5)
            calls.append([len(call.args[0]) for call in batches.call_args_list])
        self.assertEqual(calls, [[2, 2, 1], [1, 1, 1, 1, 1]])
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(len(self.Message.search([("body", "=", "oi")])), 5)

    def test_same_final_state_in_any_order_and_when_redelivered(self):
        first = payloads.text(WA, "first", timestamp=1767268800)
        second = payloads.text(WA, "second", timestamp=1767268860)
        for order, wa_id in (((second, first), WA), ((first, second, second, first),
                                                      "5511922223333")):
            for message in order:
                copy = dict(message, id=f"{message['id']}.{wa_id}", **{"from": wa_id})
                self.journal(copy)._process()
        states = [self.conversation_of(wa_id).read(
            ["state", "unread", "waiting_since", "last_inbound_at", "last_message_preview"])[0]
            for wa_id in (WA, "5511922223333")]
        for state in states:
            del state["id"]
        self.assertEqual(states[0], states[1])
        for wa_id in (WA, "5511922223333"):
            self.assertEqual(self.Message.search([("conversation_id.wa_id", "=", wa_id)]).mapped(
                "body"), ["first", "second"])
