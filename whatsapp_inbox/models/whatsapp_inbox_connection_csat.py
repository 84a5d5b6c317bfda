"""The satisfaction survey (CSAT) a connection sends after Finalize: its question, its scale
and how WhatsApp shows it."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import interactive as interactive_tools
from ..tools.csat import choice_id


class WhatsappInboxConnection(models.Model):
    _inherit = "whatsapp.inbox.connection"

    csat_enabled = fields.Boolean(
        "Satisfaction survey",
        help="After Finalize, ask the customer to rate the attendance.")
    csat_question = fields.Text(
        "Question", translate=True,
        help="Empty: the built-in question, in the customer's language. {protocol} is the "
             "attendance's protocol number.")
    csat_scale = fields.Selection([("five", "1 to 5"), ("custom", "Custom answers")], "Scale",
                                  default="five", required=True)
    csat_option_ids = fields.One2many("whatsapp.inbox.csat.option", "connection_id",
                                      "Answers", copy=True)
    csat_presentation = fields.Selection(
        [("auto", "Automatic"), ("buttons", "Reply buttons (up to 3 answers)"),
         ("list", "List (up to 10 answers)")], "Shown as", default="auto", required=True,
        help="Automatic: buttons for up to 3 answers, else a list.")
    csat_ask_comment = fields.Boolean(
        "Ask for a comment",
        help="After the rating, invite the customer to write a comment: their next text "
             "within 10 minutes is stored on the attendance.")
    csat_template_id = fields.Many2one(
        "whatsapp.inbox.template", "Template outside the 24-hour window",
        domain="[('connection_id', '=', id), ('status', '=', 'APPROVED')]", ondelete="set null",
        help="Sent when the customer's last message is older than 24 hours; its quick-reply "
             "buttons are the answers, in the scale's order. Without it, no survey is sent "
             "then.")

    @api.constrains("csat_enabled", "csat_question", "csat_scale", "csat_option_ids",
                    "csat_presentation", "csat_template_id")
    def _check_csat(self):
        for connection in self.filtered("csat_enabled"):
            count = len(connection._csat_options())
            if not count:
                raise ValidationError(self.env._("The satisfaction survey needs its answers."))
            if count > interactive_tools.MAX_ROWS:
                raise ValidationError(self.env._(
                    "A WhatsApp list shows %s answers at most.", interactive_tools.MAX_ROWS))
            if connection.csat_presentation == "buttons" and count > interactive_tools.MAX_BUTTONS:
                raise ValidationError(self.env._(
                    "WhatsApp shows %(max)s reply buttons at most: choose a list for "
                    "%(count)s answers.", max=interactive_tools.MAX_BUTTONS, count=count))
            if len(connection.csat_question or "") > interactive_tools.LIMITS["body"]:
                raise ValidationError(self.env._(
                    "The question has %(length)s characters: WhatsApp allows %(max)s.",
                    length=len(connection.csat_question),
                    max=interactive_tools.LIMITS["body"]))
            template = connection.csat_template_id
            replies = len(template.button_ids.filtered(lambda b: b.button_type == "QUICK_REPLY"))
            if template and replies != count:
                raise ValidationError(self.env._(
                    "Template %(template)s has %(replies)s quick-reply button(s): the survey "
                    "needs one per answer (%(count)s), in the scale's order.",
                    template=template.display_name, replies=replies, count=count))

    def _csat_options(self):
        """``[(score, label)]`` of the survey's answers, in the order shown, labels in the
        language of the context (the customer's)."""
        self.ensure_one()
        if self.csat_scale == "custom":
            return [(option.value, option.name) for option in self.csat_option_ids]
        return [(5, self.env._("5 - Excellent")), (4, self.env._("4 - Good")),
                (3, self.env._("3 - Fair")), (2, self.env._("2 - Poor")),
                (1, self.env._("1 - Very poor"))]

    def _csat_interactive(self, attendance):
        """Meta's ``interactive`` object of ``attendance``'s survey, in the language of the
        context: reply buttons or a list whose ids are :func:`choice_id`."""
        self.ensure_one()
        question = self.csat_question or self.env._(
            "How would you rate our service today? Your answer helps us improve.")
        question = question.replace("{protocol}", attendance.protocol or "")
        options = self._csat_options()
        as_buttons = self.csat_presentation == "buttons" or (
            self.csat_presentation == "auto" and len(options) <= interactive_tools.MAX_BUTTONS)
        if as_buttons:
            return interactive_tools.reply_buttons(
                question, [(choice_id(attendance, value), label) for value, label in options])
        return interactive_tools.list_menu(question, self.env._("Rate"), [(None, [
            (choice_id(attendance, value), label, None) for value, label in options])])

    def _csat_template(self, lang):
        """The survey template to send outside the window: the one chosen, or its
        translation into ``lang`` (same name) when approved on this connection."""
        self.ensure_one()
        template = self.csat_template_id
        if not template or not lang or template.language == lang:
            return template
        translations = self.template_ids.filtered(
            lambda t: t.name == template.name and t.status == "APPROVED")
        best = translations._sorted_for_lang(lang)[:1]
        return best if best.language.split("_")[0] == lang.split("_")[0] else template
