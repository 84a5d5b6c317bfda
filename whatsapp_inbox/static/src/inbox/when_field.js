/** @odoo-module **/

import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useNow } from "@whatsapp_inbox/core/use_now";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { fullDateTime, shortWhen } from "@whatsapp_inbox/workspace/workspace_utils";

/**
 * When the last message was, as WhatsApp and the Inbox's lines say it: "14:32"
 * today, "Yesterday", a weekday within the week, else the date (full date and
 * time on hover). Kept current as days pass.
 */
export class WhenField extends Component {
    static template = "whatsapp_inbox.WhenField";
    static props = { ...standardFieldProps };

    setup() {
        this.clock = useNow(60000);
    }

    get value() {
        return this.props.record.data[this.props.name];
    }

    get label() {
        return shortWhen(this.value, this.clock.now);
    }

    get title() {
        return fullDateTime(this.value);
    }
}

registry.category("fields").add("whatsapp_inbox_when", {
    component: WhenField,
    supportedTypes: ["datetime"],
});
