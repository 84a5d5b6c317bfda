"""Meta's interactive messages (Cloud API, Graph API v23.0): build and check them.

Three kinds are sent: reply ``button`` (1 to 3 buttons), ``list`` (a menu of up to 10 rows in
up to 10 sections) and ``cta_url`` (one button opening a URL). Each builder returns Meta's
``interactive`` object as it goes in ``{"type": "interactive", "interactive": {...}}``;
:func:`check` refuses what Meta would refuse, with Meta's limits:

- body text 1024 characters, header text and footer 60;
- reply button: title 20, id 256, ids unique;
- list: button label 20, section title 24, row title 24, row description 72, row id 200,
  rows unique, a title on every section when there are several;
- call-to-action: display text 20, an ``http(s)`` URL.
"""

MAX_BUTTONS = 3
MAX_ROWS = 10
MAX_SECTIONS = 10
LIMITS = {
    "body": 1024, "header": 60, "footer": 60, "button_title": 20, "button_id": 256,
    "list_button": 20, "section_title": 24, "row_title": 24, "row_description": 72,
    "row_id": 200, "display_text": 20,
}


class InteractiveError(ValueError):
    """What Meta would refuse in an interactive message (a sentence for the user)."""


def _frame(kind, body, action, header=None, footer=None):
    interactive = {"type": kind, "body": {"text": body}, "action": action}
    if header:
        interactive["header"] = {"type": "text", "text": header}
    if footer:
        interactive["footer"] = {"text": footer}
    return interactive


def reply_buttons(body, buttons, header=None, footer=None):
    """``buttons``: ``[(id, title)]`` -> a ``button`` interactive object."""
    return _frame("button", body, {"buttons": [
        {"type": "reply", "reply": {"id": str(button_id), "title": title}}
        for button_id, title in buttons]}, header, footer)


def list_menu(body, button, sections, header=None, footer=None):
    """``sections``: ``[(title, [(id, title, description)])]`` -> a ``list`` object."""
    def section(title, rows):
        result = {"rows": [{"id": str(row_id), "title": row_title,
                            **({"description": text} if text else {})}
                           for row_id, row_title, text in rows]}
        return {"title": title, **result} if title else result

    return _frame("list", body, {"button": button, "sections": [
        section(title, rows) for title, rows in sections]}, header, footer)


def cta_url(body, display_text, url, header=None, footer=None):
    """A ``cta_url`` object: one button opening ``url``."""
    return _frame("cta_url", body, {"name": "cta_url", "parameters": {
        "display_text": display_text, "url": url}}, header, footer)


def build(kind, body, options):
    """What a composer collects, as Meta's object (checked later by :func:`check`).

    ``options`` by ``kind``: ``button`` ``{"buttons": [title]}``; ``list`` ``{"button": label,
    "sections": [{"title", "rows": [{"title", "description"}]}]}``; ``cta_url``
    ``{"display_text", "url"}``. Blank titles, rows and sections are left out; buttons and
    rows get their numbers (1, 2...) as ids.
    """
    options = options if isinstance(options, dict) else {}

    def text(value):
        return value.strip() if isinstance(value, str) else ""

    body = text(body)
    if kind == "button":
        titles = [text(title) for title in options.get("buttons") or []]
        return reply_buttons(body, list(enumerate(filter(None, titles), 1)))
    if kind == "list":
        sections, number = [], 0
        for section in options.get("sections") or []:
            rows = []
            for row in (section or {}).get("rows") or []:
                if text((row or {}).get("title")):
                    number += 1
                    rows.append((number, text(row["title"]), text(row.get("description"))))
            if rows:
                sections.append((text(section.get("title")) or None, rows))
        return list_menu(body, text(options.get("button")), sections)
    if kind == "cta_url":
        return cta_url(body, text(options.get("display_text")), text(options.get("url")))
    raise InteractiveError("Interactive type must be button, list or cta_url.")


def _length(value, limit, what):
    if not isinstance(value, str) or not value.strip():
        raise InteractiveError(f"{what} is required.")
    if len(value) > LIMITS[limit]:
        raise InteractiveError(f"{what} has {len(value)} characters: WhatsApp allows "
                               f"{LIMITS[limit]} ({value[:30]!r}).")


def check(interactive):
    """Raise :class:`InteractiveError` when Meta would refuse ``interactive``."""
    if not isinstance(interactive, dict):
        raise InteractiveError("An interactive message is an object.")
    kind = interactive.get("type")
    action = interactive.get("action")
    if kind not in ("button", "list", "cta_url") or not isinstance(action, dict):
        raise InteractiveError("Interactive type must be button, list or cta_url, with an "
                               "action.")
    _length((interactive.get("body") or {}).get("text"), "body", "The body text")
    header = interactive.get("header")
    if header and header.get("type") == "text":
        _length(header.get("text"), "header", "The header")
    if interactive.get("footer"):
        _length(interactive["footer"].get("text"), "footer", "The footer")
    if kind == "button":
        buttons = action.get("buttons") or []
        if not 1 <= len(buttons) <= MAX_BUTTONS:
            raise InteractiveError(f"Reply buttons: 1 to {MAX_BUTTONS}, not {len(buttons)}.")
        ids = [(b.get("reply") or {}).get("id") for b in buttons]
        for button in buttons:
            reply = button.get("reply") or {}
            _length(reply.get("title"), "button_title", "A button title")
            _length(reply.get("id"), "button_id", "A button id")
        titles = [b["reply"]["title"] for b in buttons]
        if len(set(ids)) < len(ids) or len(set(titles)) < len(titles):
            raise InteractiveError("Two buttons have the same id or title.")
    elif kind == "list":
        _length(action.get("button"), "list_button", "The list's button label")
        sections = action.get("sections") or []
        if not 1 <= len(sections) <= MAX_SECTIONS:
            raise InteractiveError(f"A list has 1 to {MAX_SECTIONS} sections.")
        rows = [row for section in sections for row in section.get("rows") or []]
        if not 1 <= len(rows) <= MAX_ROWS:
            raise InteractiveError(f"A list has 1 to {MAX_ROWS} rows in all, not {len(rows)}.")
        for section in sections:
            if len(sections) > 1 or section.get("title"):
                _length(section.get("title"), "section_title", "A section title")
            if not section.get("rows"):
                raise InteractiveError("Every section needs at least one row.")
        for row in rows:
            _length(row.get("title"), "row_title", "A row title")
            _length(row.get("id"), "row_id", "A row id")
            if row.get("description"):
                _length(row["description"], "row_description", "A row description")
        if len({row["id"] for row in rows}) < len(rows):
            raise InteractiveError("Two rows have the same id.")
    else:
        parameters = action.get("parameters") or {}
        _length(parameters.get("display_text"), "display_text", "The button text")
        url = parameters.get("url") or ""
        if not (isinstance(url, str) and url.startswith(("https://", "http://"))):
            raise InteractiveError("The button needs an http(s) URL.")
    return interactive


def summary(interactive):
    """The message as text for the thread: body, then the choices offered."""
    action = interactive.get("action") or {}
    lines = [(interactive.get("header") or {}).get("text"),
             (interactive.get("body") or {}).get("text")]
    if interactive.get("type") == "button":
        lines += [f"[{(b.get('reply') or {}).get('title')}]" for b in action.get("buttons") or []]
    elif interactive.get("type") == "list":
        lines.append(f"[{action.get('button')}]")
        lines += [f"• {row.get('title')}" for section in action.get("sections") or []
                  for row in section.get("rows") or []]
    elif interactive.get("type") == "cta_url":
        parameters = action.get("parameters") or {}
        lines.append(f"[{parameters.get('display_text')}] {parameters.get('url')}")
    return "\n".join(line for line in lines if line)
