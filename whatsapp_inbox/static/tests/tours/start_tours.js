/** @odoo-module **/

import { registry } from "@web/core/registry";
import { card, openGroupedTab, openTab, pickInDialog, typeVariables } from "./tour_utils";

const openStart = () => [
    ...openGroupedTab("whatsapp_inbox_start_menu"),
    {
        content: "the Start attendance dialog",
        trigger: ".modal .modal-title:contains(Start attendance)",
    },
];

const chooseChannel = (channel) => [
    {
        content: `the attendance is made on ${channel}`,
        trigger: `.modal .o_field_widget[name=channel] input[data-value=${channel}]`,
        run: "click",
    },
];

const customer = (name, field, value) => [
    { trigger: ".modal .o_field_widget[name=name] input", run: `edit ${name}` },
    { trigger: `.modal .o_field_widget[name=${field}] input`, run: `edit ${value}` },
];

/** The attendance is mine and shows what a person needs on its channel only. */
const startedByMe = (channelLabel, state) => [
    {
        trigger: ".modal button[name=action_start]",
        run: "click",
    },
    {
        content: "the new attendance is mine",
        trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Tour Agent A)",
    },
    {
        trigger: `.o_statusbar_status button.o_arrow_button_current:contains(${state})`,
    },
    {
        content: "its channel shows",
        trigger: `.o_form_view .o_field_widget[name=channel]:contains(${channelLabel})`,
    },
    {
        content: "no WhatsApp id, no WhatsApp messages, no WhatsApp button",
        trigger: ".o_form_view:not(:has(.o_field_widget[name=wa_id])):not(:has(.o_notebook a:contains(Messages))):not(:has(button[name=action_open_composer]))",
    },
];

registry.category("web_tour.tours").add("whatsapp_inbox_start_whatsapp_tour", {
    steps: () => [
        ...openStart(),
        ...customer("Tour Lead", "phone", "11 95555-4444"),
        {
            content: "WhatsApp is the default channel, from our connection",
            trigger: ".modal .o_field_widget[name=connection_id] input:value(Tour)",
        },
        ...pickInDialog("template_id", "boas", "boas_vindas"),
        {
            content: "{{1}} is prefilled with the customer's name",
            trigger: ".modal .o_field_widget[name=param_ids] .o_data_row:nth-child(1) td[name=value]:contains(Tour Lead)",
        },
        {
            trigger: ".modal .o_field_widget[name=preview]:contains(Olá Tour Lead!)",
        },
        {
            content: "another template: its own variables",
            trigger: ".modal .o_field_widget[name=template_id] input",
            run: "clear",
        },
        ...pickInDialog("template_id", "pedido", "pedido_enviado"),
        {
            content: "its variables are there to fill",
            trigger: ".modal .o_field_widget[name=preview]:contains(seu pedido {{2}} foi enviado)",
        },
        ...typeVariables("Tour Lead", "#42"),
        {
            content: "the preview shows what the customer will read",
            trigger: ".modal .o_field_widget[name=preview]:contains(Olá Tour Lead, seu pedido #42 foi enviado.)",
        },
        {
            trigger: ".modal button[name=action_start]",
            run: "click",
        },
        {
            content: "the template is on its way",
            trigger: ".o_field_widget[name=wa_message_ids] td:contains(Olá Tour Lead, seu pedido #42 foi enviado.)",
        },
        {
            trigger: ".o-mail-Message:contains(Olá Tour Lead, seu pedido #42 foi enviado.) .o_whatsapp_inbox_ticks[data-status=queued]",
        },
        {
            content: "the customer has not answered yet: Not started, but mine",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Not started)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Tour Agent A)",
        },
        ...openTab("whatsapp_inbox_conversation_menu_mine"),
        {
            trigger: `${card("Tour Lead")} .o_whatsapp_inbox_channel.fa-whatsapp`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_start_sms_tour", {
    steps: () => [
        ...openStart(),
        ...chooseChannel("sms"),
        ...customer("Tour SMS", "phone", "+55 11 94444-3333"),
        {
            content: "our number is proposed as the sender",
            trigger: ".modal .o_field_widget[name=sender] input:value(+55 11 4000-1234)",
        },
        {
            content: "the body is named for an SMS",
            trigger: ".modal .o_form_label:contains(SMS text)",
        },
        {
            trigger: ".modal .o_field_widget[name=body] textarea",
            run: "edit Seu pedido chegou",
        },
        ...startedByMe("SMS", "Open"),
        {
            content: "originated by our number",
            trigger: ".o_form_view .o_field_widget[name=originated_by] input:value(+55 11 4000-1234)",
        },
        ...openTab("whatsapp_inbox_conversation_menu_mine"),
        {
            content: "its card shows the SMS icon",
            trigger: `${card("Tour SMS")} .o_whatsapp_inbox_channel.fa-commenting-o`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_start_email_tour", {
    steps: () => [
        ...openStart(),
        ...chooseChannel("email"),
        {
            content: "no phone for an email",
            trigger: ".modal:not(:has(.o_field_widget[name=phone]))",
        },
        ...customer("Tour Mail", "email", "tour.mail@example.com"),
        {
            trigger: ".modal .o_field_widget[name=email_from] input",
            run: "edit vendas@example.com",
        },
        {
            content: "an email without a body is not started",
            trigger: ".modal button[name=action_start]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=body].o_field_invalid",
        },
        {
            trigger: ".modal .o_field_widget[name=subject] input",
            run: "edit Proposta 42",
        },
        {
            content: "the body is named for an email",
            trigger: ".modal .o_form_label:contains(Email body):not(:contains(SMS))",
        },
        {
            trigger: ".modal .o_field_widget[name=body] textarea",
            run: "edit Segue a proposta.",
        },
        ...startedByMe("Email", "Open"),
        {
            trigger: ".o_form_view .o_field_widget[name=originated_by] input:value(vendas@example.com)",
        },
        {
            content: "the email is in the chatter",
            trigger: ".o-mail-Message:contains(Segue a proposta.)",
        },
        ...openTab("whatsapp_inbox_conversation_menu_mine"),
        {
            trigger: `${card("Tour Mail")} .o_whatsapp_inbox_channel.fa-envelope-o`,
        },
        {
            trigger: `${card("Tour Mail")}:contains(tour.mail@example.com)`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_start_voip_tour", {
    steps: () => [
        ...openStart(),
        ...chooseChannel("voip"),
        ...customer("Tour Call", "phone", "+55 11 93333-4444"),
        {
            trigger: ".modal .o_field_widget[name=sender] input",
            run: "edit +55 11 4000-9999",
        },
        {
            content: "the body is named for a call",
            trigger: ".modal .o_form_label:contains(Call notes)",
        },
        {
            trigger: ".modal .o_field_widget[name=body] textarea",
            run: "edit Wants a quote",
        },
        ...startedByMe("VoIP", "Open"),
        {
            trigger: ".o_form_view .o_field_widget[name=originated_by] input:value(+55 11 4000-9999)",
        },
        {
            content: "the call is logged in the chatter",
            trigger: ".o-mail-Message:contains(Wants a quote)",
        },
        ...openTab("whatsapp_inbox_conversation_menu_mine"),
        {
            trigger: `${card("Tour Call")} .o_whatsapp_inbox_channel.fa-phone`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_start_existing_tour", {
    steps: () => [
        ...openStart(),
        ...customer("Cliente Teste", "phone", "(11) 91234-5678"),
        {
            content: "leave the number for the next field",
            trigger: ".modal .o_field_widget[name=origin_id] input",
            run: "click",
        },
        {
            content: "as soon as the number is typed: this customer already has a conversation",
            trigger: ".modal .alert:contains(already has a conversation) .o_field_widget[name=existing_conversation_id]:contains(Lead from the website form)",
        },
        {
            content: "with its state and its agent",
            trigger: ".modal .alert .o_field_widget[name=existing_state]:contains(Waiting)",
        },
        {
            trigger: ".modal .alert:contains(No agent)",
        },
        {
            content: "renaming it is a choice, not done silently",
            trigger: ".modal .alert .o_field_widget[name=rename_existing] input:not(:checked)",
        },
        ...pickInDialog("template_id", "pedido", "pedido_enviado"),
        ...typeVariables("Cliente", "#7"),
        {
            trigger: ".modal button[name=action_start]",
            run: "click",
        },
        {
            content: "the attendance starts in the existing conversation, its name kept",
            trigger: ".o_form_view .oe_title:contains(Lead from the website form)",
        },
        {
            trigger: ".o-mail-Message:contains(Attendance started by Tour Agent A in this conversation)",
        },
    ],
});
