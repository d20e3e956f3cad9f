// montage editor: job list, submission, and the review page of one video (player, narration, timeline strip,
// swap / trim / sentence edits, revisions, render with progress, approve). Plain ES module, no build step.

const KEY_STORAGE = "montage.apiKey";
const view = document.getElementById("view");
let leaveView = () => {};

// ---------- small helpers ----------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function flash(message, kind = "info") {
  const box = document.getElementById("flash");
  box.replaceChildren(message ? el("div", { class: `msg ${kind}` }, message) : "");
  if (message && kind !== "error") setTimeout(() => box.replaceChildren(), 4000);
}

const fmtTime = (s) => (s === null || s === undefined ? "–" : `${Number(s).toFixed(2)} s`);
const fmtScore = (v) => (v === null || v === undefined ? "n/a" : Number(v).toFixed(3));
const shortId = (id) => id.slice(0, 8);

function progressBar(fraction) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction || 0)) * 100);
  return el("span", { class: "bar", title: `${pct}%` }, el("span", { style: `width:${pct}%` }));
}

// ---------- API ----------

// Shot ids are 64-bit integers, beyond JavaScript's exact range: the API sends and takes them as decimal
// strings, so plain JSON keeps every id exact.

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const key = localStorage.getItem(KEY_STORAGE);
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = (data && data.error) || { code: "http_error", message: response.statusText };
    throw new ApiError(response.status, error.code, error.message);
  }
  return data;
}

function followJob(jobId, onUpdate) {
  const source = new EventSource(`/v1/jobs/${jobId}/events`);
  source.addEventListener("job", (event) => onUpdate(JSON.parse(event.data)));
  source.addEventListener("end", () => source.close());
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) return;
  });
  return () => source.close();
}

// ---------- key form ----------

function setupKeyForm() {
  const input = document.getElementById("api-key");
  const state = document.getElementById("key-state");
  const show = () => {
    const key = localStorage.getItem(KEY_STORAGE);
    state.textContent = key ? `saved (${key.slice(0, 16)}…)` : "none: read-only";
  };
  input.value = localStorage.getItem(KEY_STORAGE) || "";
  document.getElementById("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) localStorage.setItem(KEY_STORAGE, input.value.trim());
    else localStorage.removeItem(KEY_STORAGE);
    show();
    flash("API key saved in this browser.");
  });
  show();
}

// ---------- job list ----------

async function jobsView() {
  const body = el("tbody");
  const panel = el(
    "section",
    { class: "panel" },
    el("h1", {}, "Jobs"),
    el("table", { "data-testid": "jobs" },
      el("thead", {}, el("tr", {}, ["Job", "Kind", "Status", "Stage", "Progress", "Created"].map((h) => el("th", {}, h)))),
      body),
  );
  view.replaceChildren(panel);
  async function refresh() {
    const page = await api("GET", "/v1/jobs?limit=50");
    body.replaceChildren(
      ...page.items.map((job) =>
        el("tr", { "data-testid": "job-row", dataset: { jobId: job.id } },
          el("td", {}, job.kind === "video" ? el("a", { href: `#/jobs/${job.id}` }, shortId(job.id)) : shortId(job.id)),
          el("td", {}, job.kind),
          el("td", { class: `status ${job.status}` }, job.status),
          el("td", {}, job.stage || ""),
          el("td", {}, progressBar(job.progress)),
          el("td", { class: "muted" }, new Date(job.created_at).toLocaleString()),
        )),
    );
    if (!page.items.length) body.replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "muted" }, "No jobs yet.")));
  }
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 2000);
  return () => clearInterval(timer);
}

// ---------- new video ----------

function newView() {
  const article = el("textarea", { id: "article", name: "article", required: true, placeholder: "Paste the article (text, Markdown or HTML) or a URL…" });
  const duration = el("input", { id: "duration", type: "number", min: 5, max: 600, step: 1, placeholder: "auto" });
  const aspect = el("select", { id: "aspect" }, ["16:9", "9:16", "1:1"].map((a) => el("option", { value: a }, a)));
  const subtitles = el("input", { id: "subtitles", type: "checkbox" });
  const submit = el("button", { class: "primary", type: "submit", "data-testid": "submit-article" }, "Make video");
  const form = el("form", { class: "panel" },
    el("h1", {}, "New video"),
    article,
    el("div", { class: "form-row" },
      el("label", {}, "Target length (s)", duration),
      el("label", {}, "Aspect", aspect),
      el("label", {}, el("span", {}, "Burn subtitles"), subtitles),
      submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const body = { article: article.value, aspect: aspect.value, subtitles: subtitles.checked };
      if (duration.value) body.duration_s = Number(duration.value);
      const job = await api("POST", "/v1/videos", body);
      location.hash = `#/jobs/${job.id}`;
    } catch (error) {
      flash(`${error.code}: ${error.message}`, "error");
      submit.disabled = false;
    }
  });
  view.replaceChildren(form);
  return () => {};
}

// ---------- one job ----------

class JobPage {
  constructor(jobId) {
    this.jobId = jobId;
    this.job = null;
    this.revisions = [];
    this.selected = null; // revision number shown in the strip
    this.timeline = null;
    this.pending = []; // edits not saved yet
    this.stops = [];
    this.root = el("div", { "data-testid": "job-page" });
  }

  stop() {
    this.stops.forEach((stop) => stop());
  }

  async start() {
    view.replaceChildren(this.root);
    this.job = await api("GET", `/v1/jobs/${this.jobId}`);
    this.render();
    if (!["succeeded", "failed", "cancelled"].includes(this.job.status)) {
      this.stops.push(followJob(this.jobId, (job) => {
        const finished = job.status !== this.job.status && job.status === "succeeded";
        this.job = job;
        if (finished) this.loadRevisions().then(() => this.render());
        else this.renderStatus();
      }));
    } else if (this.job.status === "succeeded") {
      await this.loadRevisions();
      this.render();
    }
  }

  async loadRevisions(select) {
    this.revisions = await api("GET", `/v1/jobs/${this.jobId}/revisions`);
    if (!this.revisions.length) return;
    this.selected = select || this.selected || this.revisions[this.revisions.length - 1].number;
    const data = await api("GET", `/v1/jobs/${this.jobId}/timeline?revision=${this.selected}`);
    this.timeline = data.timeline;
  }

  get selectedRevision() {
    return this.revisions.find((r) => r.number === this.selected) || null;
  }

  get playableRevision() {
    const rendered = this.revisions.filter((r) => r.status === "rendered");
    const chosen = rendered.find((r) => r.number === this.selected);
    return chosen || rendered[rendered.length - 1] || null;
  }

  render() {
    this.statusBox = el("section", { class: "panel", "data-testid": "job-status" });
    this.renderStatus();
    const parts = [el("h1", {}, `Video ${shortId(this.jobId)}`), this.statusBox];
    if (this.timeline) {
      parts.push(el("div", { class: "job-head" }, this.playerPanel(), this.narrationPanel()));
      parts.push(this.revisionsPanel());
      parts.push(this.editsPanel());
      parts.push(this.stripPanel());
    }
    this.root.replaceChildren(...parts);
  }

  renderStatus() {
    const job = this.job;
    const items = [
      el("div", { class: "actions" },
        el("span", { class: `status ${job.status}`, "data-testid": "status" }, job.status),
        job.stage ? el("span", { class: "muted" }, job.stage) : null,
        progressBar(job.progress),
        ["queued", "running"].includes(job.status)
          ? el("button", { onclick: () => this.cancel() }, "Cancel") : null),
    ];
    if (job.warnings.length) items.push(el("ul", { class: "warnings" }, job.warnings.map((w) => el("li", {}, w))));
    if (job.error) items.push(el("p", { class: "status failed" }, `${job.error.code}: ${job.error.message}`));
    if (this.statusBox) this.statusBox.replaceChildren(...items);
  }

  async cancel() {
    try {
      this.job = await api("POST", `/v1/jobs/${this.jobId}/cancel`);
      this.renderStatus();
    } catch (error) {
      flash(`${error.code}: ${error.message}`, "error");
    }
  }

  playerPanel() {
    const revision = this.playableRevision;
    if (!revision) return el("section", { class: "panel" }, el("p", { class: "muted" }, "No rendered revision yet."));
    const query = `?revision=${revision.number}`;
    const video = el("video", {
      controls: true, preload: "metadata", "data-testid": "video", "data-revision": revision.number,
      src: `/v1/jobs/${this.jobId}/video.mp4${query}`, poster: `/v1/jobs/${this.jobId}/poster.jpg${query}`,
    }, el("track", { kind: "subtitles", srclang: "en", label: "Narration", default: true, src: `/v1/jobs/${this.jobId}/subtitles.vtt${query}` }));
    this.video = video;
    const links = el("p", { class: "muted" },
      `Revision ${revision.number}: `,
      el("a", { href: `/v1/jobs/${this.jobId}/subtitles.srt${query}` }, "SRT"), " · ",
      el("a", { href: `/v1/jobs/${this.jobId}/subtitles.vtt${query}` }, "VTT"), " · ",
      el("a", { href: `/v1/jobs/${this.jobId}/timeline${query}` }, "timeline JSON"), " · ",
      el("a", { href: `/v1/jobs/${this.jobId}/timeline.otio${query}` }, "OTIO"));
    return el("section", { class: "panel" }, video, links);
  }

  narrationPanel() {
    const lines = (this.timeline.narration || []).map((clip) =>
      el("p", { dataset: { start: clip.start_s }, onclick: () => this.seek(clip.start_s) },
        el("span", { class: "muted" }, `${fmtTime(clip.start_s)}  `), clip.text || ""));
    return el("section", { class: "panel narration", "data-testid": "narration" }, el("h2", {}, "Narration"), lines);
  }

  seek(seconds) {
    if (this.video) {
      this.video.currentTime = seconds;
      this.video.play().catch(() => {});
    }
  }

  revisionsPanel() {
    const rows = this.revisions.map((r) =>
      el("tr", { "data-testid": "revision-row", dataset: { number: r.number, status: r.status } },
        el("td", {}, r.number === this.selected ? el("strong", {}, `r${r.number}`) : `r${r.number}`),
        el("td", {}, r.status),
        el("td", {}, r.base_number ? `from r${r.base_number}, ${r.edits.length} edit(s)` : "first cut"),
        el("td", {}, r.approved ? "approved" : ""),
        el("td", { class: "actions" },
          r.number !== this.selected ? el("button", { onclick: () => this.select(r.number) }, "View") : null,
          ["draft", "render_failed"].includes(r.status)
            ? el("button", { class: "primary", "data-testid": "render-btn", onclick: () => this.rerender(r.number) }, "Render") : null,
          r.status === "rendered" && !r.approved
            ? el("button", { "data-testid": "approve-btn", onclick: () => this.approve(r.number) }, "Approve") : null)));
    this.renderStatusBox = el("div", { "data-testid": "render-status", class: "muted" });
    return el("section", { class: "panel revisions" },
      el("h2", {}, "Revisions"),
      el("table", {}, el("thead", {}, el("tr", {}, ["", "Status", "Made", "", ""].map((h) => el("th", {}, h)))), el("tbody", {}, rows)),
      this.renderStatusBox);
  }

  async select(number) {
    this.selected = number;
    this.pending = [];
    await this.loadRevisions(number);
    this.render();
  }

  editsPanel() {
    const list = el("ul", { class: "pending", "data-testid": "pending-edits" },
      this.pending.map((edit, i) => el("li", {}, JSON.stringify(edit), " ",
        el("button", { onclick: () => { this.pending.splice(i, 1); this.render(); } }, "×"))));
    return el("section", { class: "panel" },
      el("h2", {}, `Edits to revision ${this.selected}`),
      this.pending.length ? list : el("p", { class: "muted" }, "Swap a shot, trim it or rewrite a sentence below."),
      el("div", { class: "actions" },
        el("button", { class: "primary", "data-testid": "save-edits", disabled: !this.pending.length, onclick: () => this.saveEdits() },
          "Save as new revision"),
        el("button", { disabled: !this.pending.length, onclick: () => { this.pending = []; this.render(); } }, "Discard")));
  }

  addEdit(edit) {
    this.pending = this.pending.filter((e) => !(e.op === edit.op && e.segment === edit.segment));
    this.pending.push(edit);
    this.render();
  }

  async saveEdits() {
    try {
      const revision = await api("POST", `/v1/jobs/${this.jobId}/edits`, { base_revision: this.selected, edits: this.pending });
      this.pending = [];
      flash(`Saved revision ${revision.number}; render it to see the result.`);
      await this.loadRevisions(revision.number);
      this.selected = revision.number;
      this.render();
    } catch (error) {
      flash(`${error.code}: ${error.message}`, "error");
    }
  }

  async rerender(number) {
    try {
      const job = await api("POST", `/v1/jobs/${this.jobId}/revisions/${number}/render`);
      await this.loadRevisions(number);
      this.render();
      this.stops.push(followJob(job.id, async (update) => {
        this.renderStatusBox.replaceChildren(
          el("span", { class: `status ${update.status}` }, `render r${number}: ${update.status}`), " ",
          update.stage || "", " ", progressBar(update.progress),
          update.error ? ` ${update.error.code}: ${update.error.message}` : "");
        if (["succeeded", "failed", "cancelled"].includes(update.status)) {
          await this.loadRevisions(number);
          this.render();
          this.renderStatusBox.textContent = `render r${number}: ${update.status}`;
        }
      }));
    } catch (error) {
      flash(`${error.code}: ${error.message}`, "error");
    }
  }

  async approve(number) {
    try {
      await api("POST", `/v1/jobs/${this.jobId}/revisions/${number}/approve`);
      await this.loadRevisions(number);
      this.render();
      flash(`Revision ${number} approved.`);
    } catch (error) {
      flash(`${error.code}: ${error.message}`, "error");
    }
  }

  stripPanel() {
    return el("section", { class: "panel" },
      el("h2", {}, `Timeline of revision ${this.selected}`),
      el("div", { class: "strip", "data-testid": "strip" }, this.timeline.segments.map((segment) => this.segmentCard(segment))));
  }

  segmentCard(segment) {
    const i = segment.index;
    const edited = this.pending.some((e) => e.segment === i);
    const shot = segment.shot;
    const picture = shot
      ? el("img", { class: "thumb", src: `/v1/shots/${shot.shot_id}/thumbnail.jpg`, alt: shot.path, title: `${shot.path} ${fmtTime(shot.in)}–${fmtTime(shot.out)}`, loading: "lazy" })
      : el("div", { class: "card" }, segment.fallback_text || "title card");
    const scores = shot
      ? el("table", { class: "scores", "data-testid": "scores" },
          el("tr", {}, el("td", {}, "score"), el("td", {}, el("strong", {}, fmtScore(shot.score)))),
          Object.entries(shot.scores).map(([name, value]) => el("tr", {}, el("td", {}, name), el("td", {}, fmtScore(value)))))
      : el("p", { class: "muted" }, "no library shot fits: a card is shown");
    const alts = el("div", { class: "alts" },
      segment.alternatives.slice(0, 6).map((alt, k) =>
        el("div", { class: "alt", "data-testid": `alt-${i}-${k}`, dataset: { shotId: alt.shot_id },
          title: `${alt.path}  score ${fmtScore(alt.score)}`,
          onclick: () => this.addEdit({ op: "swap", segment: i, shot_id: alt.shot_id }) },
        el("img", { src: `/v1/shots/${alt.shot_id}/thumbnail.jpg`, alt: alt.path, loading: "lazy" }),
        fmtScore(alt.score))));
    return el("article", { class: `segment${edited ? " edited" : ""}`, "data-testid": `segment-${i}`, dataset: { shotId: shot ? shot.shot_id : "" } },
      el("div", { class: "when" }, `#${i} · ${fmtTime(segment.start)}–${fmtTime(segment.end)}`,
        shot ? ` · shot ${shot.shot_id}` : ""),
      el("div", { class: "sentence" }, segment.sentence),
      picture,
      el("details", {}, el("summary", {}, "Why this shot"), scores, shot ? el("p", { class: "muted" }, shot.path) : null),
      segment.alternatives.length ? el("div", {}, el("div", { class: "muted" }, "Alternatives (click to swap)"), alts) : null,
      this.tools(segment));
  }

  tools(segment) {
    const i = segment.index;
    const shot = segment.shot;
    const search = el("input", { type: "search", placeholder: "search any shot…", "data-testid": `search-${i}` });
    const results = el("div", { class: "search-results" });
    const doSearch = async () => {
      if (!search.value.trim()) return;
      try {
        const hits = await api("GET", `/v1/shots/search?q=${encodeURIComponent(search.value)}&k=6`);
        results.replaceChildren(...hits.map((hit) =>
          el("div", { class: "alt", title: `${hit.path} ${fmtScore(hit.score)}`, dataset: { shotId: hit.shot_id },
            onclick: () => this.addEdit({ op: "swap", segment: i, shot_id: hit.shot_id }) },
          el("img", { src: hit.thumbnail, alt: hit.path, loading: "lazy" }), fmtScore(hit.score))));
      } catch (error) {
        flash(`${error.code}: ${error.message}`, "error");
      }
    };
    search.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); doSearch(); } });
    const rows = [el("div", { class: "row" }, search, el("button", { onclick: doSearch }, "Find")), results];
    if (shot) {
      // a trim slides the used part of the shot: the segment keeps its length, so out follows in
      const length = segment.end - segment.start;
      const inBox = el("input", { type: "number", step: "0.05", min: 0, value: shot.in.toFixed(2), "aria-label": "in" });
      const outBox = el("input", { type: "number", value: shot.out.toFixed(2), readonly: true, "aria-label": "out" });
      inBox.addEventListener("input", () => { outBox.value = (Number(inBox.value) + length).toFixed(2); });
      rows.push(el("div", { class: "row" }, "in", inBox, "out", outBox,
        el("button", { onclick: () => this.addEdit({ op: "trim", segment: i, in: Number(inBox.value) }) }, "Trim")));
    }
    const text = el("input", { type: "text", value: segment.sentence, "aria-label": "sentence" });
    rows.push(el("div", { class: "row" }, text,
      el("button", { onclick: () => { if (text.value.trim() && text.value !== segment.sentence) this.addEdit({ op: "sentence", segment: i, text: text.value.trim() }); } }, "Re-voice")));
    return el("div", { class: "tools" }, rows);
  }
}

async function jobView(jobId) {
  const page = new JobPage(jobId);
  await page.start();
  return () => page.stop();
}

// ---------- routing ----------

async function route() {
  leaveView();
  leaveView = () => {};
  const hash = location.hash || "#/";
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.getAttribute("href") === hash));
  try {
    const job = hash.match(/^#\/jobs\/([0-9a-f]{32})$/);
    if (job) leaveView = await jobView(job[1]);
    else if (hash === "#/new") leaveView = newView();
    else leaveView = await jobsView();
  } catch (error) {
    view.replaceChildren(el("section", { class: "panel" }, el("p", { class: "status failed" }, `${error.code || "error"}: ${error.message}`)));
  }
}

setupKeyForm();
window.addEventListener("hashchange", route);
route();
