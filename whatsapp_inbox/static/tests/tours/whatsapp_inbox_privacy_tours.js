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
