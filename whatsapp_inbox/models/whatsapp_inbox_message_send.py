import hashlib
import logging
import time

from odoo import api, fields, models

from ..tools.graph_api import GraphApiError
from .whatsapp_inbox_message import (
    FAILURE_TYPES,
    MAX_SEND_ATTEMPTS,
    MEDIA_MAX_BYTES,
    MEDIA_MIMETYPE_PREFIXES,
    RETRY_DELAY,
    TRANSIENT_FAILURES,
)

_logger = logging.getLogger(__name__)


class WhatsappInboxMessage(models.Model):
    """Sending through the Graph API (queue, retries, failures), inbound media
    downloads and read receipts."""

    _inherit = "whatsapp.inbox.message"

    # ------------------------------------------------------------
    # Outbound messages
    # ------------------------------------------------------------

    def _fail(self, code, reason):
        """Record a failure that sending again will not fix; the conversation
        moves to the Errors tab."""
        code = str(code)
        failure_type = FAILURE_TYPES.get(code) or (
            "server" if code.startswith("http_5") else "unknown")
        self.write({
            "status": "failed", "failure_code": code, "failure_type": failure_type,
            "failure_reason": reason, "next_attempt_at": False,
        })
        for message in self:
            message.conversation_id._on_send_failure(reason, message)
        if failure_type == "token":
            self.conversation_id.connection_id._flag_token_expired(reason)

    def _send(self, commit=False):
        """Send queued outbound messages now, one API call each.

        A transient failure (rate limit, Meta down, network) leaves the message
        queued for a later attempt, with an exponential delay; any other failure is
        final. Each customer is locked while its message is sent and stored, so a
        status webhook arriving meanwhile waits for the wamid to be known.
        """
        Conversation = self.env["whatsapp.inbox.conversation"]
        for message in self.filtered(lambda m: m.direction == "out" and m.status == "queued"):
            conversation = message.conversation_id
            keys = [(conversation.connection_id.id, conversation.wa_id)]
            Conversation._lock_customers(keys)
            try:
                try:
                    with self.env.cr.savepoint():
                        message._send_one()
                # one broken message (bad template data, a bug) must not block the queue
                except Exception as error:  # pylint: disable=broad-exception-caught
                    _logger.exception("WhatsApp: sending message %s failed", message.id)
                    message.attempts += 1
                    message._fail("internal", f"{type(error).__name__}: {error}")
                if commit:
                    # commit: the wamid is stored before the customer is unlocked, so a
                    # status webhook waiting for the lock finds it
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            finally:
                Conversation._unlock_customers(keys)

    def _send_one(self):
        self.ensure_one()
        if self.message_type == "template" and self.conversation_id._refuses_templates():
            # the customer opted out after it was queued, or it is being resent
            self._fail("opted_out", self.env._("The customer asked not to receive templates."))
            return
        cloud = self.conversation_id.connection_id._api()
        try:
            message_type, content = self._prepare_api_content(cloud)
            wamid = cloud.send_message(self.conversation_id.wa_id, message_type, content,
                                     reply_to=self.reply_to_wamid)
        except GraphApiError as error:
            reason = " — ".join(filter(None, [error.message, error.details]))
            failure_type = FAILURE_TYPES.get(error.code) or (
                "server" if error.code.startswith("http_5") else "unknown")
            if failure_type in TRANSIENT_FAILURES and self.attempts + 1 < MAX_SEND_ATTEMPTS:
                self.write({
                    "attempts": self.attempts + 1,
                    "next_attempt_at": fields.Datetime.now() + RETRY_DELAY * 2 ** self.attempts,
                    "failure_code": error.code, "failure_type": failure_type,
                    "failure_reason": reason,
                })
            else:
                self.attempts += 1
                self._fail(error.code, reason)
            return
        self.write({"wamid": wamid, "status": "sent", "attempts": self.attempts + 1,
                    "failure_code": False, "failure_type": False, "failure_reason": False,
                    "next_attempt_at": False})

    def _prepare_api_content(self, cloud):
        """``(type, content)`` of the send request; attachments are uploaded first."""
        self.ensure_one()
        if self.message_type == "template":
            params = self.env["whatsapp.inbox.template"]._params_from_json(self.template_params)
            return "template", self.template_id._prepare_api_content(params)
        if self.message_type == "reaction":
            return "reaction", {"message_id": self.reply_to_wamid, "emoji": self.body or ""}
        if self.attachment_ids:
            attachment = self.attachment_ids[0]
            if not self.media_id:
                self.media_id = cloud.upload_media(attachment.name, attachment.mimetype,
                                                 attachment.raw)
            content = {"id": self.media_id}
            if self.message_type == "document":
                content["filename"] = attachment.name
            if self.body and self.message_type != "audio":
                content["caption"] = self.body
            return self.message_type, content
        return "text", {"body": self.body, "preview_url": True}

    @api.model
    def _cron_send_queue(self):
        """Send the queued messages whose time has come, respecting each
        connection's rate."""
        self._send_queue(auto_commit=True)

    @api.model
    def _send_queue(self, limit=500, auto_commit=False):
        now = fields.Datetime.now()
        messages = self.search([
            ("direction", "=", "out"), ("status", "=", "queued"),
            "|", ("next_attempt_at", "=", False), ("next_attempt_at", "<=", now),
        ], order="id", limit=limit)
        pacers = {}
        for message in messages:
            connection = message.conversation_id.connection_id
            pacer = pacers.setdefault(connection, _Pacer(connection.rate_limit))
            pacer.wait()
            message._send(commit=auto_commit)
        return messages

    def action_resend(self):
        """Put failed messages back in the queue (after fixing the cause)."""
        failed = self.filtered(lambda m: m.direction == "out" and m.status == "failed")
        # a new send gets a new wamid: late statuses of the failed one must not touch it
        failed.write({"status": "queued", "attempts": 0, "next_attempt_at": False,
                      "wamid": False, "media_id": False, "failure_code": False,
                      "failure_type": False, "failure_reason": False})
        self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_send")._trigger()
        return True

    # ------------------------------------------------------------
    # Inbound media and read receipts
    # ------------------------------------------------------------

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
            ("attempts", "<", MAX_SEND_ATTEMPTS),
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


class _Pacer:
    """Spaces calls to at most ``rate`` per second."""

    def __init__(self, rate):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.next_at = 0.0

    def wait(self):
        now = time.monotonic()
        if now < self.next_at:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval
