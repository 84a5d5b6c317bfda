/** @odoo-module **/

import { registry } from "@web/core/registry";

// Tours of the Inbox workspace (tests/test_workspace_tours.py). A step that logs
// "wai-tour: <signal>" asks the test to play the outside world (a customer, Meta,
// a colleague); the result reaches the browser through the bus.

const tours = registry.category("web_tour.tours");
const row = (name) => `.o_wai_row:contains(${name})`;
const signal = (name) => ({
    content: `the outside world: ${name}`,
    // live updates need the bus connected
    trigger: ".o_wai_workspace.o_wai_live",
    run() {
        console.log(`wai-tour: ${name}`);
    },
});
const openRow = (name) => [
    { trigger: row(name), run: "click" },
    { trigger: `.o_wai_header_name:contains(${name})` },
];
const tab = (key) => [
    { trigger: `.o_wai_tab[data-tab=${key}]`, run: "click" },
    { trigger: `.o_wai_tab[data-tab=${key}].active` },
];
const count = (key, value) => ({
    content: `the ${key} badge shows ${value}`,
    trigger: `.o_wai_tab[data-tab=${key}] .o_wai_count:contains(${value})`,
});
const pick = (selectMenu, text) => [
    { trigger: `${selectMenu} .o_select_menu_toggler`, run: "click" },
    { trigger: ".o_select_menu_menu input", run: `edit ${text}` },
    { trigger: `.o_select_menu_item:contains(${text})`, run: "click" },
];

tours.add("whatsapp_inbox_workspace_answer_tour", {
    steps: () => [
        {
            content: "the Inbox opens on Waiting, the customer's line shows how long they wait",
            trigger: `.o_wai_tab[data-tab=waiting].active`,
        },
        { trigger: `${row("Tour Customer")}.o_wai_row_unread .o_wai_wait` },
        ...openRow("Tour Customer"),
        { trigger: ".o_wai_in .o_wai_text:contains(Quero um orçamento)" },
        {
            content: "the attendance's protocol in the header, the attendance in the panel",
            trigger: ".o_wai_header_protocol:contains(-0)",
        },
        { trigger: ".o_wai_attendances .o_wai_attendance_protocol:contains(-0)" },
        {
            content: "the attendance reads In progress, not Open like a conversation's tab",
            trigger: ".o_wai_attendance_item:has(.o_wai_attendance_protocol:contains(-0)) .o_wai_attendance_running:contains(In progress)",
        },
        {
            content: "opening it marked it read",
            trigger: `${row("Tour Customer")}:not(.o_wai_row_unread)`,
        },
        { trigger: ".o_wai_countdown" },
        { trigger: ".o_wai_input", run: "edit Olá!" },
        { content: "Shift+Enter is a new line", trigger: ".o_wai_input", run: "press Shift+Enter" },
        { trigger: ".o_wai_input", run: "fill Como posso ajudar?" },
        {
            content: "nothing was sent yet",
            trigger: ".o_wai_messages:not(:has(.o_wai_out))",
        },
        { content: "Enter sends", trigger: ".o_wai_input", run: "press Enter" },
        {
            content: "the bubble waits in the queue",
            trigger: ".o_wai_out:contains(Como posso ajudar?) .o_wai_ticks_queued",
        },
        signal("deliver"),
        {
            content: "Meta's statuses arrive: read ticks, live",
            trigger: ".o_wai_out:contains(Como posso ajudar?) .o_wai_ticks_read",
            timeout: 30000,
        },
        { content: "answered: Open now", trigger: ".o_wai_state_open" },
        count("open", 1),
        ...tab("all"),
        {
            content: "All mixes states: the line says Open, and nobody waits for an answer",
            trigger: `${row("Tour Customer")} .o_wai_row_state_open.text-bg-success`,
        },
        { trigger: `${row("Tour Customer")}:not(:has(.o_wai_wait))` },
        ...tab("mine"),
        {
            content: "in Mine, we spoke last: the line quietly says it waits for the customer",
            trigger: `${row("Tour Customer")}.o_wai_row_awaiting .o_wai_row_preview .o_wai_awaiting`,
        },
        signal("again"),
        {
            content: "the customer writes again: the open thread shows it",
            trigger: ".o_wai_in:contains(Ainda está aí?)",
            timeout: 30000,
        },
        {
            content: "the line now shows how long the customer waits for an answer",
            trigger: `${row("Tour Customer")} .o_wai_row_state_open ~ .o_wai_wait`,
        },
        {
            content: "and no longer looks settled",
            trigger: `${row("Tour Customer")}:not(.o_wai_row_awaiting):not(:has(.o_wai_awaiting))`,
        },
    ],
});

tours.add("whatsapp_inbox_workspace_template_tour", {
    steps: () => [
        ...tab("new"),
        ...openRow("Rita Lead"),
        {
            content: "the window never opened: the composer is the template picker",
            trigger: ".o_wai_window_notice",
        },
        { trigger: ".o_wai_template_select", run: "selectByLabel boas_vindas" },
        {
            content: "the contact's name, without a contact: the WhatsApp profile name",
            trigger: ".o_wai_template_var input[name=var_1]:value(Rita Lead)",
        },
        { trigger: ".o_wai_template_var input[name=var_1]", run: "edit Rita" },
        { trigger: ".o_wai_template_var input[name=var_2]", run: "edit Loja Centro" },
        {
            content: "the preview shows the values",
            trigger: ".o_wai_template_preview:contains(Olá Rita! Aqui é da Loja Centro.)",
        },
        { trigger: ".o_wai_template_preview:contains(Falar com atendente)" },
        { trigger: "button[name=send_template]", run: "click" },
        { trigger: ".o_wai_out:contains(Aqui é da Loja Centro) .o_wai_template_label" },
        {
            content: "sent: the picker is empty again, a second click cannot send it twice",
            trigger: ".o_wai_templates:not(:has(.o_wai_template_form))",
        },
        { trigger: ".o_wai_composer:not(:has(button[name=send_template]))" },
        {
            trigger: ".o_wai_template_select",
            run() {
                if (this.anchor.value !== "") {
                    throw new Error(`the picker still shows template ${this.anchor.value}`);
                }
            },
        },
    ],
});

tours.add("whatsapp_inbox_workspace_transfer_tour", {
    steps: () => [
        ...tab("mine"),
        ...openRow("Transfer Customer"),
        { trigger: "button[name=transfer]", run: "click" },
        ...pick(".o_wai_transfer_user", "Tour Agent B"),
        { trigger: ".o_wai_transfer_note", run: "edit Cliente VIP, atenção" },
        { trigger: "button[name=confirm_transfer]", run: "click" },
        { content: "the receiver shows in the header", trigger: ".o_wai_header_agent:contains(Tour Agent B)" },
        { content: "the note is in the thread", trigger: ".o_wai_system:contains(Cliente VIP, atenção)" },
        {
            content: "it left my Mine tab",
            trigger: ".o_wai_rows:not(:has(.o_wai_row:contains(Transfer Customer)))",
        },
    ],
});

tours.add("whatsapp_inbox_workspace_mine_tour", {
    steps: () => [
        ...tab("mine"),
        { content: "what was transferred to me is in Mine", trigger: row("Transfer Customer") },
        count("mine", 1),
        signal("transfer"),
        {
            // first: a toast closes after 4 s, however long the steps before it took
            content: "a colleague transfers another one: one toast, and it appears",
            trigger: ".o_notification:contains(Second Customer)",
            timeout: 30000,
        },
        {
            content: "the server's toast is the only one: the Inbox adds none of its own",
            trigger: ".o_notification",
            run() {
                const toasts = [...document.querySelectorAll(".o_notification")].filter((toast) =>
                    toast.textContent.includes("transferred to you: Second Customer")
                );
                if (toasts.length !== 1) {
                    throw new Error(`${toasts.length} toasts for one transfer`);
                }
            },
        },
        { trigger: row("Second Customer") },
        count("mine", 2),
        ...openRow("Transfer Customer"),
        { trigger: ".o_wai_system:contains(Cliente VIP, atenção)" },
    ],
});

tours.add("whatsapp_inbox_workspace_finalize_tour", {
    steps: () => [
        ...openRow("Closing Customer"),
        { trigger: "button[name=finalize]", run: "click" },
        {
            content: "the customer waits for an answer: finalizing is asked first",
            trigger: ".modal:contains(Closing Customer is waiting for an answer)",
        },
        { trigger: ".modal .modal-footer .btn-primary:contains(Finalize)", run: "click" },
        { trigger: ".o_wai_state_done" },
        { trigger: ".o_wai_system:contains(finalized)" },
        count("done", 1),
        ...tab("done"),
        { trigger: row("Closing Customer") },
        { trigger: "button[name=reopen]", run: "click" },
        { trigger: ".o_wai_state_open" },
        { trigger: ".o_wai_rows:not(:has(.o_wai_row:contains(Closing Customer)))" },
        count("open", 1),
    ],
});

tours.add("whatsapp_inbox_workspace_finalize_answered_tour", {
    steps: () => [
        ...openRow("Answered Customer"),
        { trigger: ".o_wai_state_waiting" },
        { trigger: "button[name=finalize]", run: "click" },
        { trigger: ".modal:contains(Answered Customer is waiting for an answer)" },
        { content: "not yet: answer first", trigger: ".modal .modal-footer .btn-secondary", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: ".o_wai_state_waiting" },
        { trigger: ".o_wai_input", run: "edit Resolvido, obrigado!" },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_out:contains(Resolvido, obrigado!)" },
        { trigger: ".o_wai_state_open" },
        { content: "answered: one click finalizes", trigger: "button[name=finalize]", run: "click" },
        { trigger: ".o_wai_state_done" },
    ],
});

tours.add("whatsapp_inbox_workspace_take_tour", {
    steps: () => [
        ...openRow("Held Customer"),
        { trigger: ".o_wai_header_agent:contains(Tour Agent A)" },
        { trigger: "button[name=take]", run: "click" },
        {
            content: "taking from a colleague is asked first, naming them",
            trigger: ".modal:contains(Tour Agent A is handling this conversation)",
        },
        { content: "changed my mind", trigger: ".modal .modal-footer .btn-secondary", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: ".o_wai_header_agent:contains(Tour Agent A)" },
        { trigger: "button[name=take]", run: "click" },
        { trigger: ".modal .modal-footer .btn-primary:contains(Take)", run: "click" },
        { content: "now it is mine", trigger: ".o_wai_header_agent:contains(Tour Agent B)" },
    ],
});

tours.add("whatsapp_inbox_workspace_contacts_tour", {
    steps: () => [
        ...openRow("New Lead"),
        { trigger: ".o_wai_no_contact", content: "no contact linked yet" },
        { trigger: "button[name=register_contact]", run: "click" },
        {
            content: "the conversation's Register dialog, prefilled from the WhatsApp profile",
            trigger: ".modal:has(.modal-title:contains(Register new contact)) .o_field_widget[name=name] input:value(New Lead)",
        },
        { trigger: ".modal .o_field_widget[name=mobile] input:value(+5511911110006)" },
        { content: "changed my mind", trigger: ".modal .modal-footer button:contains(Cancel)", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: ".o_wai_no_contact" },
        ...openRow("Cliente Argentino"),
        { trigger: "button[name=register_contact]", run: "click" },
        {
            content: "an Argentine number: Argentina and Latin-American Spanish",
            trigger: ".modal .o_field_widget[name=country_id] input:value(Argentina)",
        },
        {
            trigger: ".modal .o_field_widget[name=lang] select",
            run() {
                const chosen = this.anchor.selectedOptions[0]?.textContent || "";
                if (!chosen.includes("Spanish")) {
                    throw new Error(`the language proposed is "${chosen}"`);
                }
            },
        },
        {
            content: "no other country's tax ID as an example",
            trigger: ".modal .o_field_widget[name=vat] input:not([placeholder])",
        },
        { trigger: ".modal .o_field_widget[name=name] input", run: "edit Juan Pérez" },
        { content: "two addresses", trigger: ".modal .o_field_widget[name=email] input", run: "edit a@b.com, c@d.com" },
        { trigger: ".modal button[name=action_register]", run: "click" },
        {
            content: "are refused",
            trigger: ".modal-dialog:contains(is not a valid email address) .modal-footer button",
            run: "click",
        },
        { trigger: ".modal .o_field_widget[name=email] input", run: "edit juan@example.com" },
        { trigger: ".modal button[name=action_register]", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { content: "the panel shows the contact", trigger: ".o_wai_contact_name:contains(Juan Pérez)" },
        { trigger: ".o_wai_field_email:contains(juan@example.com)" },
        ...openRow("Known Customer"),
        { trigger: "button[name=link_contact]", run: "click" },
        { content: "found by the tax ID (CPF)", trigger: ".o_wai_link_query", run: "edit 529.982" },
        { trigger: ".o_wai_link_result:contains(Known Partner)", run: "click" },
        { trigger: ".o_wai_field_email:contains(known@example.com)" },
        { trigger: ".o_wai_field_vat:contains(529.982.247-25)" },
    ],
});

tours.add("whatsapp_inbox_workspace_channels_tour", {
    steps: () => [
        ...tab("mine"),
        {
            content: "the line shows the SMS sent as its last message",
            trigger: `${row("Cliente SMS")}:contains(Seu pedido 777 foi enviado)`,
        },
        ...openRow("Cliente SMS"),
        {
            content: "the SMS is our bubble, with its channel and author",
            trigger: ".o_wai_line.o_wai_out[data-channel=sms]:contains(Seu pedido 777 foi enviado) .o_wai_channel_label:contains(SMS):contains(Tour Agent A)",
        },
        {
            content: "the start of the attendance stays a system line",
            trigger: ".o_wai_system:contains(Attendance started on SMS by Tour Agent A)",
        },
        { trigger: ".o_wai_messages:not(:has(.o_wai_system:contains(Seu pedido 777)))" },
        { trigger: `${row("Cliente Email")}:contains(Segue a proposta)` },
        ...openRow("Cliente Email"),
        {
            content: "the email is our bubble, with its subject",
            trigger: ".o_wai_line.o_wai_out[data-channel=email]:has(.o_wai_subject:contains(Proposta 42)):contains(Segue a proposta)",
        },
        { trigger: `${row("Cliente Fone")}:contains(Quer um orçamento)` },
        ...openRow("Cliente Fone"),
        {
            content: "the call's notes are our bubble",
            trigger: ".o_wai_line.o_wai_out[data-channel=voip]:contains(Quer um orçamento) .o_wai_channel_label:contains(Phone call)",
        },
    ],
});

tours.add("whatsapp_inbox_workspace_search_tour", {
    steps: () => [
        ...tab("all"),
        { trigger: row("Sales Customer") },
        count("all", 2),
        count("waiting", 2),
        {
            content: "the documents' queues on one line, then every state tab in sight",
            trigger: ".o_wai_tabs",
            run() {
                const [main, states] = this.anchor.querySelectorAll(".o_wai_tabs_row");
                oneLine(main.children, "Waiting, Unread, Mine and All");
                const box = this.anchor.getBoundingClientRect();
                for (const tab of states.children) {
                    if (tab.getBoundingClientRect().right > box.right) {
                        throw new Error(`the ${tab.dataset.tab} tab is cut`);
                    }
                }
            },
        },
        {
            content: "search the text of an earlier message (the last one is a thank you)",
            trigger: ".o_wai_search_input",
            run: "edit boleto",
        },
        { trigger: `.o_wai_rows:not(:has(${row("Sales Customer")}))` },
        { trigger: row("Search Customer") },
        count("all", 1),
        count("waiting", 1),
        { trigger: ".o_wai_search_clear", run: "click" },
        { trigger: row("Sales Customer") },
        count("all", 2),
        count("waiting", 2),
        { content: "filter by WhatsApp number", trigger: ".o_wai_filters_toggle", run: "click" },
        {
            content: "each choice is wide enough for a long name, and says it in a tooltip",
            trigger: ".o_wai_filter[data-filter=user_id][title='Any agent'] .o_select_menu_toggler",
            run() {
                const width = this.anchor.getBoundingClientRect().width;
                if (width < 190) {
                    throw new Error(`the agent filter is ${width}px wide`);
                }
            },
        },
        ...pick(".o_wai_filter_connection", "Tour Sales"),
        { trigger: ".o_wai_filter[data-filter=connection_id][title='Tour Sales']" },
        { trigger: `.o_wai_rows:not(:has(${row("Search Customer")}))` },
        { trigger: row("Sales Customer") },
        count("all", 1),
        {
            content: "come back later: the filter is kept",
            trigger: ".o_wai_workspace",
            run: "goToUrl /odoo/whatsapp-inbox",
        },
        { trigger: ".o_wai_filters_toggle:contains(1)" },
        count("all", 1),
    ],
});

tours.add("whatsapp_inbox_workspace_clear_filters_tour", {
    steps: () => [
        ...tab("all"),
        { trigger: row("Search Customer") },
        { content: "nothing narrows the list: nothing to clear", trigger: ".o_wai_queue:not(:has(.o_wai_clear_all))" },
        { trigger: ".o_wai_filters_toggle", run: "click" },
        ...pick(".o_wai_filter_connection", "Tour Sales"),
        ...pick(".o_wai_filter_user", "Unassigned"),
        ...pick(".o_wai_filter_tags", "Tour VIP"),
        { trigger: ".o_wai_filters_toggle:contains(3)" },
        { trigger: ".o_wai_search_input", run: "edit Olá" },
        { trigger: `.o_wai_rows:not(:has(${row("Search Customer")}))` },
        { trigger: row("Sales Customer") },
        count("all", 1),
        { content: "close the filters: the control stays", trigger: ".o_wai_filters_toggle", run: "click" },
        { trigger: ".o_wai_queue:not(:has(.o_wai_filters))" },
        { content: "one click clears them all", trigger: ".o_wai_clear_all", run: "click" },
        { trigger: row("Search Customer") },
        { trigger: row("Sales Customer") },
        count("all", 2),
        {
            content: "the search box is emptied too",
            trigger: ".o_wai_search_input",
            run() {
                if (this.anchor.value) {
                    throw new Error(`the search still reads "${this.anchor.value}"`);
                }
            },
        },
        { trigger: ".o_wai_filters_toggle:not(:has(span))" },
        { trigger: ".o_wai_queue:not(:has(.o_wai_clear_all))" },
        { content: "a search alone shows it too", trigger: ".o_wai_search_input", run: "edit boleto" },
        { trigger: `.o_wai_rows:not(:has(${row("Sales Customer")}))` },
        { trigger: ".o_wai_clear_all", run: "click" },
        { trigger: row("Sales Customer") },
        { trigger: ".o_wai_queue:not(:has(.o_wai_clear_all))" },
    ],
});

tours.add("whatsapp_inbox_workspace_live_tour", {
    steps: () => [
        ...tab("all"),
        { trigger: `.o_wai_row:nth-child(1):contains(Other Customer)` },
        ...openRow("Live Customer"),
        { trigger: ".o_wai_in:contains(Primeira mensagem)" },
        count("waiting", 2),
        signal("arrive"),
        {
            // first: a toast closes after 4 s, however long the steps before it took
            content: "a toast for my other conversation, none for the one on screen (whose " +
                "message came first): it simply appeared there",
            trigger: ".o_notification:contains(Other Customer: Ainda esperando)",
            timeout: 30000,
            run() {
                const toasts = [...document.querySelectorAll(".o_notification")];
                if (toasts.some((toast) => toast.textContent.includes("Live Customer"))) {
                    throw new Error("a toast for the conversation on screen");
                }
                // and it leaves the header's buttons free (it stays over the client panel)
                const buttons = document.querySelector(".o_wai_header_actions");
                const { right } = buttons.getBoundingClientRect();
                if (this.anchor.getBoundingClientRect().left < right) {
                    throw new Error("the toast covers the header's buttons");
                }
            },
        },
        {
            content: "the new message appears in the open thread",
            trigger: ".o_wai_in:contains(Chegou agora!)",
        },
        {
            content: "the lines move up, the new customer above the one who wrote before",
            trigger: `${row("Brand New Customer")} ~ ${row("Live Customer")}`,
        },
        { trigger: `.o_wai_row:nth-child(3):contains(Live Customer)` },
        count("waiting", 3),
    ],
});

/** A file as the browser hands it over on paste or drop. */
function filesTransfer(name, content) {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], name, { type: "text/plain" }));
    return transfer;
}

tours.add("whatsapp_inbox_workspace_composer_tour", {
    steps: () => [
        ...openRow("Composer Customer"),
        { content: "a quick reply after /", trigger: ".o_wai_input", run: "edit /pi" },
        { trigger: ".o_wai_quick_reply:contains(Nossa chave Pix)" },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_input:value(Nossa chave Pix é o CNPJ.)" },
        { content: "an emoji from Odoo's picker", trigger: ".o_wai_emoji", run: "click" },
        { trigger: ".o-EmojiPicker-search input", run: "edit thumbs up" },
        { trigger: ".o-EmojiPicker .o-Emoji[data-codepoints='👍']", run: "click" },
        { trigger: ".o_wai_input:value(Nossa chave Pix é o CNPJ.👍)" },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_out:contains(Nossa chave Pix é o CNPJ.👍)" },
        {
            content: "a file pasted into the composer",
            trigger: ".o_wai_input",
            run() {
                const clipboardData = filesTransfer("boleto.txt", "Boleto 123");
                this.anchor.dispatchEvent(
                    new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true })
                );
            },
        },
        { trigger: ".o_wai_pending_file:contains(boleto.txt):not(:has(.fa-spin))" },
        {
            content: "a file dragged onto the conversation",
            trigger: ".o_wai_messages",
            run() {
                const dataTransfer = filesTransfer("nota.txt", "Nota fiscal");
                document.body.dispatchEvent(
                    new DragEvent("dragenter", { dataTransfer, bubbles: true })
                );
            },
        },
        {
            trigger: ".o_wai_dropzone",
            run() {
                const dataTransfer = filesTransfer("nota.txt", "Nota fiscal");
                this.anchor.dispatchEvent(
                    new DragEvent("drop", { dataTransfer, bubbles: true, cancelable: true })
                );
            },
        },
        { trigger: ".o_wai_pending_file:contains(nota.txt):not(:has(.fa-spin))" },
        { trigger: ".o_wai_input", run: "edit Segue o boleto" },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_out .o_wai_document:contains(boleto.txt)" },
        { trigger: ".o_wai_out:contains(Segue o boleto)" },
        { trigger: ".o_wai_out .o_wai_document:contains(nota.txt)" },
        { content: "reply quoting the customer's message", trigger: ".o_wai_in:contains(Tem Pix?) .o_wai_reply", run: "click" },
        { trigger: ".o_wai_replying:contains(Tem Pix?)" },
        { trigger: ".o_wai_input", run: "edit Sim" },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_out:has(.o_wai_quote:contains(Tem Pix?)):contains(Sim)" },
        { content: "react to it", trigger: ".o_wai_in:contains(Tem Pix?) .o_wai_react", run: "click" },
        { trigger: ".o-EmojiPicker-search input", run: "edit thumbs up" },
        { trigger: ".o-EmojiPicker .o-Emoji[data-codepoints='👍']", run: "click" },
        { trigger: ".o_wai_in:contains(Tem Pix?) .o_wai_reaction:contains(👍)" },
        {
            content: "paste a text longer than WhatsApp takes (4,096 characters)",
            trigger: ".o_wai_input",
            run() {
                this.anchor.value = `Contrato: ${"cláusula ".repeat(455)}`;
                this.anchor.dispatchEvent(new InputEvent("input", { bubbles: true }));
            },
        },
        { trigger: ".o_wai_char_count.text-danger:contains(4104 / 4096)" },
        { trigger: ".o_wai_too_long:contains(4,096)" },
        { trigger: ".o_wai_send:disabled" },
        { content: "Enter does not send it", trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_input:value(cláusula cláusula)" },
        {
            content: "shortened: the counter goes, Send comes back",
            trigger: ".o_wai_input",
            run: "edit Contrato em anexo",
        },
        { trigger: ".o_wai_composer:not(:has(.o_wai_char_count)):not(:has(.o_wai_too_long))" },
        { trigger: ".o_wai_send:enabled" },
        { trigger: ".o_wai_input", run: "clear" },
        { content: "an internal note", trigger: ".o_wai_mode[name=mode_note]", run: "click" },
        { trigger: ".o_wai_input", run: "edit Cliente pediu boleto" },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_note:contains(Cliente pediu boleto) .o_wai_note_label" },
    ],
});

tours.add("whatsapp_inbox_workspace_paging_tour", {
    steps: () => [
        ...tab("all"),
        { trigger: ".o_wai_row:contains(Paged 44)" },
        {
            content: "the first page only",
            trigger: ".o_wai_rows:not(:has(.o_wai_row:contains(Paged 00)))",
        },
        {
            content: "scroll down: the next page comes",
            trigger: ".o_wai_rows",
            run() {
                this.anchor.scrollTop = this.anchor.scrollHeight;
            },
        },
        { trigger: ".o_wai_row:contains(Paged 00)" },
        ...openRow("Paged 44"),
        { trigger: ".o_wai_in:contains(linha 44)" },
        { trigger: ".o_wai_messages:not(:has(.o_wai_in:contains(linha 05)))" },
        {
            content: "scroll up: older messages come",
            trigger: ".o_wai_messages",
            run() {
                this.anchor.scrollTop = 0;
            },
        },
        { trigger: ".o_wai_in:contains(linha 05)" },
        { trigger: ".o_wai_thread_start" },
    ],
});

tours.add("whatsapp_inbox_workspace_failure_tour", {
    steps: () => [
        {
            content: "the Errors badge is red, not green like Unread",
            trigger: ".o_wai_tab[data-tab=error] .o_wai_count.o_wai_count_danger:contains(1)",
        },
        ...tab("error"),
        ...openRow("Failing Customer"),
        {
            content: "the failure is on its message, with what to do next",
            trigger: ".o_wai_out.o_wai_line:contains(Olá!) .o_wai_failure:contains(another channel)",
        },
        {
            content: "another channel: the Start attendance dialog opens",
            trigger: ".o_wai_failure button[name=error_other_channel]",
            run: "click",
        },
        { trigger: ".modal .o_form_view .o_field_widget[name=channel]" },
        { trigger: ".modal .btn-close", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: ".o_wai_ticks_failed" },
        { trigger: ".o_wai_failure button[name=error_dismiss]", run: "click" },
        { trigger: ".o_wai_state_open" },
        { trigger: ".o_wai_failure:not(:has(button))" },
    ],
});

tours.add("whatsapp_inbox_workspace_channel_tour", {
    steps: () => [
        ...tab("all"),
        {
            content: "an email conversation: its line shows the channel and its state",
            trigger: `${row("Email Customer")} .o_wai_row_channel.fa-envelope-o`,
        },
        { trigger: `${row("Email Customer")} .o_wai_row_state_new.text-bg-info` },
        ...openRow("Email Customer"),
        { trigger: ".o_wai_header_connection[data-channel=email]:has(.fa-envelope-o)" },
        {
            content: "the client panel shows the address, not a WhatsApp number",
            trigger: ".o_wai_panel .o_wai_profile_email:contains(email.customer@example.com)",
        },
        { trigger: ".o_wai_panel:not(:has(.fa-whatsapp))" },
        {
            content: "no word of WhatsApp's 24-hour window: it is answered from its form",
            trigger: ".o_wai_channel_notice[data-channel=email]:contains(Email)",
        },
        { trigger: ".o_wai_composer:not(:contains(24-hour)):not(:has(.fa-whatsapp))" },
        { content: "a note can still be left here", trigger: ".o_wai_mode[name=mode_note]", run: "click" },
        { trigger: ".o_wai_input:enabled" },
        { trigger: ".o_wai_mode[name=mode_reply]", run: "click" },
        { trigger: "button[name=open_form]", run: "click" },
        { content: "its form, where email is answered", trigger: ".o_form_view .o_field_widget[name=email]" },
    ],
});

/** Throw unless every element of ``elements`` starts on the same line. */
function oneLine(elements, what) {
    const tops = new Set([...elements].map((element) => element.offsetTop));
    if (tops.size > 1) {
        throw new Error(`${what} take ${tops.size} lines`);
    }
}

tours.add("whatsapp_inbox_workspace_portuguese_tour", {
    steps: () => [
        { content: "the Inbox in Portuguese", trigger: ".o_wai_tab[data-tab=waiting]:contains(Esperando)" },
        {
            content: "in the inbox's own words, whatever other apps call All and Open",
            trigger: ".o_wai_tab[data-tab=all]:contains(Todos)",
        },
        { trigger: ".o_wai_tab[data-tab=open]:contains(Em aberto)" },
        {
            content: "the queues on one whole line; every state in sight, Finalized too",
            trigger: ".o_wai_tabs",
            run() {
                const [main, states] = this.anchor.querySelectorAll(".o_wai_tabs_row");
                if (main.scrollWidth > main.clientWidth) {
                    throw new Error(`the first line of tabs is cut (${main.scrollWidth}px)`);
                }
                oneLine(main.children, "Waiting, Unread, Mine and All");
                const box = states.getBoundingClientRect();
                for (const tab of states.children) {
                    const { right, bottom } = tab.getBoundingClientRect();
                    if (right > box.right || bottom > box.bottom) {
                        throw new Error(`the ${tab.dataset.tab} tab is cut`);
                    }
                }
            },
        },
        {
            content: "the search hint fits its box",
            trigger: ".o_wai_search_input",
            run() {
                const input = this.anchor;
                const style = getComputedStyle(input, "::placeholder");
                const context = document.createElement("canvas").getContext("2d");
                context.font = `${style.fontSize} ${style.fontFamily}`;
                const box = getComputedStyle(input);
                const room =
                    input.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight);
                const width = context.measureText(input.placeholder).width;
                if (width > room) {
                    throw new Error(`"${input.placeholder}" needs ${width}px, has ${room}px`);
                }
            },
        },
        { trigger: ".o_wai_filters_toggle", run: "click" },
        {
            content: "the filters' choices read whole (and in a tooltip)",
            trigger: ".o_wai_filter[data-filter=user_id][title]",
            run() {
                for (const value of document.querySelectorAll(".o_wai_filter .o_select_menu_toggler")) {
                    if (value.scrollWidth > value.clientWidth) {
                        throw new Error(`"${value.textContent.trim()}" is cut`);
                    }
                }
            },
        },
        ...openRow("Cliente Português"),
        { trigger: ".o_wai_header_actions button[name=take]" },
        {
            content: "the header's number, protocol, connection and agent stay on one line",
            trigger: ".o_wai_header_sub:has(.o_wai_header_connection)",
            run() {
                oneLine(this.anchor.children, "the header's details");
            },
        },
        {
            content: "the connection reads whole, Take shown beside the name",
            trigger: ".o_wai_header_connection:contains(Atendimento ao cliente)",
            run() {
                if (this.anchor.scrollWidth > this.anchor.clientWidth) {
                    throw new Error(`the connection is cut (${this.anchor.scrollWidth}px in ${this.anchor.clientWidth}px)`);
                }
            },
        },
        {
            content: "each icon of the details stands apart from its text",
            trigger: ".o_wai_header_agent:contains(Tour Agent B · Vendas)",
            run() {
                for (const icon of document.querySelectorAll(".o_wai_header_sub i.fa")) {
                    const text = document.createRange();
                    text.selectNodeContents(icon.parentElement);
                    text.setStartAfter(icon);
                    const gap = text.getBoundingClientRect().left - icon.getBoundingClientRect().right;
                    if (gap < 2) {
                        throw new Error(`"${icon.parentElement.textContent.trim()}": ${gap}px after its icon`);
                    }
                }
            },
        },
    ],
});

tours.add("whatsapp_inbox_workspace_quick_reply_empty_tour", {
    steps: () => [
        ...openRow("Quick Customer"),
        { content: "/ before any quick reply exists", trigger: ".o_wai_input", run: "edit /" },
        {
            content: "the popup says there is none yet, and where to write one",
            trigger: ".o_wai_quick_replies .o_wai_quick_empty:contains(No quick replies yet)",
        },
        { content: "Escape closes it", trigger: ".o_wai_input", run: "press Escape" },
        { trigger: ".o_wai_composer:not(:has(.o_wai_quick_replies))" },
        { trigger: ".o_wai_input", run: "edit /" },
        { trigger: ".o_wai_quick_empty .o_wai_quick_manage", run: "click" },
        {
            content: "Odoo's canned responses: write one",
            trigger: ".o_breadcrumb:contains(Canned Responses)",
        },
        { trigger: ".o_control_panel .o_list_button_add", run: "click" },
        { trigger: ".o_field_widget[name=source] input", run: "edit oi" },
        { trigger: ".o_field_widget[name=substitution] textarea", run: "edit Oi! Tudo bem?" },
        { content: "its list is edited in place: save the line", trigger: ".o_list_button_save", run: "click" },
        { trigger: ".o_data_row:not(.o_selected_row):contains(Oi! Tudo bem?)" },
        {
            content: "back to the Inbox",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Inbox)",
            run: "click",
        },
        ...openRow("Quick Customer"),
        { trigger: ".o_wai_input", run: "edit /o" },
        { content: "the new quick reply is offered", trigger: ".o_wai_quick_reply:contains(Oi! Tudo bem?)" },
        { trigger: ".o_wai_input", run: "edit /zz" },
        {
            content: "a shortcut that matches nothing says so",
            trigger: ".o_wai_quick_empty:contains(No quick reply matches)",
        },
    ],
});

tours.add("whatsapp_inbox_workspace_quick_reply_exact_tour", {
    steps: () => [
        ...openRow("Greeting Customer"),
        {
            content: "/ola typed exactly, though /hola (which contains it) was used last",
            trigger: ".o_wai_input",
            run: "edit /ola",
        },
        {
            content: "the exact shortcut comes first, chosen",
            trigger: ".o_wai_quick_reply:first-child.active:contains(/ola):contains(Olá! Como posso ajudar?)",
        },
        { trigger: ".o_wai_quick_reply:contains(/hola)" },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_input:value(Olá! Como posso ajudar?)" },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_out:contains(Olá! Como posso ajudar?)" },
    ],
});

tours.add("whatsapp_inbox_workspace_quick_reply_filled_tour", {
    steps: () => [
        ...openRow("Protocol Customer"),
        { trigger: ".o_wai_input", run: "edit /proto" },
        {
            content: "the quick reply reads as the customer will get it: its protocol filled in",
            trigger: ".o_wai_quick_reply:contains(Seu protocolo é WA-TOUR-0042.)",
        },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_input:value(Seu protocolo é WA-TOUR-0042.)" },
        { trigger: ".o_wai_input", run: "press Enter" },
        { trigger: ".o_wai_out:contains(Seu protocolo é WA-TOUR-0042.)" },
    ],
});

tours.add("whatsapp_inbox_workspace_transfer_choices_tour", {
    steps: () => [
        ...openRow("Choice Customer"),
        { trigger: "button[name=transfer]", run: "click" },
        { trigger: ".o_wai_transfer_user .o_select_menu_toggler", run: "click" },
        {
            content: "a colleague online, with the Open and Waiting conversations they hold",
            trigger: ".o_select_menu_item:contains(Tour Agent B):has(.o_wai_presence.text-success):has(.o_wai_agent_load:contains(2 conversations))",
        },
        {
            content: "an offline one says so",
            trigger: ".o_select_menu_item:contains(Tour Agent C):has(.o_wai_presence.fa-circle-o):has(.o_wai_agent_load:contains(0 conversations))",
        },
        {
            content: "not myself; the available first",
            trigger: ".o_select_menu_menu",
            run() {
                const names = [...document.querySelectorAll(".o_wai_transfer_agent .o_select_menu_item_label")].map(
                    (label) => label.textContent.trim()
                );
                if (names.includes("Tour Agent A")) {
                    throw new Error("I am offered to myself");
                }
                if (names[0] !== "Tour Agent B") {
                    throw new Error(`the first choice is ${names[0]}, not the colleague online`);
                }
            },
        },
        { trigger: ".o_select_menu_item:contains(Tour Agent B)", run: "click" },
        { trigger: "button[name=confirm_transfer]", run: "click" },
        { trigger: ".o_wai_header_agent:contains(Tour Agent B)" },
    ],
});
