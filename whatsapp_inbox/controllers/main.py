import hashlib
import hmac
import logging

from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from ..tools import webhook

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

    # auth="none": Meta is no user, and loading the public user costs a query per delivery;
    # such routes default to a read-only transaction, and this one writes the journal
    @http.route("/whatsapp_inbox/webhook", type="http", auth="none", methods=["POST"],
                csrf=False, save_session=False, readonly=False)
    def webhook_notify(self):
        """A signed delivery of messages and statuses: check, journal, acknowledge.

        The signature is checked against the app secrets of the active connections before
        anything in the body is read. The delivery is then journaled (one insert) and
        committed before Meta gets its 200; the processing cron applies it right after.
        """
        if not request.db:
            # several databases and no dbfilter: nothing says which one Meta writes to
            return _reply(404, "No database")
        # superuser: the connections' secrets and the journal, nothing else, are touched here
        env = api.Environment(request.env.cr, SUPERUSER_ID, {})
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
        keys = env["whatsapp.inbox.connection"]._webhook_keys()
        secrets = {secret for *_ids, secret in keys if secret}
        signed_by = {secret for secret in secrets
                     if self._signature_matches(body, signature, secret)}
        if not signed_by:
            _logger.warning("WhatsApp webhook: wrong signature, delivery refused")
            return _reply(403, "Invalid signature")

        try:
            delivery = webhook.parse(body)
        except webhook.MalformedDelivery as error:
            _logger.warning("WhatsApp webhook: malformed body refused: %s", error)
            return _reply(400, "Malformed body")
        addressed = [(connection_id, secret) for connection_id, phone_number_id, waba_id, secret
                     in keys if phone_number_id in delivery.phone_number_ids
                     or waba_id in delivery.waba_ids]
        if not addressed:
            if delivery.problems:
                _logger.warning("WhatsApp webhook: malformed delivery for no known number: %s",
                                delivery.problems[0])
                return _reply(400, "Malformed body")
            _logger.warning("WhatsApp webhook: no connection for phone_number_id %s / WABA %s, "
                            "delivery ignored", sorted(delivery.phone_number_ids),
                            sorted(delivery.waba_ids))
            return _reply(200, "Ignored: unknown number")
        verified = [connection_id for connection_id, secret in addressed if secret in signed_by]
        if not verified:
            _logger.warning("WhatsApp webhook: signed by the app of none of connections %s",
                            [connection_id for connection_id, _secret in addressed])
            return _reply(403, "Invalid signature")
        # the delivery is journaled and committed before Meta gets its 200, so nothing
        # acknowledged can be lost
        env["whatsapp.inbox.event"]._journal(delivery.text, verified)
        return _reply(200, "OK")

    @staticmethod
    def _signature_matches(body, signature, app_secret):
        """Constant-time check of ``X-Hub-Signature-256`` over the raw bytes."""
        expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
        received = signature.removeprefix("sha256=").strip().lower().encode()
        return hmac.compare_digest(received, expected.encode())
