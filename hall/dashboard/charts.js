// Two small SVG charts drawn by hand (no chart library, no CDN): stacked tickets per hour per category,
// and the wait-time histogram. Labels are set with textContent like everything else.
import {el} from "./i18n.js";

const NS = "http://www.w3.org/2000/svg";
export const PALETTE = ["#2f6fd6", "#2a9d8f", "#e9a23b", "#8e6bd1", "#d1495b", "#4c9f50", "#6c7a89", "#c47f3a"];

function s(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function niceMax(v) {
  if (v <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return v;
}

function frame(width, height, pad, max, ticks = 5) {  // niceMax values are multiples of 5
  const svg = s("svg", {viewBox: `0 0 ${width} ${height}`, class: "svgchart", role: "img"});
  const plotH = height - pad.t - pad.b;
  for (let i = 0; i <= ticks; i++) {
    const y = pad.t + plotH - (plotH * i) / ticks;
    svg.append(s("line", {x1: pad.l, x2: width - pad.r, y1: y, y2: y, class: i ? "grid" : "axis"}));
    svg.append(s("text", {x: pad.l - 6, y: y + 4, class: "ylab", "text-anchor": "end"}, Math.round((max * i) / ticks)));
  }
  return svg;
}

/** perHour: {code: [24 counts]}; categories: [{code, name_zh, name_en}]. */
export function hourChart(box, legend, categories, perHour) {
  const codes = categories.map((c) => c.code).filter((c) => perHour[c]);
  const totals = Array.from({length: 24}, (_, h) => codes.reduce((a, c) => a + (perHour[c][h] || 0), 0));
  const used = totals.map((v, h) => (v ? h : null)).filter((h) => h !== null);
  // Office hours at least, widened to any hour that had tickets.
  const first = Math.min(8, ...used), last = Math.max(18, ...used);
  const hours = Array.from({length: last - first + 1}, (_, i) => first + i);
  // Drawn at the box's real width so labels keep their size on every screen.
  const W = Math.max(320, box.clientWidth || 720), H = 230, pad = {l: 36, r: 8, t: 12, b: 26};
  const max = niceMax(Math.max(1, ...totals));
  const svg = frame(W, H, pad, max);
  svg.setAttribute("aria-label", "今日分时取号 Tickets per hour");
  const plotW = W - pad.l - pad.r, plotH = H - pad.t - pad.b;
  const bw = plotW / hours.length;
  hours.forEach((h, i) => {
    let y = pad.t + plotH;
    const x = pad.l + i * bw + bw * 0.15;
    codes.forEach((c, ci) => {
      const v = perHour[c][h] || 0;
      if (!v) return;
      const bh = (plotH * v) / max;
      y -= bh;
      const rect = s("rect", {x, y, width: bw * 0.7, height: Math.max(0.5, bh), fill: PALETTE[ci % PALETTE.length], rx: 1});
      rect.append(s("title", {}, `${String(h).padStart(2, "0")}:00 ${c} — ${v}`));
      svg.append(rect);
    });
    if (totals[h]) svg.append(s("text", {x: x + bw * 0.35, y: y - 3, class: "vlab", "text-anchor": "middle"}, totals[h]));
    svg.append(s("text", {x: x + bw * 0.35, y: H - 8, class: "xlab", "text-anchor": "middle"}, String(h).padStart(2, "0")));
  });
  box.replaceChildren(svg);
  legend.replaceChildren(...codes.map((c, ci) => {
    const cat = categories.find((x) => x.code === c);
    return el("span", {class: "lg"}, el("i", {class: "sw", style: null, dataset: {color: String(ci)}}),
      `${c} ${cat ? cat.name_zh : ""}`);
  }));
  // Colours set through the CSSOM (no inline style attribute, which the page's CSP forbids).
  legend.querySelectorAll(".sw").forEach((node) => { node.style.background = PALETTE[Number(node.dataset.color) % PALETTE.length]; });
}

/** waits: {labels, counts, bins_min}; targetMin: the strictest SLA, drawn as a marker. */
export function waitChart(box, waits, targetMin) {
  const W = Math.max(280, box.clientWidth || 520), H = 230, pad = {l: 36, r: 8, t: 12, b: 40};
  const max = niceMax(Math.max(1, ...waits.counts));
  const svg = frame(W, H, pad, max);
  svg.setAttribute("aria-label", "等候时长分布 Wait-time distribution");
  const plotW = W - pad.l - pad.r, plotH = H - pad.t - pad.b;
  const bw = plotW / waits.counts.length;
  waits.counts.forEach((v, i) => {
    const lo = waits.bins_min[i];
    const over = targetMin !== null && lo >= targetMin;
    const bh = (plotH * v) / max;
    const x = pad.l + i * bw + bw * 0.1, y = pad.t + plotH - bh;
    svg.append(s("text", {x: x + bw * 0.4, y: H - 24, class: "xlab", "text-anchor": "middle"}, waits.labels[i]));
    if (!v) return;
    const rect = s("rect", {x, y, width: bw * 0.8, height: Math.max(0.5, bh), class: over ? "bar-over" : "bar", rx: 2});
    rect.append(s("title", {}, `${waits.labels[i]} 分钟 min — ${v}`));
    svg.append(rect);
    svg.append(s("text", {x: x + bw * 0.4, y: y - 3, class: "vlab", "text-anchor": "middle"}, v));
  });
  svg.append(s("text", {x: W / 2, y: H - 6, class: "xlab", "text-anchor": "middle"}, "等候分钟 wait, minutes（取号→首次叫号 issue → first call）"));
  box.replaceChildren(svg);
}
