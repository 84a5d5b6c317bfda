"""The inbox tabs are the states of a conversation. ``TRANSITIONS`` is the only place that
says which arrow exists, and :meth:`_transition` the only writer of ``state``."""

import contextvars

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

_EVERY_STATE = {"new", "waiting", "open", "bot", "done", "error"}
TRANSITIONS = {
    # event: (states it leaves from, state it leads to)
    "customer_message": ({"new", "done"}, "waiting"),
    # our first message (a template) before the customer ever wrote: not an attendance yet
    "reach_out": ({"new"}, "new"),
    "agent_reply": (_EVERY_STATE, "open"),
    "start_bot": ({"new", "waiting"}, "bot"),
    "release_bot": ({"bot"}, "waiting"),
    # Meta's AI agent answers the customer (standby, handovers): no human, so Automated;
    # it leaves by release_bot when this inbox holds the conversation again
    "meta_agent": ({"new", "waiting", "open", "done"}, "bot"),
    "finalize": (_EVERY_STATE - {"done"}, "done"),
    "reopen": ({"done"}, "open"),
    "send_failure": (_EVERY_STATE, "error"),
    # out of Errors: back to Open once an agent answered, else to Waiting
    "dismiss_error": ({"error"}, "waiting"),
    "dismiss_error_answered": ({"error"}, "open"),
    "resend": ({"error"}, "waiting"),
    "resend_answered": ({"error"}, "open"),
}
# state: only through _transition; opted_out: only by the consent ledger (as superuser)
PROTECTED_FIELDS = {"state", "opted_out"}
# Set while _transition writes: a flag of this process that no request can set, unlike a
# context key.
_IN_TRANSITION = contextvars.ContextVar("whatsapp_inbox_in_transition", default=False)


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    awaiting_answer = fields.Boolean(
        compute="_compute_awaiting_answer",
        help="The customer waits for our answer: Waiting, or Open with a message of theirs "
             "after our last reply. Finalize asks first.")

    @api.depends("state", "unanswered_since")
    def _compute_awaiting_answer(self):
        for conversation in self:
            conversation.awaiting_answer = conversation.state == "waiting" or bool(
                conversation.state == "open" and conversation.unanswered_since)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_protected_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_protected_fields(vals)
        return super().write(vals)

    def _check_protected_fields(self, vals):
        guarded = PROTECTED_FIELDS.intersection(vals)
        if _IN_TRANSITION.get():
            guarded.discard("state")
        if self.env.su:
            guarded.discard("opted_out")
            if self.env.context.get("install_filename"):
                guarded.discard("state")  # data files (demo conversations in every tab)
        if guarded:
            raise AccessError(self.env._(
                "%s change only through the inbox's actions (finalize, reopen, take...) "
                "and the consent ledger.", ", ".join(sorted(guarded))))

    # ------------------------------------------------------------
    # The door
    # ------------------------------------------------------------

    def _can_transition(self, event):
        """Whether every conversation may follow the arrow ``event``."""
        from_states = TRANSITIONS[event][0]
        return all(conversation.state in from_states for conversation in self)

    def _transition(self, event, **vals):
        """Move the conversations along the arrow ``event`` of ``TRANSITIONS``: write the
        state it leads to, the timestamps that go with it, and ``vals``. Any other arrow
        raises. Then :meth:`_after_transition` runs."""
        from_states, to_state = TRANSITIONS[event]
        refused = self.filtered(lambda c: c.state not in from_states)
        if refused:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(self.env._(
                "“%(conversation)s” is %(state)s: this action is not possible there.",
                conversation=refused[0].display_name, state=labels[refused[0].state]))
        before = {conversation.id: conversation.state for conversation in self}
        now = fields.Datetime.now()
        token = _IN_TRANSITION.set(True)
        try:
            for conversation in self:
                conversation.write({**conversation._prepare_state_vals(to_state, now), **vals,
                                    "state": to_state})
        finally:
            _IN_TRANSITION.reset(token)
        self._after_transition(event, before)
        return True

    def _prepare_state_vals(self, to_state, now):
        """The timestamps that go with entering ``to_state`` from the current state."""
        self.ensure_one()
        vals = {}
        if self.state == "error" and to_state != "error":
            vals.update(error_reason=False, last_failed_message_id=False)
        if to_state == "waiting":
            vals.update(waiting_since=self.last_inbound_at or now, closed_at=False,
                        closed_by_id=False)
        elif to_state == "open":
            vals.update(waiting_since=False, closed_at=False, closed_by_id=False)
        elif to_state == "done":
            vals.update(closed_at=now, closed_by_id=self.env.user.id, waiting_since=False,
                        unread=False)
        return vals

    def _after_transition(self, event, before):  # pylint: disable=unused-argument
        """Called after every transition; ``before`` is ``{conversation id: previous state}``.
        Extensions (attendances...) react here to the inbox's arrows."""
        self._notify_refresh()

    # ------------------------------------------------------------
    # Actions and events
    # ------------------------------------------------------------

    def action_finalize(self):
        """Close the conversations (the ✅ button, or an automation)."""
        return self._finalize()

    def _finalize(self, how=None):
        """Close the conversations; ``how`` (``agent``, ``automation``, ``auto_finalize``)
        defaults to what the current user is: a person or an automation."""
        if not how:
            user = self.env.user
            how = "agent" if user._is_internal() and not user._is_superuser() else "automation"
        # logged first: what the finalize sends (the satisfaction survey) reads after it;
        # a refused arrow raises below, with nothing logged
        if self._can_transition("finalize"):
            for conversation in self:
                conversation._message_log(
                    body=self.env._("Conversation finalized by %s.", self.env.user.name))
        self._transition("finalize", close_method=how)
        return True

    def action_reopen(self):
        """Bring finalized conversations back to the Open tab."""
        self._transition("reopen")
        for conversation in self:
            conversation._message_log(
                body=self.env._("Conversation reopened by %s.", self.env.user.name))
        return True

    def action_start_bot(self):
        """Hand the conversations to an automation (the Automated tab)."""
        return self._transition("start_bot")

    def action_release_bot(self):
        """An automation gives the conversations back to humans: they queue as Waiting."""
        return self._transition("release_bot")

    def action_dismiss_error(self):
        """Clear the error: back to Open if an agent already answered, else Waiting."""
        for conversation in self:
            conversation._transition("dismiss_error_answered" if conversation.first_response_at
                                     else "dismiss_error")
        return True

    def _on_agent_reply(self, sent_at=None):
        """A person wrote to the customer, on any channel: the conversation is Open until
        someone finalizes it. The first reply assigns it to its author when it has no agent."""
        sent_at = sent_at or fields.Datetime.now()
        user = self.env.user
        is_person = user._is_internal() and not user._is_superuser()
        for conversation in self:
            vals = {
                "last_outbound_at": sent_at,
                "last_message_at": max(sent_at, conversation.last_message_at or sent_at),
                **conversation._prepare_answered_vals(sent_at),
            }
            if not conversation.first_response_at:
                vals["first_response_at"] = sent_at
            if is_person and not conversation.user_id:
                vals["user_id"] = user.id
            # a first WhatsApp template before the customer ever wrote is not an attendance
            # yet; SMS, email and calls never get an answer here, so they are Open at once
            reaching_out = (conversation.state == "new" and not conversation.last_inbound_at
                            and conversation.channel == "whatsapp")
            conversation._transition("reach_out" if reaching_out else "agent_reply", **vals)

    def _on_send_failure(self, reason, message=None):
        """Sending failed (API down, bad token, window closed, ...): the Errors tab."""
        return self._transition("send_failure", error_reason=reason,
                                last_failed_message_id=message.id if message else False)
