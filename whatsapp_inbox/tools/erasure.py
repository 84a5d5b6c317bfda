"""Removing customers from journaled webhook deliveries (erasure, LGPD/GDPR).

A delivery's ``messages`` changes carry, per number (``metadata.phone_number_id``),
three lists whose items belong to one customer each::

    contacts: {"wa_id": "5511987654321", "user_id": "BR.150...", "profile": {...}}
    messages: {"from": "5511987654321", "from_user_id": "BR.150...", ...}
    statuses: {"recipient_id": "5511987654321", "recipient_user_id": "BR.150...", ...}

Plain functions on the decoded JSON: the model decides which events to rewrite.
"""

# what an erasure does to a customer: remove their data, or keep it without who they are
MODES = [("erase", "Erase"), ("anonymize", "Anonymise")]

CUSTOMER_KEYS = {
    "contacts": ("wa_id", "user_id"),
    "messages": ("from", "from_user_id"),
    "statuses": ("recipient_id", "recipient_user_id"),
}


def _belongs(item, keys, customers):
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
                kept = [item for item in items if not _belongs(item, keys, customers)]
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
