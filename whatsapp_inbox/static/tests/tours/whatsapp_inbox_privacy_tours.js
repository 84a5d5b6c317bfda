/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("whatsapp_inbox_opt_in_tour", {
    steps: () => [
        {
            content: "the customer sent a stop keyword: the form says so",
            trigger: ".o_form_view .alert-info:contains(asked not to receive templates)",
        },
        {
            trigger: ".o_form_view button[name=action_record_opt_in]",
            run: "click",
        },
        {
            content: "say how the customer agreed again",
            trigger: ".modal .o_field_widget[name=note] input",
            run: "edit Asked by phone on 3 March to get our offers again",
        },
        {
            trigger: ".modal button[name=action_record]",
            run: "click",
        },
        {
            content: "the customer is no longer opted out",
            trigger: ".o_form_view:not(:has(.alert-info:contains(asked not to receive templates)))",
        },
        {
            content: "the chatter names who recorded it and why",
            trigger: ".o-mail-Message:contains(Asked by phone on 3 March)",
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_erase_tour", {
    steps: () => [
        {
            content: "an administrator asks to erase the customer of the conversation",
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Erase customer data)",
            run: "click",
        },
        {
            content: "the wizard knows the customer and finds their conversations",
            trigger: ".modal .o_field_widget[name=customer] input:value(5511987654321)",
        },
        {
            trigger: ".modal .o_field_widget[name=conversation_ids] .o_data_row:contains(Paula Privada)",
        },
        {
            content: "on every number, not only this one",
            trigger: ".modal .o_field_widget[name=connection_id] input",
            run: "clear",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Email of 3 March, ticket #1234",
        },
        {
            trigger: ".modal button[name=action_erase]",
            run: "click",
        },
        {
            content: "confirm: it cannot be undone",
            trigger: ".modal-footer button.btn-primary:contains(Ok)",
            run: "click",
        },
        {
            content: "the log says what was erased, without the customer's number",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(+55*********21)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=conversation_count]:contains(2)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=event_rewritten_count]:contains(1)",
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_retention_settings_tour", {
    steps: () => [
        {
            content: "the privacy block of the WhatsApp Inbox settings",
            trigger: ".o_setting_box:contains(Retention of finalized conversations) .o_field_widget[name=whatsapp_inbox_retention_days] input",
            run: "edit 90",
        },
        {
            trigger: ".o_field_widget[name=whatsapp_inbox_retention_mode] select",
            run: 'select "erase"',
        },
        {
            content: "mark the page, to see it reload once saved",
            trigger: "body",
            run() {
                this.anchor.classList.add("o_whatsapp_inbox_unsaved");
            },
        },
        {
            trigger: ".o_control_panel .o_form_button_save",
            run: "click",
        },
        {
            content: "saved: the page reloaded with the new period",
            trigger: "body:not(.o_whatsapp_inbox_unsaved) .o_field_widget[name=whatsapp_inbox_retention_days] input:value(90)",
        },
    ],
});
