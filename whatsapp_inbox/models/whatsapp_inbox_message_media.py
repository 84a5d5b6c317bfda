import hashlib
import logging
from datetime import timedelta

from odoo import api, fields, models

from ..tools.graph_api import GraphApiError

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(seconds=30)  # doubled at each attempt
MEDIA_MAX_BYTES = 25 * 1024 * 1024
MEDIA_MIMETYPE_PREFIXES = ("image/", "audio/", "video/", "text/plain", "application/pdf",
                           "application/msword", "application/vnd.ms-",
                           "application/vnd.openxmlformats-officedocument.")


class WhatsappInboxMessage(models.Model):
    """Inbound media downloads and read receipts."""

    _inherit = "whatsapp.inbox.message"

    def _download_media(self):
        """Fetch the files of inbound media messages into attachments.

        A failed download is retried later; the message itself is never lost.
        """
        max_bytes = int(self.env["ir.config_parameter"].sudo().get_param(
            "whatsapp_inbox.media_max_bytes", MEDIA_MAX_BYTES))
        for message in self.filtered(lambda m: m.media_state in ("to_download", "failed")):
            conversation = message.conversation_id
            cloud = conversation.connection_id._api()
            try:
                info = cloud.get_media(message.media_id)
                mimetype = info.get("mime_type") or message.media_mime_type or ""
                if not mimetype.startswith(MEDIA_MIMETYPE_PREFIXES):
                    message.write({
                        "media_state": "refused",
                        "failure_reason": self.env._("File type %s is not accepted.", mimetype),
                    })
                    continue
                if int(info.get("file_size") or 0) > max_bytes:
                    raise GraphApiError("too_large", f"Media over {max_bytes} bytes")
                data = cloud.download_media(info["url"], max_bytes)
                if info.get("sha256") and hashlib.sha256(data).hexdigest() != info["sha256"]:
                    raise GraphApiError("checksum", "The downloaded file is corrupted")
            except (GraphApiError, KeyError) as error:
                refused = isinstance(error, GraphApiError) and error.code == "too_large"
                message.write({
                    "media_state": "refused" if refused else "failed",
                    "attempts": message.attempts + 1,
                    "next_attempt_at": fields.Datetime.now() + RETRY_DELAY * 2 ** message.attempts,
                    "failure_reason": str(error),
                })
                continue
            attachment = self.env["ir.attachment"].create({
                "name": message.media_filename or f"{message.message_type}-{message.id}",
                "raw": data,
                "mimetype": mimetype,
                "res_model": conversation._name,
                "res_id": conversation.id,
            })
            message.write({"attachment_ids": [fields.Command.link(attachment.id)],
                           "media_state": "done", "failure_reason": False})
            if message.mail_message_id:
                message.mail_message_id.attachment_ids = [fields.Command.link(attachment.id)]

    @api.model
    def _cron_download_media(self):
        """Download pending inbound media (a few attempts, with growing delays)."""
        messages = self.search([
            ("media_state", "in", ("to_download", "failed")),
            ("attempts", "<", MAX_ATTEMPTS),
            "|", ("next_attempt_at", "=", False),
            ("next_attempt_at", "<=", fields.Datetime.now()),
        ], limit=100)
        for message in messages:
            message._download_media()
            # commit: keep each file, whatever the next download does
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _send_read_receipts(self):
        """Tell the customer we read their messages (blue ticks)."""
        for message in self.filtered(lambda m: m.read_receipt == "to_send"):
            try:
                message.conversation_id.connection_id._api().mark_read(message.wamid)
            except GraphApiError as error:
                # blue ticks are a courtesy: give up rather than retry forever
                _logger.info("WhatsApp: read receipt of %s not sent: %s", message.wamid, error)
                message.read_receipt = False
                continue
            message.read_receipt = "sent"

    @api.model
    def _cron_send_read_receipts(self):
        self.search([("read_receipt", "=", "to_send")], limit=500)._send_read_receipts()
