import hashlib
import hmac
import json
import logging

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

# Meta sends at most 3 MB (1,000 updates) per delivery.
MAX_BODY_BYTES = 4 * 1024 * 1024


def _reply(status, text):
    return request.make_response(text, status=status, headers=[("Content-Type", "text/plain")])


class WhatsappInboxWebhook(http.Controller):
    """Endpoint of the Meta app's webhook (Callback URL)."""

    @http.route("/whatsapp_inbox/webhook", type="http", auth="public", methods=["GET"],
                csrf=False, save_session=False)
    def webhook_verify(self, **kwargs):
        """Meta's subscription handshake: echo ``hub.challenge`` when the token is ours."""
        token = kwargs.get("hub.verify_token")
        challenge = kwargs.get("hub.challenge")
        if kwargs.get("hub.mode") == "subscribe" and token and challenge:
            # sudo: whatsapp.inbox.connection - the handshake comes from Meta, as public
            connection = request.env["whatsapp.inbox.connection"].sudo().search(
                [("verify_token", "=", token)], limit=1
            )
            if connection:
                return _reply(200, challenge)
        _logger.warning("WhatsApp webhook: verification refused (mode %r)", kwargs.get("hub.mode"))
        return _reply(403, "Forbidden")

    @http.route("/whatsapp_inbox/webhook", type="http", auth="public", methods=["POST"],
                csrf=False, save_session=False)
    def webhook_notify(self):
        """A signed delivery of messages and statuses: journal it, then process it."""
        httprequest = request.httprequest
        if httprequest.content_length is None:
            return _reply(411, "Content-Length required")
        if httprequest.content_length > MAX_BODY_BYTES:
            _logger.warning("WhatsApp webhook: %s bytes refused", httprequest.content_length)
            return _reply(413, "Payload too large")
        signature = httprequest.headers.get("X-Hub-Signature-256", "")
        if not signature.startswith("sha256="):
            _logger.warning("WhatsApp webhook: delivery without signature refused")
            return _reply(403, "Missing signature")
        body = httprequest.get_data()
        try:
            payload = json.loads(body)
            entries = payload["entry"]
            phone_number_ids, waba_ids = self._addressees(entries)
        except (ValueError, KeyError, TypeError, AttributeError):
            _logger.warning("WhatsApp webhook: malformed body refused: %.200r", body)
            return _reply(400, "Malformed body")

        # sudo: whatsapp.inbox.connection - webhook runs as public
        connections = request.env["whatsapp.inbox.connection"].sudo()._find_for_payload(
            phone_number_ids, waba_ids
        )
        if not connections:
            _logger.warning("WhatsApp webhook: no connection for phone_number_id %s / WABA %s, "
                            "delivery ignored", sorted(phone_number_ids), sorted(waba_ids))
            return _reply(200, "Ignored: unknown number")
        verified = connections.filtered(
            lambda c: c.app_secret and self._signature_matches(body, signature, c.app_secret)
        )
        if not verified:
            _logger.warning("WhatsApp webhook: wrong signature for %s", connections.mapped("name"))
            return _reply(403, "Invalid signature")

        # sudo: whatsapp.inbox.event - webhook runs as public; the event is journaled and
        # committed before Meta gets its 200, so nothing acknowledged can be lost even
        # if processing fails or the worker dies
        request.env["whatsapp.inbox.event"].sudo()._receive(body, verified)
        return _reply(200, "OK")

    @staticmethod
    def _addressees(entries):
        """Phone number ids and WABA ids a delivery is for."""
        phone_number_ids, waba_ids = set(), set()
        for entry in entries:
            waba_ids.add(str(entry.get("id")))
            for change in entry.get("changes") or []:
                metadata = (change.get("value") or {}).get("metadata") or {}
                if metadata.get("phone_number_id"):
                    phone_number_ids.add(str(metadata["phone_number_id"]))
        return phone_number_ids, waba_ids

    @staticmethod
    def _signature_matches(body, signature, app_secret):
        """Constant-time check of ``X-Hub-Signature-256`` over the raw bytes."""
        expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
        received = signature.removeprefix("sha256=").strip().lower().encode()
        return hmac.compare_digest(received, expected.encode())
