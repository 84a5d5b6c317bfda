"""Webhook deliveries shaped like Meta's, and their signatures.

Standard library only: the addon's tests, the black-box tests and the benchmarks
(outside Odoo) all build their payloads here.
"""

import hashlib
import hmac
import itertools
import json
import time

_counter = itertools.count(1)


def new_wamid():
    return f"wamid.TEST{next(_counter):06d}{time.monotonic_ns()}"


def inbound(wa_id, kind="text", content=None, wamid=None, timestamp=None, **extra):
    """One element of ``messages``. ``content`` defaults to a text body."""
    message = {
        "from": wa_id,
        "id": wamid or new_wamid(),
        "timestamp": str(int(timestamp if timestamp is not None else time.time())),
        "type": kind,
        kind: content if content is not None else {"body": "Hello"},
    }
    message.update(extra)
    return message


def text(wa_id, body="Hello", **kwargs):
    return inbound(wa_id, "text", {"body": body}, **kwargs)


def contact(wa_id, name, user_id=None):
    """One element of ``contacts``: the sender's profile."""
    result = {"profile": {"name": name}, "wa_id": wa_id}
    if user_id:
        result["user_id"] = user_id
    return result


def status(wamid, state, recipient, timestamp=None, error=None):
    """One element of ``statuses``; ``error`` is ``(code, title)``."""
    result = {
        "id": wamid,
        "status": state,
        "timestamp": str(int(timestamp if timestamp is not None else time.time())),
        "recipient_id": recipient,
    }
    if error:
        result["errors"] = [{"code": error[0], "title": error[1],
                             "error_data": {"details": f"{error[1]} (details)"}}]
    return result


def change(phone_number_id, messages=(), contacts=(), statuses=(), field="messages"):
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": phone_number_id},
    }
    if contacts:
        value["contacts"] = list(contacts)
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"field": field, "value": value}


def delivery(*changes, waba_id="WABA1"):
    """A whole POST body: one entry per change."""
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": waba_id, "changes": [c]} for c in changes],
    }


def encode(payload):
    """Serialise like Meta: compact, non-ASCII escaped as ``\\uXXXX``."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()


def sign(body, app_secret):
    """The ``X-Hub-Signature-256`` header value of ``body``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
