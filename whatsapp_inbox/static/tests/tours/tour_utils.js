/** @odoo-module **/

/** Steps shared by the inbox's tours: what a person clicks to get somewhere. */

export const card = (name) => `.o_kanban_record:contains(${name})`;

/** Search the current tab for a customer, whatever else it holds. */
export const searchFor = (name) => [
    { trigger: ".o_searchview_input", run: `edit ${name}` },
    { trigger: ".o_searchview_input", run: "press Enter" },
];

const menu = (xmlid) => `[data-menu-xmlid='whatsapp_inbox.${xmlid}']`;

/** A tab of the top bar (Waiting, Mine, Unread). */
export const openTab = (xmlid) => [
    {
        content: `open the ${xmlid} tab`,
        trigger: `.o_main_navbar .o_menu_sections ${menu(xmlid)}`,
        run: "click",
    },
];

/** A tab grouped under Conversations (Not started, Open, Errors, Finalized, All...). */
export const openGroupedTab = (xmlid) => [
    {
        content: "open the Conversations menu",
        trigger: `.o_main_navbar .o_menu_sections button${menu("whatsapp_inbox_conversations_menu")}`,
        run: "click",
    },
    {
        content: `open ${xmlid}`,
        trigger: `.o-dropdown--menu .dropdown-item${menu(xmlid)}`,
        run: "click",
    },
];

/** Pick ``label`` in the many2one ``name`` of the dialog by typing ``text``. */
export const pickInDialog = (name, text, label = text) => [
    { trigger: `.modal .o_field_widget[name=${name}] input`, run: `edit ${text}` },
    { trigger: `.ui-autocomplete a:contains(${label})`, run: "click" },
];

/** Type ``values`` into the Value column of the template variables of the dialog,
 * then leave the last cell, as a person looking at the preview does. */
export const typeVariables = (...values) => [
    ...values.flatMap((value, index) => [
        {
            content: `type the value of {{${index + 1}}}`,
            trigger: `.modal .o_field_widget[name=param_ids] .o_data_row:nth-child(${
                index + 1
            }) td[name=value]`,
            run: "click",
        },
        {
            // the line is selected once the previous one is saved
            trigger: `.modal .o_field_widget[name=param_ids] .o_data_row:nth-child(${
                index + 1
            }).o_selected_row td[name=value] input`,
            run: `edit ${value}`,
        },
    ]),
    {
        trigger: ".modal .o_field_widget[name=preview]",
        run: "click",
    },
];
