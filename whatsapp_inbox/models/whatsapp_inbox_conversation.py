import json
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html2plaintext, plaintext2html

from ..tools import phone
from .whatsapp_inbox_message import FAILURE_MESSAGES, SEND_MEDIA_TYPES

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
    partner_address = fields.Char(compute="_compute_partner_address", string="Address")
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

    @api.depends("partner_id")
    def _compute_partner_address(self):
        for conversation in self:
            partner = conversation.partner_id
            conversation.partner_address = partner and ", ".join(filter(None, [
                partner.street, partner.street2, partner.city, partner.state_id.name,
                partner.zip, partner.country_id.name]))

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
        """An agent answered: the conversation is Open until someone finalizes it."""
        self._check_transition("agent_reply")
        sent_at = sent_at or fields.Datetime.now()
        for conversation in self:
            vals = {
                # reaching out first (a template) is not yet an attendance: Not started
                # stays until the customer answers
                "state": "open" if conversation.last_inbound_at or conversation.state != "new"
                else "new",
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
        self.env.cr.execute(LOCK_CUSTOMERS, ([k[0] for k in keys], [k[1] for k in keys]))

    @api.model
    def _unlock_customers(self, keys):
        self.env.cr.execute(UNLOCK_CUSTOMERS, ([k[0] for k in keys], [k[1] for k in keys]))

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def _queue_outbound(self, vals, chatter_body, automated=False):
        """Record an agent's message as ``queued`` and wake the sending cron.

        The API is called after this transaction commits, by the cron: a slow or
        failing Meta never blocks or rolls back the agent's work. ``automated``
        messages (bot, automations) come from OdooBot and leave the state alone.
        """
        self.ensure_one()
        if self.connection_id.token_state == "expired":
            raise UserError(self.env._("The access token of %s expired: an administrator must "
                              "renew it before messages can be sent.", self.connection_id.name))
        now = fields.Datetime.now()
        chatter = self.env["mail.message"].create({
            "model": self._name,
            "res_id": self.id,
            "message_type": "comment",
            "subtype_id": self.env.ref("mail.mt_note").id,
            "body": chatter_body,
            "author_id": (self.env.ref("base.partner_root") if automated
                          else self.env.user.partner_id).id,
            "attachment_ids": [fields.Command.set(vals.get("attachment_ids", []))],
            "reply_to": False,
        })
        self.check_access("write")
        # sudo: whatsapp.inbox.message - messages are written only by these checked helpers
        message = self.env["whatsapp.inbox.message"].sudo().create({
            "conversation_id": self.id,
            "direction": "out",
            "status": "queued",
            "timestamp": now,
            "author_id": False if automated else self.env.user.id,
            "mail_message_id": chatter.id,
            **{k: v for k, v in vals.items() if k != "attachment_ids"},
            "attachment_ids": [fields.Command.set(vals.get("attachment_ids", []))],
        })
        if automated:
            self.write({"last_outbound_at": now, "last_message_at": now})
        else:
            self._on_agent_reply(now)
        self.last_message_preview = message._preview()
        message = message.with_env(self.env)
        self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_send")._trigger()
        self._notify_refresh()
        return message

    def _check_window(self):
        if not self.window_open:
            raise UserError(self.env._(
                "The 24-hour window of %s is closed (or the customer never wrote): "
                "only an approved template can be sent.", self.display_name))

    def _send_text(self, body, reply_to=None, automated=False):
        """Queue free text; allowed only while the 24-hour window is open."""
        self.ensure_one()
        if not (body or "").strip():
            raise UserError(self.env._("Write a message first."))
        self._check_window()
        return self._queue_outbound(
            {"message_type": "text", "body": body, "reply_to_wamid": reply_to},
            plaintext2html(body), automated=automated)

    def _send_attachment(self, attachment, caption=""):
        """Queue a file (uploaded to Meta when sent); window rule as for text."""
        self.ensure_one()
        self._check_window()
        family = (attachment.mimetype or "").split("/")[0]
        message_type = SEND_MEDIA_TYPES.get(family, "document")
        body = Markup("<p><em>%s</em></p>") % attachment.name
        if caption:
            body += plaintext2html(caption)
        return self._queue_outbound({"message_type": message_type, "body": caption,
                                     "attachment_ids": attachment.ids}, body)

    def _send_reaction(self, message, emoji):
        """React to a customer's message (empty ``emoji`` removes the reaction)."""
        self.ensure_one()
        self._check_window()
        return self._queue_outbound(
            {"message_type": "reaction", "body": emoji, "reply_to_wamid": message.wamid},
            Markup("<p>%s</p>") % (emoji or self.env._("(reaction removed)")))

    def _send_template(self, template, values, automated=False):
        """Queue an approved template; ``values`` is ``{number: text}``."""
        self.ensure_one()
        if template.status != "APPROVED" or template.connection_id != self.connection_id:
            raise UserError(self.env._("Template %s is not approved for this number.",
                              template.display_name))
        if self.opted_out:
            raise UserError(self.env._("%s asked not to receive templates: record their opt-in "
                              "first.", self.display_name))
        template._prepare_api_content(values)  # refuses missing variables now
        params = json.dumps({str(k): v for k, v in values.items()})
        return self._queue_outbound(
            {"message_type": "template", "template_id": template.id, "template_params": params,
             "body": template._render(values)},
            Markup("<p><em>%s</em></p>") % template.display_name
            + plaintext2html(template._render(values)), automated=automated)

    def api_send_text(self, body):
        """JSON-RPC entry point: queue ``body`` to each conversation (window rule
        applies); return the ids of the queued ``whatsapp.inbox.message``."""
        return [conversation._send_text(body).id for conversation in self]

    def api_send_template(self, template_id, values):
        """JSON-RPC entry point: queue template ``template_id`` with ``values``
        (``{"1": "Ana", ...}``) to each conversation; return the message ids."""
        template = self.env["whatsapp.inbox.template"].browse(template_id)
        values = {int(number): text for number, text in (values or {}).items()}
        return [conversation._send_template(template, values).id for conversation in self]

    def action_mark_seen(self):
        """The agent looked at the conversation: clear unread and send read receipts."""
        for conversation in self:
            last_inbound = conversation.wa_message_ids.filtered(
                lambda m: m.direction == "in" and m.wamid)[-1:]
            if last_inbound and not last_inbound.read_receipt:
                # sudo: whatsapp.inbox.message - agents only flag the receipt to send
                last_inbound.sudo().read_receipt = "to_send"
                self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_read_receipts")._trigger()
        self.filtered("unread").write({"unread": False})
        return True

    # ------------------------------------------------------------
    # Consent
    # ------------------------------------------------------------

    def action_record_opt_in(self):
        """The customer explicitly agreed again to receive templates."""
        self.env["whatsapp.inbox.consent"].create([{
            "conversation_id": conversation.id,
            "status": "opt_in",
            "source": "agent",
        } for conversation in self])
        return True

    # ------------------------------------------------------------
    # Errors tab: each failure's next action
    # ------------------------------------------------------------

    def action_open_composer(self, mode=None, template=None):
        self.ensure_one()
        context = {"default_conversation_id": self.id}
        if mode:
            context["default_mode"] = mode
        if template:
            context["default_template_id"] = template.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send WhatsApp"),
            "res_model": "whatsapp.inbox.composer",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_error_send_template(self):
        """Window closed (131047): reopen it with an approved template, prefilled."""
        self.ensure_one()
        templates = self.env["whatsapp.inbox.template"].search([
            ("connection_id", "=", self.connection_id.id), ("status", "=", "APPROVED")])
        lang = (self.partner_id.lang or self.env.lang or "").split("_")[0]
        template = templates.filtered(lambda t: t.language.split("_")[0] == lang)[:1] \
            or templates[:1]
        return self.action_open_composer("template", template)

    def action_error_other_channel(self):
        """Undeliverable on WhatsApp (131026): email the contact, or plan a call."""
        self.ensure_one()
        if self.partner_id.email:
            return {
                "type": "ir.actions.act_window",
                "res_model": "mail.compose.message",
                "view_mode": "form",
                "target": "new",
                "context": {
                    "default_model": self._name,
                    "default_res_ids": self.ids,
                    "default_partner_ids": self.partner_id.ids,
                    "default_composition_mode": "comment",
                    "default_subtype_xmlid": "mail.mt_comment",
                    # an email, not a WhatsApp message (see message_post)
                    "whatsapp_inbox_no_send": True,
                },
            }
        self.activity_schedule(
            "mail.mail_activity_data_call", user_id=(self.user_id or self.env.user).id,
            summary=self.env._("Call %s: WhatsApp cannot deliver to this number",
                               self.display_name),
            note=self.phone or self.wa_id)
        return True

    def action_error_resync_templates(self):
        """Template mismatch (132000/132001): resync, then name what is missing."""
        self.ensure_one()
        self.connection_id.action_sync_templates()
        failed = self.last_failed_message_id
        template = failed.template_id
        if not template:
            return True
        if not template.active or template.status != "APPROVED":
            self.error_reason = self.env._(
                "Template %s no longer exists or is not approved at Meta.", template.display_name)
            return True
        sent = self.env["whatsapp.inbox.template"]._params_from_json(failed.template_params)
        missing = [n for n in range(1, template.variable_count + 1) if not sent.get(n)]
        if missing:
            self.error_reason = self.env._(
                "Template %(template)s now expects %(count)s variable(s): "
                "%(missing)s was not filled.",
                template=template.display_name, count=template.variable_count,
                missing=", ".join(f"{{{{{n}}}}}" for n in missing))
        return True

    def action_resend_failed(self):
        """Resend the message that failed, once its cause is fixed."""
        self.ensure_one()
        failed = self.last_failed_message_id
        if failed.message_type != "template" and not self.window_open:
            return self.action_error_send_template()
        self.check_access("write")
        # sudo: whatsapp.inbox.message - resending the conversation's own failed message
        failed.sudo().action_resend()
        self._write_transition({"state": "open" if self.first_response_at else "waiting",
                    "error_reason": False, "last_failed_message_id": False})
        return True

    # ------------------------------------------------------------
    # Attendants' actions
    # ------------------------------------------------------------

    def action_take(self):
        """Assign the conversations to me; an automation handling them stops."""
        for conversation in self:
            if conversation.state == "bot":
                conversation.action_release_bot()
            conversation.user_id = self.env.user
            conversation._ensure_discuss_channel()
            conversation.message_post(body=self.env._("Taken by %s.", self.env.user.name),
                                      subtype_xmlid="mail.mt_note")
        self._notify_refresh()
        return True

    def _transfer(self, user=None, department=None, note=None):
        """Hand the conversations to ``user`` and/or ``department``; state unchanged.

        The new agent is notified (Odoo inbox) and finds them under Mine.
        """
        if not user and not department:
            raise UserError(self.env._("Choose an agent or a department."))
        if user and not user.has_group("whatsapp_inbox.group_agent"):
            raise UserError(self.env._("%s is not a WhatsApp agent.", user.name))
        for conversation in self:
            vals = {}
            if department:
                vals["department_id"] = department.id
            if user:
                vals["user_id"] = user.id
            elif department and conversation.user_id not in department.member_ids:
                vals["user_id"] = False
            conversation.write(vals)
            target = ", ".join(filter(None, [user.name if user else None,
                                             department.name if department else None]))
            body = Markup("<p>%s</p>") % self.env._("Transferred to %(target)s by %(agent)s.",
                                                    target=target, agent=self.env.user.name)
            if note:
                body += plaintext2html(note)
            conversation.with_context(whatsapp_inbox_no_send=True).message_post(
                body=body, subtype_xmlid="mail.mt_note",
                partner_ids=user.partner_id.ids if user else [])
            if user:
                conversation._ensure_discuss_channel()
        self._auto_assign()
        self._notify_refresh()
        for conversation in self:
            conversation._notify_agents(self.env._("Conversation transferred to you: %s",
                                                   conversation.display_name))
        return True

    def action_open_transfer(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Transfer"),
            "res_model": "whatsapp.inbox.transfer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_ids": self.ids},
        }

    def action_open_link_contact(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to a contact"),
            "res_model": "whatsapp.inbox.link.contact",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }

    def action_register_contact(self):
        """Create a contact from the conversation (profile name and number)."""
        self.ensure_one()
        partner = self.env["res.partner"].create({
            "name": self.contact_name or self.phone or self.wa_id,
            "mobile": self.phone or False,
            "company_id": False,
        })
        self._link_partner(partner)
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": partner.id,
            "view_mode": "form",
            "target": "new",
        }

    def _link_partner(self, partner, store_number=False):
        """Link the conversation to ``partner``; optionally keep the number on it."""
        self.ensure_one()
        key = phone.match_key(self.phone) if self.phone else False
        known = (partner.whatsapp_inbox_mobile_key, partner.whatsapp_inbox_phone_key)
        if store_number and key and key not in known:
            if not partner.mobile:
                partner.mobile = self.phone
            elif not partner.phone:
                partner.phone = self.phone
        partner_vals = {}
        if self.lead_status_id and not partner.whatsapp_inbox_lead_status_id:
            partner_vals["whatsapp_inbox_lead_status_id"] = self.lead_status_id.id
        if self.origin_id and not partner.whatsapp_inbox_origin_id:
            partner_vals["whatsapp_inbox_origin_id"] = self.origin_id.id
        partner.write(partner_vals)
        self.partner_id = partner
        self.message_post(body=self.env._("Linked to contact %s.", partner.display_name),
                          subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------
    # Chatter and Discuss
    # ------------------------------------------------------------

    def _message_get_suggested_recipients(self):
        # never suggest emailing the customer: they are answered on WhatsApp
        return []

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """An agent's "Send message" in the chatter goes to the customer on WhatsApp."""
        if self._is_agent_reply(kwargs):
            return self._send_from_html(kwargs.get("body") or "",
                                        kwargs.get("attachment_ids") or [])
        return super().message_post(**kwargs)

    def _is_agent_reply(self, post_values):
        subtype_xmlid = post_values.get("subtype_xmlid")
        subtype_id = post_values.get("subtype_id")
        is_comment = subtype_xmlid == "mail.mt_comment" or (
            subtype_id and subtype_id == self.env.ref("mail.mt_comment").id)
        return (len(self) == 1 and is_comment and self.channel == "whatsapp"
                and post_values.get("message_type", "notification") == "comment"
                and not self.env.context.get("whatsapp_inbox_no_send")
                and self.env.user._is_internal())

    def _send_from_html(self, body, attachment_ids):
        """Send an HTML body (chatter, Discuss) and its attachments; return the chatter line."""
        self.ensure_one()
        text = html2plaintext(body).strip() if body else ""
        attachments = self.env["ir.attachment"].browse(attachment_ids)
        message = self.env["whatsapp.inbox.message"]
        for index, attachment in enumerate(attachments):
            message = self._send_attachment(attachment, text if index == 0 else "")
        if text and not attachments:
            message = self._send_text(text)
        if not message:
            raise UserError(self.env._("Write a message first."))
        return message.mail_message_id

    def _ensure_discuss_channel(self):
        """A private Discuss channel where the agent follows and answers the customer."""
        for conversation in self.filtered("user_id"):
            channel = conversation.discuss_channel_id
            if not channel:
                # sudo: discuss.channel - created for the assigned agent, who becomes member
                channel = self.env["discuss.channel"].sudo().create({
                    "name": f"WhatsApp · {conversation.display_name}",
                    "channel_type": "group",
                    "whatsapp_inbox_conversation_id": conversation.id,
                })
                conversation.discuss_channel_id = channel
            members = channel.sudo().channel_member_ids
            if conversation.user_id.partner_id not in members.partner_id:
                channel.sudo()._add_members(users=conversation.user_id)
            # the previous agents no longer follow the customer
            members.filtered(lambda m, c=conversation: m.partner_id != c.user_id.partner_id
                             ).sudo().unlink()

    def _notify_inbound(self, messages):
        """Live: refresh open views, mirror the messages into Discuss, toast the agents."""
        self._notify_refresh()
        for conversation in self:
            batch = messages.filtered(lambda m, c=conversation: m.conversation_id == c)
            if conversation.discuss_channel_id:
                for message in batch:
                    # sudo: discuss.channel - the webhook mirrors customer messages
                    conversation.discuss_channel_id.sudo().with_context(
                        whatsapp_inbox_no_send=True).message_post(
                        body=message.mail_message_id.body, message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                        author_id=conversation.partner_id.id or False,
                        email_from=conversation.name)
            if conversation.state in ("waiting", "open", "error"):
                conversation._notify_agents(self.env._("%(name)s: %(text)s", name=conversation.name,
                                              text=batch[-1:]._preview()))

    def _notify_refresh(self):
        """Tell the inbox views of every agent that these conversations changed."""
        group = self.env.ref("whatsapp_inbox.group_agent")
        self.env["bus.bus"]._sendone(group, "whatsapp_inbox/refresh", {"ids": self.ids})

    def _notify_agents(self, message):
        """A toast for the assigned agent, or the department when unassigned."""
        self.ensure_one()
        for user in self.user_id or self.department_id.member_ids:
            self._toast(user, message)

    def _toast(self, user, message):
        """A passing notification in ``user``'s web client."""
        self.env["bus.bus"]._sendone(user.partner_id, "simple_notification", {
            "title": self.env._("WhatsApp"), "message": message, "sticky": False,
            "type": "info"})
