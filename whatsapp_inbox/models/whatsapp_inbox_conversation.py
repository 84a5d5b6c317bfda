from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import graph_api, phone

WINDOW = timedelta(hours=24)


class WhatsappInboxConversation(models.Model):
    """One customer on one of our WhatsApp numbers; its state is the inbox tab."""

    _name = "whatsapp.inbox.conversation"
    _description = "WhatsApp Conversation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "last_message_at desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, index="trigram")
    channel = fields.Selection(
        [("whatsapp", "WhatsApp"), ("sms", "SMS"), ("email", "Email"), ("voip", "VoIP")],
        default="whatsapp", required=True, index=True,
    )
    connection_id = fields.Many2one(
        "whatsapp.inbox.connection", index=True, ondelete="restrict", tracking=True,
        check_company=True,
        help="Our WhatsApp number the customer talks to (required for WhatsApp).",
    )
    # no default: a default would win over the compute, and the webhook's env.company
    # is the public user's, not the connection's
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, readonly=False, index=True)
    wa_id = fields.Char(
        "WhatsApp ID",
        help="The customer's WhatsApp id: the number as digits, or the business-scoped "
             "user id of customers who hide their number behind a username.",
    )
    bsuid = fields.Char("Business-Scoped User ID", index="btree_not_null")
    phone = fields.Char(help="The customer's number in international (E.164) format.")
    contact_name = fields.Char(index="trigram", help="The name on the customer's WhatsApp profile.")
    username = fields.Char(index="trigram", help="The customer's WhatsApp username, if any.")
    partner_id = fields.Many2one("res.partner", "Contact", index="btree_not_null", tracking=True,
                                 check_company=True)
    user_id = fields.Many2one(
        "res.users", "Agent", index="btree_not_null", tracking=True,
        domain=[("share", "=", False)], check_company=True,
    )
    department_id = fields.Many2one(
        "whatsapp.inbox.department", index="btree_not_null", tracking=True, check_company=True
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
    last_message_preview = fields.Char(copy=False, index="trigram")
    wait_thresholds = fields.Json(compute="_compute_wait_thresholds")
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
            conversation.error_message = conversation.state == "error" and \
                graph_api.failure_message(self.env, conversation.error_type)

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
        # nothing grows per agent: whoever creates a conversation does not follow it
        return super(WhatsappInboxConversation, self.with_context(
            mail_create_nosubscribe=True)).create(vals_list).with_env(self.env)

    def write(self, vals):
        result = super().write(vals)
        if vals.get("lead_status_id"):
            # the contact carries the status to all their conversations
            self.partner_id.filtered(
                lambda p: p.whatsapp_inbox_lead_status_id.id != vals["lead_status_id"]
            ).whatsapp_inbox_lead_status_id = vals["lead_status_id"]
        return result

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):  # pylint: disable=unused-argument
        # the assigned agent finds the conversation under Mine: never a follower
        return []

    def action_unlink_partner(self):
        """Undo a wrong link to a contact; the contact keeps what it has (a number saved
        on it when linking stays: remove it on the contact if it was wrong too)."""
        for conversation in self.filtered("partner_id"):
            partner = conversation.partner_id
            conversation.partner_id = False
            conversation._message_log(body=self.env._(
                "Unlinked from contact %s.", partner.display_name))
        return True
