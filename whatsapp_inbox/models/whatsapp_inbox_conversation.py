from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import phone

WINDOW = timedelta(hours=24)

# Which states each transition may start from. Anything else is refused: the
# tabs of the inbox are these states, so a wrong arrow loses a conversation.
TRANSITIONS = {
    "finalize": {"new", "waiting", "open", "bot", "error"},
    "reopen": {"done"},
    "agent_reply": {"new", "waiting", "open", "bot", "error", "done"},
    "start_bot": {"new", "waiting"},
    "release_bot": {"bot"},
    "send_failure": {"new", "waiting", "open", "bot", "error", "done"},
    "dismiss_error": {"error"},
}


class WhatsappInboxConversation(models.Model):
    """One customer on one of our WhatsApp numbers; its state is the inbox tab."""

    _name = "whatsapp.inbox.conversation"
    _description = "WhatsApp Conversation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "last_message_at desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    connection_id = fields.Many2one(
        "whatsapp.inbox.connection", required=True, index=True, ondelete="restrict",
        tracking=True,
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    wa_id = fields.Char(
        "WhatsApp ID", required=True,
        help="The customer's WhatsApp id: the number as digits, or the business-scoped "
             "user id of customers who hide their number behind a username.",
    )
    bsuid = fields.Char("Business-Scoped User ID", index="btree_not_null")
    phone = fields.Char(help="The customer's number in international (E.164) format.")
    contact_name = fields.Char(help="The name on the customer's WhatsApp profile.")
    username = fields.Char(help="The customer's WhatsApp username, if any.")
    partner_id = fields.Many2one("res.partner", "Contact", index="btree_not_null", tracking=True)
    user_id = fields.Many2one(
        "res.users", "Agent", index="btree_not_null", tracking=True,
        domain=[("share", "=", False)],
    )
    department_id = fields.Many2one(
        "whatsapp.inbox.department", index="btree_not_null", tracking=True
    )
    tag_ids = fields.Many2many("whatsapp.inbox.tag", string="Tags")
    state = fields.Selection(
        [
            ("new", "Not started"),
            ("waiting", "Waiting"),
            ("open", "Open"),
            ("bot", "Automated"),
            ("done", "Finalized"),
            ("error", "Error"),
        ],
        default="new", required=True, index=True, copy=False,
    )
    error_reason = fields.Text(copy=False)
    last_inbound_at = fields.Datetime("Last Customer Message", copy=False)
    last_outbound_at = fields.Datetime("Last Reply", copy=False)
    last_message_at = fields.Datetime(copy=False, index=True)
    window_expires_at = fields.Datetime(
        "Window Closes", compute="_compute_window_expires_at", store=True,
        help="Free text may be sent until 24 hours after the customer's last message.",
    )
    waiting_since = fields.Datetime(copy=False)
    first_response_at = fields.Datetime(copy=False)
    closed_at = fields.Datetime(copy=False)
    closed_by_id = fields.Many2one("res.users", copy=False)
    unread = fields.Boolean(
        copy=False, index=True, help="The customer wrote something the agent has not seen."
    )
    wa_message_ids = fields.One2many(
        "whatsapp.inbox.message", "conversation_id", string="WhatsApp Messages"
    )

    _sql_constraints = [
        (
            "customer_uniq",
            "unique(connection_id, wa_id)",
            "This customer already has a conversation on this WhatsApp number.",
        ),
    ]

    @api.depends("partner_id.name", "contact_name", "phone", "wa_id")
    def _compute_name(self):
        for conversation in self:
            conversation.name = (
                conversation.partner_id.name or conversation.contact_name
                or conversation.phone or conversation.wa_id
            )

    @api.depends("last_inbound_at")
    def _compute_window_expires_at(self):
        for conversation in self:
            last = conversation.last_inbound_at
            conversation.window_expires_at = last and last + WINDOW

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("wa_id") and not vals.get("phone"):
                vals["phone"] = phone.wa_id_to_e164(vals["wa_id"])
        return super().create(vals_list)

    # ------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------

    def _check_transition(self, transition):
        allowed = TRANSITIONS[transition]
        refused = self.filtered(lambda c: c.state not in allowed)
        if refused:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                _("“%(conversation)s” is %(state)s: this action is not possible there.",
                  conversation=refused[0].display_name, state=labels[refused[0].state])
            )

    def action_finalize(self):
        """Close the conversations (the ✅ button, or an automation)."""
        self._check_transition("finalize")
        self.write({
            "state": "done",
            "closed_at": fields.Datetime.now(),
            "closed_by_id": self.env.user.id,
            "waiting_since": False,
            "unread": False,
        })
        for conversation in self:
            conversation.message_post(
                body=_("Conversation finalized by %s.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_reopen(self):
        """Bring finalized conversations back to the Open tab."""
        self._check_transition("reopen")
        self.write({"state": "open", "closed_at": False, "closed_by_id": False})
        for conversation in self:
            conversation.message_post(
                body=_("Conversation reopened by %s.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_start_bot(self):
        """Hand the conversations to an automation (the Automated tab)."""
        self._check_transition("start_bot")
        self.write({"state": "bot"})
        return True

    def action_release_bot(self):
        """An automation gives the conversations back to humans: they queue as Waiting."""
        self._check_transition("release_bot")
        now = fields.Datetime.now()
        for conversation in self:
            conversation.write({
                "state": "waiting",
                "waiting_since": conversation.last_inbound_at or now,
            })
        return True

    def action_dismiss_error(self):
        """Clear the error: back to Open if an agent already answered, else Waiting."""
        self._check_transition("dismiss_error")
        for conversation in self:
            conversation.write({
                "state": "open" if conversation.first_response_at else "waiting",
                "error_reason": False,
            })
        return True

    def _on_agent_reply(self, sent_at=None):
        """An agent answered: the conversation is Open until someone finalizes it."""
        self._check_transition("agent_reply")
        sent_at = sent_at or fields.Datetime.now()
        for conversation in self:
            vals = {
                "state": "open",
                "last_outbound_at": sent_at,
                "last_message_at": max(sent_at, conversation.last_message_at or sent_at),
                "waiting_since": False,
                "error_reason": False,
                "closed_at": False,
                "closed_by_id": False,
            }
            if not conversation.first_response_at:
                vals["first_response_at"] = sent_at
            conversation.write(vals)

    def _on_send_failure(self, reason):
        """Sending failed (API down, bad token, window closed, ...): the Errors tab."""
        self._check_transition("send_failure")
        self.write({"state": "error", "error_reason": reason})

    def _prepare_inbound_vals(self, first_at, last_at, wakes):
        """Values after customer messages sent between ``first_at`` and ``last_at``.

        ``wakes`` is False when the messages do not ask for an answer (reactions):
        they mark the conversation unread but do not move it to Waiting.
        Messages may arrive late and out of order: times only move forward.
        """
        self.ensure_one()
        vals = {
            "unread": True,
            "last_message_at": max(last_at, self.last_message_at or last_at),
        }
        if wakes:
            vals["last_inbound_at"] = max(last_at, self.last_inbound_at or last_at)
            if self.state in ("new", "done"):
                vals.update(state="waiting", waiting_since=first_at,
                            closed_at=False, closed_by_id=False)
            elif self.state == "waiting":
                vals["waiting_since"] = min(first_at, self.waiting_since or first_at)
        return vals

    # ------------------------------------------------------------
    # Inbound
    # ------------------------------------------------------------

    @api.model
    def _get_or_create_for_customers(self, connection, customers):
        """Conversations of ``connection`` for each customer, created when missing.

        :param dict customers: ``{wa_id: {"bsuid", "contact_name", "username"}}``
            where ``wa_id`` is the phone number as digits or, for customers who
            hide it, their business-scoped user id.
        :return: ``{wa_id: conversation}``
        """
        existing = self.search([
            ("connection_id", "=", connection.id),
            "|", ("wa_id", "in", list(customers)),
            ("bsuid", "in", [c["bsuid"] for c in customers.values() if c.get("bsuid")]),
        ])
        by_wa_id = {conv.wa_id: conv for conv in existing}
        by_bsuid = {conv.bsuid: conv for conv in existing if conv.bsuid}
        result = {}
        missing = {}
        for wa_id, profile in customers.items():
            conversation = by_wa_id.get(wa_id) or by_bsuid.get(profile.get("bsuid"))
            if conversation:
                result[wa_id] = conversation
            else:
                missing[wa_id] = profile
        if missing:
            keys = {wa_id: phone.match_key(wa_id) if wa_id.isdigit() else False
                    for wa_id in missing}
            partners = self.env["res.partner"]._whatsapp_inbox_match(
                keys.values(), connection.company_id
            )
            created = self.with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True
            ).create([
                {
                    "connection_id": connection.id,
                    "wa_id": wa_id,
                    "bsuid": profile.get("bsuid") or False,
                    "contact_name": profile.get("contact_name") or False,
                    "username": profile.get("username") or False,
                    "partner_id": partners.get(keys[wa_id], self.env["res.partner"]).id,
                }
                for wa_id, profile in missing.items()
            ])
            result.update(zip(missing, created))
        # Profile names and usernames change; keep the latest one Meta sent.
        for wa_id, conversation in result.items():
            profile = customers[wa_id]
            updates = {
                fname: profile[fname]
                for fname in ("contact_name", "username", "bsuid")
                if profile.get(fname) and profile[fname] != conversation[fname]
            }
            if updates:
                conversation.write(updates)
        return result
