// The live view's page: it follows /api/events (server-sent events) and
// draws what each report holds. No libraries, no build step.
"use strict";

const state = { tab: "topQueued", search: "", under: "", report: null, source: null };

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "onclick") e.addEventListener("click", v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k instanceof Node ? k : String(k));
  return e;
}

function fmt(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(1) + "G";
  if (n >= 1e6) return (n / 1e6).toFixed(1) + "M";
  if (n >= 1e4) return (n / 1e3).toFixed(1) + "k";
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function fill(id, rows, cells) {
  const body = document.querySelector("#" + id + " tbody");
  const trs = (rows || []).map(r => el("tr", {}, ...cells(r)));
  if (trs.length === 0) trs.push(el("tr", {}, el("td", { class: "none", colspan: "8" }, "none")));
  body.replaceChildren(...trs);
}

function actorCells(a) {
  const id = a.children > 0
    ? el("a", { title: a.id, onclick: () => go(a.id) }, a.id)
    : document.createTextNode(a.id);
  return [el("td", { class: "id", title: a.id }, id), el("td", {}, a.script),
    el("td", { class: "state-" + a.state }, a.state), el("td", {}, fmt(a.queued)),
    el("td", {}, fmt(a.processed)), el("td", {}, fmt(a.children)), el("td", {}, fmt(a.failures))];
}

function crumbs() {
  const parts = [el("a", { onclick: () => go("") }, "top level")];
  if (state.under) {
    const segs = state.under.split("/");
    segs.forEach((s, i) => {
      const id = segs.slice(0, i + 1).join("/");
      parts.push(" / ", el("a", { onclick: () => go(id) }, s));
    });
  }
  document.getElementById("crumbs").replaceChildren(...parts);
}

function chart(history) {
  const svg = document.getElementById("chart");
  const W = 800, H = 160, pad = 4;
  const ns = "http://www.w3.org/2000/svg";
  const kids = [];
  if (history.length > 1) {
    const t0 = history[0].t, t1 = history[history.length - 1].t;
    const line = (key, color) => {
      const max = Math.max(1, ...history.map(p => p[key]));
      const pts = history.map(p => {
        const x = pad + (W - 2 * pad) * (p.t - t0) / Math.max(1, t1 - t0);
        const y = H - pad - (H - 2 * pad) * p[key] / max;
        return x.toFixed(1) + "," + y.toFixed(1);
      }).join(" ");
      const pl = document.createElementNS(ns, "polyline");
      pl.setAttribute("points", pts);
      pl.setAttribute("fill", "none");
      pl.setAttribute("stroke", color);
      pl.setAttribute("stroke-width", "2");
      pl.setAttribute("vector-effect", "non-scaling-stroke");
      document.getElementById(key === "rate" ? "maxrate" : "maxlive").textContent = fmt(max);
      kids.push(pl);
    };
    line("rate", "#2563eb");
    line("live", "#d97706");
  }
  svg.replaceChildren(...kids);
}

function render(r) {
  state.report = r;
  document.getElementById("node").textContent = r.node ? "node " + r.node : "embedded system";
  for (const [id, v] of [["actors", r.actors], ["running", r.running], ["rate", r.rate], ["queued", r.queued], ["dead", r.deadLetters]]) {
    document.getElementById(id).textContent = fmt(v);
  }
  chart(r.history || []);
  fill("scripts", r.scripts, s => [el("td", {}, s.script), el("td", {}, fmt(s.actors)), el("td", {}, fmt(s.running)),
    el("td", {}, fmt(s.restarting)), el("td", {}, fmt(s.queued)), el("td", {}, fmt(s.rate)), el("td", {}, fmt(s.processed)),
    el("td", {}, fmt(s.failures))]);
  fill("pools", r.pools, p => [el("td", { class: "id" }, p.id), el("td", {}, p.script), el("td", {}, p.routing),
    el("td", {}, p.workers), el("td", {}, p.busy + " / " + (p.workers - p.remote)), el("td", {}, fmt(p.queued)), el("td", {}, p.remote)]);
  fill("peers", r.peers, p => [el("td", { class: "id" }, p.node), el("td", { class: p.state === "up" ? "state-running" : "state-restarting" }, p.state)]);
  crumbs();
  fill("tree", r.children, actorCells);
  fill("top", state.search ? r.found : r[state.tab], actorCells);
  const fails = (r.failures || []).slice().reverse().map(f => el("div", { class: "failure" },
    el("div", {}, new Date(f.time).toLocaleTimeString(), " ", el("b", {}, f.actor), " (", f.script, ")"),
    el("pre", {}, f.error)));
  document.getElementById("failures").replaceChildren(...(fails.length ? fails : [el("p", { class: "none" }, "none")]));
  fill("deadlog", (r.deadLog || []).slice().reverse(), d => [el("td", {}, new Date(d.time).toLocaleTimeString()),
    el("td", { class: "id" }, d.to), el("td", {}, d.reason)]);
}

function connect() {
  if (state.source) state.source.close();
  const q = new URLSearchParams();
  if (state.search) q.set("search", state.search);
  if (state.under) q.set("under", state.under);
  const src = new EventSource("api/events?" + q);
  const status = document.getElementById("status");
  src.onopen = () => { status.textContent = "live"; status.className = "status live"; };
  src.onmessage = e => render(JSON.parse(e.data));
  src.onerror = () => { status.textContent = "reconnecting…"; status.className = "status"; };
  state.source = src;
}

function go(under) {
  state.under = under;
  connect();
}

document.getElementById("tabs").addEventListener("click", e => {
  const k = e.target.dataset && e.target.dataset.k;
  if (!k) return;
  state.tab = k;
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("on", b.dataset.k === k);
  if (state.report) render(state.report);
});

let searchTimer = 0;
document.getElementById("search").addEventListener("input", e => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { state.search = e.target.value.trim(); connect(); }, 250);
});

connect();
