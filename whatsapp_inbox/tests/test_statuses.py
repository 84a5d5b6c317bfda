from odoo.tools import mute_logger

from .common import WhatsappInboxCase, payloads

WA = "5511987654321"
T0 = 1767268800


class TestStatuses(WhatsappInboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.conversation = cls.Conversation.create({"connection_id": cls.connection.id,
                                                    "wa_id": WA})
        cls.conversation._transition("agent_reply")

    def apply(self, *statuses):
        """Deliver ``statuses``; return the messages whose status changed."""
        before = {m: m.status for m in self.conversation.wa_message_ids}
        self.deliver(payloads.delivery(payloads.change("PNID-BR", statuses=statuses)))
        return self.Message.browse([m.id for m, status in before.items() if m.status != status])

    def test_statuses_in_order(self):
        message = self.make_outbound(self.conversation, "wamid.OUT1", status="queued")
        self.assertEqual(message.ticks, "🕓")
        for state, ticks in (("sent", "✓"), ("delivered", "✓✓"), ("read", "✓✓")):
            self.apply(payloads.status("wamid.OUT1", state, WA))
            self.assertEqual((message.status, message.ticks), (state, ticks))

    def test_late_delivered_does_not_undo_read(self):
        message = self.make_outbound(self.conversation, "wamid.OUT2")
        self.apply(payloads.status("wamid.OUT2", "read", WA, timestamp=T0 + 2))
        self.apply(payloads.status("wamid.OUT2", "delivered", WA, timestamp=T0 + 1))
        self.apply(payloads.status("wamid.OUT2", "sent", WA, timestamp=T0))
        self.assertEqual(message.status, "read")

    def test_one_delivery_out_of_order_applies_by_timestamp(self):
        message = self.make_outbound(self.conversation, "wamid.OUT3")
        self.apply(payloads.status("wamid.OUT3", "read", WA, timestamp=T0 + 2),
                   payloads.status("wamid.OUT3", "delivered", WA, timestamp=T0 + 1))
        self.assertEqual(message.status, "read")

    def test_failed_records_reason_and_moves_conversation_to_errors(self):
        message = self.make_outbound(self.conversation, "wamid.OUT4")
        self.apply(payloads.status("wamid.OUT4", "failed", WA,
                                   error=(131047, "Re-engagement message")))
        self.assertEqual(message.status, "failed")
        self.assertEqual(message.failure_code, "131047")
        self.assertIn("Re-engagement message", message.failure_reason)
        self.assertConversation(self.conversation, state="error")
        self.assertIn("Re-engagement message", self.conversation.error_reason)

    def test_failed_keeps_its_reason_against_late_statuses(self):
        message = self.make_outbound(self.conversation, "wamid.OUT5")
        self.apply(payloads.status("wamid.OUT5", "failed", WA, error=(131026, "Undeliverable")))
        self.apply(payloads.status("wamid.OUT5", "delivered", WA))
        self.assertEqual(message.status, "failed")
        self.assertEqual(message.failure_code, "131026")

    def test_duplicate_status_changes_nothing(self):
        message = self.make_outbound(self.conversation, "wamid.OUT6")
        status = payloads.status("wamid.OUT6", "delivered", WA)
        self.assertEqual(self.apply(status), message)
        self.assertFalse(self.apply(status))

    @mute_logger("odoo.addons.whatsapp_inbox.models.whatsapp_inbox_message_inbound")
    def test_unknown_status_is_ignored_and_garbage_reported(self):
        message = self.make_outbound(self.conversation, "wamid.OUT7")
        changed = self.apply(payloads.status("wamid.OUT7", "deleted", WA),
                             {"status": "read"}, "garbage")
        self.assertFalse(changed)
        self.assertEqual(message.status, "sent")
        event = self.env["whatsapp.inbox.event"].search([], limit=1)
        self.assertEqual(event.state, "failed")
        self.assertIn("statuses[1]: id: missing", event.error)
        self.assertIn("statuses[2]: expected an object, got text", event.error)

    def test_status_before_its_wamid_is_held_then_applied(self):
        message = self.make_outbound(self.conversation, False, status="queued")
        self.apply(payloads.status("wamid.EARLY", "delivered", WA, timestamp=T0 + 1),
                   payloads.status("wamid.EARLY", "sent", WA, timestamp=T0))
        Held = self.env["whatsapp.inbox.message.status"]
        held = Held.search([("wamid", "=", "wamid.EARLY")])
        self.assertEqual(held.mapped("status"), ["sent", "delivered"])
        Held._adopt()
        self.assertTrue(held.exists(), "kept while its wamid is unknown")
        message.write({"wamid": "wamid.EARLY", "status": "sent"})  # the send commits
        Held._adopt()
        self.assertEqual(message.status, "delivered")
        self.assertFalse(held.exists())

    def test_status_of_another_connection_never_touches_the_message(self):
        message = self.make_outbound(self.conversation, "wamid.OUT8")
        self.deliver(payloads.delivery(payloads.change(
            "PNID-AR", statuses=[payloads.status("wamid.OUT8", "read", WA)])), self.connection_ar)
        self.env["whatsapp.inbox.message.status"]._adopt()
        self.assertEqual(message.status, "sent")
