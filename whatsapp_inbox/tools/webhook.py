"""Meta's webhook deliveries, parsed once into plain records.

:func:`parse` reads a raw POST body (the bytes Meta signed) into a :class:`Delivery`: the
customer messages, delivery statuses, sender profiles, template updates and per-change errors it
holds, each carrying the ``phone_number_id`` (or WABA id) it is for. A body is refused as a whole
(:class:`MalformedDelivery`) only when it is not a JSON object with an ``entry`` list. Inside,
types are checked where each field is read: an item with a wrong field becomes a
:class:`Problem` that names the item and the field, and the other items are kept.

Strings are cleaned where they are decoded: NUL characters (which PostgreSQL cannot store) are
removed and lone UTF-16 surrogates replaced by U+FFFD; identifiers (wamids, WhatsApp ids, phone
number ids) must be short printable ASCII, so that no cleaning ever changes one. Shape::

    {"object": "whatsapp_business_account", "entry": [{"id": "<WABA id>", "changes": [
      {"field": "messages", "value": {
        "metadata": {"phone_number_id": "...", "display_phone_number": "..."},
        "contacts": [{"wa_id": "5511...", "user_id": "BR.1...", "profile": {"name": "Ana"}}],
        "messages": [{"from": "5511...", "id": "wamid.X", "timestamp": "1700000000",
                      "type": "text", "text": {"body": "Hi"}, "context": {"id": "wamid.Y"}}],
        "statuses": [{"id": "wamid.Z", "status": "read", "timestamp": "1700000000",
                      "recipient_id": "5511...", "errors": [{"code": 131047, "title": "..."}]}],
        "errors": [{"code": 131000, "title": "...", "error_data": {"details": "..."}}]}},
      {"field": "message_template_status_update", "value": {"event": "APPROVED",
        "message_template_id": 123, "message_template_name": "x",
        "message_template_language": "pt_BR", "reason": "NONE"}}]}]}
"""

import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

MESSAGE_TYPES = [
    ("text", "Text"),
    ("image", "Image"),
    ("audio", "Audio"),
    ("video", "Video"),
    ("document", "Document"),
    ("sticker", "Sticker"),
    ("location", "Location"),
    ("contacts", "Contacts"),
    ("interactive", "Interactive reply"),
    ("button", "Button reply"),
    ("reaction", "Reaction"),
    ("order", "Order"),
    ("system", "System"),
    ("template", "Template"),
    ("unsupported", "Unsupported"),
]
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
_INBOUND_TYPES = {kind for kind, _label in MESSAGE_TYPES} - {"template"}

# A late status must not move a message backwards: each status lists the statuses it may
# replace. "failed" is final, so its reason is kept.
STATUS_REPLACES = {
    "sent": {"queued"},
    "delivered": {"queued", "sent"},
    "read": {"queued", "sent", "delivered"},
    "failed": {"queued", "sent", "delivered"},
}

# wamids, WhatsApp ids, business-scoped user ids, phone number and template ids
_ID = re.compile(r"[A-Za-z0-9._:+=/-]{1,256}")
_SURROGATES = re.compile("[\ud800-\udfff]")
# WhatsApp exists since 2009; a message from the future is a clock (or forgery) problem
_OLDEST = datetime(2009, 1, 1).timestamp()
_FUTURE_SLACK = 24 * 3600


class MalformedDelivery(ValueError):
    """The body is not a delivery at all (not JSON, no ``entry`` list)."""


class _Invalid(ValueError):
    """A field of one item is wrong; the message names it."""


@dataclass(frozen=True, slots=True)
class Media:
    id: str
    mime_type: str
    sha256: str
    filename: str


@dataclass(frozen=True, slots=True)
class Message:
    """A customer's message (an element of ``value.messages``)."""

    phone_number_id: str
    wamid: str
    customer: str  # ``from`` (digits), or ``from_user_id`` for customers hiding their number
    bsuid: str
    timestamp: datetime  # naive UTC
    kind: str  # a key of MESSAGE_TYPES
    body: str
    reply_to: str
    media: Media | None
    order_items: int  # for orders: how many products
    where: str
    # the button or list row chosen (its id), or a template quick reply's payload
    choice_id: str = ""


@dataclass(frozen=True, slots=True)
class Status:
    """What became of one of our messages (an element of ``value.statuses``)."""

    phone_number_id: str
    wamid: str
    status: str
    timestamp: datetime
    recipient: str
    error_code: str
    error_reason: str
    where: str


@dataclass(frozen=True, slots=True)
class Profile:
    """A sender's WhatsApp profile (an element of ``value.contacts``)."""

    phone_number_id: str
    wa_id: str
    bsuid: str
    name: str
    username: str


@dataclass(frozen=True, slots=True)
class TemplateUpdate:
    """A ``message_template_status_update`` of a WABA."""

    waba_id: str
    event: str
    template_id: str
    name: str
    language: str
    reason: str


@dataclass(frozen=True, slots=True)
class ChangeError:
    """An error Meta reports about a number (``value.errors``), not about one message."""

    phone_number_id: str
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class Problem:
    """An item that could not be read: where it is, its wamid if readable, and why."""

    where: str
    wamid: str
    error: str

    def __str__(self):
        wamid = f" ({self.wamid})" if self.wamid else ""
        return f"{self.where}{wamid}: {self.error}"


@dataclass(slots=True)
class Delivery:
    text: str = ""
    phone_number_ids: set = field(default_factory=set)
    waba_ids: set = field(default_factory=set)
    messages: list = field(default_factory=list)
    statuses: list = field(default_factory=list)
    profiles: list = field(default_factory=list)
    template_updates: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    ignored_fields: list = field(default_factory=list)

    def customers(self):
        """``(phone_number_id, customer)`` of every message and status."""
        return {(m.phone_number_id, m.customer) for m in self.messages} | {
            (s.phone_number_id, s.recipient) for s in self.statuses if s.recipient}


# ------------------------------------------------------------------------------- reading fields


def clean(text):
    """A decoded string PostgreSQL can store: NUL removed, lone surrogates replaced."""
    return _SURROGATES.sub("\ufffd", text.replace("\x00", ""))


def _kind_of(value):
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number",
            type(None): "null"}.get(type(value), type(value).__name__)


def _object(parent, key):
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Invalid(f"{key}: expected an object, got {_kind_of(value)}")
    return value


def _list(parent, key):
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Invalid(f"{key}: expected a list, got {_kind_of(value)}")
    return value


def _text(parent, key, max_length=None):
    value = parent.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Invalid(f"{key}: expected text, got {_kind_of(value)}")
    value = clean(value)
    if max_length and len(value) > max_length:
        raise _Invalid(f"{key}: longer than {max_length} characters")
    return value


def _id(parent, key, required=False):
    value = parent.get(key)
    if value is None or value == "":
        if required:
            raise _Invalid(f"{key}: missing")
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _Invalid(f"{key}: expected an id, got {_kind_of(value)}")
    if not _ID.fullmatch(value):
        raise _Invalid(f"{key}: not an id (printable ASCII, 256 characters at most): "
                       f"{clean(value)[:40]!r}")
    return value


def _timestamp(parent, key):
    """Meta's timestamps are Unix seconds, as text."""
    value = parent.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 16:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Invalid(f"{key}: expected Unix seconds, got {_kind_of(value)}")
    if not _OLDEST <= value <= time.time() + _FUTURE_SLACK:
        raise _Invalid(f"{key}: {value} is not a plausible time")
    return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)


def _number(parent, key):
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(f"{key}: expected a number, got {_kind_of(value)}")
    return value


def _first_error(parent):
    """``(code, reason)`` of the first element of ``errors``."""
    errors = _list(parent, "errors")
    if not errors:
        return "", ""
    error = errors[0]
    if not isinstance(error, dict):
        raise _Invalid(f"errors[0]: expected an object, got {_kind_of(error)}")
    code = error.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    elif code is not None and not isinstance(code, str):
        raise _Invalid(f"errors[0].code: expected a number, got {_kind_of(code)}")
    details = _text(_object(error, "error_data"), "details")
    title = _text(error, "title") or _text(error, "message")
    return clean(code or "")[:64], " — ".join(filter(None, [title, details]))


# ---------------------------------------------------------------------------------- the items


def _body(message, kind):
    """``(body, reply_to, media, order_items)`` of a message of type ``kind``."""
    if kind == "contacts":
        return _contact_cards(_list(message, "contacts")), "", None, 0
    if kind == "unsupported":  # Meta says why in errors[0]
        return _first_error(message)[1], "", None, 0
    content = _object(message, kind)
    if kind in MEDIA_TYPES:
        media = Media(_id(content, "id"), _text(content, "mime_type", 255),
                      _text(content, "sha256", 255), _text(content, "filename", 255))
        body = _text(content, "caption") or media.filename
        return body, "", media if media.id else None, 0
    if kind == "location":
        place = ", ".join(filter(None, [_text(content, "name"), _text(content, "address")]))
        coords = f"{_number(content, 'latitude')}, {_number(content, 'longitude')}"
        return (f"{place} ({coords})" if place else coords), "", None, 0
    if kind == "interactive":
        reply_type = _text(content, "type")
        reply = _object(content, reply_type) if reply_type else {}
        return _text(reply, "title") or _text(reply, "body"), "", None, 0
    if kind == "button":
        return _text(content, "text") or _text(content, "payload"), "", None, 0
    if kind == "reaction":
        return _text(content, "emoji"), _id(content, "message_id"), None, 0
    if kind == "order":
        return _text(content, "text"), "", None, len(_list(content, "product_items"))
    return _text(content, "body"), "", None, 0  # text, system


def _contact_cards(cards):
    """One line per shared contact card: its name and phone numbers."""
    lines = []
    for index, card in enumerate(cards):
        if not isinstance(card, dict):
            raise _Invalid(f"contacts[{index}]: expected an object, got {_kind_of(card)}")
        try:
            phones = []
            for number, phone in enumerate(_list(card, "phones")):
                if not isinstance(phone, dict):
                    raise _Invalid(f"phones[{number}]: expected an object, got {_kind_of(phone)}")
                phones.append(_text(phone, "phone"))
            words = [_text(_object(card, "name"), "formatted_name"), *phones]
        except _Invalid as error:
            raise _Invalid(f"contacts[{index}].{error}") from None
        lines.append(" ".join(filter(None, words)))
    return "\n".join(lines)


def _message(message, phone_number_id, where):
    customer_id, bsuid = _id(message, "from"), _id(message, "from_user_id")
    kind = message.get("type")
    if not isinstance(kind, str):
        raise _Invalid(f"type: expected text, got {_kind_of(kind)}")
    if not customer_id and not bsuid:
        raise _Invalid("from: missing")
    kind = kind if kind in _INBOUND_TYPES else "unsupported"  # a type we do not know yet
    body, reply_to, media, order_items = _body(message, kind)
    return Message(
        phone_number_id=phone_number_id,
        wamid=_id(message, "id", required=True),
        customer=customer_id or bsuid,
        bsuid=bsuid,
        timestamp=_timestamp(message, "timestamp"),
        kind=kind,
        body=body,
        reply_to=reply_to or _id(_object(message, "context"), "id"),
        media=media,
        order_items=order_items,
        where=where,
        choice_id=_choice_id(message, kind),
    )


def _choice_id(message, kind):
    """The id of the reply button or list row the customer tapped (``interactive``
    ``button_reply`` / ``list_reply``), or the payload of a template's quick reply."""
    if kind == "button":
        return _text(_object(message, "button"), "payload", 256)
    if kind == "interactive":
        content = _object(message, "interactive")
        reply_type = _text(content, "type")
        if reply_type in ("button_reply", "list_reply"):
            return _text(_object(content, reply_type), "id", 256)
    return ""


def _status(status, phone_number_id, where):
    error_code, error_reason = _first_error(status)
    return Status(
        phone_number_id=phone_number_id,
        wamid=_id(status, "id", required=True),
        status=_text(status, "status", 32) or "",
        timestamp=_timestamp(status, "timestamp"),
        recipient=_id(status, "recipient_id") or _id(status, "recipient_user_id"),
        error_code=error_code,
        error_reason=error_reason,
        where=where,
    )


def _profile(contact, phone_number_id):
    profile = _object(contact, "profile")
    return Profile(phone_number_id, _id(contact, "wa_id"), _id(contact, "user_id"),
                   _text(profile, "name", 255), _text(profile, "username", 255))


def _template_update(value, waba_id):
    return TemplateUpdate(waba_id, _text(value, "event", 32), _id(value, "message_template_id"),
                          _text(value, "message_template_name", 512),
                          _text(value, "message_template_language", 32),
                          _text(value, "reason", 512))


# -------------------------------------------------------------------------------- the delivery


def decode(body):
    """The text of a raw body: UTF-8 with or without byte-order mark, UTF-16 or UTF-32."""
    try:
        return body.decode(json.detect_encoding(body))
    except UnicodeDecodeError as error:
        raise MalformedDelivery(f"not text in a JSON encoding: {error.reason}") from None


def parse(body):
    """The :class:`Delivery` of a raw body (bytes, or the text of a journaled one).

    :raise MalformedDelivery: when the body is not a JSON object with an ``entry`` list
    """
    text = decode(body) if isinstance(body, bytes) else body
    try:
        payload = json.loads(text)
    except RecursionError:
        raise MalformedDelivery("JSON nested too deeply") from None
    except ValueError as error:
        raise MalformedDelivery(f"not JSON: {error}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise MalformedDelivery("not a webhook delivery: no 'entry' list")
    delivery = Delivery(text=text)
    for index, entry in enumerate(payload["entry"]):
        _read_entry(delivery, entry, f"entry[{index}]")
    return delivery


def _read_entry(delivery, entry, where):
    try:
        if not isinstance(entry, dict):
            raise _Invalid(f"expected an object, got {_kind_of(entry)}")
        waba_id = _id(entry, "id")
        changes = _list(entry, "changes")
    except _Invalid as error:
        delivery.problems.append(Problem(where, "", str(error)))
        return
    if waba_id:
        delivery.waba_ids.add(waba_id)
    for index, change in enumerate(changes):
        _read_change(delivery, change, waba_id, f"{where}.changes[{index}]")


def _read_change(delivery, change, waba_id, where):
    try:
        if not isinstance(change, dict):
            raise _Invalid(f"expected an object, got {_kind_of(change)}")
        kind = _text(change, "field", 128)
        value = change.get("value")
        if not isinstance(value, dict):
            raise _Invalid(f"value: expected an object, got {_kind_of(value)}")
        if kind == "message_template_status_update":
            delivery.template_updates.append(_template_update(value, waba_id))
            return
        if kind != "messages":
            delivery.ignored_fields.append(kind)
            return
        metadata = _object(value, "metadata")
        try:
            phone_number_id = _id(metadata, "phone_number_id", required=True)
        except _Invalid as error:
            raise _Invalid(f"metadata.{error}") from None
        lists = {key: _list(value, key) for key in ("contacts", "messages", "statuses", "errors")}
    except _Invalid as error:
        delivery.problems.append(Problem(where, "", str(error)))
        return
    delivery.phone_number_ids.add(phone_number_id)
    readers = {
        "contacts": lambda item, _where: delivery.profiles.append(
            _profile(item, phone_number_id)),
        "messages": lambda item, at: delivery.messages.append(
            _message(item, phone_number_id, at)),
        "statuses": lambda item, at: delivery.statuses.append(
            _status(item, phone_number_id, at)),
        "errors": lambda item, _where: delivery.errors.append(
            ChangeError(phone_number_id, *_first_error({"errors": [item]}))),
    }
    for key, items in lists.items():
        for index, item in enumerate(items):
            at = f"{where}.value.{key}[{index}]"
            try:
                if not isinstance(item, dict):
                    raise _Invalid(f"expected an object, got {_kind_of(item)}")
                readers[key](item, at)
            except _Invalid as error:
                wamid = item.get("id") if isinstance(item, dict) else None
                readable = isinstance(wamid, str) and _ID.fullmatch(wamid)
                delivery.problems.append(Problem(at, wamid if readable else "", str(error)))
