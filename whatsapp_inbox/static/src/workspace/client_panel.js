/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { FormViewDialog } from "@web/views/view_dialogs/form_view_dialog";
import { InboxLinkDialog } from "./dialogs";
import { CHANNELS, shortWhen } from "./workspace_utils";

const MODEL = "whatsapp.inbox.conversation";

/** The right column: who the customer is, their lead status and earlier conversations. */
export class InboxClientPanel extends Component {
    static template = "whatsapp_inbox.ClientPanel";
    static props = { model: Object, onClose: Function, onOpen: Function };

    setup() {
        this.orm = useService("orm");
        this.dialog = useService("dialog");
        this.action = useService("action");
        this.state = useState(this.props.model.state);
        this.stateLabels = this.state.setup.labels.states;
        this.shortWhen = shortWhen;
    }

    get conversation() {
        return this.state.current.conversation;
    }

    get channelIcon() {
        return CHANNELS[this.conversation.channel].icon;
    }

    get panel() {
        return this.state.current.panel;
    }

    get statuses() {
        return this.state.setup.lead_statuses;
    }

    get status() {
        return this.statuses.find((s) => s.id === this.panel.lead_status_id);
    }

    async setStatus(value) {
        await this.orm.write(MODEL, [this.conversation.id], { lead_status_id: Number(value) || false });
        await this.props.model.afterAction();
    }

    /** The conversation's Register new contact dialog (the number's country and
     * language, one valid e-mail); nothing is created until Register. */
    register() {
        return this.action.doActionButton({
            type: "object",
            name: "action_register_contact",
            resModel: MODEL,
            resId: this.conversation.id,
            onClose: () => this.props.model.afterAction(),
        });
    }

    link() {
        this.dialog.add(InboxLinkDialog, {
            model: this.props.model,
            conversationId: this.conversation.id,
        });
    }

    openContact() {
        this.dialog.add(FormViewDialog, {
            resModel: "res.partner",
            resId: this.panel.partner.id,
            title: this.panel.partner.name,
            onRecordSaved: () => this.props.model.afterAction(),
        });
    }
}
