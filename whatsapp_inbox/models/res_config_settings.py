from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.attendance import DEFAULT_PROTOCOL_PREFIX, PROTOCOL_CODE
from ..tools.erasure import MODES

MB = 1024 * 1024


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    whatsapp_inbox_wait_amber_minutes = fields.Integer(
        "Waiting turns amber after (minutes)", default=5,
        config_parameter="whatsapp_inbox.wait_amber_minutes")
    whatsapp_inbox_wait_red_minutes = fields.Integer(
        "Waiting turns red after (minutes)", default=15,
        config_parameter="whatsapp_inbox.wait_red_minutes")
    whatsapp_inbox_auto_finalize_hours = fields.Integer(
        "Finalize idle conversations after (hours)",
        config_parameter="whatsapp_inbox.auto_finalize_hours",
        help="Open and Automated conversations without messages for this long are "
             "finalized. 0: never.")
    whatsapp_inbox_media_max_bytes = fields.Integer(
        "Largest inbound file (bytes)", default=25 * 1024 * 1024,
        config_parameter="whatsapp_inbox.media_max_bytes")
    # what people set: megabytes (the parameter stays in bytes, as the download reads it)
    whatsapp_inbox_media_max_mb = fields.Integer(
        "Largest inbound file (MB)", compute="_compute_whatsapp_inbox_media_max_mb",
        inverse="_inverse_whatsapp_inbox_media_max_mb")
    whatsapp_inbox_retention_days = fields.Integer(
        "Erase finalized conversations after (days)",
        config_parameter="whatsapp_inbox.retention_days",
        help="Finalized conversations closed longer ago than this are anonymised or erased "
             "by a daily job. 0: kept.")
    whatsapp_inbox_retention_mode = fields.Selection(
        MODES, "Retention", default="anonymize",
        config_parameter="whatsapp_inbox.retention_mode")
    whatsapp_inbox_protocol_prefix = fields.Char(
        "Protocol prefix", default=DEFAULT_PROTOCOL_PREFIX,
        config_parameter="whatsapp_inbox.protocol_prefix",
        help="Before the number of each attendance; %(year)s, %(month)s, %(day)s are the "
             "opening date: 20261201-000123.")
    whatsapp_inbox_protocol_padding = fields.Integer(
        "Protocol digits", default=6, config_parameter="whatsapp_inbox.protocol_padding")
    whatsapp_inbox_protocol_preview = fields.Char(
        "Next protocol", compute="_compute_whatsapp_inbox_protocol_preview",
        help="The number the next attendance gets with this prefix and these digits.")
    whatsapp_inbox_first_response_target_minutes = fields.Integer(
        "First response target (minutes)", default=5,
        config_parameter="whatsapp_inbox.first_response_target_minutes")
    whatsapp_inbox_resolution_target_hours = fields.Integer(
        "Resolution target (hours)", default=24,
        config_parameter="whatsapp_inbox.resolution_target_hours")

    @api.depends("whatsapp_inbox_media_max_bytes")
    def _compute_whatsapp_inbox_media_max_mb(self):
        for settings in self:
            settings.whatsapp_inbox_media_max_mb = round(
                (settings.whatsapp_inbox_media_max_bytes or 0) / MB)

    def _inverse_whatsapp_inbox_media_max_mb(self):
        # a limit set in bytes by hand (not whole MB) stays as it is until the MB change
        for settings in self:
            if settings.whatsapp_inbox_media_max_mb != round(
                    (settings.whatsapp_inbox_media_max_bytes or 0) / MB):
                settings.whatsapp_inbox_media_max_bytes = settings.whatsapp_inbox_media_max_mb * MB

    @api.depends("whatsapp_inbox_protocol_prefix", "whatsapp_inbox_protocol_padding")
    def _compute_whatsapp_inbox_protocol_preview(self):
        """The company's next number as typed, read without taking it (a prefix that does
        not interpolate shows nothing: saving says why)."""
        # sudo: ir.sequence - reading where the protocol numbers stand, not changing them
        Sequence = self.env["ir.sequence"].sudo()
        for settings in self:
            company = settings.company_id or self.env.company
            sequence = Sequence.search([("code", "=", PROTOCOL_CODE),
                                        ("company_id", "=", company.id)], limit=1)
            tz = self.env.user.tz or company.partner_id.tz or "UTC"
            typed = Sequence.with_context(tz=tz).new({
                "name": "preview",
                "prefix": settings.whatsapp_inbox_protocol_prefix or DEFAULT_PROTOCOL_PREFIX,
                "padding": settings.whatsapp_inbox_protocol_padding or 6,
            })
            works = self.env["whatsapp.inbox.attendance"]._protocol_format_works(typed)
            settings.whatsapp_inbox_protocol_preview = works and typed.get_next_char(
                sequence.number_next_actual if sequence else 1)

    @api.constrains("whatsapp_inbox_wait_amber_minutes", "whatsapp_inbox_wait_red_minutes")
    def _check_whatsapp_inbox_wait_colours(self):
        for settings in self:
            amber = settings.whatsapp_inbox_wait_amber_minutes
            if amber <= 0:
                raise ValidationError(self.env._(
                    "Waiting time colours: amber must come after more than 0 minutes."))
            if settings.whatsapp_inbox_wait_red_minutes <= amber:
                raise ValidationError(self.env._(
                    "Waiting time colours: red must come after more minutes than amber "
                    "(%s).", amber))

    @api.constrains("whatsapp_inbox_protocol_prefix")
    def _check_whatsapp_inbox_protocol_prefix(self):
        for settings in self:
            self.env["whatsapp.inbox.attendance"]._check_protocol_format(
                settings.whatsapp_inbox_protocol_prefix)

    def set_values(self):
        result = super().set_values()
        # sudo: ir.sequence - the protocol sequences follow the format set here
        self.env["ir.sequence"].sudo().search([("code", "=", PROTOCOL_CODE)]).write({
            "prefix": self.whatsapp_inbox_protocol_prefix or DEFAULT_PROTOCOL_PREFIX,
            "padding": self.whatsapp_inbox_protocol_padding or 6,
        })
        return result
