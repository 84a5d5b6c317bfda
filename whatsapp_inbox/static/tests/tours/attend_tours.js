/** @odoo-module **/

import { registry } from "@web/core/registry";
import { card, openGroupedTab, openTab, pickInDialog, searchFor } from "./tour_utils";

registry.category("web_tour.tours").add("whatsapp_inbox_attend_tour", {
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
            trigger: ".modal .modal-title:contains(Link to existing contact)",
        },
        ...pickInDialog("partner_id", "Tour Partner"),
        {
            trigger: ".modal button[name=action_link]",
            run: "click",
        },
        {
            content: "the contact panel shows the partner",
            trigger: ".o_whatsapp_inbox_contact_panel .o_field_widget[name=partner_email]:contains(tour.partner@example.com)",
        },
        {
            content: "the chatter says so",
            trigger: ".o-mail-Message:contains(Linked to contact Tour Partner)",
        },
        {
            content: "the conversation shows the contact's name",
            trigger: ".o_form_view .oe_title:contains(Tour Partner)",
        },
        {
            content: "a wrong link is undone from the panel",
            trigger: ".o_whatsapp_inbox_contact_panel button[name=action_unlink_partner]",
            run: "click",
        },
        {
            trigger: ".modal-footer button:contains(Ok)",
            run: "click",
        },
        {
            trigger: ".o_whatsapp_inbox_contact_panel:contains(not linked to a contact yet)",
        },
        {
            trigger: ".o-mail-Message:contains(Unlinked from contact Tour Partner)",
        },
        {
            content: "and linked again",
            trigger: "button[name=action_open_link_contact]",
            run: "click",
        },
        ...pickInDialog("partner_id", "Tour Partner"),
        {
            content: "the contact has the number now: it is not asked again",
            trigger: ".modal .o_field_widget[name=partner_number]:contains(+55 11 91111-0001)",
        },
        {
            trigger: ".modal button[name=action_link]",
            run: "click",
        },
        {
            trigger: ".o_whatsapp_inbox_contact_panel .o_field_widget[name=partner_id]:contains(Tour Partner)",
        },
        {
            content: "transfer to another agent",
            trigger: "button[name=action_open_transfer]",
            run: "click",
        },
        ...pickInDialog("user_id", "Tour Agent B"),
        {
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Wants a discount",
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
            content: "with the note for them in the chatter",
            trigger: ".o-mail-Message:contains(Transferred to Tour Agent B):contains(Wants a discount)",
        },
        {
            content: "finalize",
            trigger: ".o_form_view button[name=action_finalize]",
            run: "click",
        },
        {
            content: "the customer waits for an answer: asked first",
            trigger: ".modal:contains(The customer is waiting for an answer)",
        },
        {
            trigger: ".modal-footer button:contains(Ok)",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Finalized)",
        },
        {
            trigger: ".o-mail-Message:contains(Conversation finalized by Tour Agent A)",
        },
        ...openGroupedTab("whatsapp_inbox_conversation_menu_done"),
        ...searchFor("Tour Customer"),
        {
            content: "it is now in the Finalized tab, found by the profile name, shown with the contact's name",
            trigger: `.o_kanban_view ${card("Tour Partner")}`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_register_contact_tour", {
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
            content: "the dialog says what it does and is prefilled",
            trigger: ".modal:has(.modal-title:contains(Register new contact)) .o_field_widget[name=name] input:value(Unknown Lead)",
        },
        {
            trigger: ".modal .o_field_widget[name=mobile] input:value(+5511911110002)",
        },
        {
            content: "change one's mind: cancel",
            trigger: ".modal .modal-footer button:contains(Cancel)",
            run: "click",
        },
        {
            content: "nothing was created: the number is still not linked",
            trigger: ".o_whatsapp_inbox_contact_panel:contains(not linked to a contact yet)",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "register for real, with an email",
            trigger: "button[name=action_register_contact]",
            run: "click",
        },
        {
            content: "the country comes from the number",
            trigger: ".modal .o_field_widget[name=country_id] input:value(Brazil)",
        },
        {
            content: "a mistyped email",
            trigger: ".modal .o_field_widget[name=email] input",
            run: "edit juan@@example",
        },
        {
            trigger: ".modal button[name=action_register]",
            run: "click",
        },
        {
            content: "is refused",
            trigger: ".modal-dialog:contains(is not a valid email address) .modal-footer button",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=email] input",
            run: "edit unknown.lead@example.com",
        },
        {
            trigger: ".modal button[name=action_register]",
            run: "click",
        },
        {
            content: "back on the conversation, the panel shows the contact",
            trigger: ".o_whatsapp_inbox_contact_panel .o_field_widget[name=partner_email]:contains(unknown.lead@example.com)",
        },
        {
            trigger: ".o_whatsapp_inbox_contact_panel .o_field_widget[name=partner_id]:contains(Unknown Lead)",
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_take_reopen_tour", {
    steps: () => [
        ...searchFor("Take Customer"),
        {
            trigger: card("Take Customer"),
            run: "click",
        },
        {
            content: "nobody handles this customer: take it",
            trigger: ".o_form_view button[name=action_take]",
            run: "click",
        },
        {
            content: "I am its agent now",
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Tour Agent A)",
        },
        {
            trigger: ".o-mail-Message:contains(Taken by Tour Agent A)",
        },
        ...openTab("whatsapp_inbox_conversation_menu_mine"),
        {
            content: "it is among mine",
            trigger: `.o_kanban_view ${card("Take Customer")}`,
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_finalize]",
            run: "click",
        },
        {
            content: "taken but not answered: asked first",
            trigger: ".modal:contains(The customer is waiting for an answer)",
        },
        {
            trigger: ".modal-footer button:contains(Ok)",
            run: "click",
        },
        {
            content: "finalized: Reopen is offered",
            trigger: ".o_form_view button[name=action_reopen]",
            run: "click",
        },
        {
            content: "open again",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Open)",
        },
        {
            trigger: ".o-mail-Message:contains(Conversation reopened by Tour Agent A)",
        },
        ...openGroupedTab("whatsapp_inbox_conversation_menu_open"),
        {
            trigger: `.o_kanban_view ${card("Take Customer")}`,
        },
    ],
});

const unreadTab =
    ".o_main_navbar [data-menu-xmlid='whatsapp_inbox.whatsapp_inbox_conversation_menu_unread']";

registry.category("web_tour.tours").add("whatsapp_inbox_seen_tour", {
    steps: () => [
        {
            content: "an unread conversation of mine",
            trigger: `${card("Seen Customer")} .o_whatsapp_inbox_unread`,
        },
        { trigger: `${unreadTab} .o_whatsapp_inbox_tab_count[data-count='1']` },
        {
            trigger: card("Seen Customer"),
            run: "click",
        },
        {
            content: "opening it as its agent marks it seen",
            trigger: ".o_form_view .o_field_widget[name=contact_name]",
        },
        {
            // read before going back: the list read earlier would show it unread, and
            // this tour's client hears no refresh (no websocket)
            content: "seen: the Unread tab counts it no more",
            trigger: `${unreadTab}:not(:has(.o_whatsapp_inbox_tab_count))`,
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

// tests/test_tours.py: a supervisor takes, from its form, a conversation Tour Agent A holds.
registry.category("web_tour.tours").add("whatsapp_inbox_take_from_agent_tour", {
    steps: () => [
        {
            content: "Tour Agent A holds it: the plain Take is hidden",
            trigger: ".o_form_view:not(:has(button[name=action_take]:not(.o_wai_take_from_other))) .o_field_widget[name=user_id] input:value(Tour Agent A)",
        },
        {
            trigger: ".o_form_view button.o_wai_take_from_other[name=action_take]",
            run: "click",
        },
        {
            content: "taking it from another agent asks first",
            trigger: ".modal:contains(Another agent handles this conversation)",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Tour Supervisor)",
        },
        {
            content: "the chatter says from whom, and by whom",
            trigger: ".o-mail-Message:contains(Taken from Tour Agent A by Tour Supervisor)",
        },
        {
            content: "mine now: no confirmation left to ask",
            trigger: ".o_form_view:not(:has(button[name=action_take]))",
        },
    ],
});
