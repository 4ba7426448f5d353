// The local Port console: a hash-routed page over /console/api. Elements are
// built with textContent only, never HTML strings: entity data cannot inject markup.
"use strict";

const main = document.getElementById("main");

// h builds an element: attributes (on* are listeners), then children (strings or nodes).
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

class APIError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options = {}) {
  const init = { method: options.method || "GET", headers: {}, credentials: "same-origin" };
  if (options.body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const resp = await fetch("/console/api" + path, init);
  if (resp.status === 204) return null;
  const data = await resp.json().catch(() => ({ error: resp.statusText }));
  if (!resp.ok) {
    if (resp.status === 401 && !options.noLogin) { showLogin(); }
    throw new APIError(resp.status, data.error || resp.statusText);
  }
  return data;
}

const enc = encodeURIComponent;
const fmtNum = (n) => (typeof n === "number" ? n.toLocaleString("en") : "");
const fmtTime = (t) => (t ? new Date(t).toLocaleString() : "—");

function show(title, ...content) {
  document.title = title + " · Local Port console";
  main.replaceChildren(h("h1", { tabindex: "-1", id: "title" }, title), ...content.flat());
  document.getElementById("title").focus();
  for (const a of document.querySelectorAll("nav a")) {
    const section = a.getAttribute("href").split("/")[1];
    const current = location.hash.split("/")[1] || "";
    const here = section === "" ? ["", "bp", "entity"].includes(current) : current === section;
    if (here) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

function failure(err) {
  return h("p", { class: "error", role: "alert" }, err.message || String(err));
}

function entityLink(bp, id, label) {
  return h("a", { href: `#/entity/${enc(bp)}/${enc(id)}`, "data-entity": id }, label || id);
}

function value(v) {
  if (v === null || v === undefined) return h("span", { class: "muted" }, "—");
  if (typeof v === "object") return h("code", {}, JSON.stringify(v));
  return String(v);
}

// cell is a value in a table of many entities: long text is cut (the entity page has it whole).
function cell(v) {
  const s = typeof v === "string" ? v : null;
  if (s !== null && s.length > 80) return h("span", { title: s }, s.slice(0, 80) + "…");
  return value(v);
}

// --- access -----------------------------------------------------------------

let session = null;

async function loadSession() {
  session = await api("/session", { noLogin: true });
  const note = document.getElementById("access");
  const logout = document.getElementById("logout");
  if (!session.credentials) {
    note.textContent = "Open without a login: this local Port has no credentials, so its console answers on this machine (loopback) only.";
    logout.hidden = true;
  } else {
    note.textContent = session.loggedIn ? "Logged in with the local Port's client id." : "This local Port has credentials: log in with its client id and secret.";
    logout.hidden = !session.loggedIn;
  }
}

function showLogin() {
  const id = h("input", { type: "text", id: "client-id", name: "clientId", autocomplete: "username", required: true });
  const secret = h("input", { type: "password", id: "client-secret", name: "clientSecret", autocomplete: "current-password", required: true });
  const status = h("p", { class: "status", role: "status" });
  const form = h("form", { class: "login", onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api("/login", { method: "POST", body: { clientId: id.value, clientSecret: secret.value }, noLogin: true });
      await loadSession();
      route();
    } catch (err) {
      status.className = "status error";
      status.textContent = err.message;
      secret.value = "";
      secret.focus();
    }
  } },
  h("div", {}, h("label", { for: "client-id" }, "Client id"), id),
  h("div", {}, h("label", { for: "client-secret" }, "Client secret"), secret),
  h("button", { type: "submit", class: "primary" }, "Log in"), status);
  show("Log in", h("p", {}, "Use the client id and secret this local Port was started with (the same as for its API)."), form);
}

document.getElementById("logout").addEventListener("click", async () => {
  await api("/logout", { method: "POST", body: {} });
  await loadSession();
  showLogin();
});

// --- catalog ----------------------------------------------------------------

let blueprintCache = null;

async function blueprints(refresh) {
  if (!blueprintCache || refresh) blueprintCache = (await api("/blueprints")).blueprints;
  return blueprintCache;
}

async function catalogView() {
  const bps = await blueprints(true);
  const rows = bps.map((b) => h("tr", {},
    h("th", { scope: "row" }, h("a", { href: `#/bp/${enc(b.identifier)}` }, b.title || b.identifier)),
    h("td", {}, h("code", {}, b.identifier)),
    h("td", { class: "num" }, fmtNum(b.entities))));
  const total = bps.reduce((n, b) => n + b.entities, 0);
  show("Catalog",
    h("p", {}, `${fmtNum(bps.length)} blueprints, ${fmtNum(total)} entities.`),
    h("table", {},
      h("caption", {}, "Blueprints and their entity counts"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Blueprint"), h("th", { scope: "col" }, "Identifier"), h("th", { scope: "col", class: "num" }, "Entities"))),
      h("tbody", {}, rows)));
}

// searchQuery turns the quick search into Port's query language.
function searchQuery(text) {
  return { combinator: "or", rules: [
    { property: "$identifier", operator: "contains", value: text },
    { property: "$title", operator: "contains", value: text },
  ] };
}

const pageSize = 50;

async function blueprintView(bpID, params) {
  const bp = (await blueprints()).find((b) => b.identifier === bpID) || (await blueprints(true)).find((b) => b.identifier === bpID);
  if (!bp) throw new Error(`No blueprint ${bpID}`);
  const props = Object.keys(bp.properties || {}).slice(0, 6);
  const rels = Object.keys(bp.relations || {}).slice(0, 3);
  const state = {
    search: params.get("search") || "", query: params.get("query") || "",
    sort: params.get("sort") || "", desc: params.get("desc") === "true", offset: Number(params.get("offset") || 0),
  };
  const go = (change) => {
    const next = { ...state, ...change };
    const p = new URLSearchParams();
    for (const k of ["search", "query", "sort"]) if (next[k]) p.set(k, next[k]);
    if (next.desc) p.set("desc", "true");
    if (next.offset) p.set("offset", String(next.offset));
    location.hash = `#/bp/${enc(bpID)}` + (p.toString() ? "?" + p : "");
  };

  const searchInput = h("input", { type: "search", id: "search", value: state.search, "aria-describedby": "search-help" });
  const queryInput = h("textarea", { id: "query", rows: "5", spellcheck: "false" }, state.query);
  const form = h("form", { class: "search", role: "search", onsubmit: (ev) => {
    ev.preventDefault();
    go({ search: searchInput.value.trim(), query: queryInput.value.trim(), offset: 0 });
  } },
  h("div", {}, h("label", { for: "search" }, "Search by identifier or title"), searchInput,
    h("small", { id: "search-help", class: "muted" }, "Matches identifiers and titles containing the text.")),
  h("details", { open: state.query ? true : undefined }, h("summary", {}, "Port query (JSON), as in POST /v1/entities/search"),
    h("label", { for: "query" }, "Query"), queryInput),
  h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, "Search"),
    h("button", { type: "button", onclick: () => go({ search: "", query: "", offset: 0 }) }, "Clear")));

  const status = h("p", { class: "status", role: "status", id: "results-status" }, "Loading…");
  const columns = [["$identifier", "Identifier"], ["$title", "Title"], ...props.map((p) => [p, (bp.properties[p] && bp.properties[p].title) || p]), ...rels.map((r) => [null, (bp.relations[r] && bp.relations[r].title) || r]), ["$updatedAt", "Updated"]];
  const head = h("tr", {}, columns.map(([key, label]) => {
    if (!key) return h("th", { scope: "col" }, label);
    const sorted = state.sort === key;
    const ariaSort = sorted ? (state.desc ? "descending" : "ascending") : "none";
    return h("th", { scope: "col", "aria-sort": ariaSort },
      h("button", { type: "button", onclick: () => go({ sort: key, desc: sorted ? !state.desc : false, offset: 0 }) },
        label, sorted ? (state.desc ? " ▼" : " ▲") : ""));
  }));
  const body = h("tbody", {});
  const pager = h("div", { class: "row" });
  show(bp.title || bpID, h("p", {}, h("a", { href: "#/" }, "Catalog"), " › ", h("code", {}, bpID)), form, status,
    h("div", { class: "table-wrap" }, h("table", {}, h("caption", {}, `Entities of ${bp.title || bpID}`), h("thead", {}, head), body)), pager);

  let query = null;
  try {
    if (state.query) query = JSON.parse(state.query);
    else if (state.search) query = searchQuery(state.search);
  } catch (err) {
    status.className = "status error";
    status.textContent = "The query is not JSON: " + err.message;
    return;
  }
  const p = new URLSearchParams({ offset: String(state.offset), limit: String(pageSize) });
  if (query) p.set("query", JSON.stringify(query));
  if (state.sort) p.set("sort", state.sort);
  if (state.desc) p.set("desc", "true");
  let page;
  try {
    page = await api(`/blueprints/${enc(bpID)}/entities?${p}`);
  } catch (err) {
    status.className = "status error";
    status.textContent = err.message;
    return;
  }
  for (const e of page.entities) {
    body.append(h("tr", {},
      h("th", { scope: "row" }, entityLink(bpID, e.identifier)),
      h("td", {}, e.title || ""),
      props.map((k) => h("td", {}, cell(e.properties[k]))),
      rels.map((r) => h("td", {}, relationLinks(bp, r, e.relations[r]))),
      h("td", {}, fmtTime(e.updatedAt))));
  }
  const from = page.total ? state.offset + 1 : 0;
  const to = state.offset + page.entities.length;
  status.textContent = page.total ? `Showing ${fmtNum(from)}–${fmtNum(to)} of ${fmtNum(page.total)} entities.` : "No entity matches.";
  pager.append(
    h("button", { type: "button", disabled: state.offset === 0, onclick: () => go({ offset: Math.max(0, state.offset - pageSize) }) }, "Previous page"),
    h("button", { type: "button", disabled: to >= page.total, onclick: () => go({ offset: state.offset + pageSize }) }, "Next page"));
}

function relationLinks(bp, name, v) {
  const target = bp.relations[name] && bp.relations[name].target;
  const ids = v === null || v === undefined ? [] : [].concat(v);
  if (!ids.length) return value(null);
  return ids.flatMap((id, i) => [i ? ", " : "", target ? entityLink(target, id) : String(id)]);
}

async function entityView(bpID, id) {
  const d = await api(`/blueprints/${enc(bpID)}/entities/${enc(id)}`);
  const e = d.entity;
  const propRows = Object.keys(e.properties).sort().map((k) => h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, value(e.properties[k]))));
  const edgeRows = (edges, dir) => edges.map((ed) => h("tr", {},
    h("td", {}, dir), h("th", { scope: "row" }, ed.relation), h("td", {}, h("code", {}, ed.blueprint)), h("td", {}, entityLink(ed.blueprint, ed.identifier))));
  const relRows = [...edgeRows(d.outgoing, "to"), ...edgeRows(d.incoming, "from")];
  show(e.title || e.identifier,
    h("p", {}, h("a", { href: "#/" }, "Catalog"), " › ", h("a", { href: `#/bp/${enc(bpID)}` }, bpID), " › ", h("code", {}, e.identifier)),
    h("dl", {},
      h("dt", {}, "Identifier"), h("dd", {}, h("code", {}, e.identifier)),
      h("dt", {}, "Blueprint"), h("dd", {}, h("a", { href: `#/bp/${enc(bpID)}` }, bpID)),
      h("dt", {}, "Datasource"), h("dd", {}, d.datasource || "—"),
      h("dt", {}, "Created"), h("dd", {}, `${fmtTime(e.createdAt)} by ${e.createdBy || "—"}`),
      h("dt", {}, "Updated"), h("dd", {}, `${fmtTime(e.updatedAt)} by ${e.updatedBy || "—"}`),
      e.team && e.team.length ? [h("dt", {}, "Team"), h("dd", {}, e.team.join(", "))] : null),
    h("h2", {}, "Properties"),
    propRows.length ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Property"), h("th", { scope: "col" }, "Value"))), h("tbody", {}, propRows)) : h("p", { class: "muted" }, "No properties."),
    h("h2", {}, "Relations"),
    relRows.length ? h("table", {}, h("caption", {}, "Relations of this entity (to) and entities related to it (from)"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Direction"), h("th", { scope: "col" }, "Relation"), h("th", { scope: "col" }, "Blueprint"), h("th", { scope: "col" }, "Entity"))),
      h("tbody", {}, relRows)) : h("p", { class: "muted" }, "No relations."));
}

// --- integrations -----------------------------------------------------------

const countColumns = [["extracted", "Extracted"], ["transformed", "Transformed"], ["filteredOut", "Filtered out"], ["loaded", "Loaded"], ["created", "Created"], ["updated", "Updated"], ["unchanged", "Unchanged"], ["failed", "Failed"]];

function badge(status) {
  return h("span", { class: "badge " + (status || "") }, status || "never");
}

function resyncTable(rs) {
  const failed = rs.kinds.filter((k) => k.errors && k.errors.length);
  const errors = failed.length ? h("div", { class: "errors" }, h("h4", {}, "Errors"),
    h("ul", {}, failed.flatMap((k) => k.errors.map((e) => h("li", {}, h("strong", {}, k.identifier + ": "), e))))) : "";
  return h("div", {}, h("table", {},
    h("caption", {}, `Kinds of resync ${rs.eventId}`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Kind"), h("th", { scope: "col" }, "Blueprint"), h("th", { scope: "col" }, "Status"),
      countColumns.map(([, label]) => h("th", { scope: "col", class: "num" }, label)))),
    h("tbody", {}, rs.kinds.map((k) => h("tr", {},
      h("th", { scope: "row" }, k.identifier), h("td", {}, k.blueprint ? h("a", { href: `#/bp/${enc(k.blueprint)}` }, k.blueprint) : "—"),
      h("td", {}, badge(k.status)), countColumns.map(([key]) => h("td", { class: "num" }, fmtNum(k.counts[key]))))))), errors);
}

async function integrationsView() {
  const { integrations } = await api("/integrations");
  const sections = integrations.map((integ) => {
    const st = integ.resyncState || {};
    const resyncs = integ.resyncs || [];
    return h("section", { "aria-labelledby": "integ-" + integ.identifier },
      h("h2", { id: "integ-" + integ.identifier }, integ.identifier),
      h("dl", {},
        h("dt", {}, "Type"), h("dd", {}, integ.installationAppType || "—"),
        h("dt", {}, "Version"), h("dd", {}, integ.version || "—"),
        h("dt", {}, "Resync state"), h("dd", {}, badge(st.status)),
        h("dt", {}, "Last resync"), h("dd", {}, `${fmtTime(st.lastResyncStart)} – ${fmtTime(st.lastResyncEnd)}`),
        st.nextResync ? [h("dt", {}, "Next resync"), h("dd", {}, fmtTime(st.nextResync))] : null),
      h("h3", {}, "Resync history"),
      resyncs.length ? resyncs.map((rs, i) => h("details", { open: i === 0 ? true : undefined },
        h("summary", {}, `${fmtTime(rs.start)} – ${rs.end ? fmtTime(rs.end) : "running"} · `, badge(rs.status),
          rs.deleted !== null && rs.deleted !== undefined ? ` · ${fmtNum(rs.deleted)} deleted` : ""),
        resyncTable(rs))) : h("p", { class: "muted" }, "No resync reported yet."),
      h("h3", {}, "Mapping"),
      (integ.resources || []).map((r) => h("div", {},
        h("p", {}, h("strong", {}, `Resource ${r.index}: ${r.kind}`), " · ",
          h("a", { href: `#/playground/${enc(integ.identifier)}/${r.index}` }, `Edit resource ${r.index} (${r.kind}) in the playground`)),
        h("pre", { tabindex: "0", "aria-label": `Mapping of resource ${r.index}` }, r.yaml))));
  });
  show("Integrations", sections.length ? sections : h("p", {}, "No integration has synced into this local Port yet."));
}

// --- playground -------------------------------------------------------------

async function playgroundPicker() {
  const { integrations } = await api("/integrations");
  const items = integrations.flatMap((integ) => (integ.resources || []).map((r) =>
    h("li", {}, h("a", { href: `#/playground/${enc(integ.identifier)}/${r.index}` }, `${integ.identifier}: resource ${r.index} (${r.kind})`))));
  show("Mapping playground", h("p", {}, "Pick the resource whose mapping to try:"),
    items.length ? h("ul", {}, items) : h("p", { class: "muted" }, "No integration has a mapping yet."));
}

async function playgroundView(integID, index) {
  const { integrations } = await api("/integrations");
  const integ = integrations.find((i) => i.identifier === integID);
  const res = integ && (integ.resources || [])[index];
  if (!res) throw new Error(`No resource ${index} in the mapping of ${integID}`);
  const examples = (await api(`/integrations/${enc(integID)}/kinds/${enc(res.kind)}/examples`)).examples;

  const resource = h("textarea", { id: "resource", spellcheck: "false", "aria-describedby": "resource-help" }, res.yaml);
  const items = h("textarea", { id: "items", spellcheck: "false", "aria-describedby": "items-help" }, JSON.stringify(examples.slice(0, 10), null, 2));
  const report = h("div", { id: "report", "aria-live": "polite" });
  const out = h("pre", { id: "entities", tabindex: "0", "aria-label": "Entities the mapping makes" });
  const saveStatus = h("p", { class: "status", role: "status", id: "save-status" });
  const counts = [...new Set([1, 5, 10, 50, examples.length].filter((n) => n >= 1 && n <= examples.length))].sort((a, b) => a - b);
  const shown = Math.min(10, examples.length);
  const pick = h("select", { id: "example-count" },
    counts.map((n) => h("option", { value: String(n), selected: n === shown ? true : undefined }, `${n} example${n > 1 ? "s" : ""}`)));
  let timer = null, seq = 0;

  async function run() {
    const mine = ++seq;
    let parsed;
    try {
      parsed = JSON.parse(items.value || "[]");
    } catch (err) {
      report.replaceChildren(h("p", { class: "error" }, "The raw items are not JSON: " + err.message));
      return;
    }
    try {
      const r = await api("/playground", { method: "POST", body: { resource: resource.value, items: Array.isArray(parsed) ? parsed : [parsed] } });
      if (mine !== seq) return;
      const rp = r.report;
      report.replaceChildren(...[
        h("p", { id: "report-summary" }, `${rp.items} item(s): ${rp.entities} entit${rp.entities === 1 ? "y" : "ies"}, ${rp.filtered} filtered out, ${rp.skipped} skipped, ${rp.failed} failed.`),
        rp.lines.length ? h("ul", {}, rp.lines.slice(0, 50).map((l) => h("li", {}, l))) : null,
        rp.fields.length ? h("table", {}, h("caption", {}, "Fields that evaluated to null or failed"),
          h("thead", {}, h("tr", {}, ["Level", "Field", "JQ", "Null in", "Error"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, rp.fields.map((f) => h("tr", {}, h("td", { class: "level-" + f.level }, f.level), h("th", { scope: "row" }, f.path),
            h("td", {}, h("code", {}, f.source)), h("td", {}, `${f.nulls} of ${f.mapped}`), h("td", {}, f.error || ""))))) : null,
      ].filter(Boolean));
      out.textContent = JSON.stringify(r.entities, null, 2);
    } catch (err) {
      if (mine !== seq) return;
      report.replaceChildren(h("p", { class: "error", id: "report-summary" }, err.message));
      out.textContent = "";
    }
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(run, 300); };
  resource.addEventListener("input", later);
  items.addEventListener("input", later);

  const save = h("button", { type: "button", class: "primary", id: "save", onclick: async () => {
    save.disabled = true;
    saveStatus.className = "status";
    saveStatus.textContent = "Saving…";
    try {
      await api(`/integrations/${enc(integID)}/resources/${index}`, { method: "PUT", body: { resource: resource.value } });
      saveStatus.className = "status ok";
      saveStatus.textContent = "Saved to the integration's mapping. A resync is requested: a POLLING integration picks it up on its next poll.";
    } catch (err) {
      saveStatus.className = "status error";
      saveStatus.textContent = err.message;
    } finally {
      save.disabled = false;
    }
  } }, "Save mapping");

  show(`Playground: ${integID}, resource ${index} (${res.kind})`,
    h("p", {}, "Edit the mapping or the raw items: the entities and the report follow as you type, from the same engine as ", h("code", {}, "ocean map"), "."),
    h("div", { class: "playground" },
      h("div", {},
        h("label", { for: "resource" }, "Resource mapping (YAML)"), resource,
        h("small", { id: "resource-help", class: "muted" }, "One resource of the port app config: kind, selector, port.entity.mappings."),
        h("div", { class: "row" }, save), saveStatus),
      h("div", {},
        h("label", { for: "items" }, "Raw items (JSON array)"), items,
        h("small", { id: "items-help", class: "muted" }, examples.length ? `${examples.length} example(s) of ${res.kind} uploaded by the integration.` : `The integration uploaded no example of ${res.kind}: paste raw items.`),
        examples.length ? h("div", { class: "row" }, h("label", { for: "example-count" }, "Use"), pick,
          h("button", { type: "button", onclick: () => { items.value = JSON.stringify(examples.slice(0, Number(pick.value)), null, 2); run(); } }, "Load examples")) : null)),
    h("h2", {}, "Report"), report,
    h("h2", {}, "Entities"), out);
  run();
}

// --- routing ----------------------------------------------------------------

async function route() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || "");
  try {
    if (session.credentials && !session.loggedIn) return showLogin();
    switch (parts[0]) {
      case undefined: return await catalogView();
      case "bp": return await blueprintView(parts[1], params);
      case "entity": return await entityView(parts[1], parts[2]);
      case "integrations": return await integrationsView();
      case "playground": return parts.length > 2 ? await playgroundView(parts[1], Number(parts[2])) : await playgroundPicker();
      default: show("Not found", h("p", {}, "No such page. ", h("a", { href: "#/" }, "Go to the catalog.")));
    }
  } catch (err) {
    if (err.status === 401) return;
    show("Something went wrong", failure(err));
  }
}

window.addEventListener("hashchange", route);
loadSession().then(route, (err) => show("The console cannot reach the local Port", failure(err)));
