"""A local simulator of Meta's WhatsApp Cloud API (Graph API), for tests, demo and benchmarks.

Standard library only: the messages, media and message template endpoints, the app's
resumable uploads (template examples), bearer tokens, failures injected per recipient, and
signed webhooks (statuses, customer messages, template updates) POSTed to a callback URL by a
background thread or when a test asks. As a script::

    python3 simulator.py --port 8079 --callback http://127.0.0.1:8069/whatsapp_inbox/webhook \\
        --account PHONE_NUMBER_ID:TOKEN:APP_SECRET:WABA_ID[:APP_ID] [--account ...] \\
        [--chatter SECONDS]
"""

import argparse
import base64
import contextlib
import hashlib
import itertools
import json
import logging
import random
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

try:
    from . import payloads
except ImportError:  # run as a script, or imported with this folder on sys.path
    import payloads

_logger = logging.getLogger(__name__)

#: Meta error code -> (HTTP status of the synchronous error, or None when the send is accepted
#: and a "failed" status webhook follows; title; details).
ERRORS = {
    1: (500, "An unknown error occurred", "An unknown error occurred."),
    2: (500, "Service temporarily unavailable", "Service temporarily unavailable."),
    100: (400, "Invalid parameter", "Invalid parameter."),
    190: (401, "Error validating access token: Session has expired", "Token expired."),
    130429: (400, "Rate limit hit", "Cloud API message throughput has been reached."),
    131009: (400, "Parameter value is not valid", "A parameter value is not valid."),
    131056: (400, "(Business Account, Consumer Account) pair rate limit hit",
             "Too many messages sent to the same recipient in a short period of time."),
    132000: (400, "Number of parameters does not match the expected number of params",
             "The number of parameters does not match the template."),
    132001: (400, "Template name does not exist in the translation",
             "The template does not exist in this language or is not approved."),
    131026: (None, "Message undeliverable", "Unable to deliver message."),
    131047: (None, "Re-engagement message", "Message failed to send because more than 24 hours "
             "have passed since the customer last replied to this number."),
}
MESSAGE_TYPES = ("text", "template", "image", "document", "audio", "video", "sticker",
                 "reaction", "interactive")
# Meta's limits on interactive messages (characters, counts)
INTERACTIVE_LIMITS = {"body": 1024, "footer": 60, "header": 60, "reply_title": 20,
                      "reply_id": 256, "list_button": 20, "section_title": 24, "row_title": 24,
                      "row_description": 72, "row_id": 200, "display_text": 20}
TEXT_MAX_LENGTH = 4096  # messages.text.body
_VARIABLE = re.compile(r"{{\s*(\d+)\s*}}")
TEMPLATE_STATUSES = ("APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED")
# the file types of the Resumable Upload API, and those a template header's example may have
UPLOAD_TYPES = ("application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4")
HEADER_EXAMPLE_TYPES = {"IMAGE": ("image/jpeg", "image/jpg", "image/png"),
                        "VIDEO": ("video/mp4",), "DOCUMENT": ("application/pdf",)}
_template_ids = itertools.count(1_000_000_000_000_001)


class ApiError(Exception):
    """An error answered like the Graph API: ``status`` and the JSON ``body``."""

    def __init__(self, code, details=None, status=None, subcode=None, message=None):
        http_status, title, default_details = ERRORS[code]
        self.status = status or http_status or 400
        error = {
            "message": message or (title if code in (1, 2, 190) else f"(#{code}) {title}"),
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or default_details},
            "fbtrace_id": "A" + uuid.uuid4().hex[:22],
        }
        if subcode:
            error["error_subcode"] = subcode
        self.body = {"error": error}
        super().__init__(error["message"])


def new_template(name, language, body, status="APPROVED", category="UTILITY", header=None,
                 footer=None, buttons=(), header_format="TEXT"):
    """A message template dict shaped like the Graph API's, with a new id. ``buttons``: texts
    of quick replies, or Meta's button dicts; ``header``: its text, or for an IMAGE, VIDEO or
    DOCUMENT ``header_format`` an example URL."""
    components = []
    if header_format != "TEXT":
        components.append({"type": "HEADER", "format": header_format,
                           "example": {"header_handle": [header or "https://example.com/h"]}})
    elif header:
        components.append({"type": "HEADER", "format": "TEXT", "text": header})
    components.append({"type": "BODY", "text": body})
    if footer:
        components.append({"type": "FOOTER", "text": footer})
    if buttons:
        components.append({"type": "BUTTONS",
                           "buttons": [{"type": "QUICK_REPLY", "text": b} if isinstance(b, str)
                                       else b for b in buttons]})
    return {"id": str(next(_template_ids)), "name": name, "language": language,
            "status": status, "category": category, "components": components}


def default_templates():
    """The templates a WABA has when none are given."""
    return [
        new_template("boas_vindas", "pt_BR", "Olá {{1}}! Aqui é da {{2}}. Como podemos ajudar?",
                     buttons=["Falar com atendente"]),
        new_template("pedido_enviado", "pt_BR", "Olá {{1}}, seu pedido {{2}} foi enviado.",
                     header="Pedido a caminho", footer="Obrigado pela preferência"),
        new_template("bienvenida", "es",
                     "¡Hola {{1}}! Bienvenido a {{2}}. ¿En qué podemos ayudarte?"),
        new_template("hello_world", "en_US", "Welcome and congratulations!! This message "
                     "demonstrates your ability to send a WhatsApp message notification from the "
                     "Cloud API, hosted by Meta. Thank you for taking the time to test with us.",
                     header="Hello World", footer="WhatsApp Business Platform sample message"),
        new_template("promo_natal", "pt_BR", "Feliz Natal, {{1}}! Use o cupom {{2}} e ganhe 10% "
                     "de desconto.", status="PENDING", category="MARKETING",
                     buttons=["Quero aproveitar", "Parar promoções"]),
        new_template("oferta_imagem", "pt_BR", "Olá {{1}}, a oferta que você pediu chegou!",
                     category="MARKETING", header_format="IMAGE", buttons=[
                         {"type": "URL", "text": "Ver oferta",
                          "url": "https://loja.example.com/oferta/{{1}}",
                          "example": ["https://loja.example.com/oferta/123"]},
                         {"type": "COPY_CODE", "text": "Copiar código", "example": "NATAL10"},
                         "Falar com atendente"]),
    ]


_Callback = namedtuple("_Callback", "payload app_secret due")  # a webhook waiting to be POSTed


class CloudApiSimulator:
    """The Cloud API of ``accounts``: ``{phone_number_id: {"token", "app_secret", "waba_id",
    "app_id" (optional: the Meta app whose uploads the token may open)}}``.

    ``statuses`` are the status webhooks sent for each accepted message; ``templates``
    (``{waba_id: [template dicts]}``) replaces the default templates of those WABAs.
    Attributes: ``sent`` (accepted ``/messages`` requests: dicts ``phone_number_id``,
    ``body``, ``wamid``), ``uploads`` (resumable upload sessions: dicts ``app_id``,
    ``file_name``, ``file_length``, ``file_type``, ``data`` and ``handle`` once the bytes
    came), ``callback_url``, ``timeout_seconds`` (wait of a "timeout" failure).
    """

    def __init__(self, accounts, callback_url=None, host="127.0.0.1", port=0,
                 auto_deliver=False, delay=0.2, statuses=("sent", "delivered", "read"),
                 templates=None, lively=False):
        self.accounts = {pnid: dict(account) for pnid, account in accounts.items()}
        self.callback_url, self.host, self.port = callback_url, host, port
        self.auto_deliver, self.delay, self.statuses = auto_deliver, delay, tuple(statuses)
        self.timeout_seconds = 5
        # the demo's customers tap a choice of the buttons and lists they get, and Meta
        # approves the templates submitted to it a few seconds later
        self.lively = lively
        self.sent, self.uploads = [], []
        self._templates = {a["waba_id"]: default_templates() for a in self.accounts.values()}
        self._templates.update({waba: list(t) for waba, t in (templates or {}).items()})
        self._media, self._failures, self._pending = {}, {}, []
        self._sessions, self._handles = {}, {}  # resumable uploads: by session id, by handle
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._server = None
        self._threads = []

    # ---------------------------------------------------------------- life cycle

    def start(self):
        """Listen and serve in daemon threads; return self."""
        self._stopping.clear()
        self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._server.simulator = self
        self._threads = [threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                          daemon=True)]
        if self.auto_deliver:
            self._threads.append(threading.Thread(target=self._auto_deliver, daemon=True))
        for thread in self._threads:
            thread.start()
        return self

    def stop(self):
        """Stop serving (and delivering); requests waiting on a "timeout" failure end."""
        if not self._server:
            return
        with self._lock:
            self._stopping.set()
            self._lock.notify_all()
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(5)
        self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def base_url(self):
        """``http://127.0.0.1:PORT`` once started."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def api_base_url(self, version="v23.0"):
        """What the addon calls ``api_base_url``: the base URL with the Graph API version."""
        return f"{self.base_url}/{version}"

    # ---------------------------------------------------------------- test controls

    def fail(self, wa_id, code, times=1):
        """Make the next ``times`` sends to ``wa_id`` fail with ``code`` (None: always).

        ``code`` is a Meta error code of :data:`ERRORS`, 500 (same as 1) or "timeout":
        the answer then comes after ``timeout_seconds``.
        """
        code = code if code == "timeout" else {500: 1}.get(int(code), int(code))
        if code != "timeout" and code not in ERRORS:
            raise ValueError(f"unsupported failure code {code!r}")
        with self._lock:
            self._failures[wa_id] = [code, times]

    def reset(self):
        """Forget sent messages, uploads, failures and pending callbacks."""
        with self._lock:
            self.sent.clear()
            self.uploads.clear()
            self._failures.clear()
            self._pending.clear()

    def set_templates(self, waba_id, templates):
        """Replace the message templates of ``waba_id``."""
        with self._lock:
            self._templates[waba_id] = list(templates)

    def add_media(self, data, mime_type, filename=None):
        """Store media (as if a customer sent it); return its media id."""
        media_id = str(uuid.uuid4().int)[:16]
        with self._lock:
            self._media[media_id] = {"data": data, "mime_type": mime_type, "filename": filename,
                                     "sha256": hashlib.sha256(data).hexdigest()}
        return media_id

    def customer_sends(self, phone_number_id, message, contacts=None):
        """Queue a webhook of ``message`` (a ``payloads.inbound`` dict); return its wamid."""
        contacts = contacts or [payloads.contact(message["from"], "Cliente")]
        change = payloads.change(phone_number_id, messages=[message], contacts=contacts)
        self._queue_change(self.accounts[phone_number_id], change)
        return message["id"]

    def customer_says(self, phone_number_id, wa_id, text, name="Cliente", **kwargs):
        """Queue a text message of customer ``wa_id``; ``kwargs`` go to ``payloads.text``."""
        return self.customer_sends(phone_number_id, payloads.text(wa_id, text, **kwargs),
                                   contacts=[payloads.contact(wa_id, name)])

    def customer_taps(self, phone_number_id, wa_id, choice_id, title, context_wamid,
                      reply_type="button_reply", name="Cliente"):
        """Queue the customer's tap on a reply button (or a list row, ``list_reply``) of our
        message ``context_wamid``; return its wamid."""
        message = payloads.inbound(wa_id, "interactive", {
            "type": reply_type, reply_type: {"id": choice_id, "title": title}},
            context={"from": self.accounts[phone_number_id].get("display", "15550000000"),
                     "id": context_wamid})
        return self.customer_sends(phone_number_id, message,
                                   contacts=[payloads.contact(wa_id, name)])

    def post_template_status(self, waba_id, template, event, language=None, reason="NONE"):
        """Queue a ``message_template_status_update`` webhook for ``template`` (dict or name).

        A status ``event`` (APPROVED, REJECTED...) also becomes the template's status.
        """
        name = template["name"] if isinstance(template, dict) else template
        with self._lock:
            found = next((t for t in self._templates.get(waba_id, []) if t["name"] == name
                          and language in (None, t["language"])), None)
            if found is None:
                raise KeyError(f"no template {name!r} in {waba_id}")
            if event in TEMPLATE_STATUSES:
                found["status"] = event
        account = next(a for a in self.accounts.values() if a["waba_id"] == waba_id)
        self._queue_change(account, {"field": "message_template_status_update", "value": {
            "event": event, "message_template_id": int(found["id"]),
            "message_template_name": name, "message_template_language": found["language"],
            "reason": reason}})

    def pending(self):
        """The payloads of the callbacks not sent yet."""
        with self._lock:
            return [callback.payload for callback in self._pending]

    def clear_pending(self):
        """Drop the callbacks not sent yet."""
        with self._lock:
            self._pending.clear()

    def deliver_pending(self):
        """POST every pending callback now, in order; their HTTP statuses.

        Without a ``callback_url`` nothing is sent. An unreachable callback raises URLError.
        """
        if not self.callback_url:
            return []
        with self._lock:
            callbacks, self._pending = self._pending, []
        return [self._post(callback) for callback in callbacks]

    # ---------------------------------------------------------------- callbacks

    def _queue_change(self, account, change, step=1):
        payload = payloads.delivery(change, waba_id=account["waba_id"])
        with self._lock:
            due = time.monotonic() + self.delay * step
            self._pending.append(_Callback(payload, account["app_secret"], due))
            self._lock.notify_all()

    def _post(self, callback):
        body = payloads.encode(callback.payload)
        request = urllib.request.Request(self.callback_url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": payloads.sign(body, callback.app_secret)})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _auto_deliver(self):
        while True:
            with self._lock:
                if self._stopping.is_set():
                    return
                now = time.monotonic()
                due = [c for c in self._pending if c.due <= now] if self.callback_url else []
                if not due:
                    next_due = min((c.due for c in self._pending), default=now + 1)
                    self._lock.wait(min(max(next_due - now, 0.01), 1))
                    continue
                self._pending = [c for c in self._pending if c.due > now]
            for callback in sorted(due, key=lambda c: c.due):
                try:
                    _logger.debug("callback answered %s", self._post(callback))
                except OSError as error:
                    _logger.warning("callback to %s failed: %s", self.callback_url, error)

    # ---------------------------------------------------------------- HTTP API

    def _handle(self, method, path, headers, body):
        """Answer one request: (HTTP status, content type, body bytes)."""
        url = urlsplit(path)
        parts = [unquote(part) for part in url.path.split("/") if part]
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        try:
            result = self._route(method, parts, query, headers, body)
        except ApiError as error:
            return error.status, "application/json", json.dumps(error.body).encode()
        if isinstance(result, tuple):  # raw media: (content type, bytes)
            return 200, *result
        return 200, "application/json", json.dumps(result).encode()

    def _route(self, method, parts, query, headers, body):
        match method, parts:
            case "POST", ["_sim", "fail"]:
                data = _json(body)
                try:
                    self.fail(data["wa_id"], data["code"], data.get("times", 1))
                except (KeyError, ValueError) as error:
                    raise ApiError(100, f"Bad failure: {error}") from None
                return {"success": True}
            case "POST", ["_sim", "inbound"]:
                data = _json(body)
                try:
                    wamid = self.customer_says(data["phone_number_id"], data["wa_id"],
                                               data["text"], data.get("name", "Cliente"))
                except KeyError as error:
                    raise ApiError(100, f"Bad inbound message: {error}") from None
                return {"wamid": wamid}
            case "GET", ["_sim", "sent"]:
                with self._lock:
                    return {"data": list(self.sent)}
            case "GET", ["_media", media_id]:
                self._authorize(headers)
                media = self._get_media(media_id)
                return media["mime_type"], media["data"]
            case "POST", [_, phone_number_id, "messages"]:
                return self._send(self._authorize(headers, phone_number_id), _json(body))
            case "POST", [_, phone_number_id, "thread_control"]:
                account = self._authorize(headers, phone_number_id)
                data = _json(body)
                if data.get("action") not in ("take", "pass", "release") or not (
                        data.get("to") or data.get("recipient")):
                    raise ApiError(100, "action and to (or recipient) are required")
                self._record(account, data, None)
                return {"success": True}
            case "POST", [_, phone_number_id, "media"]:
                self._authorize(headers, phone_number_id)
                return self._upload(headers.get("Content-Type", ""), body)
            case "POST", [_, app_id, "uploads"]:
                return self._start_upload(headers, query, app_id)
            case "POST", [_, session] if session.startswith("upload:"):
                return self._upload_file(headers, query, session, body)
            case "GET", [version, waba_id, "message_templates"]:
                self._authorize(headers, waba_id=waba_id)
                return self._list_templates(version, waba_id, query)
            case "POST", [_, waba_id, "message_templates"]:
                self._authorize(headers, waba_id=waba_id)
                return self._create_template(waba_id, _json(body))
            case "GET", [_, media_id]:
                self._authorize(headers)
                media = self._get_media(media_id)
                return {"messaging_product": "whatsapp", "id": media_id,
                        "url": f"{self.base_url}/_media/{media_id}?hash={media['sha256'][:16]}",
                        "mime_type": media["mime_type"], "sha256": media["sha256"],
                        "file_size": len(media["data"])}
        raise ApiError(100, f"Unsupported {method} request to /{'/'.join(parts)}", status=404)

    def _authorize(self, headers, phone_number_id=None, waba_id=None):
        """The account the bearer token opens; ApiError 190 or 100 when it opens none."""
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not any(a["token"] == token for a in self.accounts.values()):
            raise ApiError(190, subcode=463)
        for pnid, account in self.accounts.items():
            if account["token"] == token and phone_number_id in (None, pnid) \
                    and waba_id in (None, account["waba_id"]):
                return dict(account, phone_number_id=pnid)
        object_id = phone_number_id or waba_id
        raise ApiError(100, subcode=33, message=(
            f"Unsupported request. Object with ID '{object_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation."))

    def _send(self, account, body):
        if body.get("status") == "read":
            if not body.get("message_id"):
                raise ApiError(100, "message_id is required")
            typing = body.get("typing_indicator")
            if typing is not None and typing != {"type": "text"}:
                raise ApiError(100, "typing_indicator must be {\"type\": \"text\"}")
            self._record(account, body, None)
            return {"success": True}
        # "recipient": a business-scoped user id, for customers known by their username
        kind, to = body.get("type"), body.get("to") or body.get("recipient")
        if not to or kind not in MESSAGE_TYPES or not isinstance(body.get(kind), dict):
            raise ApiError(100, "Parameters to, type and the object of the type are required.")
        if kind == "template":
            self._check_template_message(account, body["template"])
        elif kind == "interactive":
            _check_interactive(body["interactive"])
        elif kind == "text" and len(body["text"].get("body") or "") > TEXT_MAX_LENGTH:
            # Meta's error codes name no code of its own for this: the generic one
            raise ApiError(131009, f"text.body: at most {TEXT_MAX_LENGTH} characters")
        elif kind == "reaction" and not body["reaction"].get("message_id"):
            raise ApiError(100, "reaction.message_id is required")
        context = body.get("context")
        if context is not None and not (isinstance(context, dict) and context.get("message_id")):
            raise ApiError(100, "context.message_id is required")
        failure = self._take_failure(to)
        if failure == "timeout":
            self._stopping.wait(self.timeout_seconds)
        elif failure and ERRORS[failure][0]:
            raise ApiError(failure, subcode=463 if failure == 190 else None)
        wamid = f"wamid.SIM{uuid.uuid4().hex.upper()}"
        self._record(account, body, wamid)
        if failure in (131026, 131047):
            status = payloads.status(wamid, "failed", to)
            _, title, details = ERRORS[failure]
            status["errors"] = [{"code": failure, "title": title, "message": title,
                                 "error_data": {"details": details}}]
            self._queue_change(account, payloads.change(account["phone_number_id"],
                                                        statuses=[status]))
        else:
            for step, state in enumerate(self.statuses, 1):
                change = payloads.change(account["phone_number_id"],
                                         statuses=[payloads.status(wamid, state, to)])
                self._queue_change(account, change, step)
            if self.lively and kind == "interactive":
                self._tap_later(account, to, body["interactive"], wamid)
        return {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid}]}

    def _tap_later(self, account, wa_id, interactive, wamid):
        """The customer picks one of the choices of ``interactive``, a few seconds later."""
        action = interactive.get("action") or {}
        if interactive["type"] == "button":
            reply_type, choices = "button_reply", [b["reply"] for b in action["buttons"]]
        elif interactive["type"] == "list":
            reply_type = "list_reply"
            choices = [row for section in action["sections"] for row in section["rows"]]
        else:
            return
        choice = random.choice(choices)
        message = payloads.inbound(wa_id, "interactive", {
            "type": reply_type, reply_type: {"id": choice["id"], "title": choice["title"]}},
            context={"from": "15550000000", "id": wamid})
        change = payloads.change(account["phone_number_id"], messages=[message],
                                 contacts=[payloads.contact(wa_id, "Cliente")])
        self._queue_change(account, change, len(self.statuses) + 10)

    def _record(self, account, body, wamid):
        with self._lock:
            self.sent.append({"phone_number_id": account["phone_number_id"], "body": body,
                              "wamid": wamid})

    def _take_failure(self, wa_id):
        with self._lock:
            failure = self._failures.get(wa_id)
            if not failure:
                return None
            if failure[1] is not None:
                failure[1] -= 1
                if failure[1] <= 0:
                    del self._failures[wa_id]
            return failure[0]

    def _check_template_message(self, account, template):
        """Refuse a template send as Meta does: unknown or unapproved template (132001), wrong
        parameters (132000), a media header without its media or a button without its value
        (131009)."""
        name, language = template.get("name"), (template.get("language") or {}).get("code")
        with self._lock:
            found = next((t for t in self._templates.get(account["waba_id"], [])
                          if t["name"] == name and t["language"] == language), None)
        if not found or found["status"] != "APPROVED":
            raise ApiError(132001, f"template name ({name}) does not exist in {language}")
        given = {}
        for component in template.get("components") or []:
            kind = component.get("type")
            key = (kind, component.get("index")) if kind == "button" else kind
            given[key] = component
        components = {c["type"]: c for c in found["components"]}
        body_count = len(set(_VARIABLE.findall(components["BODY"]["text"])))
        body_params = (given.get("body") or {}).get("parameters") or []
        if len(body_params) != body_count or not all(p.get("text") for p in body_params):
            raise ApiError(132000, f"body: expected {body_count} parameters, got "
                           f"{len(body_params)}")
        header = components.get("HEADER") or {}
        header_params = (given.get("header") or {}).get("parameters") or []
        if header.get("format") in ("IMAGE", "VIDEO", "DOCUMENT"):
            kind = header["format"].lower()
            media = header_params[0].get(kind) if header_params else None
            if not (isinstance(media, dict) and (media.get("id") or media.get("link"))):
                raise ApiError(131009, f"header: a {kind} parameter with id or link is required")
            with self._lock:
                unknown = media.get("id") and media["id"] not in self._media
            if unknown:
                raise ApiError(131009, f"header: unknown media id {media['id']}")
        elif _VARIABLE.search(header.get("text") or "") and not header_params:
            raise ApiError(132000, "header: expected 1 parameter")
        for index, button in enumerate((components.get("BUTTONS") or {}).get("buttons", [])):
            given_button = given.get(("button", str(index)))
            params = (given_button or {}).get("parameters") or []
            if button["type"] == "URL" and _VARIABLE.search(button.get("url", "")):
                if given_button is None or given_button.get("sub_type") != "url" \
                        or not params or not params[0].get("text"):
                    raise ApiError(131009, f"button {index}: the URL suffix is required")
            elif button["type"] == "COPY_CODE":
                if given_button is None or given_button.get("sub_type") != "copy_code" \
                        or not params or not params[0].get("coupon_code"):
                    raise ApiError(131009, f"button {index}: the coupon_code is required")
            elif given_button is not None and button["type"] == "QUICK_REPLY" \
                    and given_button.get("sub_type") != "quick_reply":
                raise ApiError(131009, f"button {index}: sub_type must be quick_reply")

    def _create_template(self, waba_id, data):
        """``POST /{waba_id}/message_templates``: a new template, PENDING until
        :meth:`post_template_status` approves (or rejects) it."""
        name, language, category = data.get("name"), data.get("language"), data.get("category")
        if not re.fullmatch(r"[a-z0-9_]{1,512}", name or "") or not language \
                or category not in ("MARKETING", "UTILITY", "AUTHENTICATION"):
            raise ApiError(100, "name (lowercase), language and category are required")
        components = data.get("components") or []
        body = next((c for c in components if c.get("type") == "BODY"), None)
        if not body or not body.get("text"):
            raise ApiError(100, "A BODY component with text is required")
        count = len(set(_VARIABLE.findall(body["text"])))
        examples = ((body.get("example") or {}).get("body_text") or [[]])[0]
        if count and len(examples) != count:
            raise ApiError(100, f"body_text: {count} examples are required")
        for component in components:
            if component.get("type") == "HEADER" and component.get("format") in (
                    "IMAGE", "VIDEO", "DOCUMENT"):
                self._check_header_handle(component)
            for button in component.get("buttons") or []:
                if button.get("type") == "URL" and _VARIABLE.search(button.get("url", "")) \
                        and not button.get("example"):
                    raise ApiError(100, "A dynamic URL button needs an example")
        with self._lock:
            templates = self._templates.setdefault(waba_id, [])
            if any(t["name"] == name and t["language"] == language for t in templates):
                raise ApiError(100, f"Template {name} already exists in {language}")
            template = {"id": str(next(_template_ids)), "name": name, "language": language,
                        "status": "PENDING", "category": category, "components": components}
            templates.append(template)
        if self.lively:
            account = next(a for a in self.accounts.values() if a["waba_id"] == waba_id)
            self._queue_change(account, {"field": "message_template_status_update", "value": {
                "event": "APPROVED", "message_template_id": int(template["id"]),
                "message_template_name": name, "message_template_language": language,
                "reason": "NONE"}}, step=25)
            template["status"] = "APPROVED"
        return {"id": template["id"], "status": "PENDING", "category": category}

    def _check_header_handle(self, header):
        """A media header's example must be one handle of a resumable upload of a file of
        its kind (Meta: 100, "Invalid parameter")."""
        handles = (header.get("example") or {}).get("header_handle")
        if not isinstance(handles, list) or len(handles) != 1 or not isinstance(handles[0], str):
            raise ApiError(100, f"A {header['format']} header needs example.header_handle: "
                                "one handle of the Resumable Upload API")
        with self._lock:
            upload = self._handles.get(handles[0])
        if upload is None:
            raise ApiError(100, f"Unknown header_handle {handles[0]!r:.60}")
        if upload["file_type"] not in HEADER_EXAMPLE_TYPES[header["format"]]:
            raise ApiError(100, f"A {header['format']} header cannot have a "
                                f"{upload['file_type']} example")

    def _start_upload(self, headers, query, app_id):
        """``POST /{app_id}/uploads?file_name&file_length&file_type``: a resumable upload
        session of the app, for a token of an account of that app (bearer header or
        ``access_token`` parameter)."""
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        token = query.get("access_token") or (token if scheme == "Bearer" else "")
        accounts = [a for a in self.accounts.values() if a["token"] == token]
        if not accounts:
            raise ApiError(190, subcode=463)
        if not any(a.get("app_id") == app_id for a in accounts):
            raise ApiError(100, subcode=33, message=(
                f"Unsupported post request. Object with ID '{app_id}' does not exist, cannot "
                "be loaded due to missing permissions, or does not support this operation."))
        try:
            length = int(query.get("file_length", ""))
        except ValueError:
            length = 0
        if length <= 0:
            raise ApiError(100, "file_length (a number of bytes) is required")
        if query.get("file_type") not in UPLOAD_TYPES:
            raise ApiError(100, f"file_type must be one of {', '.join(UPLOAD_TYPES)}")
        key = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        signature = uuid.uuid4().hex[:20]
        upload = {"app_id": app_id, "file_name": query.get("file_name"), "file_length": length,
                  "file_type": query["file_type"], "data": None, "handle": None}
        with self._lock:
            self._sessions[f"upload:{key}"] = {"upload": upload, "token": token,
                                               "signature": signature}
            self.uploads.append(upload)
        return {"id": f"upload:{key}?sig={signature}"}

    def _upload_file(self, headers, query, session_id, body):
        """``POST /upload:<session>?sig=...`` with ``Authorization: OAuth <token>`` and
        ``file_offset: 0``: the file's bytes, all at once; answers the file handle."""
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None or query.get("sig") != session["signature"]:
            raise ApiError(100, f"Unknown upload session {session_id!r:.60}")
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        if scheme != "OAuth" or token != session["token"]:
            raise ApiError(190, subcode=463)
        if headers.get("file_offset") != "0":
            raise ApiError(100, "file_offset must be 0: nothing of this file was received")
        upload = session["upload"]
        if len(body) != upload["file_length"]:
            raise ApiError(100, f"The file has {len(body)} bytes, not the file_length "
                                f"{upload['file_length']} of its session")
        kind = base64.b64encode(upload["file_type"].encode()).decode()
        handle = f"4::{kind}:AR{uuid.uuid4().hex}"
        with self._lock:
            del self._sessions[session_id]
            upload.update(data=body, handle=handle)
            self._handles[handle] = upload
        return {"h": handle}

    def _upload(self, content_type, body):
        fields = _multipart(content_type, body)
        if "file" not in fields or fields.get("messaging_product", (None, None, b""))[2] \
                != b"whatsapp":
            raise ApiError(100, "Parameters messaging_product=whatsapp and file are required.")
        filename, file_type, data = fields["file"]
        mime_type = fields["type"][2].decode() if "type" in fields else file_type
        return {"id": self.add_media(data, mime_type or "application/octet-stream", filename)}

    def _get_media(self, media_id):
        with self._lock:
            if media_id not in self._media:
                raise ApiError(100, f"Unknown media id {media_id}", status=404)
            return self._media[media_id]

    def _list_templates(self, version, waba_id, query):
        with self._lock:
            found = list(self._templates.get(waba_id, []))
        try:
            limit = int(query.get("limit", 25))
            start = int(base64.urlsafe_b64decode(query["after"])) if "after" in query else 0
            if limit < 1 or start < 0:
                raise ValueError
        except ValueError:
            raise ApiError(100, "Invalid limit or after cursor") from None
        page = found[start:start + limit]
        after = _cursor(start + len(page)) if page else ""
        paging = {"cursors": {"before": _cursor(start) if page else "", "after": after}}
        if start + len(page) < len(found):
            paging["next"] = (f"{self.base_url}/{version}/{waba_id}/message_templates"
                              f"?limit={limit}&after={after}")
        return {"data": page, "paging": paging}


class _Handler(BaseHTTPRequestHandler):
    """HTTP transport of the simulator: ``server.simulator`` answers."""

    protocol_version = "HTTP/1.1"
    server_version = "CloudApiSimulator/1.0"

    def _serve(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, content_type, data = self.server.simulator._handle(
            self.command, self.path, self.headers, body)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _serve

    def handle(self):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
            return super().handle()

    def log_message(self, *args):
        _logger.debug("%s %s", self.address_string(), args[0] % args[1:])


def _length(value, limit, what):
    if not isinstance(value, str) or not value or len(value) > INTERACTIVE_LIMITS[limit]:
        raise ApiError(131009, f"{what}: 1 to {INTERACTIVE_LIMITS[limit]} characters")


def _check_interactive(interactive):
    """Refuse an interactive object as Meta does (131009, naming the parameter)."""
    kind, action = interactive.get("type"), interactive.get("action")
    if kind == "request_contact_info" and action == {"name": "request_contact_info"}:
        _length((interactive.get("body") or {}).get("text"), "body", "body.text")
        return
    if kind not in ("button", "list", "cta_url") or not isinstance(action, dict):
        raise ApiError(131009, "interactive.type must be button, list, cta_url or "
                       "request_contact_info with an action")
    _length((interactive.get("body") or {}).get("text"), "body", "body.text")
    if interactive.get("footer"):
        _length(interactive["footer"].get("text"), "footer", "footer.text")
    if (interactive.get("header") or {}).get("type") == "text":
        _length(interactive["header"].get("text"), "header", "header.text")
    if kind == "button":
        buttons = action.get("buttons") or []
        if not 1 <= len(buttons) <= 3:
            raise ApiError(131009, "action.buttons: 1 to 3 buttons")
        for button in buttons:
            reply = button.get("reply") or {}
            if button.get("type") != "reply":
                raise ApiError(131009, "action.buttons[].type must be reply")
            _length(reply.get("title"), "reply_title", "action.buttons[].reply.title")
            _length(reply.get("id"), "reply_id", "action.buttons[].reply.id")
        if len({b["reply"]["id"] for b in buttons}) < len(buttons):
            raise ApiError(131009, "action.buttons: ids must be unique")
    elif kind == "list":
        _length(action.get("button"), "list_button", "action.button")
        sections = action.get("sections") or []
        rows = [row for section in sections for row in section.get("rows") or []]
        if not 1 <= len(sections) <= 10 or not 1 <= len(rows) <= 10:
            raise ApiError(131009, "action.sections: 1 to 10 sections, 1 to 10 rows in all")
        for section in sections:
            if len(sections) > 1:
                _length(section.get("title"), "section_title", "sections[].title")
        for row in rows:
            _length(row.get("title"), "row_title", "rows[].title")
            _length(row.get("id"), "row_id", "rows[].id")
            if "description" in row:
                _length(row["description"], "row_description", "rows[].description")
    else:
        parameters = action.get("parameters") or {}
        if action.get("name") != "cta_url":
            raise ApiError(131009, "action.name must be cta_url")
        _length(parameters.get("display_text"), "display_text", "parameters.display_text")
        if not str(parameters.get("url") or "").startswith(("http://", "https://")):
            raise ApiError(131009, "parameters.url must be an http(s) URL")


def _json(body):
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ApiError(100, "The request body must be a JSON object.")
    return data


def _cursor(position):
    return base64.urlsafe_b64encode(str(position).encode()).decode()


def _multipart(content_type, body):
    """Fields of a multipart/form-data body: ``{name: (filename, content type, bytes)}``."""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.startswith("multipart/form-data") or not boundary:
        raise ApiError(100, "Expected a multipart/form-data body.")
    fields = {}
    for part in body.split(b"--" + boundary.group(1).encode())[1:-1]:
        head, _, data = part[2:-2].partition(b"\r\n\r\n")  # between the CRLFs around each part
        lines = head.decode(errors="replace").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines)}
        disposition = headers.get("content-disposition", "")
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'\bfilename="([^"]*)"', disposition)
        if name:
            fields[name.group(1)] = (filename and filename.group(1),
                                     headers.get("content-type"), data)
    return fields


# (wa_id, profile name, messages): customers of their own, none of them a number (in any
# spelling) of the demo's conversations or contacts, whose names they would take
CHATTER = [
    ("5511976543210", "Ana Souza", ["Oi! Tudo bem? Queria saber do meu pedido 😊",
                                    "Bom dia! Vocês abrem no sábado?",
                                    "Muito obrigada pelo atendimento, foi ótimo!"]),
    ("5521991234567", "João Pereira", ["Olá, vocês entregam em Niterói?",
                                       "Boa tarde! Posso trocar um produto?"]),
    ("5491166667777", "Carlos Pérez", ["¡Hola! ¿Tienen envío a Córdoba?",
                                       "¡Muchas gracias por la ayuda! 🙌"]),
    ("5215587654321", "María López", ["Buenos días, ¿a qué hora cierran hoy?",
                                      "Hola, quisiera saber el precio del plan anual."]),
]


def _account(value):
    parts = value.split(":")
    if len(parts) not in (4, 5) or not all(parts):
        raise argparse.ArgumentTypeError(
            "expected PHONE_NUMBER_ID:TOKEN:APP_SECRET:WABA_ID[:APP_ID]")
    account = {"token": parts[1], "app_secret": parts[2], "waba_id": parts[3]}
    if len(parts) == 5:
        account["app_id"] = parts[4]
    return parts[0], account


def main(argv=None):
    """Serve with ``auto_deliver=True`` until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8079)
    parser.add_argument("--callback", help="webhook URL the signed callbacks are POSTed to")
    parser.add_argument("--account", type=_account, action="append", required=True,
                        metavar="PHONE_NUMBER_ID:TOKEN:APP_SECRET:WABA_ID[:APP_ID]")
    parser.add_argument("--chatter", type=float, metavar="N",
                        help="a fake customer writes every N seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    simulator = CloudApiSimulator(dict(args.account), callback_url=args.callback,
                                  port=args.port, auto_deliver=True, lively=bool(args.chatter))
    with simulator, contextlib.suppress(KeyboardInterrupt):
        sys.stdout.write(f"WhatsApp Cloud API simulator listening on {simulator.api_base_url()}"
                         f", webhooks to {args.callback or 'nowhere'}\n")
        sys.stdout.flush()
        while True:
            time.sleep(args.chatter or 3600)
            if args.chatter:
                wa_id, name, messages = random.choice(CHATTER)
                simulator.customer_says(random.choice(list(simulator.accounts)), wa_id,
                                        random.choice(messages), name=name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
