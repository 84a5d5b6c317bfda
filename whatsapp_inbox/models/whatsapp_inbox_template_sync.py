from odoo import api, fields, models


class WhatsappInboxTemplate(models.Model):
    """Synchronisation with the templates of the WhatsApp Business Account (the connection's
    *Sync templates*): Meta's description of each template becomes its values here."""

    _inherit = "whatsapp.inbox.template"

    @api.model
    def _prepare_vals_from_meta(self, data):
        """Values of a template as the Graph API describes it (see
        ``WhatsAppCloudApi.list_templates``)."""
        components = {c.get("type"): c for c in data.get("components") or []}
        buttons = (components.get("BUTTONS") or {}).get("buttons") or []
        header = components.get("HEADER") or {}
        categories = dict(self._fields["category"].selection)
        formats = dict(self._fields["header_format"].selection)
        return {
            "meta_id": data.get("id"),
            "name": data["name"],
            "language": data["language"],
            "category": data.get("category") if data.get("category") in categories else False,
            "status": data.get("status"),
            "rejected_reason": data.get("rejected_reason") or False,
            "header_format": header.get("format") if header.get("format") in formats else False,
            "header": header.get("text") or False,
            "body": (components.get("BODY") or {}).get("text") or "",
            "footer": (components.get("FOOTER") or {}).get("text") or False,
            "button_ids": [fields.Command.clear()] + [
                fields.Command.create(self.env["whatsapp.inbox.template.button"]
                                      ._prepare_vals_from_meta(index, button))
                for index, button in enumerate(buttons) if isinstance(button, dict)],
        }

    @api.model
    def _sync_connection(self, connection, remote_templates):
        """Create or update the templates of ``connection``; archive the vanished ones."""
        existing = self.with_context(active_test=False).search(
            [("connection_id", "=", connection.id)])
        by_key = {(t.name, t.language): t for t in existing}
        seen = self.browse()
        for data in remote_templates:
            if not data.get("name") or not data.get("language"):
                continue
            vals = self._prepare_vals_from_meta(data)
            template = by_key.get((vals["name"], vals["language"]))
            if template:
                template.write({**vals, "active": True})
            else:
                template = self.create({**vals, "connection_id": connection.id})
            seen |= template
        # drafts were never at Meta: the sync leaves them alone
        (existing - seen).filtered(lambda t: t.status != "DRAFT").write({"active": False})
        return seen
