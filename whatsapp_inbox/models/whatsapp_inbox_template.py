import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.templates import MEDIA_HEADERS, VARIABLE


class WhatsappInboxTemplate(models.Model):
    """A message template approved (or not) by Meta, and how it is filled and sent.

    Synchronised from the WABA (``whatsapp_inbox_template_sync.py``), submitted from Odoo
    (``..._submit.py``), followed through Meta's webhooks (``..._lifecycle.py``); its buttons
    and variables are models of their own."""

    _name = "whatsapp.inbox.template"
    _description = "WhatsApp Template"
    _order = "connection_id, name, language"

    name = fields.Char(required=True, help="Lowercase letters, digits and underscores.")
    language = fields.Char(required=True, default="pt_BR", help="Meta's code, e.g. pt_BR.")
    connection_id = fields.Many2one(
        "whatsapp.inbox.connection", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    meta_id = fields.Char("Meta ID", readonly=True, index="btree_not_null")
    category = fields.Selection(
        [("MARKETING", "Marketing"), ("UTILITY", "Utility"),
         ("AUTHENTICATION", "Authentication")], default="UTILITY",
    )
    status = fields.Selection(
        # the order of the lifecycle: the form's status bar follows it
        [("DRAFT", "Draft"), ("PENDING", "Pending"), ("IN_APPEAL", "In appeal"),
         ("APPROVED", "Approved"), ("REJECTED", "Rejected"), ("PAUSED", "Paused"),
         ("DISABLED", "Disabled"), ("DELETED", "Deleted")],
        readonly=True, index=True, default="DRAFT",
    )
    rejected_reason = fields.Char(readonly=True)
    header_format = fields.Selection(
        [("TEXT", "Text"), ("IMAGE", "Image"), ("VIDEO", "Video"), ("DOCUMENT", "Document"),
         ("LOCATION", "Location")], "Header type",
    )
    header = fields.Char(help="Header text (60 characters, at most one {{1}}).")
    header_example = fields.Char(help="Example of the header's {{1}}, for Meta's review.")
    header_attachment_id = fields.Many2one(
        "ir.attachment", "Header attachment",
        help="Image, video or document sent in the header unless another is chosen; also the "
             "example Meta reviews when the template is submitted from Odoo.")
    # what the form uploads: the header attachment's content, kept as that attachment
    header_file = fields.Binary(
        "Header file", compute="_compute_header_file", inverse="_inverse_header_file",
        help="Image, video or document sent in the header unless another is chosen; also the "
             "example Meta reviews when the template is submitted from Odoo.")
    header_filename = fields.Char(compute="_compute_header_file", inverse="_inverse_header_file")
    body = fields.Text()
    body_examples = fields.Text(help="Examples of {{1}}, {{2}}... one a line, for Meta's review.")
    footer = fields.Char()
    button_ids = fields.One2many("whatsapp.inbox.template.button", "template_id", "Buttons")
    buttons = fields.Char("Button texts", compute="_compute_buttons", help="The buttons' texts.")
    variable_count = fields.Integer(compute="_compute_variable_count", store=True)
    variable_ids = fields.One2many("whatsapp.inbox.template.variable", "template_id",
                                   string="Variables")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_language_uniq", "unique(connection_id, name, language)",
         "A template exists only once per language on a connection."),
    ]

    @api.depends("body")
    def _compute_variable_count(self):
        for template in self:
            numbers = [int(n) for n in VARIABLE.findall(template.body or "")]
            template.variable_count = max(numbers, default=0)

    @api.depends("button_ids.text")
    def _compute_buttons(self):
        for template in self:
            template.buttons = " | ".join(template.button_ids.mapped("text")) or False

    @api.depends("name", "language")
    def _compute_display_name(self):
        # unnamed (a new template): no display name, the breadcrumb says "New"
        for template in self:
            template.display_name = template.name and f"{template.name} ({template.language})"

    def _sorted_for_lang(self, lang):
        """These templates, those in ``lang`` (an Odoo or Meta code: ``pt_BR``, ``es_419``)
        first, then those of its language in another variant (``es``, ``es_AR``), then
        the others, each group in its own order."""
        base = (lang or "").split("_")[0]

        def rank(template):
            if template.language == lang:
                return 0
            return 1 if template.language.split("_")[0] == base else 2
        return self.sorted(rank) if lang else self

    @api.depends("header_attachment_id")
    def _compute_header_file(self):
        for template in self:
            template.header_file = template.header_attachment_id.datas
            template.header_filename = template.header_attachment_id.name

    def _inverse_header_file(self):
        for template in self:
            attachment = template.header_attachment_id
            if not template.header_file:
                template.header_attachment_id = False
                continue
            vals = {"datas": template.header_file,
                    "name": template.header_filename or attachment.name or "header"}
            if attachment.res_model == template._name and attachment.res_id == template.id:
                attachment.write(vals)
            else:
                template.header_attachment_id = self.env["ir.attachment"].create(
                    {**vals, "res_model": template._name, "res_id": template.id})

    def _header_kind(self):
        """The header's type as the form names it (Image, Video, Document...)."""
        self.ensure_one()
        return dict(self._fields["header_format"]._description_selection(self.env)).get(
            self.header_format, "")

    # ------------------------------------------------------------
    # Filling and sending
    # ------------------------------------------------------------

    def _variables(self):
        """Every value the template needs when sent, in order: ``[(key, label)]``.

        Keys: ``"header"`` (the header's {{1}}), the numbers of the body's {{n}}, and
        ``"button_<index>"`` (a URL button's dynamic suffix, a copy-code button's code).
        """
        self.ensure_one()
        keys = []
        if self.header_format == "TEXT" and VARIABLE.search(self.header or ""):
            keys.append(("header", self.env._("Header {{1}}")))
        keys += [(n, f"{{{{{n}}}}}") for n in range(1, self.variable_count + 1)]
        keys += [(button._key(), button._variable_label()) for button in self.button_ids
                 if button._needs_value()]
        return keys

    def _default_values(self, conversation):
        """Values prefilled for ``conversation``: ``{key: value}`` (see ``_variables``)."""
        self.ensure_one()
        mapping = {v._key(): v for v in self.variable_ids}
        return {key: mapping[key]._value_for(conversation) if key in mapping else ""
                for key, _label in self._variables()}

    def _render(self, values):
        """The body as the customer will read it, ``values`` being ``{number: text}``."""
        self.ensure_one()
        return VARIABLE.sub(lambda m: values.get(int(m.group(1))) or m.group(0), self.body or "")

    def _preview(self, values):
        """The whole message as the customer will see it: header, body, footer, buttons."""
        self.ensure_one()
        header = self._render_header(values)
        if self.header_format and self.header_format != "TEXT":
            kinds = dict(self._fields["header_format"]._description_selection(self.env))
            header = f"[{kinds[self.header_format]}]"
        buttons = [f"[{button.text or button.button_type}]"
                   + (f" {button._render_url(values)}" if button.button_type == "URL" else "")
                   for button in self.button_ids]
        return "\n".join(filter(None, [header, self._render(values), self.footer, *buttons]))

    def _render_header(self, values):
        self.ensure_one()
        if self.header_format != "TEXT":
            return ""
        return VARIABLE.sub(lambda m: values.get("header") or m.group(0), self.header or "")

    def _check_values(self, values, has_media):
        """Refuse what Meta would refuse: an empty variable, a media header without media."""
        self.ensure_one()
        missing = [label for key, label in self._variables() if not values.get(key)]
        if missing:
            raise UserError(self.env._("Fill the variables %(variables)s of template %(template)s.",
                              variables=", ".join(missing), template=self.display_name))
        if self.header_format in MEDIA_HEADERS and not has_media:
            raise UserError(self.env._(
                "Template %(template)s has a header of type %(kind)s: choose the file to send.",
                template=self.display_name, kind=self._header_kind()))

    def _prepare_api_content(self, values, header_media=None):
        """The ``template`` object of a send request.

        ``values``: ``{key: text}`` (see ``_variables``); ``header_media``: ``{"id": media id}``
        or ``{"link": url}`` for an image, video or document header. Shape::

            {"name": "promo", "language": {"code": "pt_BR"}, "components": [
              {"type": "header", "parameters": [{"type": "image", "image": {"id": "123"}}]},
              {"type": "body", "parameters": [{"type": "text", "text": "Ana"}]},
              {"type": "button", "sub_type": "url", "index": "0",
               "parameters": [{"type": "text", "text": "order/42"}]},
              {"type": "button", "sub_type": "copy_code", "index": "1",
               "parameters": [{"type": "coupon_code", "coupon_code": "NATAL10"}]}]}
        """
        self.ensure_one()
        self._check_values(values, bool(header_media))
        components = []
        if self.header_format in MEDIA_HEADERS:
            kind = self.header_format.lower()
            media = dict(header_media)
            if kind == "document" and self.header_attachment_id and "filename" not in media:
                media["filename"] = self.header_attachment_id.name
            components.append({"type": "header", "parameters": [{"type": kind, kind: media}]})
        elif "header" in values and values["header"] and VARIABLE.search(self.header or ""):
            components.append({"type": "header", "parameters": [
                {"type": "text", "text": values["header"]}]})
        if self.variable_count:
            components.append({
                "type": "body",
                "parameters": [{"type": "text", "text": values[n]}
                               for n in range(1, self.variable_count + 1)],
            })
        components += filter(None, (button._prepare_api_component(values)
                                    for button in self.button_ids))
        content = {"name": self.name, "language": {"code": self.language}}
        if components:
            content["components"] = components
        return content

    @api.model
    def _params_from_json(self, text):
        """Stored values back to ``{key: text}``: body numbers as ints, other keys as is."""
        return {int(k) if k.isdigit() else k: v for k, v in json.loads(text or "{}").items()}
