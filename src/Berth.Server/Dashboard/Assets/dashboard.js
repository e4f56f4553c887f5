// The Berth dashboard: plain JavaScript over the REST API under /v1, no framework and no build step.
// Every call carries the signed-in bearer token; the event feed reads /v1/events?follow=true with fetch() and a
// ReadableStream, because EventSource cannot send an Authorization header.
"use strict";

const TOKEN_KEY = "berth.token";
const NODE_PAGE = 50;          // nodes drawn at once; the server pages, so 5,000 nodes cost one page
const WORKLOAD_ROWS = 200;     // workloads drawn at once; the filter narrows the rest
const FEED_SIZE = 200;         // events kept in the feed
const POLL_MS = 5000;          // how often the open view is read again without any event

const $ = (id) => document.getElementById(id);
const state = {
  token: null,
  who: null,          // the /v1/whoami answer, or null (no such endpoint: an open dev server)
  mayCordon: true,
  view: "nodes",
  nodes: { offset: 0, filter: "", page: null },
  workloads: { filter: "", list: [], assignments: [], selected: null },
  events: [],
  eventFilter: "",
  lastRevision: 0,
  feedPrimed: false,
  refreshTimer: null,
};

// ---------- formatting ----------

const number = new Intl.NumberFormat("en");
function fmtCount(n) { return number.format(n); }
function plural(n, word) { return `${fmtCount(n)} ${word}${n === 1 ? "" : "s"}`; }
function fmtAmount(resource, value) {
  if (resource === "cpu" && value > 0 && value < 1) return `${Math.round(value * 1000)}m`;
  if (value === 0) return "0";
  if (resource === "memory") {
    const gib = value / (1024 ** 3);
    return gib >= 1 ? `${trim(gib)}Gi` : `${trim(value / (1024 ** 2))}Mi`;
  }
  return trim(value);
}
function trim(v) { return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1).replace(/\.?0+$/, ""); }
function fmtMoney(v, currency) { return `${Number(v).toFixed(2)}${currency ? " " + currency : ""}`; }
function fmtAge(time) {
  if (!time) return "never";
  const s = Math.max(0, Math.round((Date.now() - Date.parse(time)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}
function fmtTime(time) { return new Date(time).toLocaleTimeString(); }

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
function badge(text, kind) { return el("span", { class: `badge ${kind || ""}` }, text); }
function bar(allocated, allocatable, resource) {
  const fraction = allocatable > 0 ? Math.min(1, allocated / allocatable) : 0;
  const box = el("div", { class: "bar", title: `${resource}: ${fmtAmount(resource, allocated)} of ${fmtAmount(resource, allocatable)} allocated`, dataset: { resource } },
    el("div", { class: "fill" }),
    el("span", { class: "label" }, `${fmtAmount(resource, allocated)} / ${fmtAmount(resource, allocatable)}`));
  box.firstChild.style.width = `${(fraction * 100).toFixed(1)}%`;
  if (fraction >= 1) box.classList.add("full"); else if (fraction >= 0.8) box.classList.add("high");
  return box;
}

// ---------- the API ----------

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  if (state.token) headers.set("Authorization", `Bearer ${state.token}`);
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try { const body = await response.json(); if (body && body.error) message = body.error; } catch { /* not JSON */ }
    if (response.status === 401) askForToken(message);
    throw new ApiError(response.status, message);
  }
  return response;
}
async function getJson(path) { return (await api(path)).json(); }

function showBanner(message, info) {
  const banner = $("banner");
  banner.textContent = message;
  banner.classList.toggle("info", !!info);
  banner.hidden = !message;
}

// ---------- signing in ----------

function readToken() {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ""));
  const fromUrl = hash.get("token");
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    hash.delete("token");
    // The token leaves the address bar (and the history) at once.
    history.replaceState(null, "", location.pathname + location.search + (hash.toString() ? "#" + hash : ""));
  }
  state.token = sessionStorage.getItem(TOKEN_KEY);
}

function askForToken(reason) {
  $("sign-in-reason").textContent = reason
    ? `The server refused the request: ${reason}. Paste an API token (berth token create prints one).`
    : "Paste an API token (berth token create prints one). It is kept in this browser tab only.";
  const dialog = $("sign-in");
  if (!dialog.open) dialog.showModal();
}

async function loadWho() {
  try {
    state.who = await getJson("/v1/whoami");
    state.tokenRefused = false;
  } catch (e) {
    state.tokenRefused = e.status === 401;
    // 404: a server without /v1/whoami predates tokens, and everyone acts as the administrator there.
    if (e.status === 404 || e.status === 401) state.who = null;
    if (e.status !== 404) { renderWho(); return; }
  }
  state.mayCordon = mayCordon(state.who);
  renderWho();
}

// Whether the caller may cordon nodes, from the roles /v1/whoami lists with their rules: nodes are cluster-wide, so a
// rule (and its binding) must reach every namespace.
function mayCordon(who) {
  if (!who) return true;
  const has = (list, value) => (list || []).includes("*") || (list || []).includes(value);
  return (who.roles || []).some(grant =>
    (!grant.namespaces || grant.namespaces.length === 0 || grant.namespaces.includes("*"))
    && (grant.rules || []).some(rule => has(rule.verbs, "cordon") && has(rule.kinds, "nodes") && (!rule.namespaces || rule.namespaces.includes("*"))));
}

function renderWho() {
  const who = $("who");
  if (state.who && state.who.source === "anonymous") {
    const roles = (state.who.roles || []).map(r => r.role).filter(Boolean);
    who.textContent = `Not signed in (${state.who.mode} mode` + (roles.length ? `: acting as ${roles.join(", ")})` : ")");
  } else if (state.who) {
    const roles = (state.who.roles || []).map(r => r.role).filter(Boolean);
    who.textContent = `Signed in as ${state.who.name}` + (roles.length ? ` (${roles.join(", ")})` : "") + (state.mayCordon ? "" : " · read-only");
  } else {
    who.textContent = state.tokenRefused ? "token refused: sign in again" : state.token ? "token set" : "not signed in (open server)";
  }
  $("sign-in-open").hidden = false;
  $("sign-in-open").textContent = state.token ? "Change token" : "Sign in";
  $("sign-out").hidden = !state.token;
}

// ---------- nodes ----------

async function loadNodes() {
  const { offset, filter } = state.nodes;
  const query = new URLSearchParams({ offset, limit: NODE_PAGE });
  if (filter) query.set("filter", filter);
  const page = await getJson(`/v1/nodes?${query}`);
  // The page may have shrunk under us (nodes removed, a narrower filter): go back to the last page that exists.
  if (page.nodes.length === 0 && page.total > 0 && offset > 0) {
    state.nodes.offset = Math.floor((page.total - 1) / NODE_PAGE) * NODE_PAGE;
    return loadNodes();
  }
  state.nodes.page = page;
  renderNodes();
}

function renderNodes() {
  const page = state.nodes.page;
  if (!page) return;
  const body = $("nodes-body");
  const rows = page.nodes.map(node => {
    const use = Object.fromEntries(node.resources.map(r => [r.name, r]));
    const cell = (name) => use[name] ? bar(use[name].allocated, use[name].allocatable, name) : el("span", { class: "muted" }, "—");
    const zone = node.labels["topology.kubernetes.io/zone"];
    const action = state.mayCordon
      ? el("button", { type: "button", class: "cordon", dataset: { node: node.name, cordon: node.cordoned ? "false" : "true" }, onclick: onCordon },
        node.cordoned ? "Uncordon" : "Cordon")
      : null;
    return el("tr", { dataset: { node: node.name } },
      el("td", {}, el("strong", {}, node.name), zone ? el("div", { class: "muted" }, zone) : null),
      el("td", {}, node.ready ? badge("Ready", "ok") : badge("NotReady", "bad"), node.cordoned ? badge("Cordoned", "warn") : null),
      el("td", {}, cell("cpu")),
      el("td", {}, cell("memory")),
      el("td", {}, cell("nvidia.com/gpu")),
      el("td", {}, String(node.replicas)),
      el("td", { class: "muted" }, fmtAge(node.lastHeartbeat)),
      el("td", {}, action));
  });
  if (rows.length === 0) {
    rows.push(el("tr", {}, el("td", { colspan: 8, class: "empty" },
      state.nodes.filter ? `No node matches “${state.nodes.filter}”.` : "No nodes yet. Start an agent: berth agent --server URL --name NAME")));
  }
  body.replaceChildren(...rows);
  const filtered = state.nodes.filter ? " matching" : "";
  $("nodes-summary").textContent = `${plural(page.total, "node")}${filtered} · ${fmtCount(page.ready)} ready · ${fmtCount(page.total - page.ready)} not ready · ${fmtCount(page.cordoned)} cordoned`;
  $("tab-nodes-count").textContent = state.nodes.filter ? "" : fmtCount(page.total);
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = page.offset + page.nodes.length;
  $("nodes-range").textContent = `${fmtCount(first)}–${fmtCount(last)} of ${fmtCount(page.total)}`;
  $("nodes-prev").disabled = page.offset === 0;
  $("nodes-next").disabled = last >= page.total;
}

async function onCordon(event) {
  const button = event.currentTarget;
  const { node, cordon } = button.dataset;
  button.disabled = true;
  try {
    await api(`/v1/nodes/${encodeURIComponent(node)}/${cordon === "true" ? "cordon" : "uncordon"}`, { method: "POST" });
    showBanner("");
    await loadNodes();
  } catch (e) {
    // A 403 says which permission is missing: show it as the server wrote it.
    showBanner(e.status === 403 ? `Not allowed: ${e.message}` : `Could not ${cordon === "true" ? "cordon" : "uncordon"} ${node}: ${e.message}`);
    button.disabled = false;
  }
}

// ---------- workloads ----------

async function loadWorkloads() {
  const [list, assignments] = await Promise.all([getJson("/v1/workloads"), getJson("/v1/assignments")]);
  state.workloads.list = list;
  state.workloads.assignments = assignments;
  renderWorkloads();
  if (state.workloads.selected) await loadWorkloadDetail(state.workloads.selected, false);
}

function workloadRows() {
  const byWorkload = new Map();
  for (const { assignment } of state.workloads.assignments) {
    const key = assignment.workload;
    if (!byWorkload.has(key)) byWorkload.set(key, []);
    byWorkload.get(key).push(assignment);
  }
  const filter = state.workloads.filter.toLowerCase();
  return state.workloads.list
    .map(w => ({ key: `${w.namespace}/${w.name}`, spec: w.spec, replicas: byWorkload.get(`${w.namespace}/${w.name}`) || [] }))
    .filter(w => !filter || w.key.toLowerCase().includes(filter))
    .sort((a, b) => a.key.localeCompare(b.key));
}

function renderWorkloads() {
  const all = workloadRows();
  const rows = all.slice(0, WORKLOAD_ROWS).map(w => {
    const states = {};
    for (const r of w.replicas) states[r.state] = (states[r.state] || 0) + 1;
    const running = states.Running || 0;
    const desired = w.spec.desiredState === "Stopped" ? 0 : w.spec.replicas;
    const explanation = w.replicas.find(r => r.explanation)?.explanation || (w.replicas.length ? "" : "not placed yet");
    const kind = running >= desired && desired > 0 ? "ok" : (states.Failed ? "bad" : "warn");
    return el("tr", { class: `clickable${state.workloads.selected === w.key ? " selected" : ""}`, dataset: { workload: w.key }, onclick: () => loadWorkloadDetail(w.key, true) },
      el("td", {}, el("strong", {}, w.key)),
      el("td", { dataset: { replicas: `${running}/${desired}` } }, badge(`${running} / ${desired}`, kind), w.spec.desiredState === "Stopped" ? badge("Stopped") : null),
      el("td", {}, Object.entries(states).map(([s, n]) => badge(`${n} ${s}`, s === "Running" ? "ok" : s === "Failed" ? "bad" : ""))),
      el("td", { class: "muted explain" }, explanation));
  });
  if (rows.length === 0) {
    rows.push(el("tr", {}, el("td", { colspan: 4, class: "empty" },
      state.workloads.filter ? `No workload matches “${state.workloads.filter}”.` : "No workloads yet. Apply one: berth apply -f examples/workloads/ticker.yaml")));
  }
  $("workloads-body").replaceChildren(...rows);
  const more = $("workloads-more");
  more.hidden = all.length <= WORKLOAD_ROWS;
  more.textContent = `Showing ${WORKLOAD_ROWS} of ${fmtCount(all.length)}; type in the filter to find the others.`;
  const replicas = state.workloads.assignments.filter(a => a.assignment.state === "Running").length;
  $("workloads-summary").textContent = `${plural(state.workloads.list.length, "workload")} · ${plural(replicas, "replica")} running · ${fmtCount(state.workloads.assignments.length)} placed`;
  $("tab-workloads-count").textContent = fmtCount(state.workloads.list.length);
}

async function loadWorkloadDetail(key, scroll) {
  state.workloads.selected = key;
  for (const row of $("workloads-body").children) row.classList.toggle("selected", row.dataset.workload === key);
  const [ns, name] = key.split("/");
  const path = `${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;
  let detail;
  try {
    detail = await getJson(`/v1/workloads/${path}`);
  } catch (e) {
    if (e.status === 404) { state.workloads.selected = null; $("workload-detail").hidden = true; return; }
    throw e;
  }
  let fleet = null;
  if (detail.workload.spec.placement) {
    try { fleet = await getJson(`/v1/fleet/workloads/${path}`); } catch { /* not decided yet */ }
  }
  const box = $("workload-detail");
  const replicaRows = detail.assignments.map(({ assignment: a }) => el("tr", {},
    el("td", {}, String(a.replica)), el("td", {}, a.node), el("td", {}, badge(a.state, a.state === "Running" ? "ok" : a.state === "Failed" ? "bad" : "")),
    el("td", { class: "explain" }, a.explanation)));
  const reasons = detail.events.filter(e => /Unschedulable|Scheduled|Rescheduled|Failed|Evicted|Released/.test(e.type));
  box.replaceChildren(...[
    el("h3", {}, `${key} — placement`),
    el("p", { class: "muted" }, `desired ${detail.workload.spec.replicas} replicas, ${detail.assignments.filter(a => a.assignment.state === "Running").length} running, revision ${detail.workload.revision}`),
    fleet ? el("div", {},
      el("p", {}, badge(fleet.phase, fleet.phase === "Running" ? "ok" : "warn"), fleet.reason),
      el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ["Pool", "Region", "Cluster", "Node class", "Replicas", "Running", "Cost per hour"].map(h => el("th", {}, h)))),
        el("tbody", {}, fleet.shares.map(s => el("tr", {}, [s.pool, s.region, s.cluster, s.nodeClass, s.replicas, s.running, fmtMoney(s.hourlyCost)].map(v => el("td", {}, String(v))))))),
      fleet.rejected.length ? el("ul", {}, fleet.rejected.map(r => el("li", {}, `${r.pool} (${r.region}) not used: ${r.reason}`))) : null) : null,
    el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, el("th", {}, "Replica"), el("th", {}, "Node"), el("th", {}, "State"), el("th", {}, "Why this node"))),
      el("tbody", {}, replicaRows.length ? replicaRows : el("tr", {}, el("td", { colspan: 4, class: "empty" }, "No replica placed.")))),
    el("h3", {}, "Decisions and events"),
    el("ul", { class: "explain" }, (reasons.length ? reasons : detail.events).slice(-10).reverse().map(e => el("li", {}, `${fmtTime(e.time)} ${e.type} ${e.subject}: ${e.message}`)))].filter(Boolean));
  box.hidden = false;
  if (scroll) box.scrollIntoView({ block: "nearest" });
}

// ---------- pools ----------

async function loadPools() {
  const pools = await getJson("/v1/fleet/pools");
  const rows = pools.map(p => {
    const limit = (v, max, unit) => `${fmtCount(v)}${unit || ""}` + (max ? ` / ${fmtCount(max)}${unit || ""}` : "");
    const budget = p.maxMonthlyCost
      ? el("div", {}, bar(Number(p.projected30DayCost), Number(p.maxMonthlyCost), "cost"), p.alert ? badge("over alert threshold", "bad") : null)
      : el("span", { class: "muted" }, `${fmtMoney(p.projected30DayCost, p.currency)} (no budget)`);
    return el("tr", { dataset: { pool: p.name } },
      el("td", {}, el("strong", {}, p.name)), el("td", {}, p.region), el("td", {}, p.provider), el("td", {}, String(p.clusters)),
      el("td", {}, limit(p.nodes, p.maxNodes)), el("td", {}, limit(p.cores, p.maxCores)), el("td", {}, limit(p.memoryGi, p.maxMemoryGi, "Gi")),
      el("td", {}, fmtMoney(p.hourlyCost, p.currency)), el("td", {}, fmtMoney(p.currentMonthCost, p.currency)), el("td", {}, budget));
  });
  if (rows.length === 0) {
    rows.push(el("tr", {}, el("td", { colspan: 10, class: "empty" }, "No pools. Pools, node classes and placement policies are applied with berth apply -f (see examples/fleet).")));
  }
  $("pools-body").replaceChildren(...rows);
  const alerts = pools.filter(p => p.alert).length;
  $("pools-summary").textContent = `${plural(pools.length, "pool")} · ${alerts} over their budget alert`;
  $("tab-pools-count").textContent = fmtCount(pools.length);
}

// ---------- the live event feed ----------

function addEvents(events) {
  if (events.length === 0) return;
  state.events.push(...events);
  if (state.events.length > FEED_SIZE) state.events.splice(0, state.events.length - FEED_SIZE);
  state.lastRevision = Math.max(state.lastRevision, events[events.length - 1].revision);
  // The history read on connect is not news; only what arrives after it is highlighted.
  renderEvents(state.feedPrimed ? events.length : 0);
  state.feedPrimed = true;
  scheduleRefresh(events);
}

function eventMatches(e) {
  const f = state.eventFilter.toLowerCase();
  return !f || `${e.type} ${e.subject} ${e.message}`.toLowerCase().includes(f);
}

function renderEvents(fresh) {
  const shown = state.events.filter(eventMatches);
  const items = shown.slice().reverse().map((e, i) => el("li", { class: i < fresh ? "fresh" : "", dataset: { type: e.type, revision: e.revision } },
    el("div", { class: "meta" }, el("span", { class: "type" }, e.type), el("span", {}, e.subject), el("span", {}, fmtTime(e.time))),
    el("div", {}, e.message)));
  if (items.length === 0) items.push(el("li", { class: "muted" }, state.eventFilter ? "No event matches the filter." : "No events yet."));
  $("events").replaceChildren(...items);
}

function setFeedStatus(text, kind) {
  const status = $("feed-status");
  status.textContent = text;
  status.className = `status-dot ${kind || ""}`;
}

// Reads the server-sent events with fetch(), which (unlike EventSource) sends the Authorization header; reconnects from
// the last revision seen, so nothing is missed or shown twice.
async function followEvents() {
  let delay = 1000;
  for (;;) {
    try {
      const response = await api(`/v1/events?follow=true&after=${state.lastRevision}`, { headers: { Accept: "text/event-stream" } });
      setFeedStatus("live", "live");
      delay = 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let pending = [];
      let flush = null;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = "message", data = "";
          for (const line of message.split("\n")) {
            if (line.startsWith("event:")) name = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trim();
          }
          if (!data) continue;
          const parsed = JSON.parse(data);
          if (name === "error") { showBanner(`Event feed: ${parsed.error}`); state.lastRevision = 0; continue; }
          pending.push(parsed);
        }
        // A burst (the history on connect, thousands of nodes registering) is drawn once per frame, not per event.
        if (pending.length && !flush) {
          flush = requestAnimationFrame(() => { const batch = pending; pending = []; flush = null; addEvents(batch); });
        }
      }
      setFeedStatus("reconnecting", "");
    } catch (e) {
      setFeedStatus(e.status === 401 ? "signed out" : "disconnected", "down");
      if (e.status === 401 || e.status === 403) {
        // Wait for a new token rather than hammering the server with a refused one.
        await new Promise(resolve => document.addEventListener("berth-signed-in", resolve, { once: true }));
        continue;
      }
    }
    await new Promise(resolve => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 15000);
  }
}

// Events say something changed: read the open view again (at most once a second).
function scheduleRefresh(events) {
  const touches = {
    nodes: events.some(e => /^Node|Replica|Scheduled|Rescheduled|Fleet/.test(e.type)),
    workloads: events.some(e => /Workload|Replica|Scheduled|Rescheduled|Rollout|Gang|Fleet/.test(e.type)),
    pools: events.some(e => /^Fleet|Object/.test(e.type)),
  };
  if (!touches[state.view] || state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refresh(); }, 1000);
}

// ---------- views ----------

async function refresh() {
  try {
    if (state.view === "nodes") await loadNodes();
    else if (state.view === "workloads") await loadWorkloads();
    else await loadPools();
    if ($("banner").textContent.startsWith("Cannot reach")) showBanner("");
  } catch (e) {
    if (e.status !== 401) showBanner(e instanceof ApiError ? e.message : `Cannot reach the server: ${e.message}`);
  }
}

function show(view) {
  state.view = view;
  for (const tab of document.querySelectorAll(".tabs button")) tab.setAttribute("aria-selected", String(tab.dataset.view === view));
  for (const name of ["nodes", "workloads", "pools"]) $(`view-${name}`).hidden = name !== view;
  return refresh();
}

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

async function start() {
  readToken();
  for (const tab of document.querySelectorAll(".tabs button")) tab.addEventListener("click", () => show(tab.dataset.view));
  $("nodes-prev").addEventListener("click", () => { state.nodes.offset = Math.max(0, state.nodes.offset - NODE_PAGE); loadNodes(); });
  $("nodes-next").addEventListener("click", () => { state.nodes.offset += NODE_PAGE; loadNodes(); });
  $("nodes-filter").addEventListener("input", debounce(e => { state.nodes.filter = e.target.value.trim(); state.nodes.offset = 0; loadNodes(); }, 250));
  $("workloads-filter").addEventListener("input", debounce(e => { state.workloads.filter = e.target.value.trim(); renderWorkloads(); }, 150));
  $("events-filter").addEventListener("input", debounce(e => { state.eventFilter = e.target.value.trim(); renderEvents(0); }, 150));
  $("sign-in-open").addEventListener("click", () => askForToken(null));
  $("sign-in-cancel").addEventListener("click", () => $("sign-in").close());
  $("sign-out").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); state.token = null; state.who = null; loadWho(); refresh(); });
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = $("token-input").value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    state.token = token;
    $("token-input").value = "";
    $("sign-in").close();
    showBanner("");
    await loadWho();
    document.dispatchEvent(new Event("berth-signed-in"));
    refresh();
  });
  try {
    const info = await (await fetch("/v1/info")).json();
    $("server-info").textContent = info.version ? `server ${info.version.split("+")[0]}` : "";
  } catch { /* shown by the first API call */ }
  await loadWho();
  // The first view first: the feed's history (thousands of events on a big cluster) must not hold up its page.
  await show("nodes");
  followEvents();
  setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
}

document.addEventListener("DOMContentLoaded", start);
