/** @odoo-module **/

import { registry } from "@web/core/registry";

// Tours of Meta's agent and of customers hiding their number (tests/test_platform_tours.py).

const tours = registry.category("web_tour.tours");
const row = (name) => `.o_wai_row:contains(${name})`;

tours.add("whatsapp_inbox_take_over_tour", {
    steps: () => [
        {
            content: "Meta's agent answers it, no human: the Automated tab",
            trigger: ".o_wai_tab[data-tab=bot]",
            run: "click",
        },
        { trigger: row("Standby Customer"), run: "click" },
        { trigger: ".o_wai_header_name:contains(Standby Customer)" },
        {
            content: "Meta's agent answered: both messages are in the thread",
            trigger: ".o_wai_out:contains(Entregamos até as 18h.)",
        },
        {
            content: "its reply says who wrote it",
            trigger: ".o_wai_out:contains(Entregamos até as 18h.) .o_wai_bubble_sender:contains(Meta's agent)",
        },
        {
            content: "the header says who handles it",
            trigger: ".o_wai_meta_agent:contains(Handled by Meta's agent)",
        },
        { trigger: "button[name=take_over]", run: "click" },
        {
            content: "taken over: the indicator is gone",
            trigger: ".o_wai_header_actions:not(:has(button[name=take_over]))",
        },
        { trigger: ".o_wai_header_meta:not(:has(.o_wai_meta_agent))" },
        {
            content: "a human must answer now: it waits in Waiting",
            trigger: ".o_wai_tab[data-tab=waiting]",
            run: "click",
        },
        { trigger: row("Standby Customer") },
    ],
});

tours.add("whatsapp_inbox_ask_phone_tour", {
    steps: () => [
        { trigger: row("Username Customer"), run: "click" },
        { trigger: ".o_wai_header_name:contains(Username Customer)" },
        {
            content: "the client panel shows the username, not a number",
            trigger: ".o_wai_profile .o_wai_field_username:contains(cliente.anonimo)",
        },
        {
            content: "and the business-scoped user ids, the portfolio's and the parent's",
            trigger: ".o_wai_profile .o_wai_field_bsuid:contains(BR.1502576394655843)",
        },
        { trigger: ".o_wai_profile .o_wai_field_parent_bsuid:contains(BR.ENT.11815799212886844830)" },
        { trigger: "button[name=ask_phone]", run: "click" },
        {
            content: "the request is queued in the thread, with WhatsApp's share button",
            trigger: ".o_wai_out:contains(share your phone number) .o_wai_rich_share",
        },
        {
            content: "the outside world: the customer taps and shares the number",
            trigger: ".o_wai_workspace.o_wai_live",
            run() {
                console.log("wai-tour: share");
            },
        },
        {
            content: "the number arrives live in the client panel",
            trigger: ".o_wai_profile:contains(+5511911119002)",
            timeout: 30000,
        },
    ],
});
