import json
import logging
import time
from datetime import timedelta

from odoo import api, fields, models

from ..tools.graph_api import TRANSIENT_FAILURES, GraphApiError, failure_type
from ..tools.templates import MEDIA_HEADERS

MAX_SEND_ATTEMPTS = 5
RETRY_DELAY = timedelta(seconds=30)  # doubled at each attempt

_logger = logging.getLogger(__name__)


class WhatsappInboxMessage(models.Model):
    """Sending through the Graph API: the queue, retries and failures."""

    _inherit = "whatsapp.inbox.message"

    # ------------------------------------------------------------
    # Outbound messages
    # ------------------------------------------------------------

    def _fail(self, code, reason):
        """Record a failure that sending again will not fix; the conversation
        moves to the Errors tab."""
        code = str(code)
        kind = failure_type(code)
        self.write({
            "status": "failed", "failure_code": code, "failure_type": kind,
            "failure_reason": reason, "next_attempt_at": False,
        })
        for message in self:
            message.conversation_id._on_send_failure(reason, message)
        if kind == "token":
            self.conversation_id.connection_id._flag_token_expired(reason)

    def _send(self, commit=False):
        """Send queued outbound messages now, one API call each.

        A transient failure (rate limit, Meta down, network) leaves the message
        queued for a later attempt, with an exponential delay; any other failure is
        final. A status Meta posts before the wamid is stored waits for it
        (``whatsapp.inbox.message.status``).
        """
        for message in self.filtered(lambda m: m.direction == "out" and m.status == "queued"):
            try:
                with self.env.cr.savepoint():
                    message._send_one()
            # one broken message (bad template data, a bug) must not block the queue
            except Exception as error:  # pylint: disable=broad-exception-caught
                _logger.exception("WhatsApp: sending message %s failed", message.id)
                message.attempts += 1
                message._fail("internal", f"{type(error).__name__}: {error}")
            if commit:
                # commit: each message sent is recorded with its wamid, whatever comes next
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _send_one(self):
        self.ensure_one()
        if self.message_type == "template" and self.conversation_id._refuses_templates():
            # the customer opted out after it was queued, or it is being resent
            self._fail("opted_out", self.env._("The customer asked not to receive templates."))
            return
        cloud = self.conversation_id.connection_id._api()
        try:
            message_type, content = self._prepare_api_content(cloud)
            wamid = cloud.send_message(self.conversation_id._recipient(), message_type, content,
                                     reply_to=self.reply_to_wamid)
        except GraphApiError as error:
            reason = " — ".join(filter(None, [error.message, error.details]))
            kind = failure_type(error.code)
            if kind in TRANSIENT_FAILURES and self.attempts + 1 < MAX_SEND_ATTEMPTS:
                self.write({
                    "attempts": self.attempts + 1,
                    "next_attempt_at": fields.Datetime.now() + RETRY_DELAY * 2 ** self.attempts,
                    "failure_code": error.code, "failure_type": kind,
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
            template = self.template_id
            header_media = None
            if template.header_format in MEDIA_HEADERS:
                attachment = self.attachment_ids[:1] or template.header_attachment_id
                if attachment:
                    if not self.media_id:
                        self.media_id = cloud.upload_media(attachment.name, attachment.mimetype,
                                                         attachment.raw)
                    header_media = {"id": self.media_id}
                    if template.header_format == "DOCUMENT":
                        header_media["filename"] = attachment.name
                elif params.get("header_link"):
                    header_media = {"link": params["header_link"]}
            return "template", template._prepare_api_content(params, header_media)
        if self.message_type == "interactive":
            return "interactive", json.loads(self.interactive_payload)
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
