"""Deliveries for the fault suite: a realistic corpus, and hostile signed bodies.

Standard library only (besides the payload builders shared with the addon's tests).
"""

import codecs
import json
import re

import payloads

BOX = "{box}"  # replaced by a run's own prefix, so that wamids stay unique across runs
OUTBOUND_TO = "5531900000004"  # a customer we wrote to, who never writes


def corpus(phone_number_id, waba_id, t0):
    """A day of deliveries of one number: every message type, profiles, usernames, both
    spellings of a Brazilian mobile, statuses (in and out of order, for unknown wamids too),
    a template update, an unhandled field and a bad item next to good ones, then every newer
    field (:func:`platform`). Timestamps are fixed, wamids contain ``BOX``. The outbound
    messages of ``outbound()`` are the statuses' targets."""
    ana, bia_old, bia, caio = "5511900000001", "551188880002", "5511988880002", "5521900000003"
    davi = OUTBOUND_TO
    user = "BR.1502576394655843"

    def at(seconds):
        return t0 + seconds

    def text(wa_id, body, n, **extra):
        return payloads.text(wa_id, body, wamid=f"wamid.{BOX}.in{n}", timestamp=at(n), **extra)

    def kind(wa_id, message_type, content, n, **extra):
        return payloads.inbound(wa_id, message_type, content, wamid=f"wamid.{BOX}.in{n}",
                                timestamp=at(n), **extra)

    def status(n, state, seconds, error=None):
        return payloads.status(f"wamid.{BOX}.out{n}", state, davi, timestamp=at(seconds),
                               error=error)

    def delivery(*changes):
        return payloads.delivery(*changes, waba_id=waba_id)

    def messages(*items, contacts=()):
        return payloads.change(phone_number_id, messages=items, contacts=contacts)

    def statuses(*items):
        return payloads.change(phone_number_id, statuses=items)

    by_username = payloads.text(None, "oi, sou a Duda", wamid=f"wamid.{BOX}.in40",
                                timestamp=at(40))
    del by_username["from"]
    by_username["from_user_id"] = user
    bad = text(ana, "never stored", 99)
    bad["timestamp"] = "next tuesday"
    return [
        delivery(messages(text(ana, "Oi, tudo bem?", 1),
                          contacts=[payloads.contact(ana, "Ana")])),
        delivery(messages(kind(ana, "image", {"id": "M1", "mime_type": "image/jpeg",
                                              "caption": "o defeito"}, 2))),
        delivery(messages(kind(ana, "reaction", {"message_id": f"wamid.{BOX}.in1",
                                                 "emoji": "👍"}, 3))),
        delivery(messages(text(ana, "este aqui", 4, context={"id": f"wamid.{BOX}.in2"}))),
        delivery(messages(text(bia_old, "oi", 10), text(bia, "sou eu de novo", 11),
                          contacts=[payloads.contact(bia_old, "Bia"),
                                    payloads.contact(bia, "Bia")])),
        delivery(messages(text(bia, "alguém?", 12), contacts=[payloads.contact(bia, "Bia")])),
        delivery(messages(kind(caio, "location", {"latitude": -22.9, "longitude": -43.2,
                                                  "name": "Loja"}, 20),
                          kind(caio, "contacts", {}, 21, contacts=[
                              {"name": {"formatted_name": "Pedro"},
                               "phones": [{"phone": "+55 11 90000-0000"}]}]),
                          contacts=[payloads.contact(caio, "Caio")])),
        delivery(messages(kind(caio, "interactive", {"type": "button_reply", "button_reply": {
            "id": "yes", "title": "Sim"}}, 22), kind(caio, "button", {"text": "Parar"}, 23),
            kind(caio, "order", {"product_items": [{"product_retailer_id": "A"}]}, 24),
            kind(caio, "ephemeral", {}, 25))),
        delivery(messages(by_username, contacts=[{"profile": {"name": "Duda",
                                                              "username": "@duda"},
                                                  "user_id": user}])),
        delivery(statuses(status(1, "delivered", 31), status(1, "sent", 30))),
        delivery(statuses(status(1, "read", 32), status(2, "sent", 30))),
        delivery(statuses(status(2, "failed", 33, error=(131026, "Message undeliverable")))),
        delivery(statuses(status(3, "read", 34), status("foreign", "delivered", 35))),
        delivery(payloads.change(phone_number_id, field="account_update")),
        delivery({"field": "message_template_status_update", "value": {
            "event": "APPROVED", "message_template_name": f"promo_{BOX}",
            "message_template_language": "pt_BR", "reason": "NONE"}}),
        delivery(messages(bad, text(caio, "ainda aí?", 50))),
        *platform(phone_number_id, waba_id, t0),
    ]


PACED = f"paced_{BOX}"  # a template Meta paces, rates and recategorises


def platform(phone_number_id, waba_id, t0):
    """The fields and shapes of Meta's 2026 platform (Graph API v23.0 to v24.0), one body per
    Meta example: coexistence (``smb_message_echoes``, ``history``, ``smb_app_state_sync``),
    Meta's agent (``standby``, ``messaging_handovers``), ``user_preferences``, the template
    lifecycle (quality, category, a pause after pacing), per-message pricing on statuses,
    customers known only by their business-scoped user id (with a parent BSUID and a
    username) sharing their number on request, list and flow replies, and a message type
    Meta itself does not support. Each customer appears in one field only, so that the
    final state does not depend on the order of arrival."""
    ana, caio, eva, fabio = "5511900000001", "5521900000003", "5511900000005", "5511900000006"
    helena, ivo = "5511900000008", "5511900000009"
    jonas, jonas_parent = "BR.1700000000000009", "BR.ENT.1700000000000009"

    def at(seconds):
        return str(t0 + seconds)

    def field(name, **lists):
        return {"field": name, "value": {"messaging_product": "whatsapp", "metadata": {
            "display_phone_number": "15550000000", "phone_number_id": phone_number_id},
            **lists}}

    def delivery(*changes):
        return payloads.delivery(*changes, waba_id=waba_id)

    def caio_says(n, message_type, content, **extra):
        return {"from": caio, "id": f"wamid.{BOX}.in{n}", "timestamp": at(n),
                "type": message_type, **({message_type: content} if content else {}), **extra}

    def jonas_says(n, message_type, content, **extra):
        return {"from_user_id": jonas, "from_parent_user_id": jonas_parent,
                "id": f"wamid.{BOX}.in{n}", "timestamp": at(n), "type": message_type,
                message_type: content, **extra}

    jonas_profile = [{"profile": {"name": "Jonas", "username": "@jonas.r"}, "user_id": jonas,
                      "parent_user_id": jonas_parent}]
    template = {"message_template_id": 990000000000001, "message_template_name": PACED,
                "message_template_language": "pt_BR"}
    return [
        # the business answered Eva from the WhatsApp Business app (coexistence)
        delivery(field("smb_message_echoes", message_echoes=[{
            "from": "15550000000", "to": eva, "id": f"wamid.{BOX}.echo1", "timestamp": at(60),
            "type": "text", "text": {"body": "Respondido pelo celular"}}])),
        # six months of the app's chats, imported at onboarding
        delivery(field("history", history=[{
            "metadata": {"phase": 0, "chunk_order": 1, "progress": 100},
            "threads": [{"id": fabio, "messages": [
                {"from": fabio, "id": f"wamid.{BOX}.hist1", "timestamp": at(-86400 * 30),
                 "type": "text", "text": {"body": "Vocês abrem sábado?"},
                 "history_context": {"status": "READ"}},
                {"from": "15550000000", "to": fabio, "id": f"wamid.{BOX}.hist2",
                 "timestamp": at(-86400 * 30 + 60), "type": "text",
                 "text": {"body": "Abrimos das 9h às 13h"},
                 "history_context": {"status": "READ", "from_me": True}}]}]}])),
        delivery(field("smb_app_state_sync", state_sync=[{
            "type": "contact", "action": "add", "metadata": {"timestamp": at(61)},
            "contact": {"full_name": "Gabi Lima", "first_name": "Gabi",
                        "phone_number": "+55 11 90000-0007"}}])),
        # Meta's agent holds Helena's conversation: her message arrives on standby
        delivery(field("standby", contacts=[payloads.contact(helena, "Helena")], messages=[{
            "from": helena, "id": f"wamid.{BOX}.in62", "timestamp": at(62), "type": "text",
            "text": {"body": "Quero falar com o assistente"}}])),
        delivery(field("messaging_handovers", messaging_handovers=[{
            "sender": {"wa_id": ivo}, "recipient": {"id": phone_number_id},
            "timestamp": (t0 + 63) * 1000,
            "release_thread_control": {"metadata": "back to Meta's agent"}}])),
        delivery(field("user_preferences", contacts=[payloads.contact(ana, "Ana")],
                       user_preferences=[{
                           "wa_id": ana, "detail": "User requested to stop marketing messages",
                           "category": "marketing_messages", "value": "stop",
                           "timestamp": t0 + 64}])),
        delivery({"field": "message_template_quality_update", "value": {
            **template, "previous_quality_score": "GREEN", "new_quality_score": "YELLOW"}}),
        delivery({"field": "template_category_update", "value": {
            **template, "previous_category": "UTILITY", "new_category": "MARKETING"}}),
        delivery({"field": "message_template_status_update", "value": {
            **template, "event": "PAUSED", "reason": "NONE",
            "message_template_category": "MARKETING", "other_info": {
                "title": "FIRST_PAUSE", "description": "Paused for 3 hours after pacing: "
                                                       "customers reported it."}}}),
        # per-message pricing (PMP, July 2025) on a status
        delivery(payloads.change(phone_number_id, statuses=[{
            "id": f"wamid.{BOX}.out3", "status": "delivered", "timestamp": at(33),
            "recipient_id": OUTBOUND_TO, "pricing": {
                "billable": True, "pricing_model": "PMP", "category": "utility",
                "type": "regular"}}])),
        # known by business-scoped user ids only; then shares the number on our request
        delivery(payloads.change(phone_number_id, contacts=jonas_profile, messages=[
            jonas_says(65, "text", {"body": "oi, sem número"})])),
        delivery(payloads.change(phone_number_id, contacts=jonas_profile, messages=[
            jonas_says(66, "contacts", [{
                "name": {"formatted_name": "Jonas R", "first_name": "Jonas"},
                "phones": [{"phone": "+55 11 90000-0010", "type": "CELL"}]}],
                origin="contact_request")])),
        delivery(payloads.change(phone_number_id, contacts=[payloads.contact(caio, "Caio")],
                                 messages=[
            caio_says(67, "interactive", {"type": "list_reply", "list_reply": {
                "id": "t14", "title": "14:00", "description": "Tarde"}},
                context={"from": "15550000000", "id": f"wamid.{BOX}.out3"}),
            caio_says(68, "interactive", {"type": "nfm_reply", "nfm_reply": {
                "name": "flow", "body": "Sent",
                "response_json": '{"flow_token": "agenda", "dia": "sexta"}'}}),
            caio_says(69, "unsupported", None, errors=[{
                "code": 131051, "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."}}])])),
    ]


def outbound():
    """The wamids of the messages we sent (to ``OUTBOUND_TO``) that the corpus's statuses
    are for."""
    return [f"wamid.{BOX}.out{n}" for n in (1, 2, 3)]


def fill(payload, box):
    """``payload`` (or any JSON value) with the run's prefix in place of ``BOX``."""
    return json.loads(json.dumps(payload).replace(BOX, box))


def normal(value, box):
    """A value of one run, comparable with the same value of another run: prefix removed,
    Brazilian mobiles folded to their spelling without the ninth digit."""
    text = json.dumps(value, sort_keys=True, default=str).replace(box, BOX)
    return json.loads(re.sub(r"55(\d\d)9([6-9]\d{7})\b", r"55\1\2", text))


# --------------------------------------------------------------------------------- hostile


def _deep(levels):
    value = "bottom"
    for _level in range(levels):
        value = [value]
    return value


HOSTILE = {
    # kind: (what the hostile part is, expected HTTP status, event failed?)
    "pnid_list": (lambda p, w: _bad_change({"phone_number_id": [p]}), 200, True),
    "pnid_object": (lambda p, w: _bad_change({"phone_number_id": {"id": p}}), 200, True),
    "pnid_number": (lambda p, w: _bad_change({"phone_number_id": 12345}), 200, False),
    "nul_in_text": (lambda p, w: _item(p, body="a\u0000b"), 200, False),
    "nul_in_wamid": (lambda p, w: _item(p, id="wamid.\u0000x"), 200, True),
    "nul_in_from": (lambda p, w: _item(p, **{"from": "5511\u00009"}), 200, True),
    "surrogate_from": (lambda p, w: _item(p, **{"from": "5511\ud800"}), 200, True),
    "surrogate_body": (lambda p, w: _item(p, body="oi \udc00"), 200, False),
    "surrogate_recipient": (lambda p, w: _status(p, recipient_id="55\ud83d"), 200, True),
    "deep_unknown_field": (lambda p, w: _item(p, referral=_deep(200)), 200, False),
    "type_list": (lambda p, w: _item(p, type=["text"]), 200, True),
    "phones_5": (lambda p, w: _item(p, type="contacts", contacts=[{"phones": 5}]), 200, True),
    "year_9999": (lambda p, w: _item(p, timestamp="253402300799"), 200, True),
    "timestamp_text": (lambda p, w: _item(p, timestamp="soon"), 200, True),
    "long_wamid": (lambda p, w: _item(p, id="wamid." + "x" * 10000), 200, True),
    "body_object": (lambda p, w: _item(p, body={"text": "x"}), 200, True),
    "nulls": (lambda p, w: _item(p, **{"from": None, "type": None}), 200, True),
    "status_text": (lambda p, w: payloads.change(p, statuses=["read"]), 200, True),
    "messages_object": (lambda p, w: {"field": "messages", "value": {
        "metadata": {"phone_number_id": p}, "messages": {"0": {}}}}, 200, True),
    "change_text": (lambda p, w: "messages", 200, True),
    "unknown_type": (lambda p, w: _item(p, type="ephemeral_xyz"), 200, False),
    "unknown_field": (lambda p, w: {"field": "flows", "value": {"x": [1]}}, 200, False),
    "utf16_body": (None, 200, False),
    "bom_body": (None, 200, False),
    "deep_body": (None, 400, False),
    "not_json": (None, 400, False),
    "truncated": (None, 400, False),
    "huge_number": (None, 400, False),
    "invalid_utf8": (None, 400, False),
    "lone_surrogate_bytes": (None, 400, False),
}


def _item(phone_number_id, body="hostile", **fields):
    message = payloads.text("5511955550000", body)
    message.update(fields)
    return payloads.change(phone_number_id, messages=[message])


def _status(phone_number_id, **fields):
    status = payloads.status("wamid.HOSTILE", "read", "5511955550000")
    status.update(fields)
    return payloads.change(phone_number_id, statuses=[status])


def _bad_change(metadata):
    return {"field": "messages", "value": {"metadata": metadata, "messages": [
        payloads.text("5511955550000", "where to?")]}}


def hostile(kind, phone_number_id, waba_id, sibling):
    """A signed body's bytes: the well-formed ``sibling`` message and the hostile part
    ``kind`` (a key of ``HOSTILE``)."""
    good = payloads.change(phone_number_id, messages=[sibling])
    build = HOSTILE[kind][0]
    if build:
        return payloads.encode({"object": "whatsapp_business_account", "entry": [
            {"id": waba_id, "changes": [good]},
            {"id": waba_id, "changes": [build(phone_number_id, waba_id)]}]})
    payload = payloads.delivery(good, waba_id=waba_id)
    body = payloads.encode(payload)
    return {
        "utf16_body": lambda: json.dumps(payload, ensure_ascii=False).encode("utf-16"),
        "bom_body": lambda: codecs.BOM_UTF8 + body,
        "deep_body": lambda: b"[" * 1000 + body + b"]" * 1000,
        "not_json": lambda: body.replace(b'"entry":', b"entry:"),
        "truncated": lambda: body[:-3],
        "huge_number": lambda: body[:-1] + b', "n": 1' + b"0" * 5000 + b"}",
        "invalid_utf8": lambda: body.replace(b"sibling", b"sib\xffling"),
        "lone_surrogate_bytes": lambda: body.replace(b"sibling", b"sib\xed\xa0\x80ling"),
    }[kind]()
