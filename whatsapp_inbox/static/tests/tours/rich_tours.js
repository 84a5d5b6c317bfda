/** @odoo-module **/

import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

// Tours of rich messages in the Inbox workspace (tests/test_rich_tours.py).

const tours = registry.category("web_tour.tours");
const PNG =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVQIW2P4v5ThPwAG7wKklwQ/bwAAAABJRU5ErkJggg==";
const openRow = (name) => [
    { trigger: `.o_wai_row:contains(${name})`, run: "click" },
    { trigger: `.o_wai_header:contains(${name})` },
];

tours.add("whatsapp_inbox_rich_template_tour", {
    steps: () => [
        { trigger: ".o_wai_tab[data-tab=new]", run: "click" },
        ...openRow("Offer Lead"),
        {
            trigger: ".o_wai_template_select",
            run() {
                const option = [...this.anchor.options].find((o) =>
                    o.textContent.includes("oferta_imagem")
                );
                this.anchor.value = option.value;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "the body variable is prefilled from the contact",
            trigger: ".o_wai_template_var input[name=var_1]:value(Offer Lead)",
        },
        {
            content: "an image header: the picker asks for the image",
            trigger: ".o_wai_template_header_file:contains(Header image)",
            async run() {
                const blob = await (await fetch(PNG)).blob();
                await inputFiles(".o_wai_template_header_file input[name=header_file]", [
                    new File([blob], "oferta.png", { type: "image/png" }),
                ]);
            },
        },
        { trigger: ".o_wai_header_file_name:contains(oferta.png)" },
        { trigger: ".o_wai_template_var input[name=var_button_0]", run: "edit 42" },
        { trigger: ".o_wai_template_var input[name=var_button_1]", run: "edit NATAL10" },
        {
            content: "the preview shows the link with its suffix and the code",
            trigger: ".o_wai_template_preview:contains(https://loja.example.com/oferta/42)",
        },
        { trigger: ".o_wai_template_preview:contains(NATAL10)" },
        { trigger: ".o_wai_template_preview .o_wai_template_media:contains(oferta.png)" },
        {
            content: "outside the window, Meta bills the marketing template: the composer says so",
            trigger: ".o_wai_billing_warning:contains(bills this marketing template (0.0625 USD))",
        },
        { trigger: "button[name=send_template]:enabled", run: "click" },
        { trigger: ".o_wai_out:contains(oferta/42) .o_wai_template_label" },
    ],
});

tours.add("whatsapp_inbox_rich_buttons_tour", {
    steps: () => [
        ...openRow("Buttons Customer"),
        { trigger: ".o_wai_toggle_buttons", run: "click" },
        { trigger: ".o_wai_input", run: "edit Podemos ligar agora?" },
        { trigger: ".o_wai_button_title[name=button_1]", run: "edit Sim" },
        { trigger: ".o_wai_button_title[name=button_2]", run: "edit Mais tarde" },
        { content: "send", trigger: ".o_wai_send", run: "click" },
        {
            content: "the buttons are drawn under the question, as WhatsApp shows them",
            trigger: ".o_wai_out:contains(Podemos ligar agora?) .o_wai_rich_reply:contains(Mais tarde)",
        },
        { content: "the button editor closed", trigger: ".o_wai_composer:not(:has(.o_wai_buttons_editor))" },
        { content: "a quick reply with [choices] becomes buttons", trigger: ".o_wai_input", run: "edit /turno" },
        { trigger: ".o_wai_quick_reply:contains(Qual turno)", run: "click" },
        { trigger: ".o_wai_input:value(Qual turno prefere?)" },
        { trigger: ".o_wai_button_title[name=button_2]:value(Tarde)" },
        { trigger: ".o_wai_send", run: "click" },
        { trigger: ".o_wai_out:contains(Qual turno prefere?) .o_wai_rich_reply:contains(Tarde)" },
    ],
});

tours.add("whatsapp_inbox_rich_reaction_tour", {
    steps: () => [
        ...openRow("Reaction Customer"),
        { trigger: ".o_wai_in:contains(Chegou!) .o_wai_react", run: "click" },
        { trigger: ".o-EmojiPicker-search input", run: "edit thumbs up" },
        { trigger: ".o-EmojiPicker .o-Emoji[data-codepoints='👍']", run: "click" },
        { trigger: ".o_wai_in:contains(Chegou!) .o_wai_reaction_ours:contains(👍)" },
        { content: "click our reaction: removed", trigger: ".o_wai_reaction_ours", run: "click" },
        { trigger: ".o_wai_in:contains(Chegou!):not(:has(.o_wai_reaction_ours))" },
    ],
});

tours.add("whatsapp_inbox_rich_template_create_tour", {
    steps: () => [
        {
            content: "a new template is called New, not 'False (pt_BR)'",
            trigger: ".o_breadcrumb .active:contains(New):not(:contains(False))",
        },
        {
            // Odoo renders the status bar's buttons in reverse order (CSS puts them back)
            content: "the status bar follows the lifecycle: Draft, Pending, Approved, no Rejected",
            trigger: ".o_statusbar_status:not(:has(button[data-value=REJECTED])) button[data-value=APPROVED] + button[data-value=PENDING] + button[data-value=DRAFT].o_arrow_button_current",
        },
        { trigger: ".o_form_view .o_field_widget[name=name] input", run: "edit Retirada Pronta" },
        { trigger: ".o_field_widget[name=body] textarea", run: "edit Olá {{1}}!" },
        { trigger: ".o_field_widget[name=body_examples] textarea", run: "click" },
        {
            content: "every problem is listed at once, before any confirmation is asked",
            trigger: ".o_whatsapp_inbox_submit_problems:contains(lowercase letters):contains(give 1 example)",
        },
        { trigger: ".o_form_view:not(:has(button[name=action_submit]))" },
        { trigger: ".o_form_view .o_field_widget[name=name] input", run: "edit retirada_pronta" },
        { trigger: ".o_field_widget[name=connection_id] input", run: "edit Rich Support" },
        { trigger: ".ui-autocomplete a:contains(Rich Support)", run: "click" },
        { trigger: ".o_field_widget[name=category] select", run: 'select "UTILITY"' },
        {
            trigger: ".o_field_widget[name=body] textarea",
            run: "edit Olá {{1}}, seu pedido está pronto para retirada.",
        },
        { trigger: ".o_field_widget[name=body_examples] textarea", run: "edit Ana" },
        { trigger: ".o_field_widget[name=footer] input", run: "click" },
        {
            content: "nothing left to fix: Submit shows",
            trigger: ".o_form_view:not(:has(.o_whatsapp_inbox_submit_problems:visible)) button[name=action_submit]",
        },
        {
            content: "a URL button with a dynamic suffix and its example",
            trigger: ".o_field_widget[name=button_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=button_ids] .o_selected_row td[name=button_type] select",
            run: 'select "URL"',
        },
        {
            trigger: ".o_field_widget[name=button_ids] .o_selected_row td[name=text] input",
            run: "edit Ver pedido",
        },
        {
            trigger: ".o_field_widget[name=button_ids] .o_selected_row td[name=url] input",
            run: "edit https://loja.example.com/pedido/{{1}}",
        },
        {
            trigger: ".o_field_widget[name=button_ids] .o_selected_row td[name=example] input",
            run: "edit https://loja.example.com/pedido/123",
        },
        { trigger: "button[name=action_submit]", run: "click" },
        { content: "confirm the review", trigger: ".modal-footer .btn-primary", run: "click" },
        {
            content: "sent to Meta: pending its review",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Pending)",
        },
    ],
});

tours.add("whatsapp_inbox_rich_connection_app_id_tour", {
    steps: () => [
        { trigger: ".o_field_widget[name=app_id] input", run: "edit 700000000000009" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
    ],
});

tours.add("whatsapp_inbox_rich_media_template_submit_tour", {
    steps: () => [
        {
            content: "no file yet: the header type is named, grammatically",
            trigger: ".o_whatsapp_inbox_submit_problems:contains(a header of type Image with an example)",
        },
        {
            content: "an image header: its file, uploaded here, is the example Meta reviews",
            trigger: ".o_field_widget[name=header_file]",
            async run() {
                const blob = await (await fetch(PNG)).blob();
                await inputFiles(".o_field_widget[name=header_file] input[type=file]", [
                    new File([blob], "banner.png", { type: "image/png" }),
                ]);
            },
        },
        { trigger: ".o_field_widget[name=header_file] input.o_input:value(banner.png)" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
        { trigger: "button[name=action_submit]", run: "click" },
        { content: "confirm the review", trigger: ".modal-footer .btn-primary", run: "click" },
        {
            content: "the file went up to the Meta app, the template to Meta: pending review",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Pending)",
        },
    ],
});

tours.add("whatsapp_inbox_rich_form_composer_tour", {
    steps: () => [
        { trigger: ".o_form_view button[name=action_open_composer]", run: "click" },
        { trigger: ".modal .o_field_widget[name=mode] input[data-value=buttons]", run: "click" },
        // the mode's own fields show once its onchange is applied: the body is typed after
        { trigger: ".modal .o_field_widget[name=button_1] input", run: "edit Sim" },
        { trigger: ".modal .o_field_widget[name=body] textarea", run: "edit Recebeu o produto?" },
        { trigger: ".modal .o_field_widget[name=button_2] input", run: "edit Ainda não" },
        { trigger: ".modal button[name=action_send]", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: ".o-mail-Message:contains(Recebeu o produto?):contains([Ainda não])" },
        { trigger: ".o_form_view button[name=action_open_composer]", run: "click" },
        { trigger: ".modal .o_field_widget[name=mode] input[data-value=cta_url]", run: "click" },
        { trigger: ".modal .o_field_widget[name=cta_text] input", run: "edit Ver nota" },
        { trigger: ".modal .o_field_widget[name=body] textarea", run: "edit Sua nota fiscal" },
        {
            trigger: ".modal .o_field_widget[name=cta_url] input",
            run: "edit https://loja.example.com/nf/9",
        },
        { trigger: ".modal button[name=action_send]", run: "click" },
        { trigger: ".o-mail-Message:contains(Sua nota fiscal):contains([Ver nota])" },
        { trigger: ".o_form_view button[name=action_open_composer]", run: "click" },
        { trigger: ".modal .o_field_widget[name=mode] input[data-value=list]", run: "click" },
        { trigger: ".modal .o_field_widget[name=list_button] input", run: "edit Horários" },
        { trigger: ".modal .o_field_widget[name=body] textarea", run: "edit Qual horário?" },
        {
            trigger: ".modal .o_field_widget[name=list_rows] textarea",
            run() {
                // several lines, as a person types them (a run string holds one line)
                this.anchor.value = "# Manhã\n09:00 | Com café\n10:00\n# Tarde\n14:00";
                this.anchor.dispatchEvent(new Event("input", { bubbles: true }));
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        { trigger: ".modal button[name=action_send]", run: "click" },
        { trigger: ".o-mail-Message:contains(Qual horário?):contains(14:00)" },
    ],
});

tours.add("whatsapp_inbox_rich_chatter_reaction_tour", {
    steps: () => [
        {
            content: "react in the chatter to the customer's message",
            trigger: ".o-mail-Message-textContent:contains(Chegou o boleto)",
            run: "hover && click .o-mail-Message:contains(Chegou o boleto) [title='Add a Reaction']",
        },
        { trigger: ".o-EmojiPicker-search input", run: "edit thumbs up" },
        { trigger: ".o-EmojiPicker .o-Emoji[data-codepoints='👍']", run: "click" },
        {
            content: "the reaction is on the line; clicking it removes it",
            trigger: ".o-mail-Message:contains(Chegou o boleto) .o-mail-MessageReaction:contains(👍)",
            run: "click",
        },
        { trigger: ".o-mail-Message:contains(Chegou o boleto):not(:has(.o-mail-MessageReaction))" },
    ],
});

tours.add("whatsapp_inbox_rich_list_link_tour", {
    steps: () => [
        ...openRow("List Customer"),
        { trigger: ".o_wai_toggle_buttons", run: "click" },
        { content: "a list this time", trigger: "button[name=kind_list]", run: "click" },
        { trigger: ".o_wai_input", run: "edit Qual horário prefere?" },
        { trigger: "input[name=list_button]", run: "edit Ver horários" },
        { trigger: "input[name=row_1_1]", run: "edit 09:00" },
        { trigger: "input[name=row_1_1_description]", run: "edit Com café" },
        { trigger: ".o_wai_list_section button[name=add_row]", run: "click" },
        { trigger: "input[name=row_1_2]", run: "edit 10:00" },
        { content: "a second section: both get titles", trigger: "button[name=add_section]", run: "click" },
        { trigger: "input[name=section_1]", run: "edit Manhã" },
        { trigger: "input[name=section_2]", run: "edit Tarde" },
        { trigger: "input[name=row_2_1]", run: "edit 14:00" },
        { trigger: ".o_wai_row_count:contains(3/10)" },
        { content: "send", trigger: ".o_wai_send", run: "click" },
        {
            content: "the list is drawn with its button, sections and rows",
            trigger: ".o_wai_out:contains(Qual horário prefere?) .o_wai_rich_list_button:contains(Ver horários)",
        },
        { trigger: ".o_wai_out .o_wai_rich_section:contains(Tarde)" },
        {
            trigger: ".o_wai_out .o_wai_rich_row:contains(09:00) .o_wai_rich_row_description:contains(Com café)",
            run() {
                console.log("wai-tour: choose");
            },
        },
        {
            content: "the customer's choice shows clearly on their reply",
            trigger: ".o_wai_in .o_wai_choice .o_wai_choice_title:contains(14:00)",
        },
        { content: "now a link button", trigger: ".o_wai_toggle_buttons", run: "click" },
        { trigger: "button[name=kind_cta_url]", run: "click" },
        { trigger: ".o_wai_input", run: "edit Sua nota fiscal" },
        { trigger: "input[name=cta_text]", run: "edit Ver nota" },
        { trigger: "input[name=cta_url]", run: "edit https://loja.example.com/nf/9" },
        { trigger: ".o_wai_send", run: "click" },
        {
            trigger: ".o_wai_out:contains(Sua nota fiscal) a.o_wai_rich_link[href='https://loja.example.com/nf/9']:contains(Ver nota)",
        },
    ],
});
