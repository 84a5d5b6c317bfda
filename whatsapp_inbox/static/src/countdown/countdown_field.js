/** @odoo-module **/

import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useNow } from "@whatsapp_inbox/core/use_now";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * Time left until a datetime (the end of WhatsApp's 24-hour window), ticking
 * every second; "Closed" once it has passed.
 */
export class CountdownField extends Component {
    static template = "whatsapp_inbox.CountdownField";
    static props = { ...standardFieldProps };

    setup() {
        this.state = useNow(1000);
    }

    get remaining() {
        const end = this.props.record.data[this.props.name];
        if (!end) {
            return null;
        }
        const millis = end.toMillis() - this.state.now.toMillis();
        return millis > 0 ? millis : 0;
    }

    get label() {
        const remaining = this.remaining;
        if (remaining === null) {
            return _t("Never opened");
        }
        if (remaining === 0) {
            return _t("Closed");
        }
        const seconds = Math.floor(remaining / 1000);
        const pad = (n) => String(n).padStart(2, "0");
        return `${Math.floor(seconds / 3600)}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(
            seconds % 60
        )}`;
    }

    get colorClass() {
        const remaining = this.remaining;
        if (!remaining) {
            return "text-danger";
        }
        return remaining < 3600 * 1000 ? "text-warning" : "text-success";
    }
}

registry.category("fields").add("whatsapp_inbox_countdown", {
    component: CountdownField,
    supportedTypes: ["datetime"],
});
