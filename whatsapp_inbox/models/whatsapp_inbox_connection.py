import secrets
from datetime import timedelta

import pytz

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from ..tools.graph_api import GraphApiError, WhatsAppCloudApi

GRAPH_API_BASE_URL = "https://graph.facebook.com/v23.0"


class WhatsappInboxConnection(models.Model):
    """One of our WhatsApp business numbers on the Meta Cloud API."""

    _name = "whatsapp.inbox.connection"
    _description = "WhatsApp Connection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    phone_number_id = fields.Char(
        "Phone Number ID", required=True, index=True,
        help="Meta's id of the business number (WhatsApp Manager > API Setup).",
    )
    display_phone_number = fields.Char("Phone Number")
    waba_id = fields.Char(
        "WhatsApp Business Account ID", index="btree_not_null",
        help="Id of the WhatsApp Business Account (WABA) that owns the number.",
    )
    access_token = fields.Char(
        groups="base.group_system", copy=False,
        help="Permanent token of a system user of the Meta app.",
    )
    app_secret = fields.Char(
        groups="base.group_system", copy=False,
        help="Secret of the Meta app; it signs every webhook delivery (X-Hub-Signature-256).",
    )
    app_id = fields.Char(
        "Meta App ID", groups="base.group_system", copy=False,
        help="Id of the Meta app (App settings > Basic): needed to submit templates with an "
             "image, video or document header, whose example file is uploaded to the app.",
    )
    verify_token = fields.Char(
        groups="base.group_system", copy=False, required=True, index=True,
        default=lambda self: secrets.token_urlsafe(24),
        help="Token to paste in the Meta app's webhook configuration.",
    )
    api_base_url = fields.Char(
        "Graph API URL", required=True, default=GRAPH_API_BASE_URL,
        help="Base URL of the Graph API, version included.",
    )
    rate_limit = fields.Float(
        "Sending rate", default=20.0,
        help="Messages per second sent at most through this number (Meta allows 80 by default).",
    )
    token_state = fields.Selection(
        [("ok", "Valid"), ("expired", "Expired")], default="ok", required=True, copy=False,
        help="Set to Expired when Meta refuses the access token (error 190).",
    )
    template_ids = fields.One2many("whatsapp.inbox.template", "connection_id")
    default_origin_id = fields.Many2one(
        "whatsapp.inbox.lead.origin", "Origin of new customers",
        default=lambda self: self.env.ref("whatsapp_inbox.lead_origin_whatsapp",
                                          raise_if_not_found=False),
        help="Given to the conversations of customers who write for the first time.")
    templates_synced_at = fields.Datetime(readonly=True, copy=False)
    bot_enabled = fields.Boolean(
        "Triage bot", help="Greets new customers with a menu of departments and routes them.")
    bot_greeting = fields.Text(translate=True)
    bot_department_ids = fields.Many2many("whatsapp.inbox.department", string="Bot menu")
    resource_calendar_id = fields.Many2one(
        "resource.calendar", "Business hours",
        help="Outside these hours, customers who write get the away message.")
    away_message = fields.Text(translate=True)
    webhook_url = fields.Char("Webhook URL", compute="_compute_webhook_url")
    conversation_count = fields.Integer(compute="_compute_conversation_count")

    _sql_constraints = [
        (
            "phone_number_id_company_uniq",
            "unique(phone_number_id, company_id)",
            "This WhatsApp number is already connected in this company.",
        ),
    ]

    @api.constrains("app_id")
    def _check_app_id(self):
        for app_id in self.mapped("app_id"):
            if app_id and not (app_id.isascii() and app_id.isdigit()):
                raise ValidationError(self.env._("A Meta App ID has only digits: %s", app_id))

    def _compute_webhook_url(self):
        for connection in self:
            connection.webhook_url = f"{connection.get_base_url()}/whatsapp_inbox/webhook"

    def _compute_conversation_count(self):
        counts = dict(
            self.env["whatsapp.inbox.conversation"]._read_group(
                [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]
            )
        )
        for connection in self:
            connection.conversation_count = counts.get(connection, 0)

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _webhook_keys
        return super().create(vals_list)

    def unlink(self):
        self.env.registry.clear_cache()  # _webhook_keys
        return super().unlink()

    def write(self, vals):
        if vals.get("access_token"):
            vals["token_state"] = "ok"
        if {"active", "phone_number_id", "waba_id", "app_secret"}.intersection(vals):
            self.env.registry.clear_cache()  # _webhook_keys
        return super().write(vals)

    def action_view_conversations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "whatsapp_inbox.whatsapp_inbox_conversation_action"
        )
        action["domain"] = [("connection_id", "=", self.id)]
        return action

    def action_regenerate_verify_token(self):
        for connection in self:
            connection.verify_token = secrets.token_urlsafe(24)

    @api.model
    @tools.ormcache()
    def _webhook_keys(self):
        """``(id, phone_number_id, waba_id, app_secret)`` of each active connection, cached:
        every webhook delivery is checked against them before anything else."""
        # sudo: whatsapp.inbox.connection - the webhook runs as public and needs the secrets
        return tuple((c.id, c.phone_number_id, c.waba_id or "", c.app_secret or "")
                     for c in self.sudo().search([]))

    def _is_open_at(self, moment):
        """Whether ``moment`` (naive UTC) falls within the business hours."""
        self.ensure_one()
        calendar = self.resource_calendar_id
        if not calendar:
            return True
        start = pytz.utc.localize(moment)
        intervals = calendar._work_intervals_batch(start, start + timedelta(minutes=1))[False]
        return bool(list(intervals))

    def _api(self):
        self.ensure_one()
        return WhatsAppCloudApi(self)

    def _flag_token_expired(self, reason):
        """Meta refused the token: flag the connection and warn its administrators."""
        for connection in self.filtered(lambda c: c.token_state != "expired"):
            connection.token_state = "expired"
            company = connection.company_id
            admins = self.env.ref("base.group_system").users.filtered(
                lambda u, company=company: not u.share and company in u.company_ids)
            for admin in admins:
                connection.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=admin.id,
                    summary=self.env._("WhatsApp access token expired"),
                    note=self.env._("Meta refused the access token of %(connection)s: %(reason)s. "
                           "Paste a new token in the connection.",
                           connection=connection.name, reason=reason),
                )

    def action_sync_templates(self):
        """Fetch the templates of each connection's WABA from Meta."""
        Template = self.env["whatsapp.inbox.template"]
        for connection in self:
            if not connection.waba_id:
                raise UserError(self.env._("Set the WhatsApp Business Account ID of %s first.",
                                  connection.name))
            try:
                remote = connection._api().list_templates()
            except GraphApiError as error:
                if error.code == "190":
                    connection._flag_token_expired(error.message)
                raise UserError(self.env._("Meta refused to list the templates of %(connection)s: "
                                  "%(error)s", connection=connection.name,
                                  error=error.message)) from error
            Template._sync_connection(connection, remote)
            connection.templates_synced_at = fields.Datetime.now()
        return True
