from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import phone
from .whatsapp_inbox_message import FAILURE_MESSAGES

WINDOW = timedelta(hours=24)
# Written only by the transition methods and the consent ledger (see write).
PROTECTED_FIELDS = {"state", "opted_out"}

# Session-level advisory locks on (connection id, customer), taken in one order so
# two workers never wait on each other in a cycle. See _lock_customers.
_CUSTOMERS = """(SELECT c, hashtext(w) AS h FROM unnest(%s::int[], %s::text[]) AS k(c, w)
                 ORDER BY c, h) AS keys"""
LOCK_CUSTOMERS = f"SELECT pg_advisory_lock(c, h) FROM {_CUSTOMERS}"
UNLOCK_CUSTOMERS = f"SELECT pg_advisory_unlock(c, h) FROM {_CUSTOMERS}"

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
    channel = fields.Selection(
        [("whatsapp", "WhatsApp"), ("sms", "SMS"), ("email", "Email"), ("voip", "VoIP")],
        default="whatsapp", required=True, index=True,
    )
    connection_id = fields.Many2one(
        "whatsapp.inbox.connection", index=True, ondelete="restrict", tracking=True,
        help="Our WhatsApp number the customer talks to (required for WhatsApp).",
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, readonly=False, index=True,
        default=lambda self: self.env.company)
    wa_id = fields.Char(
        "WhatsApp ID",
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
    email = fields.Char()
    originated_by = fields.Char(
        "Originated by",
        help="Our number or address an SMS, email or call attendance was made from.")
    lead_status_id = fields.Many2one(
        "whatsapp.inbox.lead.status", index="btree_not_null", tracking=True,
        compute="_compute_lead_status_id", store=True, readonly=False, ondelete="restrict",
        group_expand="_read_group_expand_all",
        help="Follows the linked contact across all their conversations.")
    lead_status_color = fields.Char(related="lead_status_id.color")
    origin_id = fields.Many2one("whatsapp.inbox.lead.origin", "Lead Origin",
                                index="btree_not_null", ondelete="restrict")
    attendance_type_id = fields.Many2one("whatsapp.inbox.attendance.type", "Type")
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
        group_expand="_read_group_expand_states",
    )
    error_reason = fields.Text(copy=False, help="What Meta or the network answered.")
    error_type = fields.Selection(
        related="last_failed_message_id.failure_type", string="Error type")
    error_message = fields.Char(compute="_compute_error_message")
    last_failed_message_id = fields.Many2one("whatsapp.inbox.message", copy=False)
    opted_out = fields.Boolean(
        copy=False, readonly=True,
        help="The customer asked to stop receiving templates (consent ledger).")
    consent_ids = fields.One2many("whatsapp.inbox.consent", "conversation_id")
    window_open = fields.Boolean(compute="_compute_window_open", search="_search_window_open")
    connection_token_state = fields.Selection(related="connection_id.token_state")
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
    last_message_preview = fields.Char(copy=False)
    wait_thresholds = fields.Json(compute="_compute_wait_thresholds")
    discuss_channel_id = fields.Many2one("discuss.channel", copy=False, readonly=True)
    partner_vat = fields.Char(related="partner_id.vat", string="Tax ID")
    partner_email = fields.Char(related="partner_id.email", string="Contact email")
    partner_phone = fields.Char(related="partner_id.phone", string="Contact phone")
    partner_mobile = fields.Char(related="partner_id.mobile", string="Contact mobile")
    partner_address = fields.Char(related="partner_id.contact_address", string="Address")
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

    @api.depends("partner_id.name", "contact_name", "phone", "wa_id", "email")
    def _compute_name(self):
        for conversation in self:
            conversation.name = (
                conversation.partner_id.name or conversation.contact_name
                or conversation.phone or conversation.wa_id or conversation.email
            )

    @api.depends("connection_id.company_id")
    def _compute_company_id(self):
        for conversation in self:
            conversation.company_id = (conversation.connection_id.company_id
                                       or conversation.company_id or self.env.company)

    @api.depends("partner_id.whatsapp_inbox_lead_status_id")
    def _compute_lead_status_id(self):
        for conversation in self:
            conversation.lead_status_id = (
                conversation.partner_id.whatsapp_inbox_lead_status_id
                or conversation.lead_status_id)

    @api.model
    def _read_group_expand_states(self, states, domain):  # pylint: disable=unused-argument
        """Every tab is a column of the All kanban, in the order of the tabs."""
        return [state for state, _label in self._fields["state"].selection]

    @api.model
    def _read_group_expand_all(self, statuses, domain):  # pylint: disable=unused-argument
        """The pipeline shows a column for every active status, even empty ones."""
        return statuses.search([], limit=200)

    @api.constrains("channel", "connection_id", "wa_id", "phone", "email")
    def _check_channel_fields(self):
        for conversation in self:
            if conversation.channel == "whatsapp" and not (
                    conversation.connection_id and conversation.wa_id):
                raise ValidationError(self.env._(
                    "A WhatsApp conversation needs a connection and the customer's number."))
            if conversation.channel in ("sms", "voip") and not conversation.phone:
                raise ValidationError(self.env._("An SMS or VoIP attendance needs a phone."))
            if conversation.channel == "email" and not conversation.email:
                raise ValidationError(self.env._("An email attendance needs an email address."))

    @api.depends("error_type", "state")
    def _compute_error_message(self):
        for conversation in self:
            conversation.error_message = conversation.state == "error" and str(
                FAILURE_MESSAGES[conversation.error_type or "unknown"])

    @api.depends("window_expires_at")
    def _compute_window_open(self):
        now = fields.Datetime.now()
        for conversation in self:
            conversation.window_open = bool(
                conversation.window_expires_at and conversation.window_expires_at > now)

    def _search_window_open(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        is_open = (operator == "=") == bool(value)
        now = fields.Datetime.now()
        if is_open:
            return [("window_expires_at", ">", now)]
        return ["|", ("window_expires_at", "=", False), ("window_expires_at", "<=", now)]

    @api.depends_context("uid")
    def _compute_wait_thresholds(self):
        """Minutes after which a Waiting card turns amber, then red (settings)."""
        params = self.env["ir.config_parameter"].sudo()
        thresholds = {
            "amber": int(params.get_param("whatsapp_inbox.wait_amber_minutes", 5)),
            "red": int(params.get_param("whatsapp_inbox.wait_red_minutes", 15)),
        }
        for conversation in self:
            conversation.wait_thresholds = thresholds

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

    def write(self, vals):
        guarded = PROTECTED_FIELDS.intersection(vals)
        if guarded and not (self.env.su or self.env.context.get("whatsapp_inbox_transition")):
            raise AccessError(self.env._(
                "%s change only through the inbox's actions (finalize, reopen, take...) "
                "and the consent ledger.", ", ".join(sorted(guarded))))
        result = super().write(vals)
        if vals.get("lead_status_id"):
            # the contact carries the status to all their conversations
            self.partner_id.filtered(
                lambda p: p.whatsapp_inbox_lead_status_id.id != vals["lead_status_id"]
            ).whatsapp_inbox_lead_status_id = vals["lead_status_id"]
        return result

    # ------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------

    def _write_transition(self, vals):
        """Write state fields: the transition methods are their only writers."""
        return self.with_context(whatsapp_inbox_transition=True).write(vals)

    def _check_transition(self, transition):
        allowed = TRANSITIONS[transition]
        refused = self.filtered(lambda c: c.state not in allowed)
        if refused:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._("“%(conversation)s” is %(state)s: this action is not possible there.",
                  conversation=refused[0].display_name, state=labels[refused[0].state])
            )

    def action_finalize(self):
        """Close the conversations (the ✅ button, or an automation)."""
        self._check_transition("finalize")
        self._write_transition({
            "state": "done",
            "closed_at": fields.Datetime.now(),
            "closed_by_id": self.env.user.id,
            "waiting_since": False,
            "unread": False,
        })
        for conversation in self:
            conversation.message_post(
                body=self.env._("Conversation finalized by %s.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_reopen(self):
        """Bring finalized conversations back to the Open tab."""
        self._check_transition("reopen")
        self._write_transition({"state": "open", "closed_at": False, "closed_by_id": False})
        for conversation in self:
            conversation.message_post(
                body=self.env._("Conversation reopened by %s.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_start_bot(self):
        """Hand the conversations to an automation (the Automated tab)."""
        self._check_transition("start_bot")
        self._write_transition({"state": "bot"})
        return True

    def action_release_bot(self):
        """An automation gives the conversations back to humans: they queue as Waiting."""
        self._check_transition("release_bot")
        now = fields.Datetime.now()
        for conversation in self:
            conversation._write_transition({
                "state": "waiting",
                "waiting_since": conversation.last_inbound_at or now,
            })
        return True

    def action_dismiss_error(self):
        """Clear the error: back to Open if an agent already answered, else Waiting."""
        self._check_transition("dismiss_error")
        for conversation in self:
            conversation._write_transition({
                "state": "open" if conversation.first_response_at else "waiting",
                "error_reason": False,
                "last_failed_message_id": False,
            })
        return True

    def _on_agent_reply(self, sent_at=None):
        """An agent answered: the conversation is Open until someone finalizes it.
        The first human reply assigns a conversation without agent to its author."""
        self._check_transition("agent_reply")
        sent_at = sent_at or fields.Datetime.now()
        author = self.env.user
        human = author._is_internal() and not author._is_superuser()
        for conversation in self:
            vals = {
                # reaching out first on WhatsApp (a template) is not yet an attendance:
                # Not started stays until the customer answers; SMS, email and calls
                # never get an answer here, so they are Open at once
                "state": "open" if conversation.last_inbound_at or conversation.state != "new"
                or conversation.channel != "whatsapp" else "new",
                "last_outbound_at": sent_at,
                "last_message_at": max(sent_at, conversation.last_message_at or sent_at),
                "waiting_since": False,
                "error_reason": False,
                "last_failed_message_id": False,
                "closed_at": False,
                "closed_by_id": False,
            }
            if not conversation.first_response_at:
                vals["first_response_at"] = sent_at
            if human and not conversation.user_id:
                vals["user_id"] = author.id
            conversation._write_transition(vals)

    def _on_send_failure(self, reason, message=None):
        """Sending failed (API down, bad token, window closed, ...): the Errors tab."""
        self._check_transition("send_failure")
        self._write_transition({"state": "error", "error_reason": reason,
                    "last_failed_message_id": message.id if message else False})

    def _prepare_inbound_vals(self, first_at, last_at, wakes, preview=False):
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
        if preview and last_at >= (self.last_message_at or last_at):
            vals["last_message_preview"] = preview
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
        # a conversation started by us may spell a Brazilian mobile with its ninth
        # digit while WhatsApp's id has none (or the reverse)
        variants = {wa_id: phone.wa_id_variants(wa_id) for wa_id in customers}
        existing = self.search([
            ("connection_id", "=", connection.id),
            "|", ("wa_id", "in", [v for vs in variants.values() for v in vs]),
            ("bsuid", "in", [c["bsuid"] for c in customers.values() if c.get("bsuid")]),
        ])
        by_wa_id = {conv.wa_id: conv for conv in existing}
        by_bsuid = {conv.bsuid: conv for conv in existing if conv.bsuid}
        result = {}
        missing = {}
        for wa_id, profile in customers.items():
            conversation = next(
                (by_wa_id[v] for v in variants[wa_id] if v in by_wa_id), None
            ) or by_bsuid.get(profile.get("bsuid"))
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
                    "origin_id": connection.default_origin_id.id,
                }
                for wa_id, profile in missing.items()
            ])
            result.update(zip(missing, created, strict=True))
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

    @api.model
    def _lock_customers(self, keys):
        """Lock ``(connection id, wa_id)`` customers for this database session.

        Session-level (not transaction-level) locks, so a caller can take them,
        commit, and then read in a fresh snapshot what the previous holders
        committed. Always pair with :meth:`_unlock_customers` in a ``finally``.
        """
        self.env.cr.execute(LOCK_CUSTOMERS, self._lock_args(keys))

    @api.model
    def _unlock_customers(self, keys):
        self.env.cr.execute(UNLOCK_CUSTOMERS, self._lock_args(keys))

    @api.model
    def _lock_args(self, keys):
        # a customer is locked under their match key, so a conversation we started
        # as 5511988887777 and Meta's statuses for 551188887777 take the same lock
        return ([k[0] for k in keys], [phone.match_key(k[1]) or k[1] for k in keys])
