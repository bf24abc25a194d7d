// One person's play of one game: keys, clicks and touch buttons in, the host's view out.
// The host applies and records every action; this file only sends what was pressed, in order.
import { api, Board, el, fitToWindow, showLines } from "./board.js";

const PAD = [  // touch buttons: [label, action]
  ["↑", "ACTION1"], ["↓", "ACTION2"], ["←", "ACTION3"], ["→", "ACTION4"], ["space", "ACTION5"],
  ["undo", "ACTION7"], ["reset", "RESET"],
];
const HELP_KEYS = new Set(["h", "H", "?", "/"]);
const QUIT_KEYS = new Set(["Escape", "q", "Q"]);

export class Player {
  // root: an element to build the play area in; onQuit(view): Esc/Q or the quit button.
  constructor(root, controls, { key, onQuit, quitLabel = "quit" }) {
    this.controls = controls; this.key = key; this.onQuit = onQuit;
    this.canvas = el("canvas", { class: "board", id: "board", "aria-label": "game board" });
    this.overlay = el("div", { id: "overlay" }); this.overlay.hidden = true;
    this.line = el("div", { class: "line", id: "status-line" });
    this.note = el("div", { class: "note", id: "status-note" });
    this.pad = el("div", { class: "pad", id: "pad" });
    this.legend = el("dl", { class: "controls", id: "legend" });
    for (const [label, action] of PAD) {
      const button = el("button", { type: "button", "data-action": action }, label);
      button.addEventListener("click", () => this.press(action));
      this.pad.append(button);
    }
    const quit = el("button", { type: "button", class: "plain", id: "quit" }, quitLabel);
    quit.addEventListener("click", () => this.quit());
    const help = el("button", { type: "button", class: "plain", id: "help" }, "help");
    help.addEventListener("click", () => this.toggleHelp());
    root.replaceChildren(el("div", { id: "stage" }, this.canvas, this.overlay),
      el("div", { class: "status" }, this.line, this.note), this.pad, el("div", { class: "bar" }, help, quit),
      this.legend);
    this.board = new Board(this.canvas, controls.palette);
    fitToWindow(this.board, () => 16 + root.offsetHeight - this.canvas.offsetHeight);
    this.queue = Promise.resolve();
    this.helpShown = false; this.solvedTimer = null; this.hintTimer = null; this.done = false;
    this.onKey = (event) => this.keydown(event);
    window.addEventListener("keydown", this.onKey);
    this.canvas.addEventListener("pointerdown", (event) => this.pointer(event));
  }

  show(view) {
    this.view = view;
    document.body.dataset.state = view.state;
    document.body.dataset.actions = String(view.actions);
    document.body.dataset.levels = String(view.levels_completed);
    for (const button of this.pad.children) {
      button.classList.toggle("available", view.available.includes(button.dataset.action));
    }
    this.legend.replaceChildren();
    for (const [keys, meaning, actions] of this.controls.controls) {
      const used = actions.length === 0 || actions.some((a) => view.available.includes(a));
      this.legend.append(el("dt", { class: used ? "available" : "" }, keys), el("dd", {}, meaning));
    }
    if (view.hint) this.flash(view.hint);
    if (view.solved) {
      this.board.draw(view.solved.frame);
      this.line.textContent = view.solved.status;
      this.setNote(view.solved.note, true);
      showLines(this.overlay, null);
      this.solvedTimer = setTimeout(() => this.endSolved(), this.controls.solved_ms);
      return;
    }
    this.drawView();
  }

  drawView() {
    const view = this.view;
    this.board.draw(view.frame);
    this.line.textContent = view.status;
    this.setNote(this.hintTimer ? this.hintText : this.controls.idle_note, Boolean(this.hintTimer));
    showLines(this.overlay, this.helpShown ? view.help : view.end);
  }

  endSolved() {
    clearTimeout(this.solvedTimer); this.solvedTimer = null; this.drawView();
  }

  setNote(text, isHint) { this.note.textContent = text; this.note.classList.toggle("hint", isHint); }

  flash(text) {
    clearTimeout(this.hintTimer);
    this.hintText = text;
    this.setNote(text, true);
    this.hintTimer = setTimeout(() => { this.hintTimer = null; this.setNote(this.controls.idle_note, false); },
      this.controls.hint_ms);
  }

  toggleHelp() { this.helpShown = !this.helpShown; this.drawView(); }

  keydown(event) {
    if (this.done || event.isComposing) return;
    if (QUIT_KEYS.has(event.key)) { event.preventDefault(); this.quit(); return; }
    if (this.solvedTimer) { event.preventDefault(); this.endSolved(); return; }  // skips the board; not an action
    if (HELP_KEYS.has(event.key)) { event.preventDefault(); this.toggleHelp(); return; }
    const action = this.controls.keys[event.key];
    if (!action) return;
    // With Ctrl, Cmd or Alt held, only undo acts: a shortcut meant for the browser must not cost an action.
    const shortcut = event.ctrlKey || event.metaKey || event.altKey;
    if (shortcut && action !== this.controls.undo_with_modifier) return;
    event.preventDefault();  // arrows and space would scroll the page, Ctrl+Z would undo in the browser
    if (!event.repeat) this.press(action);
  }

  pointer(event) {
    if (this.done || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    if (this.solvedTimer) { this.endSolved(); return; }
    const pixel = this.board.pixelAt(event);
    if (pixel) this.press("ACTION6", pixel);
  }

  press(action, pixel) {
    if (this.done) return;
    if (this.solvedTimer) { this.endSolved(); return; }
    const body = { guid: this.view.guid, action };
    if (pixel) [body.x, body.y] = pixel;
    // One at a time and in order, as the window applies its events; a press that comes up while a
    // solved level's board is showing skips the board instead (it must not act on a level not yet seen).
    this.queue = this.queue.then(async () => {
      if (this.solvedTimer) { this.endSolved(); return; }
      try {
        const view = await api("/web/api/act", { body, key: this.key });
        if (!view.hint) this.helpShown = false;
        this.show(view);
      } catch (err) {
        this.flash(err.message);
      }
    });
    return this.queue;
  }

  async quit() {
    if (this.done) return;
    await this.queue;
    this.done = true;
    window.removeEventListener("keydown", this.onKey);
    if (this.onQuit) await this.onQuit(this.view);
  }
}

export async function loadControls() { return api("/web/api/controls"); }
