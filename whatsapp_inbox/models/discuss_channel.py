from odoo import api, fields, models


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    whatsapp_inbox_conversation_id = fields.Many2one(
        "whatsapp.inbox.conversation", index="btree_not_null", ondelete="set null",
        help="Messages an agent posts here are sent to this WhatsApp customer.")

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        conversation = self.whatsapp_inbox_conversation_id
        if (len(self) == 1 and conversation
                and kwargs.get("message_type") == "comment"
                and not self.env.context.get("whatsapp_inbox_no_send")
                and self.env.user._is_internal()
                and message.author_id == self.env.user.partner_id):
            conversation.with_context(whatsapp_inbox_no_send=True)._send_from_html(
                kwargs.get("body") or "", kwargs.get("attachment_ids") or [])
        return message
