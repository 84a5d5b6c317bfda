"""Meta's webhook deliveries, parsed once into plain records.

:func:`parse` reads a raw POST body (the bytes Meta signed) into a :class:`Delivery`: the
customer messages, delivery statuses (with their pricing), sender profiles, template updates
(status, quality, category) and per-change errors it holds, each carrying the
``phone_number_id`` (or WABA id) it is for; also the messages written elsewhere
(``smb_message_echoes``, ``history``, ``standby``: :class:`Message` with its ``origin`` and
``direction``), marketing preferences (``user_preferences``), the Business app's contacts
(``smb_app_state_sync``), handovers (``messaging_handovers``) and, for any other field, an
:class:`Unsupported` record with the raw change. A body is refused as a whole
(:class:`MalformedDelivery`) only when it is not a JSON object with an ``entry`` list. Inside,
types are checked where each field is read: an item with a wrong field becomes a
:class:`Problem` that names the item and the field, and the other items are kept.

Strings are cleaned where they are decoded: NUL characters (which PostgreSQL cannot store) are
removed and lone UTF-16 surrogates replaced by U+FFFD; identifiers (wamids, WhatsApp ids, phone
number ids) must be short printable ASCII, so that no cleaning ever changes one. Shape::

    {"object": "whatsapp_business_account", "entry": [{"id": "<WABA id>", "changes": [
      {"field": "messages", "value": {
        "metadata": {"phone_number_id": "...", "display_phone_number": "..."},
        "contacts": [{"wa_id": "5511...", "user_id": "BR.1...", "parent_user_id": "BR.ENT.1...",
                      "profile": {"name": "Ana", "username": "@ana"}}],
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


# Meta's pricing categories (a status's ``pricing.category``), with their labels
PRICING_CATEGORIES = [
    ("marketing", "Marketing"), ("marketing_lite", "Marketing lite"), ("utility", "Utility"),
    ("authentication", "Authentication"),
    ("authentication_international", "Authentication (international)"),
    ("service", "Service"), ("referral_conversion", "Referral conversion"),
]


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
    # who wrote it: "in" the customer, "out" us (an echo of the Business app or Meta's agent)
    direction: str = "in"
    # the field it came on: messages, smb_message_echoes, history, standby
    origin: str = "messages"
    status: str = ""  # history and echoes: what Meta says became of it
    shared_wa_id: str = ""  # a contacts message answering our request for the phone number
    raw: str = ""  # unsupported types: the item as Meta sent it (JSON)
    # the button or list row chosen (its id), or a template quick reply's payload
    choice_id: str = ""
    # the customer's id across the portfolios of a parent BSUID account ("BR.ENT.…"), sent
    # as ``from_parent_user_id`` (``to_parent_user_id`` on echoes) when Meta enabled them
    parent_bsuid: str = ""


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
    billable: bool | None = None  # ``pricing``: deprecated by Meta since v16, may be absent
    pricing_category: str = ""  # marketing, utility, authentication, service, ...
    pricing_model: str = ""  # PMP (per-message pricing, July 2025), CBP before
    pricing_type: str = ""  # regular, free_customer_service, free_entry_point


@dataclass(frozen=True, slots=True)
class Profile:
    """A sender's WhatsApp profile (an element of ``value.contacts``)."""

    phone_number_id: str
    wa_id: str
    bsuid: str
    name: str
    username: str
    parent_bsuid: str = ""  # ``parent_user_id``: only when parent BSUIDs are enabled


@dataclass(frozen=True, slots=True)
class TemplateUpdate:
    """A ``message_template_status_update`` (``kind`` status), ``message_template_quality_update``
    (``quality``: ``previous``/``new`` GREEN, YELLOW, RED, UNKNOWN) or
    ``template_category_update`` (``category``: done, or ``scheduled`` for ``new`` at
    ``scheduled_at``) of a WABA."""

    waba_id: str
    event: str
    template_id: str
    name: str
    language: str
    reason: str
    kind: str = "status"
    previous: str = ""
    new: str = ""
    scheduled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Preference:
    """A ``user_preferences`` item: the customer stops (``stop``) or resumes (``resume``)
    marketing messages on one number."""

    phone_number_id: str
    customer: str
    bsuid: str
    category: str
    value: str
    detail: str
    timestamp: datetime
    where: str


@dataclass(frozen=True, slots=True)
class ContactSync:
    """An ``smb_app_state_sync`` contact of the WhatsApp Business app's address book."""

    phone_number_id: str
    phone: str  # digits
    full_name: str
    first_name: str
    action: str  # add (added or edited), remove
    where: str


@dataclass(frozen=True, slots=True)
class Handover:
    """A ``messaging_handovers`` item: who now answers the customer, this app or Meta's agent."""

    phone_number_id: str
    customer: str
    bsuid: str
    to_us: bool  # control passed (or released) to this app
    action: str
    timestamp: datetime | None
    raw: str
    where: str


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A change of a field this inbox does not handle: journaled, shown to administrators."""

    waba_id: str
    field: str
    raw: str


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
    preferences: list = field(default_factory=list)
    contact_syncs: list = field(default_factory=list)
    handovers: list = field(default_factory=list)
    unsupported: list = field(default_factory=list)

    def customers(self):
        """``(phone_number_id, customer)`` of every message, status, preference and handover."""
        return {(m.phone_number_id, m.customer) for m in self.messages} | {
            (s.phone_number_id, s.recipient) for s in self.statuses if s.recipient} | {
            (i.phone_number_id, i.customer) for i in self.preferences + self.handovers}


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


def _message(message, phone_number_id, where, origin="messages", echo=False, thread=""):
    """A message of ``value.messages`` (the customer's), ``value.message_echoes`` (ours, typed
    in the Business app or by Meta's agent: sent ``to`` the customer) or of a ``history``
    thread (``thread`` the customer; ours when ``history_context.from_me`` or not ``from``
    the customer)."""
    kind = message.get("type")
    if not isinstance(kind, str):
        raise _Invalid(f"type: expected text, got {_kind_of(kind)}")
    context = _object(message, "history_context")
    sender, sender_bsuid = _id(message, "from"), _id(message, "from_user_id")
    if echo:
        direction = "out"
        # the number as the business typed it: Meta's examples show "+16505551234"
        customer_id, bsuid = _id(message, "to").lstrip("+"), _id(message, "to_user_id")
    elif thread:
        from_me = context.get("from_me") is True or sender not in (thread, "") and \
            sender_bsuid != thread
        direction = "out" if from_me else "in"
        customer_id, bsuid = (thread, "") if thread.isdigit() else ("", thread)
    else:
        direction, customer_id, bsuid = "in", sender, sender_bsuid
    if not customer_id and not bsuid:
        raise _Invalid("to: missing" if echo else "from: missing")
    known = kind in _INBOUND_TYPES or (direction == "out" and kind == "template")
    kind = kind if known else "unsupported"  # a type we do not know yet
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
        direction=direction,
        origin="history" if thread else origin,
        status=_text(context, "status", 32).lower(),
        shared_wa_id=_shared_wa_id(message) if kind == "contacts" else "",
        # kept whole: types we do not display, and a flow's answers (``response_json``)
        raw=json.dumps(message, ensure_ascii=False) if kind == "unsupported" or (
            kind == "interactive" and _object(message, "interactive").get("type")
            == "nfm_reply") else "",
        choice_id=_choice_id(message, kind),
        parent_bsuid=_id(message, "to_parent_user_id" if echo else "from_parent_user_id"),
    )


def _shared_wa_id(message):
    """The WhatsApp id the customer shared by tapping our request for their phone number:
    a contacts message whose ``origin`` is ``contact_request`` (on the message, as in Meta's
    example, or on the card). The card's phone has a ``wa_id``, or only the ``phone``."""
    from_request = message.get("origin") == "contact_request"
    for card in _list(message, "contacts"):
        if isinstance(card, dict) and (from_request or card.get("origin") == "contact_request"):
            for phone in _list(card, "phones"):
                if not isinstance(phone, dict):
                    continue
                digits = "".join(c for c in _text(phone, "phone", 64) if c.isdigit())
                if wa_id := _id(phone, "wa_id") or digits:
                    return wa_id
    return ""


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
    pricing = _object(status, "pricing")
    billable = pricing.get("billable")
    if billable is not None and not isinstance(billable, bool):
        raise _Invalid(f"pricing.billable: expected a boolean, got {_kind_of(billable)}")
    try:
        pricing_values = [_text(pricing, key, 64).lower() for key in ("category", "type")]
        pricing_model = _text(pricing, "pricing_model", 16).upper()
    except _Invalid as error:
        raise _Invalid(f"pricing.{error}") from None
    return Status(
        phone_number_id=phone_number_id,
        wamid=_id(status, "id", required=True),
        status=_text(status, "status", 32) or "",
        timestamp=_timestamp(status, "timestamp"),
        recipient=_id(status, "recipient_id") or _id(status, "recipient_user_id"),
        error_code=error_code,
        error_reason=error_reason,
        where=where,
        billable=billable,
        pricing_category=pricing_values[0],
        pricing_model=pricing_model,
        pricing_type=pricing_values[1],
    )


def _profile(contact, phone_number_id):
    profile = _object(contact, "profile")
    return Profile(phone_number_id, _id(contact, "wa_id"), _id(contact, "user_id"),
                   _text(profile, "name", 255), _text(profile, "username", 255),
                   _id(contact, "parent_user_id"))


def _template_update(value, waba_id, field_name="message_template_status_update"):
    common = (waba_id, _text(value, "event", 32), _id(value, "message_template_id"),
              _text(value, "message_template_name", 512),
              _text(value, "message_template_language", 32), _text(value, "reason", 512))
    if field_name == "message_template_quality_update":
        return TemplateUpdate(*common, kind="quality",
                              previous=_text(value, "previous_quality_score", 32).upper(),
                              new=_text(value, "new_quality_score", 32).upper())
    if field_name == "template_category_update":
        if value.get("correct_category") is not None:  # impending: new_category is current
            return TemplateUpdate(
                *common, kind="category", previous=_text(value, "new_category", 32).upper(),
                new=_text(value, "correct_category", 32).upper(),
                scheduled_at=_timestamp(value, "category_update_timestamp"))
        return TemplateUpdate(*common, kind="category",
                              previous=_text(value, "previous_category", 32).upper(),
                              new=_text(value, "new_category", 32).upper())
    return TemplateUpdate(*common)


def _preference(item, phone_number_id, where):
    customer_id, bsuid = _id(item, "wa_id"), _id(item, "user_id")
    if not customer_id and not bsuid:
        raise _Invalid("wa_id: missing")
    return Preference(phone_number_id, customer_id or bsuid, bsuid,
                      _text(item, "category", 64), _text(item, "value", 32).lower(),
                      _text(item, "detail", 512), _timestamp(item, "timestamp"), where)


def _contact_sync(item, phone_number_id, where):
    contact = _object(item, "contact")
    phone_text = _text(contact, "phone_number", 32)
    digits = "".join(c for c in phone_text if c.isdigit())
    if not digits:
        raise _Invalid("contact.phone_number: missing")
    return ContactSync(phone_number_id, digits, _text(contact, "full_name", 255),
                       _text(contact, "first_name", 255), _text(item, "action", 16), where)


# Handover actions (Meta's thread control) that give the conversation to this app
_TO_US = {"pass_thread_control", "take_thread_control"}


def _handover(item, phone_number_id, where, app_id=""):
    """``messaging_handovers``: the Messenger shape (``sender``, ``recipient``, then one of
    ``pass_thread_control``, ``take_thread_control``, ``release_thread_control`` with
    ``new_owner_app_id``), the customer also given as ``wa_id`` / ``user_id``."""
    sender = _object(item, "sender")
    customer_id = _id(item, "wa_id") or _id(sender, "wa_id")
    bsuid = _id(item, "user_id") or _id(sender, "user_id") or _id(sender, "id")
    if customer_id == bsuid:
        bsuid = ""
    if not customer_id and not bsuid:
        raise _Invalid("sender: missing")
    action = next((key for key in ("pass_thread_control", "take_thread_control",
                                   "release_thread_control", "request_thread_control")
                   if isinstance(item.get(key), dict)), "")
    control = _object(item, action) if action else {}
    new_owner = _id(control, "new_owner_app_id")
    owner_role = _text(control, "new_owner_role", 64).lower()
    if owner_role:
        to_us = owner_role not in ("ai_agent", "meta_business_agent")
    elif new_owner and app_id:
        to_us = new_owner == app_id
    else:
        # without an owner: a release hands it back to Meta's agent, a pass or take to us
        to_us = action in _TO_US
    timestamp = item.get("timestamp")
    if isinstance(timestamp, int) and timestamp > 10**11:  # Messenger's are milliseconds
        item = dict(item, timestamp=timestamp // 1000)
    return Handover(phone_number_id, customer_id or bsuid, bsuid, to_us, action,
                    _timestamp(item, "timestamp") if item.get("timestamp") else None,
                    json.dumps(item, ensure_ascii=False), where)


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


# Fields whose value carries ``metadata.phone_number_id`` and lists of items, and the name
# ``Message.origin`` gives their messages
_NUMBER_FIELDS = {"messages": "messages", "standby": "standby", "smb_message_echoes": "echo",
                  "history": "history", "smb_app_state_sync": "messages",
                  "user_preferences": "messages", "messaging_handovers": "messages"}
_TEMPLATE_FIELDS = ("message_template_status_update", "message_template_quality_update",
                    "template_category_update")
_LISTS = ("contacts", "messages", "message_echoes", "statuses", "errors", "user_preferences",
          "state_sync", "history", "messaging_handovers")


def _read_change(delivery, change, waba_id, where):
    try:
        if not isinstance(change, dict):
            raise _Invalid(f"expected an object, got {_kind_of(change)}")
        kind = _text(change, "field", 128)
        value = change.get("value")
        if not isinstance(value, dict):
            raise _Invalid(f"value: expected an object, got {_kind_of(value)}")
        if kind in _TEMPLATE_FIELDS:
            delivery.template_updates.append(_template_update(value, waba_id, kind))
            return
        if kind not in _NUMBER_FIELDS:
            # journaled with its delivery, and kept visible on it: never lost
            delivery.ignored_fields.append(kind)
            delivery.unsupported.append(Unsupported(
                waba_id, kind, json.dumps(change, ensure_ascii=False)))
            return
        metadata = _object(value, "metadata")
        try:
            phone_number_id = _id(metadata, "phone_number_id", required=True)
        except _Invalid as error:
            raise _Invalid(f"metadata.{error}") from None
        lists = {key: _list(value, key) for key in _LISTS}
        if kind == "messaging_handovers" and not lists["messaging_handovers"]:
            lists["messaging_handovers"] = [value]  # one handover per change
    except _Invalid as error:
        delivery.problems.append(Problem(where, "", str(error)))
        return
    delivery.phone_number_ids.add(phone_number_id)
    origin = _NUMBER_FIELDS[kind]
    readers = {
        "contacts": lambda item, _where: delivery.profiles.append(
            _profile(item, phone_number_id)),
        "messages": lambda item, at: delivery.messages.append(
            _message(item, phone_number_id, at, origin)),
        "message_echoes": lambda item, at: delivery.messages.append(
            _message(item, phone_number_id, at, origin, echo=True)),
        "statuses": lambda item, at: delivery.statuses.append(
            _status(item, phone_number_id, at)),
        "errors": lambda item, _where: delivery.errors.append(
            ChangeError(phone_number_id, *_first_error({"errors": [item]}))),
        "user_preferences": lambda item, at: delivery.preferences.append(
            _preference(item, phone_number_id, at)),
        "state_sync": lambda item, at: delivery.contact_syncs.append(
            _contact_sync(item, phone_number_id, at)) if item.get("type", "contact") ==
            "contact" else None,
        "history": lambda item, at: _read_history(delivery, item, phone_number_id, at),
        "messaging_handovers": lambda item, at: delivery.handovers.append(
            _handover(item, phone_number_id, at)),
    }
    for key, items in lists.items():
        _read_items(delivery, items, readers[key], f"{where}.value.{key}")


def _read_items(delivery, items, reader, where):
    for index, item in enumerate(items):
        at = f"{where}[{index}]"
        try:
            if not isinstance(item, dict):
                raise _Invalid(f"expected an object, got {_kind_of(item)}")
            reader(item, at)
        except _Invalid as error:
            wamid = item.get("id") if isinstance(item, dict) else None
            readable = isinstance(wamid, str) and _ID.fullmatch(wamid)
            delivery.problems.append(Problem(at, wamid if readable else "", str(error)))


def _read_history(delivery, chunk, phone_number_id, where):
    """One chunk of ``history``: ``{"metadata": {"phase", "chunk_order", "progress"},
    "threads": [{"id": customer, "messages": [...]}]}``, or ``errors`` when the business
    declined to share its history."""
    for error in _list(chunk, "errors"):
        if isinstance(error, dict):
            delivery.errors.append(ChangeError(phone_number_id, *_first_error(
                {"errors": [error]})))
    for index, thread in enumerate(_list(chunk, "threads")):
        at = f"{where}.threads[{index}]"
        if not isinstance(thread, dict):
            delivery.problems.append(Problem(at, "", f"expected an object, got {_kind_of(thread)}"))
            continue
        try:
            customer = _id(thread, "id", required=True).lstrip("+")
            messages = _list(thread, "messages")
        except _Invalid as error:
            delivery.problems.append(Problem(at, "", str(error)))
            continue
        _read_items(delivery, messages, lambda item, item_at, customer=customer:
                    delivery.messages.append(_message(item, phone_number_id, item_at,
                                                      "history", thread=customer)),
                    f"{at}.messages")


# --------------------------------------------------------------- removing customers (erasure)
# A delivery's ``messages`` changes carry, per number (``metadata.phone_number_id``), three
# lists whose items belong to one customer each, by these keys::
#
#     contacts: {"wa_id": "5511987654321", "user_id": "BR.150...", "profile": {...}}
#     messages: {"from": "5511987654321", "from_user_id": "BR.150...", ...}
#     statuses: {"recipient_id": "5511987654321", "recipient_user_id": "BR.150...", ...}
# The erasure model decides which journaled deliveries to rewrite with :func:`strip_customers`.

CUSTOMER_KEYS = {
    "contacts": ("wa_id", "user_id"),
    "messages": ("from", "from_user_id"),
    "statuses": ("recipient_id", "recipient_user_id"),
}


def _belongs_to(item, keys, customers):
    return isinstance(item, dict) and any(
        isinstance(item.get(key), str) and item[key] in customers for key in keys)


def strip_customers(payload, targets):
    """Remove the items of some customers from a delivery.

    :param payload: the decoded delivery (``{"entry": [{"changes": [...]}]}``)
    :param dict targets: ``{phone_number_id: {customer ids}}``, the customers'
        WhatsApp ids and business-scoped user ids on each of our numbers; under the
        key ``None``, customers to remove on every number
    :return: ``(payload, removed)``: the delivery without those items, its emptied
        changes and entries dropped (``None`` when nothing else is left), and how
        many items were removed
    """
    removed = 0
    entries = payload.get("entry") if isinstance(payload, dict) else None
    if not isinstance(entries, list):
        return payload, 0
    kept_entries = []
    for entry in entries:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            kept_entries.append(entry)
            continue
        kept_changes = []
        for change in changes:
            value = change.get("value") if isinstance(change, dict) else None
            metadata = value.get("metadata") if isinstance(value, dict) else None
            phone_number_id = metadata.get("phone_number_id") if isinstance(
                metadata, dict) else None
            customers = targets.get(None, set())
            if isinstance(phone_number_id, str):
                customers = customers | targets.get(phone_number_id, set())
            if not customers:
                kept_changes.append(change)
                continue
            had_items = left = 0
            for kind, keys in CUSTOMER_KEYS.items():
                items = value.get(kind)
                if not isinstance(items, list):
                    continue
                kept = [item for item in items if not _belongs_to(item, keys, customers)]
                removed += len(items) - len(kept)
                had_items += len(items)
                left += len(kept)
                value[kind] = kept
            if not had_items or left:
                kept_changes.append(change)
        if kept_changes:
            entry["changes"] = kept_changes
            kept_entries.append(entry)
    if not kept_entries:
        return None, removed
    payload["entry"] = kept_entries
    return payload, removed
