from odoo import models


class WhatsappInboxConversation(models.Model):
    """The Errors tab: the next action of each failure (a template to reopen the window,
    another channel, templates resynchronised, the failed message resent)."""

    _inherit = "whatsapp.inbox.conversation"

    def action_open_composer(self, mode=None, template=None):
        self.ensure_one()
        context = {"default_conversation_id": self.id}
        if mode:
            context["default_mode"] = mode
        if template:
            context["default_template_id"] = template.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send WhatsApp"),
            "res_model": "whatsapp.inbox.composer",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_error_send_template(self):
        """Window closed (131047): reopen it with an approved template, prefilled."""
        self.ensure_one()
        templates = self.env["whatsapp.inbox.template"].search([
            ("connection_id", "=", self.connection_id.id), ("status", "=", "APPROVED")])
        lang = (self.partner_id.lang or self.env.lang or "").split("_")[0]
        template = templates.filtered(lambda t: t.language.split("_")[0] == lang)[:1] \
            or templates[:1]
        return self.action_open_composer("template", template)

    def action_error_other_channel(self):
        """Undeliverable on WhatsApp (131026): start an attendance with the contact by email,
        or else by phone (the Start attendance wizard, prefilled)."""
        self.ensure_one()
        partner = self.partner_id
        context = {"default_channel": "email" if partner.email else "voip"}
        if partner:
            context["default_partner_id"] = partner.id
        if not (partner.email or partner.mobile or partner.phone):
            context.update(default_name=self.name, default_phone=self.phone)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Start attendance"),
            "res_model": "whatsapp.inbox.start",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_error_resync_templates(self):
        """Template mismatch (132000/132001): resync, then name what is missing."""
        self.ensure_one()
        self.connection_id.action_sync_templates()
        failed = self.last_failed_message_id
        template = failed.template_id
        if not template:
            return True
        if not template.active or template.status != "APPROVED":
            self.error_reason = self.env._(
                "Template %s no longer exists or is not approved at Meta.", template.display_name)
            return True
        sent = self.env["whatsapp.inbox.template"]._params_from_json(failed.template_params)
        missing = [n for n in range(1, template.variable_count + 1) if not sent.get(n)]
        if missing:
            self.error_reason = self.env._(
                "Template %(template)s now expects %(count)s variable(s): "
                "%(missing)s was not filled.",
                template=template.display_name, count=template.variable_count,
                missing=", ".join(f"{{{{{n}}}}}" for n in missing))
        return True

    def action_resend_failed(self):
        """Resend the message that failed, once its cause is fixed."""
        self.ensure_one()
        failed = self.last_failed_message_id
        if failed.message_type != "template" and not self.window_open:
            return self.action_error_send_template()
        self.check_access("write")
        # sudo: whatsapp.inbox.message - resending the conversation's own failed message
        failed.sudo().action_resend()
        self._transition("resend_answered" if self.first_response_at else "resend")
        return True
