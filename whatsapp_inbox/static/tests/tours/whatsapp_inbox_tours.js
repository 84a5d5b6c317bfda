/** @odoo-module **/

import { registry } from "@web/core/registry";

const card = (name) => `.o_kanban_record:contains(${name})`;

/** Search the tab for a customer, whatever else it holds. */
const searchFor = (name) => [
    { trigger: ".o_searchview_input", run: `edit ${name}` },
    { trigger: ".o_searchview_input", run: "press Enter" },
];

registry.category("web_tour.tours").add("whatsapp_inbox_attend_tour", {
    url: "/odoo/action-whatsapp_inbox.whatsapp_inbox_conversation_action_waiting",
    steps: () => [
        ...searchFor("Tour Customer"),
        {
            content: "the waiting customer is in the Waiting tab, with the time waited",
            trigger: `${card("Tour Customer")} .o_whatsapp_inbox_waiting`,
        },
        {
            content: "open the conversation",
            trigger: card("Tour Customer"),
            run: "click",
        },
        {
            content: "the number is not linked yet: link it to an existing contact",
            trigger: "button[name=action_open_link_contact]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=partner_id] input",
            run: "edit Tour Partner",
        },
        {
            trigger: ".ui-autocomplete a:contains(Tour Partner)",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_link]",
            run: "click",
        },
        {
            content: "the contact panel shows the partner",
            trigger: ".o_whatsapp_inbox_contact_panel .o_field_widget[name=partner_email]:contains(tour.partner@example.com)",
        },
        {
            content: "transfer to another agent",
            trigger: "button[name=action_open_transfer]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=user_id] input",
            run: "edit Tour Agent B",
        },
        {
            trigger: ".ui-autocomplete a:contains(Tour Agent B)",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_transfer]",
            run: "click",
        },
        {
            content: "the new agent shows on the conversation",
            trigger: ".o_field_widget[name=user_id] input:value(Tour Agent B)",
        },
        {
            content: "finalize",
            trigger: ".o_form_view button[name=action_finalize]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Finalized)",
        },
        {
            content: "it is now in the Finalized tab",
            trigger: ".o_main_navbar .o_menu_sections button:contains(Finalized), .o_main_navbar .o_menu_sections a:contains(Finalized)",
            run: "click",
        },
        ...searchFor("Tour Customer"),
        {
            content: "found by the profile name, shown with the contact's name",
            trigger: `.o_kanban_view ${card("Tour Partner")}`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_register_contact_tour", {
    url: "/odoo/action-whatsapp_inbox.whatsapp_inbox_conversation_action_waiting",
    steps: () => [
        ...searchFor("Unknown Lead"),
        {
            trigger: card("Unknown Lead"),
            run: "click",
        },
        {
            content: "register a new contact from the profile name and number",
            trigger: "button[name=action_register_contact]",
            run: "click",
        },
        {
            content: "the new contact is prefilled",
            trigger: ".modal .o_field_widget[name=name] input:value(Unknown Lead)",
        },
        {
            trigger: ".modal .o_form_button_save, .modal .o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "back on the conversation, the panel shows the contact",
            trigger: ".o_whatsapp_inbox_contact_panel .o_field_widget[name=partner_id]:contains(Unknown Lead)",
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_seen_tour", {
    steps: () => [
        {
            content: "an unread conversation of mine",
            trigger: `${card("Seen Customer")} .o_whatsapp_inbox_unread`,
        },
        {
            trigger: card("Seen Customer"),
            run: "click",
        },
        {
            content: "opening it as its agent marks it seen",
            trigger: ".o_form_view .o_field_widget[name=contact_name]",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            trigger: `${card("Seen Customer")}:not(:has(.o_whatsapp_inbox_unread))`,
        },
    ],
});
