// The emergency alarm: a full-width red banner plus a repeating two-tone sound until every alert is
// acknowledged. The sound is synthesised with Web Audio (no file to fetch); browsers only allow it after
// a user gesture, so the banner offers a button when the page has not been clicked yet.
import {L, bi, el, hhmm} from "./i18n.js";

const GRACE_MS = 4000;
const TITLE = document.title;

export class Alarm {
  constructor(banner, list, soundButton, onAck) {
    this.banner = banner;
    this.list = list;
    this.soundButton = soundButton;
    this.onAck = onAck;
    this.entries = new Map();  // key -> {id, window, message, created_at, local, until}
    this.ctx = null;
    this.timer = null;
    soundButton.addEventListener("click", () => { this.unlock(); this.update(); });
  }

  unlock() {
    try {
      if (!this.ctx) this.ctx = new (window.AudioContext || window.webkitAudioContext)();
      if (this.ctx.state === "suspended") this.ctx.resume();
    } catch (err) { this.ctx = null; }
  }

  /** Server truth: the open alerts from the overview. Event-raised ones survive a short grace period. */
  show(alerts) {
    const now = Date.now();
    const keep = new Map();
    for (const a of alerts) keep.set(`id-${a.id}`, {...a, local: false});
    for (const [k, v] of this.entries) if (v.local && (v.until > now || v.id === undefined) && !keep.has(k)) keep.set(k, v);
    this.entries = keep;
    this.update();
  }

  /** An alert event: on screen at once, before the overview confirms it. */
  raise(data) {
    const key = data.id !== undefined ? `id-${data.id}` : `ev-${Date.now()}`;
    this.entries.set(key, {id: data.id, window: data.window, message: data.message || "", terminal_id: data.terminal_id,
      created_at: data.created_at || new Date().toISOString(), local: true, until: Date.now() + GRACE_MS});
    this.update();
  }

  dismiss(id) {
    this.entries.delete(`id-${id}`);
    this.update();
  }

  clear() {
    this.entries.clear();
    this.update();
  }

  update() {
    const active = [...this.entries.entries()];
    this.banner.hidden = active.length === 0;
    document.body.classList.toggle("alarming", active.length > 0);
    document.title = active.length ? `【报警 ALERT】${TITLE}` : TITLE;
    this.list.replaceChildren(...active.map(([key, a]) => el("div", {class: "alarm-item", dataset: {alert: key}},
      el("b", {text: a.window ? `${a.window} 号窗口 Window ${a.window}` : a.terminal_id ? `终端 ${a.terminal_id}` : "—"}),
      el("span", {class: "alarm-time", text: hhmm(a.created_at)}),
      a.message ? el("span", {class: "alarm-msg", text: a.message}) : null,
      el("button", {class: "btn btn-light btn-sm", type: "button", dataset: {action: "alarm-ack"},
        onclick: () => (a.id !== undefined ? this.onAck(a.id) : (this.entries.delete(key), this.update()))},
      bi(L.acknowledge)))));
    const canPlay = this.ctx && this.ctx.state === "running";
    this.soundButton.hidden = active.length === 0 || canPlay;
    if (active.length && !this.timer) {
      this.beep();
      this.timer = setInterval(() => this.beep(), 1600);
    } else if (!active.length && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  beep() {
    const ctx = this.ctx;
    if (!ctx || ctx.state !== "running") { this.soundButton.hidden = this.entries.size === 0; return; }
    const t0 = ctx.currentTime;
    [[880, 0], [660, 0.28]].forEach(([freq, at]) => {
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + at);
      gain.gain.exponentialRampToValueAtTime(0.2, t0 + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.26);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + at);
      osc.stop(t0 + at + 0.27);
    });
  }
}
