/** @odoo-module **/

import { registry } from "@web/core/registry";
import { card, openGroupedTab, openTab, pickInDialog, searchFor, typeVariables } from "./tour_utils";

registry.category("web_tour.tours").add("whatsapp_inbox_reply_tour", {
    steps: () => [
        ...searchFor("Reply Customer"),
        {
            trigger: card("Reply Customer"),
            run: "click",
        },
        {
            content: "nobody has this conversation yet: Take is offered",
            trigger: ".o_form_view button[name=action_take]",
        },
        {
            trigger: ".o_form_view button[name=action_open_composer]",
            run: "click",
        },
        {
            content: "the customer wrote today: free text, with the time left",
            trigger: ".modal .o_whatsapp_inbox_countdown.text-success",
        },
        {
            trigger: ".modal .o_field_widget[name=body] textarea",
            run: "edit Olá! Já verifico o seu pedido.",
        },
        {
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "replying made the conversation mine and Open",
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Tour Agent A)",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Open)",
        },
        {
            content: "the reply is queued, with its clock, in the thread and the chatter",
            trigger: ".o_field_widget[name=wa_message_ids] tr:contains(Já verifico o seu pedido) td[name=ticks]:contains(🕓)",
        },
        {
            trigger: ".o-mail-Message:contains(Já verifico o seu pedido) .o_whatsapp_inbox_ticks[data-status=queued]",
        },
        ...openTab("whatsapp_inbox_conversation_menu_mine"),
        {
            content: "it is in my tab",
            trigger: `.o_kanban_view ${card("Reply Customer")}`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_template_reply_tour", {
    steps: () => [
        ...openGroupedTab("whatsapp_inbox_conversation_menu_error"),
        {
            content: "the failure says what happened on the card",
            trigger: `${card("Late Customer")}:contains(More than 24 hours passed)`,
            run: "click",
        },
        {
            content: "the window closed: send a template",
            trigger: ".alert-danger button[name=action_error_send_template]",
            run: "click",
        },
        {
            content: "only a template can be sent",
            trigger: ".modal .alert-warning:contains(The 24-hour window is closed)",
        },
        {
            trigger: ".modal .o_field_widget[name=mode] input[data-value=template]:checked",
        },
        {
            trigger: ".modal .o_field_widget[name=template_id] input",
            run: "clear",
        },
        ...pickInDialog("template_id", "pedido", "pedido_enviado"),
        {
            content: "its variables are there to fill",
            trigger: ".modal .o_field_widget[name=preview]:contains(seu pedido {{2}} foi enviado)",
        },
        ...typeVariables("Rafael", "4521"),
        {
            content: "the preview shows the values typed",
            trigger: ".modal .o_field_widget[name=preview]:contains(Olá Rafael, seu pedido 4521 foi enviado.)",
        },
        {
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "sent: the error is gone and the conversation is mine, Open",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Open)",
        },
        {
            trigger: ".o_form_view:not(:has(.alert-danger))",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Tour Agent A)",
        },
        {
            trigger: ".o_field_widget[name=wa_message_ids] td:contains(Olá Rafael, seu pedido 4521 foi enviado.)",
        },
    ],
});

/** Meta's delivery statuses arrive through the real webhook: the test posts them when
 * the tour asks (tests/live_tour.py) and the client hears of them through the bus. */
function metaReports(status) {
    console.log(`wai-tour: ${status}`);
}

registry.category("web_tour.tours").add("whatsapp_inbox_ticks_tour", {
    steps: () => [
        {
            content: "our reply was sent: one tick in the thread and in the chatter",
            trigger: ".o_field_widget[name=wa_message_ids] tr:contains(Ticks reply) td[name=ticks]:contains(✓)",
        },
        {
            trigger: ".o-mail-Message:contains(Ticks reply) .o_whatsapp_inbox_ticks[data-status=sent]:contains(Sent)",
        },
        {
            content: "Meta reports it delivered",
            trigger: ".o-mail-Message:contains(Ticks reply)",
            run: () => metaReports("delivered"),
        },
        {
            content: "two ticks, without reloading",
            trigger: ".o-mail-Message:contains(Ticks reply) .o_whatsapp_inbox_ticks[data-status=delivered]:contains(✓✓)",
        },
        {
            trigger: ".o_field_widget[name=wa_message_ids] tr:contains(Ticks reply) td[name=status]:contains(Delivered)",
        },
        {
            content: "Meta reports it read",
            trigger: ".o-mail-Message:contains(Ticks reply)",
            run: () => metaReports("read"),
        },
        {
            content: "blue ticks",
            trigger: ".o-mail-Message:contains(Ticks reply) .o_whatsapp_inbox_ticks.text-info[data-status=read]:contains(✓✓)",
        },
        {
            trigger: ".o_field_widget[name=wa_message_ids] tr:contains(Ticks reply) td[name=status]:contains(Read)",
        },
    ],
});

// tests/test_tours.py: a text longer than WhatsApp takes is refused on Send, with the reason.
const LONG_TEXT = "Segue o passo a passo completo. ".repeat(160); // 5,120 characters
registry.category("web_tour.tours").add("whatsapp_inbox_long_text_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_open_composer]",
            run: "click",
        },
        {
            // pasted: typed key by key, 5,120 characters took a loaded machine most of the
            // tour's minute
            content: "paste a text longer than WhatsApp takes",
            trigger: ".modal .o_field_widget[name=body] textarea",
            run() {
                this.anchor.value = LONG_TEXT;
                this.anchor.dispatchEvent(new InputEvent("input", { bubbles: true }));
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "refused with the limit and the length typed",
            trigger: ".modal:contains(longer than 4096 characters):contains(this one has 51)",
        },
        {
            trigger: ".modal:contains(longer than 4096 characters) .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "the text is still there to shorten",
            trigger: "body:not(:has(.modal:contains(longer than 4096))) .modal .o_field_widget[name=body] textarea",
            run: "edit Segue o passo a passo: ver o manual.",
        },
        {
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o-mail-Message:contains(ver o manual)",
        },
    ],
});
