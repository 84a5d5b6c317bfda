/** @odoo-module **/

import { registry } from "@web/core/registry";

const row = (name) => `.o_data_row:has(td[name=name]:contains(${name}))`;

/** Delete the record of ``name`` from the list's Actions menu. */
const deleteRow = (name) => [
    { trigger: `${row(name)} .o_list_record_selector input`, run: "click" },
    { trigger: ".o_control_panel .o_cp_action_menus button", run: "click" },
    { trigger: ".o-dropdown--menu .dropdown-item:contains(Delete)", run: "click" },
    { trigger: ".modal .modal-footer .btn-primary", run: "click" },
];

registry.category("web_tour.tours").add("whatsapp_inbox_origins_tour", {
    steps: () => [
        {
            content: "a new origin from the list",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_selected_row td[name=name] input",
            run: "edit Instagram",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "saved, with its UTM source made from the name",
            trigger: `${row("Instagram")} td[name=source_id]:contains(Instagram)`,
        },
        {
            content: "rename it",
            trigger: `${row("Instagram")} td[name=name]`,
            run: "click",
        },
        {
            trigger: ".o_selected_row td[name=name] input",
            run: "edit Instagram Ads",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            trigger: `${row("Instagram Ads")}`,
        },
        {
            content: "the same name in other case is refused, with the reason",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_selected_row td[name=name] input",
            run: "edit instagram ads",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            trigger: ".modal:contains(already exists)",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".o_list_button_discard",
            run: "click",
        },
        {
            content: "an origin in use cannot be deleted: the list says why",
            trigger: "body:not(:has(.modal))",
        },
        ...deleteRow("Fair 2026"),
        {
            trigger: ".modal:contains(is the origin of 1 conversation(s)):contains(archive it instead)",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        { trigger: `body:not(:has(.modal)) ${row("Fair 2026")} .o_list_record_selector input:checked`, run: "click" },
        {
            content: "an unused one goes",
            trigger: `body:not(:has(.modal)) ${row("Instagram Ads")}`,
        },
        ...deleteRow("Instagram Ads"),
        {
            trigger: `.o_list_view:not(:has(${row("Instagram Ads")}))`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_statuses_tour", {
    steps: () => [
        {
            content: "the column titles are read whole, not cut to “Convers…”",
            trigger: ".o_list_table thead th[data-name=conversation_count]",
            run() {
                for (const title of this.anchor.closest("thead").querySelectorAll("th span")) {
                    if (title.scrollWidth > title.clientWidth) {
                        throw new Error(`cut column title: ${title.textContent}`);
                    }
                }
            },
        },
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_selected_row td[name=name] input",
            run: "edit Hot lead",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "a new status gets a colour",
            trigger: `${row("Hot lead")} td[name=color] .o_field_color`,
        },
        {
            content: "rename it",
            trigger: `${row("Hot lead")} td[name=name]`,
            run: "click",
        },
        {
            trigger: ".o_selected_row td[name=name] input",
            run: "edit Very hot lead",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "a status in use is not deleted behind the user's back: it says why",
            trigger: "body:not(:has(.modal))",
        },
        ...deleteRow("Used Status"),
        {
            trigger: ".modal:contains(is the status of 1 conversation(s)):contains(archive it instead)",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        { trigger: `body:not(:has(.modal)) ${row("Used Status")} .o_list_record_selector input:checked`, run: "click" },
        {
            content: "it is still there",
            trigger: `body:not(:has(.modal)) ${row("Used Status")}`,
        },
        {
            content: "the unused one is deleted",
            trigger: `${row("Very hot lead")}`,
        },
        ...deleteRow("Very hot lead"),
        {
            trigger: `.o_list_view:not(:has(${row("Hot lead")}))`,
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_settings_tour", {
    steps: () => [
        {
            content: "webhook events: nothing failed, and it says so",
            trigger: ".o_view_nocontent:contains(Nothing failed)",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='whatsapp_inbox.whatsapp_inbox_menu_config']",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item[data-menu-xmlid='whatsapp_inbox.whatsapp_inbox_settings_menu']",
            run: "click",
        },
        {
            content: "the thresholds say their unit",
            trigger: ".o_setting_box:contains(Waiting time colours):contains(Amber after):contains(minutes):contains(Red after)",
        },
        {
            content: "red before amber: refused on save, with the reason",
            trigger: ".o_field_widget[name=whatsapp_inbox_wait_amber_minutes] input",
            run: "edit 30",
        },
        {
            trigger: ".o_field_widget[name=whatsapp_inbox_wait_red_minutes] input",
            run: "edit -10",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".modal:contains(red must come after more minutes than amber)",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_field_widget[name=whatsapp_inbox_wait_amber_minutes] input",
            run: "edit 3",
        },
        {
            trigger: ".o_field_widget[name=whatsapp_inbox_wait_red_minutes] input",
            run: "edit 10",
        },
        {
            content: "a protocol prefix with a variable sequences do not know: refused",
            trigger: ".o_field_widget[name=whatsapp_inbox_protocol_prefix] input",
            run: "edit %(foo)s-",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".modal:contains(Odoo's sequences do not know)",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_field_widget[name=whatsapp_inbox_protocol_prefix] input",
            run: "edit WA%(year)s-",
        },
        {
            content: "leave the prefix: Odoo reads what was typed",
            trigger: ".o_field_widget[name=whatsapp_inbox_protocol_padding] input",
            run: "click",
        },
        {
            content: "the next protocol number as it will read, the variables filled in",
            trigger: ".o_field_widget[name=whatsapp_inbox_protocol_preview]:contains(WA20):not(:contains(%))",
        },
        {
            content: "the largest inbound file in megabytes",
            trigger: ".o_setting_box:contains(Inbound files):contains(MB) .o_field_widget[name=whatsapp_inbox_media_max_mb] input:value(25)",
            run: "edit 10",
        },
        {
            trigger: ".o_setting_box:contains(Auto-finalize):contains(hours)",
        },
        {
            content: "save: Odoo reloads the page with the stored values",
            trigger: ".o_form_button_save",
            run() {
                document.body.classList.add("o_whatsapp_inbox_tour_before_save");
                this.anchor.click();
            },
        },
        {
            trigger: "body:not(.o_whatsapp_inbox_tour_before_save) .o_field_widget[name=whatsapp_inbox_wait_amber_minutes] input:value(3)",
        },
        {
            trigger: ".o_field_widget[name=whatsapp_inbox_wait_red_minutes] input:value(10)",
        },
        {
            trigger: ".o_field_widget[name=whatsapp_inbox_media_max_mb] input:value(10)",
        },
    ],
});

registry.category("web_tour.tours").add("whatsapp_inbox_automations_tour", {
    steps: () => [
        {
            content: "the inbox's automations are in its Configuration menu",
            trigger: ".o_main_navbar .o_menu_sections button[data-menu-xmlid='whatsapp_inbox.whatsapp_inbox_menu_config']",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item[data-menu-xmlid='whatsapp_inbox.whatsapp_inbox_automation_menu']",
            run: "click",
        },
        {
            content: "the rules of the inbox, not the others",
            trigger: ".o_list_view .o_data_row:contains(Tell sales on qualified)",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Partner rule)))",
        },
        {
            trigger: ".o_data_row:contains(Tell sales on qualified) td[name=name]",
            run: "click",
        },
        {
            content: "its notify action",
            trigger: ".o_field_widget[name=action_server_ids] .o_kanban_record:contains(Notify WhatsApp agents)",
            run: "click",
        },
        {
            content: "remove the department: nobody would be notified",
            trigger: ".modal .o_field_widget[name=whatsapp_inbox_department_id] input",
            run: "clear",
        },
        {
            trigger: ".modal .modal-footer .o_form_button_save",
            run: "click",
        },
        {
            content: "refused: agents or a department are required",
            trigger: ".modal .o_field_widget[name=whatsapp_inbox_user_ids].o_field_invalid",
        },
        {
            trigger: ".modal .modal-footer .o_form_button_cancel",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
