/** @odoo-module **/

import { Component, onWillStart, useEffect, useRef, useState } from "@odoo/owl";
import { useEmojiPicker } from "@web/core/emoji_picker/emoji_picker";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { useDebounced } from "@web/core/utils/timing";
import { CHANNELS } from "./workspace_utils";

const MODEL = "whatsapp.inbox.conversation";
const QUICK_REPLY = /^\/(\S*)$/;
// Meta shows "typing…" for 25 s: tell it again at most every 20 s (the server limits too)
const TYPING_EVERY_MS = 20000;
const BUTTON_LINE = /^\[([^\]]{1,20})\]$/;
// Meta's limits (tools/interactive.py checks them all on the server)
const MAX_ROWS = 10;
const MAX_SECTIONS = 10;
// WhatsApp's longest text message (the send door refuses longer ones too); the composer
// counts from COUNT_FROM characters on
export const MAX_TEXT = 4096;
const COUNT_FROM = 3500;

/** An empty interactive message of ``kind``: button, list or cta_url. */
function newInteractive(kind = "button", buttons = ["", "", ""]) {
    return {
        kind,
        buttons,
        button: "",
        sections: [{ title: "", rows: [{ title: "", description: "" }] }],
        display_text: "",
        url: "",
    };
}

/**
 * The one composer under the conversation: Enter sends, Shift+Enter is a new
 * line; files by button, paste or drop; emoji; Odoo canned responses after "/";
 * internal notes. Outside the 24-hour window, replies are templates.
 */
export class InboxComposer extends Component {
    static template = "whatsapp_inbox.Composer";
    static components = {};
    static props = {
        model: Object,
        replyTo: { type: [Object, { value: null }], optional: true },
        onCancelReply: Function,
        templateMode: Boolean,
        onTemplateMode: Function,
        countdown: { type: [String, { value: null }], optional: true },
    };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState(this.props.model.state);
        this.channels = CHANNELS;
        this.maxText = MAX_TEXT;
        this.ui = useState({
            mode: "reply",
            text: "",
            sending: false,
            quickReplies: [],
            quickIndex: 0,
            // after "/": the term typed (the popup shows, with a hint when nothing matches)
            quickTerm: null,
            // an interactive message being written (see newInteractive), or null
            interactive: null,
        });
        this.typingSentAt = 0;
        this.placeholders = {
            reply: _t("Type a message"),
            note: _t("Write an internal note: only colleagues see it"),
            closed: _t("The 24-hour window is closed"),
            send: _t("Send"),
            saveNote: _t("Save the note"),
        };
        this.textareaRef = useRef("textarea");
        this.fileInputRef = useRef("fileInput");
        this.emojiRef = useRef("emoji");
        useEmojiPicker(this.emojiRef, { onSelect: (emoji) => this.insert(emoji) });
        this.searchQuickReplies = useDebounced(this.searchQuickReplies, 150);
        useEffect(
            () => {
                this.ui.text = "";
                this.ui.mode = "reply";
                this.closeQuickReplies();
                this.ui.interactive = null;
                this.typingSentAt = 0;
            },
            () => [this.conversation.id]
        );
        useEffect(
            (replyTo) => replyTo && this.textareaRef.el?.focus(),
            () => [this.props.replyTo]
        );
        useEffect(
            (el) => {
                if (el) {
                    el.style.height = "auto";
                    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
                }
            },
            () => [this.textareaRef.el, this.ui.text]
        );
    }

    get conversation() {
        return this.state.current.conversation;
    }

    get pending() {
        return this.state.current.pending || [];
    }

    get isWhatsApp() {
        return this.conversation.channel === "whatsapp";
    }

    /** Replies go out as templates: the window is closed, or the agent asked for one. */
    get showTemplates() {
        return (
            this.ui.mode === "reply" &&
            this.isWhatsApp &&
            (!this.conversation.window_open || this.props.templateMode)
        );
    }

    get canWrite() {
        return this.ui.mode === "note" || (this.isWhatsApp && this.conversation.window_open);
    }

    /** Characters of the reply as WhatsApp counts them (code points, like the server). */
    get length() {
        return [...this.ui.text.trim()].length;
    }

    /** The counter shows near WhatsApp's limit, for replies (notes stay here). */
    get showCount() {
        return this.ui.mode === "reply" && this.length >= COUNT_FROM;
    }

    get tooLong() {
        return this.ui.mode === "reply" && this.length > MAX_TEXT;
    }

    get channelNotice() {
        return _t(
            "This conversation is on %s: answer it from its form. Here you can leave an internal note.",
            this.channels[this.conversation.channel].label
        );
    }

    /** SMS, email and calls are answered from the conversation's form. */
    openForm() {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: MODEL,
            res_id: this.conversation.id,
            views: [[false, "form"]],
        });
    }

    setMode(mode) {
        this.ui.mode = mode;
        this.props.onTemplateMode(false);
    }

    // ------------------------------------------------------------------
    // Typing
    // ------------------------------------------------------------------

    onInput(ev) {
        this.ui.text = ev.target.value;
        this.notifyTyping();
        const match = this.ui.text.match(QUICK_REPLY);
        if (match) {
            this.searchQuickReplies(match[1]);
        } else {
            this.closeQuickReplies();
        }
    }

    /** The customer sees "typing…" while the agent writes a reply (not a note). */
    notifyTyping() {
        const now = Date.now();
        if (
            this.ui.mode !== "reply" ||
            !this.canWrite ||
            !this.ui.text.trim() ||
            now - this.typingSentAt < TYPING_EVERY_MS
        ) {
            return;
        }
        this.typingSentAt = now;
        this.orm.silent.call(MODEL, "workspace_typing", [this.conversation.id]).catch(() => {});
    }

    toggleInteractive() {
        this.ui.interactive = this.ui.interactive ? null : newInteractive();
    }

    setKind(kind) {
        this.ui.interactive.kind = kind;
    }

    get rowCount() {
        const sections = this.ui.interactive.sections;
        return sections.reduce((count, section) => count + section.rows.length, 0);
    }

    get canAddRow() {
        return this.rowCount < MAX_ROWS;
    }

    get canAddSection() {
        return this.canAddRow && this.ui.interactive.sections.length < MAX_SECTIONS;
    }

    addRow(section) {
        if (this.canAddRow) {
            section.rows.push({ title: "", description: "" });
        }
    }

    removeRow(section, index) {
        section.rows.splice(index, 1);
        const sections = this.ui.interactive.sections;
        if (!section.rows.length && sections.length > 1) {
            sections.splice(sections.indexOf(section), 1);
        }
    }

    addSection() {
        if (this.canAddSection) {
            this.ui.interactive.sections.push({ title: "", rows: [{ title: "", description: "" }] });
        }
    }

    /** What the server's ``interactive.build`` reads for the kind being written. */
    get interactiveOptions() {
        const { kind, buttons, button, sections, display_text, url } = this.ui.interactive;
        if (kind === "list") {
            return { button, sections };
        }
        if (kind === "cta_url") {
            return { display_text, url };
        }
        return { buttons };
    }

    async searchQuickReplies(term) {
        // ranked by the server (exact shortcut, then starting with it, then containing
        // it), the texts filled in ({protocol}...) as the customer will get them
        const conversationId = this.conversation.id;
        const found = await this.orm.call(MODEL, "workspace_quick_replies", [
            conversationId,
            term,
        ]);
        const match = this.ui.text.match(QUICK_REPLY);
        if (match && this.state.current?.conversation.id === conversationId) {
            this.ui.quickReplies = found;
            this.ui.quickIndex = 0;
            this.ui.quickTerm = match[1];
        }
    }

    closeQuickReplies() {
        this.ui.quickReplies = [];
        this.ui.quickTerm = null;
    }

    /** From the empty popup: Odoo's canned responses, where quick replies are written. */
    openQuickReplies() {
        return this.action.doAction("mail.mail_canned_response_action");
    }

    pickQuickReply(reply) {
        // a canned response ending with lines "[Choice]" (up to 3) becomes reply buttons
        const lines = (reply.substitution || "").split("\n");
        const titles = [];
        while (lines.length > 1 && titles.length < 3 && BUTTON_LINE.test(lines.at(-1).trim())) {
            titles.unshift(lines.pop().trim().match(BUTTON_LINE)[1]);
        }
        if (titles.length) {
            this.ui.interactive = newInteractive("button", [...titles, "", ""].slice(0, 3));
        }
        this.ui.text = titles.length ? lines.join("\n").trim() : reply.substitution || "";
        this.closeQuickReplies();
        this.textareaRef.el.value = this.ui.text;
        this.textareaRef.el.focus();
    }

    onKeydown(ev) {
        const replies = this.ui.quickReplies;
        if (replies.length) {
            if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
                const step = ev.key === "ArrowDown" ? 1 : replies.length - 1;
                this.ui.quickIndex = (this.ui.quickIndex + step) % replies.length;
                ev.preventDefault();
                return;
            }
            if (ev.key === "Enter" || ev.key === "Tab") {
                this.pickQuickReply(replies[this.ui.quickIndex]);
                ev.preventDefault();
                return;
            }
        }
        if (ev.key === "Escape" && this.ui.quickTerm !== null) {
            this.closeQuickReplies();
            ev.preventDefault();
            return;
        }
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
            ev.preventDefault();
            this.send();
        }
    }

    insert(text) {
        const el = this.textareaRef.el;
        if (!el) {
            return;
        }
        const start = el.selectionStart ?? this.ui.text.length;
        const end = el.selectionEnd ?? start;
        this.ui.text = this.ui.text.slice(0, start) + text + this.ui.text.slice(end);
        el.value = this.ui.text;
        el.focus();
        el.setSelectionRange(start + text.length, start + text.length);
    }

    // ------------------------------------------------------------------
    // Files
    // ------------------------------------------------------------------

    openFiles() {
        this.fileInputRef.el.click();
    }

    async onFiles(ev) {
        const files = [...ev.target.files];
        ev.target.value = "";
        await this.props.model.upload(files);
    }

    async onPaste(ev) {
        const files = [...(ev.clipboardData?.files || [])];
        if (files.length) {
            ev.preventDefault();
            await this.props.model.upload(files);
        }
    }

    // ------------------------------------------------------------------
    // Sending
    // ------------------------------------------------------------------

    async send() {
        const text = this.ui.text.trim();
        const files = this.pending.filter((file) => !file.uploading);
        if ((!text && !files.length) || this.ui.sending || !this.canWrite || this.tooLong) {
            return;
        }
        this.ui.sending = true;
        const ids = files.map((file) => file.id);
        try {
            if (this.ui.mode === "note") {
                await this.orm.call(MODEL, "workspace_post_note", [this.conversation.id, text, ids]);
            } else if (this.ui.interactive) {
                await this.orm.call(MODEL, "workspace_send_interactive", [
                    this.conversation.id,
                    this.ui.interactive.kind,
                    text,
                    this.interactiveOptions,
                    this.props.replyTo?.wa_id || false,
                ]);
                this.ui.interactive = null;
            } else {
                await this.orm.call(MODEL, "workspace_send", [
                    this.conversation.id,
                    text,
                    ids,
                    this.props.replyTo?.wa_id || false,
                ]);
            }
            this.ui.text = "";
            if (this.textareaRef.el) {
                this.textareaRef.el.value = "";
            }
            this.props.model.dropPending(ids);
            this.props.onCancelReply();
        } finally {
            this.ui.sending = false;
        }
        await this.props.model.afterAction();
    }
}

/** The template picker: approved templates, variables prefilled, live preview. */
export class InboxTemplatePicker extends Component {
    static template = "whatsapp_inbox.TemplatePicker";
    static props = { model: Object, onDone: Function, windowOpen: Boolean };

    setup() {
        this.orm = useService("orm");
        this.ui = useState({
            templates: [],
            templateId: false,
            values: {},
            sending: false,
            headerFile: null, // {id, name} uploaded for a media header
            uploading: false,
        });
        this.http = useService("http");
        this.selectRef = useRef("templateSelect");
        onWillStart(async () => {
            this.ui.templates = await this.orm.call(MODEL, "workspace_templates", [
                this.props.model.state.current.conversation.id,
            ]);
            if (this.ui.templates.length === 1) {
                this.choose(this.ui.templates[0].id);
            }
        });
    }

    get template() {
        return this.ui.templates.find((t) => t.id === this.ui.templateId);
    }

    get variables() {
        return this.template?.variables || [];
    }

    get mediaHeader() {
        return ["IMAGE", "VIDEO", "DOCUMENT"].includes(this.template?.header_format);
    }

    choose(id) {
        this.ui.templateId = Number(id) || false;
        this.ui.values = { ...(this.template?.values || {}) };
        this.ui.headerFile = null;
    }

    render(text) {
        return (text || "").replace(/{{\s*(\d+)\s*}}/g, (all, n) => this.ui.values[n] || all);
    }

    renderHeader(text) {
        return (text || "").replace(/{{\s*1\s*}}/, (all) => this.ui.values.header || all);
    }

    buttonLabel(button) {
        if (button.type === "URL") {
            const url = button.key
                ? button.url.replace(/{{\s*1\s*}}/, this.ui.values[button.key] || "{{1}}")
                : button.url;
            return `${button.text} → ${url}`;
        }
        if (button.type === "COPY_CODE") {
            return `${button.text || _t("Copy code")}: ${this.ui.values[button.key] || "…"}`;
        }
        return button.text;
    }

    async onHeaderFile(ev) {
        const [file] = ev.target.files;
        ev.target.value = "";
        if (!file) {
            return;
        }
        this.ui.uploading = true;
        try {
            const answer = await this.http.post(
                "/web/binary/upload_attachment",
                {
                    csrf_token: odoo.csrf_token,
                    ufile: [file],
                    model: MODEL,
                    id: this.props.model.state.current.conversation.id,
                },
                "text"
            );
            const [result] = JSON.parse(answer);
            if (result && !result.error) {
                this.ui.headerFile = { id: result.id, name: result.filename || file.name };
            }
        } finally {
            this.ui.uploading = false;
        }
    }

    async send() {
        if (!this.template || this.ui.sending) {
            return;
        }
        this.ui.sending = true;
        try {
            await this.orm.call(MODEL, "workspace_send_template", [
                this.props.model.state.current.conversation.id,
                this.template.id,
                this.ui.values,
                this.ui.headerFile?.id || false,
            ]);
        } finally {
            this.ui.sending = false;
        }
        // sent: an empty picker, so that a second click cannot send it again
        this.choose(false);
        if (this.selectRef.el) {
            this.selectRef.el.value = "";
        }
        this.props.onDone();
        await this.props.model.afterAction();
    }
}

InboxComposer.components = { InboxTemplatePicker };
