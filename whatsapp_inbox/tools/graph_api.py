"""Client of Meta's WhatsApp Cloud API (Graph API): the only module that talks HTTP.

Models call one short method per remote operation; transport and API errors
come out as :class:`GraphApiError`, whose ``code`` is Meta's error code (or
``timeout`` / ``connection`` / ``http_<status>`` when Meta gave none).
:func:`failure_type` translates those codes (and the codes of failed statuses)
into what the inbox does about them.
"""

import re

import requests

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

TIMEOUT = 15  # seconds, per request
MEDIA_TIMEOUT = 60
TYPING_TIMEOUT = 5  # an agent's keystroke waits for it

# Meta error codes (and our transport codes) -> failure type. Anything else is
# "unknown", its code and Meta's text kept on the message.
FAILURE_TYPES = {
    "131047": "window_closed", "470": "window_closed",
    "131026": "undeliverable", "131049": "marketing_limited",
    "131050": "opted_out", "opted_out": "opted_out",
    "130429": "rate_limited", "131056": "rate_limited", "131048": "rate_limited",
    "80007": "rate_limited", "4": "rate_limited",
    "190": "token", "10": "token", "200": "token",
    "132000": "template", "132001": "template", "132005": "template", "132007": "template",
    "132012": "template", "132015": "template_paused", "132016": "template_paused",
    "131052": "media", "131053": "media",
    "100": "invalid", "131008": "invalid", "131009": "invalid", "131051": "invalid",
    "1": "server", "2": "server", "131000": "server", "131016": "server",
    "timeout": "network", "connection": "network", "invalid_response": "server",
}
# Failures that sending again later fixes by itself.
TRANSIENT_FAILURES = {"rate_limited", "server", "network"}
# What each failure means for the attendant, and what to do next.
FAILURE_MESSAGES = {
    "window_closed": _lt("More than 24 hours passed since the customer last wrote: "
                         "only an approved template can reopen the conversation."),
    "undeliverable": _lt("WhatsApp could not deliver the message to this number: "
                         "reach the customer through another channel."),
    "opted_out": _lt("The customer stopped receiving marketing messages from us."),
    "rate_limited": _lt("Meta's sending limit was reached: the message will be resent "
                        "automatically."),
    "token": _lt("Meta refused the access token of the connection: an administrator "
                 "must paste a new one."),
    "template": _lt("The template does not match what Meta approved: synchronise the "
                    "templates and check its variables."),
    "template_paused": _lt("Meta paused or disabled the template for its low quality: send "
                           "another template, or edit this one and submit it again."),
    "marketing_limited": _lt("Meta did not deliver this marketing message, to keep the "
                             "customer's marketing messages few (per-user limit): try again "
                             "after 24 hours, or send a utility template."),
    "media": _lt("Meta could not process the attached file."),
    "invalid": _lt("Meta refused the message as invalid."),
    "server": _lt("Meta's service failed: the message will be resent automatically."),
    "network": _lt("Meta could not be reached: the message will be resent automatically."),
    "window_rule": _lt("The 24-hour window is closed: send an approved template."),
    "unknown": _lt("Sending failed."),
}
# the longest text body Meta accepts (characters; messages.text.body)
TEXT_MAX_LENGTH = 4096
# WhatsApp message type used to send an attachment of each mimetype family
SEND_MEDIA_TYPES = {"image": "image", "audio": "audio", "video": "video"}


def failure_type(code):
    """The failure type (a key of ``FAILURE_MESSAGES``) of a Meta or transport error code."""
    code = str(code)
    return FAILURE_TYPES.get(code) or ("server" if code.startswith("http_5") else "unknown")


def failure_message(env, kind):
    """What a failure of type ``kind`` (empty: unknown) means for the attendant, and what to
    do next, in ``env``'s language."""
    return env._(FAILURE_MESSAGES[kind or "unknown"])


def media_type(mimetype):
    """The WhatsApp message type that sends a file of ``mimetype``."""
    return SEND_MEDIA_TYPES.get((mimetype or "").split("/")[0], "document")


class GraphApiError(Exception):
    def __init__(self, code, message, http_status=None, details=None):
        super().__init__(f"[{code}] {message}")
        self.code = str(code)
        self.message = message
        self.http_status = http_status
        self.details = details


class WhatsAppCloudApi:
    """Graph API operations of one connection (``whatsapp.inbox.connection``)."""

    def __init__(self, connection):
        # sudo: whatsapp.inbox.connection - the token is read to call Meta, never shown
        connection = connection.sudo()
        self.base_url = connection.api_base_url.rstrip("/")
        self.phone_number_id = connection.phone_number_id
        self.waba_id = connection.waba_id
        self.token = connection.access_token or ""

    def _request(self, method, path_or_url, *, json=None, params=None, files=None, data=None,
                 timeout=None, raw=False, headers=None):
        """Call the API; return the decoded JSON (or the streamed response when ``raw``).

        ``headers`` are added to (or replace) the bearer ``Authorization``."""
        url = path_or_url if path_or_url.startswith("http") else f"{self.base_url}/{path_or_url}"
        timeout = timeout or TIMEOUT
        try:
            response = requests.request(
                method, url, json=json, params=params, files=files, data=data, timeout=timeout,
                headers={"Authorization": f"Bearer {self.token}", **(headers or {})},
                stream=raw,
            )
        except requests.Timeout as error:
            raise GraphApiError("timeout", f"No answer from Meta within {timeout} s") from error
        except requests.RequestException as error:
            raise GraphApiError("connection", f"Meta unreachable: {error}") from error
        if response.ok:
            if raw:
                return response
            try:
                return response.json()
            except ValueError as error:
                raise GraphApiError("invalid_response", "Meta's answer is not JSON",
                                    response.status_code) from error
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            raise GraphApiError(f"http_{response.status_code}", response.text[:200] or
                                response.reason, response.status_code) from None
        details = (error.get("error_data") or {}).get("details")
        raise GraphApiError(error.get("code") or f"http_{response.status_code}",
                            error.get("message") or response.reason, response.status_code,
                            details)

    def send_message(self, to, message_type, content, reply_to=None):
        """Send one message; return its wamid.

        ``POST /{phone_number_id}/messages``
        ``{"messaging_product": "whatsapp", "to": "5511...", "type": "text",
        "text": {"body": "Hi"}, "context": {"message_id": "wamid.X"}}``
        -> ``{"messages": [{"id": "wamid.Y"}], "contacts": [...]}``

        A customer known only by their business-scoped user id (``BR.1...``, customers
        hiding their number behind a username, 2026) gets ``"recipient": "BR.1..."``
        instead of ``"to"``.
        """
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to" if to.isdigit() else "recipient": to,
            "type": message_type,
            message_type: content,
        }
        if reply_to:
            payload["context"] = {"message_id": reply_to}
        result = self._request("POST", f"{self.phone_number_id}/messages", json=payload)
        try:
            return result["messages"][0]["id"]
        except (KeyError, IndexError, TypeError) as error:
            raise GraphApiError("invalid_response", "Meta returned no message id") from error

    def take_thread_control(self, recipient):
        """Take a conversation from Meta's agent (Meta Business Agent's thread control).

        ``POST /{phone_number_id}/thread_control`` ``{"messaging_product": "whatsapp",
        "action": "take", "to": "5511..." | "recipient": "BR.1..."}`` -> ``{"success": true}``
        """
        self._request("POST", f"{self.phone_number_id}/thread_control", json={
            "messaging_product": "whatsapp", "action": "take",
            "to" if recipient.isdigit() else "recipient": recipient,
        })

    def mark_read(self, wamid):
        """``POST /{phone_number_id}/messages`` ``{"status": "read", "message_id": wamid}``
        -> ``{"success": true}``"""
        self._request("POST", f"{self.phone_number_id}/messages", json={
            "messaging_product": "whatsapp", "status": "read", "message_id": wamid,
        })

    def send_typing(self, wamid):
        """Mark the customer's message read and show them "typing…" (Meta hides it after
        25 s or when we reply).

        ``POST /{phone_number_id}/messages`` ``{"status": "read", "message_id": wamid,
        "typing_indicator": {"type": "text"}}`` -> ``{"success": true}``"""
        self._request("POST", f"{self.phone_number_id}/messages", timeout=TYPING_TIMEOUT, json={
            "messaging_product": "whatsapp", "status": "read", "message_id": wamid,
            "typing_indicator": {"type": "text"},
        })

    def upload_media(self, filename, mimetype, data):
        """``POST /{phone_number_id}/media`` (multipart) -> ``{"id": "<media id>"}``"""
        result = self._request(
            "POST", f"{self.phone_number_id}/media", timeout=MEDIA_TIMEOUT,
            data={"messaging_product": "whatsapp", "type": mimetype},
            files={"file": (filename, data, mimetype)},
        )
        if not isinstance(result, dict) or not result.get("id"):
            raise GraphApiError("invalid_response", "Meta returned no media id")
        return result["id"]

    def get_media(self, media_id):
        """``GET /{media_id}`` -> ``{"url", "mime_type", "sha256", "file_size", "id"}``"""
        if not re.fullmatch(r"[\w.-]{1,128}", media_id or ""):
            # never let a stored value send our token to another host
            raise GraphApiError("invalid_media_id", f"Not a media id: {media_id!r:.40}")
        return self._request("GET", media_id)

    def download_media(self, url, max_bytes):
        """Bytes behind a media URL (bearer auth), refused past ``max_bytes``."""
        response = self._request("GET", url, timeout=MEDIA_TIMEOUT, raw=True)
        chunks, size = [], 0
        with response:
            try:
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise GraphApiError("too_large", f"Media over {max_bytes} bytes")
                    chunks.append(chunk)
            except requests.RequestException as error:
                raise GraphApiError("connection", f"Download interrupted: {error}") from error
        return b"".join(chunks)

    def list_templates(self):
        """Every message template of the WABA, following the pages.

        ``GET /{waba_id}/message_templates?limit=100`` -> ``{"data": [{"id", "name",
        "language", "status", "category", "components": [...]}], "paging": {"next": url}}``
        """
        templates = []
        url, params = f"{self.waba_id}/message_templates", {"limit": 100}
        while url:
            page = self._request("GET", url, params=params)
            templates += page.get("data") or []
            url, params = (page.get("paging") or {}).get("next"), None
        return templates

    def create_template(self, template):
        """Submit a message template for review.

        ``POST /{waba_id}/message_templates`` ``{"name": "promo", "language": "pt_BR",
        "category": "MARKETING", "components": [{"type": "BODY", "text": "Oi {{1}}",
        "example": {"body_text": [["Ana"]]}}, ...]}``
        -> ``{"id": "<template id>", "status": "PENDING", "category": "MARKETING"}``
        """
        result = self._request("POST", f"{self.waba_id}/message_templates", json=template)
        if not isinstance(result, dict) or not result.get("id"):
            raise GraphApiError("invalid_response", "Meta returned no template id")
        return result

    def upload_resumable(self, app_id, filename, mimetype, data):
        """Upload a file with Meta's Resumable Upload API; return its handle (the
        ``header_handle`` example of a template's image, video or document header).

        1. ``POST /{app_id}/uploads?file_name=promo.png&file_length=1024&file_type=image/png``
           -> ``{"id": "upload:<session>?sig=<signature>"}``
        2. ``POST /upload:<session>?sig=<signature>`` with the headers
           ``Authorization: OAuth <token>`` and ``file_offset: 0``, the file's bytes as body
           -> ``{"h": "4::aW1hZ2UvcG5n:ARb..."}``

        Meta documents the token of step 1 as an ``access_token`` query parameter; the
        Graph API takes it as the bearer header too, which keeps it out of URLs (and of
        the connection errors that quote them).
        """
        if not re.fullmatch(r"\d{1,32}", app_id or ""):
            raise GraphApiError("invalid_app_id", f"Not a Meta app id: {app_id!r:.40}")
        session = self._request("POST", f"{app_id}/uploads", params={
            "file_name": filename, "file_length": len(data), "file_type": mimetype,
        })
        session_id = session.get("id") if isinstance(session, dict) else None
        if not isinstance(session_id, str) or not re.fullmatch(r"upload:[^\s#]{1,2048}",
                                                                session_id):
            # never let an answer send our token elsewhere than the Graph API
            raise GraphApiError("invalid_response", "Meta returned no upload session")
        result = self._request("POST", session_id, data=data, timeout=MEDIA_TIMEOUT, headers={
            "Authorization": f"OAuth {self.token}", "file_offset": "0",
        })
        if not isinstance(result, dict) or not isinstance(result.get("h"), str) \
                or not result["h"]:
            raise GraphApiError("invalid_response", "Meta returned no file handle")
        return result["h"]
