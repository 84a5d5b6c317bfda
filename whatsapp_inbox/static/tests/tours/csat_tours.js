/** @odoo-module **/

import { registry } from "@web/core/registry";

const answers = ".o_field_widget[name=csat_option_ids]";

/** Add an answer of the custom scale: its label and its score. */
const addAnswer = (label, score) => [
    { trigger: `${answers} .o_field_x2many_list_row_add a`, run: "click" },
    { trigger: `${answers} .o_selected_row td[name=name] input`, run: `edit ${label}` },
    { trigger: `${answers} .o_selected_row td[name=value] input`, run: `edit ${score}` },
];

registry.category("web_tour.tours").add("whatsapp_inbox_csat_settings_tour", {
    steps: () => [
        {
            content: "the connection's Satisfaction tab",
            trigger: ".o_notebook_headers .nav-link:contains(Satisfaction)",
            run: "click",
        },
        { trigger: ".o_field_widget[name=csat_enabled] input", run: "click" },
        {
            content: "the question, with the protocol number",
            trigger: ".o_field_widget[name=csat_question] textarea",
            run: "edit Did we solve it? Protocol {protocol}",
        },
        { trigger: ".o_field_widget[name=csat_scale] input[data-value=custom]", run: "click" },
        ...addAnswer("Yes", "10"),
        ...addAnswer("No", "0"),
        { trigger: ".o_field_widget[name=csat_ask_comment] input", run: "click" },
        { trigger: ".o_form_button_save", run: "click" },
        {
            content: "saved",
            trigger: ".o_form_status_indicator_buttons.invisible:not(:visible)",
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_csat_attendance_tour", {
    steps: () => [
        {
            content: "the rating in the attendances' list",
            trigger: ".o_data_row:contains(CSAT-TOUR-1) td[name=csat_score]:contains(2)",
        },
        { trigger: ".o_data_row:contains(CSAT-TOUR-1) td[name=protocol]", run: "click" },
        {
            content: "the form: answered, the score and the customer's comment",
            trigger: ".o_field_widget[name=csat_state]:contains(Answered)",
        },
        { trigger: ".o_field_widget[name=csat_score]:contains(2)" },
        { trigger: ".o_field_widget[name=csat_comment]:contains(Demorou muito)" },
        {
            content: "back to the list: a survey not sent says why",
            trigger: ".o_back_button, .breadcrumb-item a",
            run: "click",
        },
        { trigger: ".o_data_row:contains(CSAT-TOUR-2) td[name=protocol]", run: "click" },
        { trigger: ".o_field_widget[name=csat_state]:contains(Not sent)" },
        { trigger: ".o_field_widget[name=csat_error]:contains(no survey template)" },
    ],
});
