/** @odoo-module **/

import { Component, onPatched, useEffect, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useDropzone } from "@web/core/dropzone/dropzone_hook";
import { EmojiPicker } from "@web/core/emoji_picker/emoji_picker";
import { FileModel } from "@web/core/file_viewer/file_model";
import { useFileViewer } from "@web/core/file_viewer/file_viewer_hook";
import { usePopover } from "@web/core/popover/popover_hook";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { useService } from "@web/core/utils/hooks";
import { useNow } from "@whatsapp_inbox/core/use_now";
import { InboxComposer } from "./composer";
import { InboxTransferDialog } from "./dialogs";
import {
    CHANNELS,
    colorIndex,
    countdown,
    dayLabel,
    fileSize,
    fullDateTime,
    initials,
    timeOf,
    toDateTime,
} from "./workspace_utils";

const MODEL = "whatsapp.inbox.conversation";
const TICKS = {
    queued: { icon: "fa-clock-o", title: _t("Queued") },
    sent: { icon: "fa-check", title: _t("Sent") },
    delivered: { icon: "fa-check", double: true, title: _t("Delivered") },
    read: { icon: "fa-check", double: true, title: _t("Read") },
    failed: { icon: "fa-exclamation-circle", title: _t("Failed") },
};
const MEDIA_LABELS = {
    image: _t("Image"),
    audio: _t("Audio"),
    video: _t("Video"),
    document: _t("Document"),
    sticker: _t("Sticker"),
};

/** The middle column: header with the actions, the chat, the composer. */
export class InboxThread extends Component {
    static template = "whatsapp_inbox.Thread";
    static components = { InboxComposer };
    static props = { model: Object, onBack: Function, onTogglePanel: Function, onOpen: Function };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.state = useState(this.props.model.state);
        this.ui = useState({ replyTo: null, templateMode: false });
        this.clock = useNow(1000);
        this.scrollRef = useRef("scroll");
        this.rootRef = useRef("root");
        useDropzone(
            this.rootRef,
            (ev) => this.props.model.upload([...(ev.dataTransfer?.files || [])]),
            "o_wai_dropzone",
            () => Boolean(this.current)
        );
        this.fileViewer = useFileViewer();
        this.reactionPicker = usePopover(EmojiPicker, { position: "top" });
        this.stateLabels = this.state.setup.labels.states;
        this.channels = CHANNELS;
        this.ticks = TICKS;
        this.mediaLabels = MEDIA_LABELS;
        this.fileSize = fileSize;
        this.timeOf = timeOf;
        this.fullDateTime = fullDateTime;
        // scrolling: stick to the bottom unless the user scrolled up; keep the view
        // still when older messages are added above
        this.stick = true;
        this.heightBeforeOlder = null;
        useEffect(
            () => {
                this.stick = true;
                this.ui.replyTo = null;
                this.ui.templateMode = false;
            },
            () => [this.current?.conversation.id]
        );
        onPatched(() => this.restoreScroll());
        useEffect(
            () => this.restoreScroll(),
            () => [this.current?.conversation.id]
        );
    }

    get current() {
        return this.state.current;
    }

    get conversation() {
        return this.current?.conversation;
    }

    get isMine() {
        return this.conversation.agent?.id === this.state.setup.uid;
    }

    get countdown() {
        return countdown(toDateTime(this.conversation.window_expires_at), this.clock.now);
    }

    initials(name) {
        return initials(name);
    }

    get avatarColor() {
        return `o_colorlist_item_color_${colorIndex(this.conversation.number || this.conversation.id)}`;
    }

    /** The thread as rows: day separators between bubbles; reactions on their message. */
    get items() {
        const reactions = new Map();
        const bubbles = [];
        for (const message of this.current.messages) {
            if (message.kind === "whatsapp" && message.type === "reaction") {
                const byDirection = reactions.get(message.reacts_to) || {};
                byDirection[message.direction] = message.body; // the latest one wins
                reactions.set(message.reacts_to, byDirection);
            } else {
                bubbles.push(message);
            }
        }
        const items = [];
        let lastDay = null;
        for (const message of bubbles) {
            const date = toDateTime(message.date);
            const day = date.toISODate();
            if (day !== lastDay) {
                items.push({ key: `day-${message.id}`, day: dayLabel(date, this.clock.now) });
                lastDay = day;
            }
            const byDirection = (message.wamid && reactions.get(message.wamid)) || {};
            items.push({
                key: message.id,
                message,
                reactions: Object.entries(byDirection)
                    .filter(([, emoji]) => emoji)
                    .map(([direction, emoji]) => ({ direction, emoji })),
            });
        }
        return items;
    }

    // ------------------------------------------------------------------
    // Scrolling
    // ------------------------------------------------------------------

    onScroll(ev) {
        const el = ev.target;
        this.stick = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        if (el.scrollTop < 120 && this.current.hasOlder && !this.current.loadingOlder) {
            this.heightBeforeOlder = el.scrollHeight - el.scrollTop;
            this.props.model.loadOlder();
        }
    }

    restoreScroll() {
        const el = this.scrollRef.el;
        if (!el) {
            return;
        }
        if (this.heightBeforeOlder !== null && !this.current?.loadingOlder) {
            el.scrollTop = el.scrollHeight - this.heightBeforeOlder;
            this.heightBeforeOlder = null;
        } else if (this.stick) {
            el.scrollTop = el.scrollHeight;
        }
    }

    // ------------------------------------------------------------------
    // Header actions (each calls the inbox's own method, then re-reads)
    // ------------------------------------------------------------------

    /** A button of the conversation, as its form runs it: an action it returns (a
     * dialog) opens as Odoo's own buttons open it; the Inbox re-reads once it is done. */
    runAction(method) {
        return this.action.doActionButton({
            type: "object",
            name: method,
            resModel: MODEL,
            resId: this.conversation.id,
            onClose: () => this.props.model.afterAction(),
        });
    }

    /** Take the conversation; from another agent only once confirmed (they are told). */
    take() {
        const agent = this.conversation.agent;
        if (!agent) {
            return this.runAction("action_take");
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Take this conversation?"),
            body: _t("%s is handling this conversation. They will be told you took it.", agent.name),
            confirmLabel: _t("Take"),
            confirm: () => this.runAction("action_take"),
            cancel: () => {},
        });
    }

    /** Finalize; while the customer waits for our answer, only once confirmed. */
    finalize() {
        if (!this.conversation.awaiting_answer) {
            return this.runAction("action_finalize");
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Finalize without answering?"),
            body: _t("%s is waiting for an answer. Finalize the conversation anyway?", this.conversation.name),
            confirmLabel: _t("Finalize"),
            confirm: () => this.runAction("action_finalize"),
            cancel: () => {},
        });
    }

    transfer() {
        this.dialog.add(InboxTransferDialog, {
            model: this.props.model,
            conversationId: this.conversation.id,
        });
    }

    // ------------------------------------------------------------------
    // Bubbles
    // ------------------------------------------------------------------

    files(message) {
        return message.attachments.map((attachment) =>
            Object.assign(new FileModel(), {
                id: attachment.id,
                name: attachment.name,
                filename: attachment.name,
                mimetype: attachment.mimetype,
                type: "binary",
            })
        );
    }

    openFile(message, index) {
        const files = this.files(message);
        this.fileViewer.open(files[index], files);
    }

    mediaKind(attachment, message) {
        const family = (attachment.mimetype || "").split("/")[0];
        if (message.type === "sticker" || family === "image") {
            return "image";
        }
        if (family === "audio" || family === "video") {
            return family;
        }
        return "document";
    }

    mapUrl(location) {
        return `https://www.openstreetmap.org/?mlat=${location.lat}&mlon=${location.lng}#map=16/${location.lat}/${location.lng}`;
    }

    canAnswer(message) {
        return (
            message.kind === "whatsapp" &&
            message.wamid &&
            this.conversation.window_open &&
            this.conversation.channel === "whatsapp"
        );
    }

    reply(message) {
        this.ui.replyTo = message;
    }

    react(message, ev) {
        this.reactionPicker.open(ev.currentTarget, {
            onSelect: async (emoji) => {
                await this.orm.call(MODEL, "workspace_react", [
                    this.conversation.id,
                    message.wa_id,
                    emoji,
                ]);
                await this.props.model.sync();
            },
        });
    }

    async removeReaction(message) {
        await this.orm.call(MODEL, "workspace_react", [this.conversation.id, message.wa_id, ""]);
        await this.props.model.sync();
    }

    get errorOutOfView() {
        const error = this.conversation.error;
        return error && !this.current.messages.some((m) => m.id === error.message_id);
    }

    reactionTitle(direction) {
        return direction === "in"
            ? _t("The customer's reaction")
            : _t("Our reaction: click to remove it");
    }

    async errorAction(method) {
        await this.runAction(method);
    }

    chooseTemplate() {
        this.ui.templateMode = true;
    }
}
