from freezegun import freeze_time

from odoo.exceptions import UserError

from ..models.whatsapp_inbox_conversation_state import TRANSITIONS
from .common import WhatsappInboxCase, payloads

STATES = ("new", "waiting", "open", "bot", "done", "error")
NOW = "2026-03-01 10:00:00"


class TestStateMachine(WhatsappInboxCase):
    """Every arrow of the inbox tabs, and the arrows that must be refused."""

    def test_every_arrow_of_the_table_and_no_other(self):
        self.assertEqual({to for _from, to in TRANSITIONS.values()} | {
            state for from_states, _to in TRANSITIONS.values() for state in from_states},
            set(STATES))
        for event, (from_states, to_state) in TRANSITIONS.items():
            for state in STATES:
                conversation = self.make_conversation(state)
                if state in from_states:
                    conversation._transition(event)
                    self.assertEqual(conversation.state, to_state, (event, state))
                else:
                    with self.assertRaises(UserError, msg=(event, state)):
                        conversation._transition(event)
                    self.assertEqual(conversation.state, state)

    @freeze_time(NOW)
    def test_transitions_write_the_timestamps_of_their_state(self):
        conversation = self.make_conversation("error", last_inbound_at="2026-03-01 09:00:00")
        conversation._transition("dismiss_error")
        self.assertConversation(conversation, state="waiting", error_reason=False,
                                last_failed_message_id=False)
        self.assertEqual(str(conversation.waiting_since), "2026-03-01 09:00:00")
        conversation._transition("finalize")
        self.assertEqual((str(conversation.closed_at), conversation.waiting_since,
                          conversation.unread), (NOW, False, False))
        conversation._transition("reopen")
        self.assertEqual((conversation.closed_at, conversation.closed_by_id.id), (False, False))

    def run_action(self, state, action, **vals):
        conversation = self.make_conversation(state, **vals)
        action(conversation)
        return conversation

    # Customer message -------------------------------------------------

    def test_customer_message_moves_new_and_done_to_waiting(self):
        for state in ("new", "done"):
            conversation = self.make_conversation(
                state, wa_id=f"55119000000{len(state)}",
                closed_at=NOW if state == "done" else False)
            self.receive(payloads.text(conversation.wa_id))
            self.assertConversation(conversation, state="waiting", unread=True, closed_at=False)
            self.assertTrue(conversation.waiting_since)

    def test_customer_message_keeps_open_bot_error_and_waiting(self):
        for index, state in enumerate(("open", "bot", "error", "waiting")):
            conversation = self.make_conversation(state, wa_id=f"5511911111{index:03d}")
            self.receive(payloads.text(conversation.wa_id))
            self.assertConversation(conversation, state=state, unread=True)

    def test_finalized_conversation_keeps_history_when_reopened_by_customer(self):
        conversation = self.make_conversation("new")
        self.receive(payloads.text(conversation.wa_id, "first"))
        conversation.action_finalize()
        self.receive(payloads.text(conversation.wa_id, "again"))
        self.assertEqual(conversation.state, "waiting")
        self.assertEqual(conversation.wa_message_ids.mapped("body"), ["first", "again"])

    # Agent reply ------------------------------------------------------

    @freeze_time(NOW)
    def test_first_agent_reply_opens_and_stamps_first_response(self):
        for index, state in enumerate(STATES):
            conversation = self.make_conversation(state, wa_id=f"5511922222{index:03d}",
                                                  waiting_since=NOW, last_inbound_at=NOW)
            conversation._on_agent_reply()
            self.assertConversation(conversation, state="open", first_response_at=
                                    conversation.last_outbound_at, waiting_since=False)

    def test_reaching_out_first_stays_not_started(self):
        conversation = self.make_conversation("new")
        conversation._on_agent_reply()
        self.assertConversation(conversation, state="new")
        self.assertTrue(conversation.last_outbound_at)
        self.receive(payloads.text(conversation.wa_id, "Hi, who is this?"))
        self.assertEqual(conversation.state, "waiting")

    def test_later_replies_keep_first_response(self):
        conversation = self.make_conversation("waiting")
        with freeze_time("2026-03-01 10:00:00"):
            conversation._on_agent_reply()
        with freeze_time("2026-03-01 11:00:00"):
            conversation._on_agent_reply()
        self.assertEqual(str(conversation.first_response_at), "2026-03-01 10:00:00")
        self.assertEqual(str(conversation.last_outbound_at), "2026-03-01 11:00:00")

    # Send failure -----------------------------------------------------

    def test_send_failure_moves_any_state_to_error(self):
        for index, state in enumerate(STATES):
            conversation = self.make_conversation(state, wa_id=f"5511933333{index:03d}")
            conversation._on_send_failure("API down")
            self.assertConversation(conversation, state="error", error_reason="API down")

    def test_dismiss_error(self):
        answered = self.make_conversation("error", wa_id="5511944440001", first_response_at=NOW)
        unanswered = self.make_conversation("error", wa_id="5511944440002")
        (answered | unanswered).action_dismiss_error()
        self.assertConversation(answered, state="open", error_reason=False)
        self.assertConversation(unanswered, state="waiting")

    def test_dismiss_error_refused_elsewhere(self):
        for state in set(STATES) - {"error"}:
            with self.assertRaises(UserError, msg=state):
                self.make_conversation(state).action_dismiss_error()

    # Finalize / reopen --------------------------------------------------

    @freeze_time(NOW)
    def test_finalize_from_every_active_state(self):
        for index, state in enumerate(set(STATES) - {"done"}):
            conversation = self.make_conversation(state, wa_id=f"5511955555{index:03d}")
            conversation.with_user(self.agent).action_finalize()
            self.assertConversation(conversation, state="done", closed_by_id=self.agent,
                                    unread=False)
            self.assertEqual(str(conversation.closed_at), NOW)
            self.assertIn("finalized", conversation.message_ids[0].body)

    def test_awaiting_answer_while_waiting_or_open_with_the_customer_last(self):
        """What makes Finalize ask first (Inbox header, conversation form)."""
        earlier, later = "2026-03-02 10:00:00", "2026-03-02 10:05:00"
        for state, vals, expected in (
            ("waiting", {"last_inbound_at": earlier}, True),
            ("open", {"last_inbound_at": later, "last_outbound_at": earlier,
                      "unanswered_since": later}, True),
            ("open", {"last_inbound_at": earlier, "last_outbound_at": later}, False),
            ("new", {}, False),
            ("bot", {"last_inbound_at": later}, False),
            ("done", {"last_inbound_at": later}, False),
        ):
            conversation = self.make_conversation(state, **vals)
            self.assertEqual(conversation.awaiting_answer, expected, f"{state} {vals}")

    def test_finalize_twice_is_refused(self):
        with self.assertRaises(UserError):
            self.make_conversation("done").action_finalize()

    def test_reopen_only_finalized(self):
        conversation = self.run_action("done", lambda c: c.action_reopen(), closed_at=NOW)
        self.assertConversation(conversation, state="open", closed_at=False)
        for state in set(STATES) - {"done"}:
            with self.assertRaises(UserError, msg=state):
                self.make_conversation(state).action_reopen()

    def test_open_never_empties_by_itself(self):
        conversation = self.make_conversation("open")
        for _index in range(3):
            self.receive(payloads.text(conversation.wa_id))
        self.env["whatsapp.inbox.event"]._cron_retry()
        self.assertEqual(conversation.state, "open")

    # Automation ---------------------------------------------------------

    def test_bot_takes_new_and_waiting_only(self):
        for state in ("new", "waiting"):
            conversation = self.run_action(state, lambda c: c.action_start_bot())
            self.assertEqual(conversation.state, "bot")
        for state in ("open", "done", "error", "bot"):
            with self.assertRaises(UserError, msg=state):
                self.make_conversation(state).action_start_bot()

    def test_bot_releases_to_waiting(self):
        conversation = self.make_conversation("bot", last_inbound_at=NOW)
        conversation.action_release_bot()
        self.assertConversation(conversation, state="waiting")
        self.assertEqual(str(conversation.waiting_since), NOW)
        for state in set(STATES) - {"bot"}:
            with self.assertRaises(UserError, msg=state):
                self.make_conversation(state).action_release_bot()

    def test_new_conversation_by_hand_is_not_started(self):
        conversation = self.Conversation.create({
            "connection_id": self.connection.id, "wa_id": "5511966660000",
        })
        self.assertConversation(conversation, state="new", unread=False,
                                phone="+5511966660000")
