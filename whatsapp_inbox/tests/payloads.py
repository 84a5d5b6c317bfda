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


def status(wamid, state, recipient, timestamp=None, error=None, pricing=None):
    """One element of ``statuses``; ``error`` is ``(code, title)``; ``pricing`` is
    ``(category, type)`` of per-message pricing (PMP, July 2025)."""
    result = {
        "id": wamid,
        "status": state,
        "timestamp": str(int(timestamp if timestamp is not None else time.time())),
        "recipient_id": recipient,
    }
    if pricing:
        result["pricing"] = {"billable": pricing[1] == "regular", "pricing_model": "PMP",
                             "category": pricing[0], "type": pricing[1]}
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


def field_change(phone_number_id, field, **lists):
    """A change of ``field`` whose value has the number's metadata and ``lists``."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": phone_number_id},
        **lists,
    }
    return {"field": field, "value": value}


def echo(wa_id, body="Sent from the phone", wamid=None, timestamp=None):
    """One element of ``message_echoes`` (``smb_message_echoes``, ``standby``): a message
    the business sent from the WhatsApp Business app (or Meta's agent) to ``wa_id``."""
    return {
        "from": "15550000000",
        "to": wa_id,
        "id": wamid or new_wamid(),
        "timestamp": str(int(timestamp if timestamp is not None else time.time())),
        "type": "text",
        "text": {"body": body},
    }


def history_thread(wa_id, *messages):
    """One thread of a ``history`` chunk; ``messages`` are ``(from_me, body, timestamp)``."""
    return {"id": wa_id, "messages": [{
        "from": "15550000000" if from_me else wa_id,
        **({"to": wa_id} if from_me else {}),
        "id": new_wamid(),
        "timestamp": str(int(timestamp)),
        "type": "text",
        "text": {"body": body},
        "history_context": {"status": "READ" if from_me else "DELIVERED",
                            **({"from_me": True} if from_me else {})},
    } for from_me, body, timestamp in messages]}


def history(phone_number_id, *threads, phase=0, chunk_order=1, progress=100):
    return field_change(phone_number_id, "history", history=[{
        "metadata": {"phase": phase, "chunk_order": chunk_order, "progress": progress},
        "threads": list(threads)}])


def state_sync(phone_number_id, phone, full_name=None, action="add"):
    card = {"phone_number": phone}
    if full_name:
        card.update(full_name=full_name, first_name=full_name.split()[0])
    return field_change(phone_number_id, "smb_app_state_sync", state_sync=[{
        "type": "contact", "contact": card, "action": action,
        "metadata": {"timestamp": str(int(time.time()))}}])


def user_preference(phone_number_id, wa_id, value="stop", name="Cliente"):
    """``user_preferences``: the customer stops or resumes marketing messages."""
    return field_change(
        phone_number_id, "user_preferences",
        contacts=[{"profile": {"name": name}, "wa_id": wa_id}],
        user_preferences=[{
            "wa_id": wa_id, "detail": f"User requested to {value} marketing messages",
            "category": "marketing_messages", "value": value,
            "timestamp": int(time.time())}])


def handover(phone_number_id, wa_id, action="pass_thread_control", new_owner_role=None):
    """``messaging_handovers`` (thread control, in the Messenger Platform's shape)."""
    control = {"metadata": "from Meta's agent"}
    if new_owner_role:
        control["new_owner_role"] = new_owner_role
    return field_change(phone_number_id, "messaging_handovers", messaging_handovers=[{
        "sender": {"wa_id": wa_id}, "recipient": {"id": phone_number_id},
        "timestamp": int(time.time() * 1000), action: control}])


def template_update(field, template_id, name, language="pt_BR", **value):
    """A change of one of the template fields (status, quality, category)."""
    return {"field": field, "value": {"message_template_id": template_id,
                                      "message_template_name": name,
                                      "message_template_language": language, **value}}


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
