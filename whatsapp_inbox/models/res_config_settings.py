from odoo import fields, models

from .whatsapp_inbox_erasure import MODES


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
    whatsapp_inbox_retention_days = fields.Integer(
        "Erase finalized conversations after (days)",
        config_parameter="whatsapp_inbox.retention_days",
        help="Finalized conversations closed longer ago than this are anonymised or erased "
             "by a daily job. 0: kept.")
    whatsapp_inbox_retention_mode = fields.Selection(
        MODES, "Retention", default="anonymize",
        config_parameter="whatsapp_inbox.retention_mode")
