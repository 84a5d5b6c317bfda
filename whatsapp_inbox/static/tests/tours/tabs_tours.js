/** @odoo-module **/

import { registry } from "@web/core/registry";
import { card, openGroupedTab, openTab } from "./tour_utils";

const tab = (xmlid) => `.o_main_navbar .o_menu_sections [data-menu-xmlid='whatsapp_inbox.${xmlid}']`;
const state = (label) => `.o_whatsapp_inbox_state:contains(${label})`;
const count = (xmlid, n) => `${tab(xmlid)} .o_whatsapp_inbox_tab_count[data-count='${n}']`;

/** A customer writes through the real webhook: the test posts it when the tour asks
 * (tests/live_tour.py) and the client hears of it through the bus. */
function customerWrites() {
    console.log("wai-tour: customer_writes");
}

registry.category("web_tour.tours").add("whatsapp_inbox_tabs_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "open the app from the home menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o_app[data-menu-xmlid='whatsapp_inbox.whatsapp_inbox_menu_root']",
            run: "click",
        },
        {
            content: "the app opens on its queues: the Inbox",
            trigger: ".o_wai_workspace",
        },
        {
            content: "no dialog over it",
            trigger: "body:not(:has(.modal))",
        },
        ...openTab("whatsapp_inbox_conversation_menu_waiting"),
        {
            content: "the Waiting tab, oldest first",
            trigger: ".o_breadcrumb:contains(Waiting)",
        },
        {
            trigger: ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost):first:contains(Oldest Wait)",
        },
        {
            content: "no dialog over it",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "each tab shows how many conversations it holds",
            trigger: count("whatsapp_inbox_conversation_menu_waiting", 2),
        },
        {
            trigger: count("whatsapp_inbox_conversation_menu_mine", 1),
        },
        {
            trigger: count("whatsapp_inbox_conversation_menu_unread", 2),
        },
        {
            content: "a new customer writes: the counts follow, without reloading",
            trigger: ".o_kanban_view",
            run: customerWrites,
        },
        {
            trigger: count("whatsapp_inbox_conversation_menu_waiting", 3),
        },
        {
            trigger: count("whatsapp_inbox_conversation_menu_unread", 3),
        },
        {
            content: "and the Waiting tab shows the newcomer last",
            trigger: ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost):last:contains(Newest Wait)",
        },
        ...openGroupedTab("whatsapp_inbox_conversation_menu"),
        {
            content: "the other tabs, with their counts, are one click further",
            trigger: ".o_breadcrumb:contains(All)",
        },
        {
            content: "All: one queue, Waiting first and oldest first, each card with its tab",
            trigger: `.o_kanban_view:not(:has(.o_kanban_group)) .o_kanban_record:not(.o_kanban_ghost):first:contains(Oldest Wait):has(${state("Waiting")})`,
        },
        {
            trigger: `${card("Newest Wait")}:has(${state("Waiting")})`,
        },
        {
            trigger: `${card("Mine Open")}:has(${state("Open")})`,
        },
        {
            content: "a card not Waiting tells when its last message was, as WhatsApp does",
            trigger: `${card("Mine Open")} .o_whatsapp_inbox_when`,
            run() {
                const when = this.anchor.textContent.trim();
                // written just now: its time ("Yesterday" if the day turned meanwhile)
                if (!/^(\d{1,2}:\d{2}|Yesterday)/.test(when)) {
                    throw new Error(`the card says "${when}", not the time of its last message`);
                }
            },
        },
        {
            trigger: `${card("Mine Closed")}:has(${state("Finalized")})`,
        },
        {
            content: "grouped by status, a column per tab",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_group_by_menu .o_menu_item:contains(Status)",
            run: "click",
        },
        {
            content: "Waiting oldest first there too",
            trigger: ".o_kanban_group:has(.o_column_title:contains(Waiting)) .o_kanban_record:first:contains(Oldest Wait)",
        },
        {
            trigger: ".o_kanban_group:has(.o_column_title:contains(Waiting)) .o_kanban_record:not(.o_kanban_ghost):last:contains(Newest Wait)",
        },
        {
            content: "Finalized is history: folded, its cards not loaded",
            trigger: ".o_kanban_group.o_column_folded:contains(Finalized)",
            run() {
                const cards = [...document.querySelectorAll(".o_kanban_record")];
                if (cards.some((el) => el.textContent.includes("Mine Closed"))) {
                    throw new Error("the folded Finalized column shows its cards");
                }
            },
        },
        {
            content: "every column fits at 1366 px",
            trigger: ".o_kanban_renderer",
            run() {
                const renderer = document.querySelector(".o_kanban_renderer");
                const groups = document.querySelectorAll(".o_kanban_group");
                if (groups.length !== 6 || renderer.scrollWidth > renderer.clientWidth) {
                    throw new Error(
                        `${groups.length} columns, ${renderer.scrollWidth}px wide in ${renderer.clientWidth}px`
                    );
                }
            },
        },
        {
            content: "a card of mine, in its Open column",
            trigger: `.o_kanban_group:has(.o_column_title:contains(Open)) ${card("Mine Open")}`,
        },
        {
            content: "search the text of a message",
            trigger: ".o_searchview_input",
            run: "edit alguém aí",
        },
        {
            trigger: ".o_searchview_autocomplete .o_menu_item:contains(Message text)",
            run: "click",
        },
        {
            content: "only the customer who wrote it is left",
            trigger: `.o_kanban_renderer:not(:has(${card("Oldest Wait")})) ${card("Newest Wait")}`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_pt_br_tour", {
    steps: () => [
        {
            content: "the product's own words",
            trigger: `${tab("whatsapp_inbox_conversation_menu_waiting")}:contains(Esperando)`,
        },
        {
            trigger: `${tab("whatsapp_inbox_conversation_menu_mine")}:contains(Meus)`,
        },
        {
            trigger: `${tab("whatsapp_inbox_conversation_menu_unread")}:contains(Não lidos)`,
        },
        {
            trigger: `${tab("whatsapp_inbox_conversations_menu")}:contains(Atendimentos)`,
        },
        {
            content: "the whole bar fits at 1440 px: nothing hidden behind +",
            trigger: `.o_main_navbar:not(:has(.o_menu_sections_more)) .o_menu_sections [data-menu-xmlid='whatsapp_inbox.whatsapp_inbox_menu_config']:contains(Configuração)`,
        },
        {
            trigger: `${tab("whatsapp_inbox_menu_leads")}`,
        },
        {
            trigger: `${tab("whatsapp_inbox_conversations_menu")}`,
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains(Em aberto)",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains(Todos)",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains(Iniciar atendimento)",
            run: "click",
        },
        {
            content: "the dialog's button reads Iniciar atendimento",
            trigger: ".modal button[name=action_start]:contains(Iniciar atendimento)",
        },
        {
            trigger: ".modal .modal-footer button[special=cancel]",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains(Cliente Português)",
            run: "click",
        },
        {
            content: "the form speaks Portuguese",
            trigger: "button[name=action_register_contact]:contains(Cadastrar novo cliente)",
        },
        {
            trigger: "button[name=action_open_link_contact]:contains(Vincular a cliente existente)",
            run: "click",
        },
        { trigger: ".modal .o_field_widget[name=partner_id] input", run: "edit Parceiro" },
        { trigger: ".ui-autocomplete a:contains(Parceiro Tour)", run: "click" },
        { trigger: ".modal button[name=action_link]", run: "click" },
        {
            content: "and so does the chatter",
            trigger: ".o-mail-Message:contains(Vinculado ao cliente Parceiro Tour)",
        },
    ],
});
