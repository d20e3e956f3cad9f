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
const slug = (text) => (text || "video").normalize("NFKD").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 60).toLowerCase() || "video";

// Stages a video job reports, in order (montage.pipeline.types.STAGES after loading the models).
const STAGES = ["loading models", "article", "narration", "anchors", "speech", "retrieval", "alignment", "render"];

/** Progress in words: the stage, its step among the stages, and the percentage. */
function progressText(job) {
  const pct = `${Math.round(Math.max(0, Math.min(1, job.progress || 0)) * 100)} %`;
  const step = STAGES.indexOf(job.stage);
  if (!job.stage) return pct;
  return step >= 0 ? `${job.stage} · step ${step + 1} of ${STAGES.length} · ${pct}` : `${job.stage} · ${pct}`;
}

// Score parts in words (the raw numbers and weights stay under "how it was computed").
const SCORE_NAMES = {
  visual: "picture matches the sentence", text: "description matches the sentence", keyword: "shared words",
  tags: "tags match", labels: "tags match (other language)", named: "shows a thing the sentence names",
  quality: "picture quality", chosen_by_editor: "chosen by an editor",
};

/** Warnings for editors in plain words; the technical text stays available under a disclosure. */
function plainWarning(text) {
  if (text.startsWith("visual channel unavailable")) {
    return ["Shots were matched by their descriptions only: picture matching is not set up on this server.", text];
  }
  const card = text.match(/^sentence (\d+): (.*); ([\d.]+) s title card$/);
  if (card) return [`Sentence ${card[1]} shows a ${card[3]} s title card: ${card[2]}.`, null];
  return [text, null];
}

/** Make a clickable element usable from the keyboard too (Tab to it, Enter or Space to press). */
function pressable(node, label) {
  node.setAttribute("tabindex", "0");
  node.setAttribute("role", "button");
  if (label) node.setAttribute("aria-label", label);
  node.addEventListener("keydown", (event) => {
    if (event.target === node && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); node.click(); }
  });
  return node;
}

/** What a shot shows, for alt text: its file's name in words and the part used. */
const shotWords = (path, start, end) => `${(path || "").split("/").pop().replace(/\.[^.]+$/, "").replace(/[-_]+/g, " ")} footage, ${fmtTime(start)}–${fmtTime(end)}`;

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

// ---------- signed media links ----------
// <video>, <img>, <track>, downloads and EventSource send no Authorization header, so they load short-lived
// signed links the server makes (POST /v1/media/sign): asked for in batches, kept until shortly before expiry.

const SIGN_BATCH = 500;
const signedLinks = new Map(); // path -> { url, until (ms) }
let signQueue = [];

/** A signed version of a media path of this server (a promise). */
function signed(path) {
  const known = signedLinks.get(path);
  if (known && known.until > Date.now()) return Promise.resolve(known.url);
  return new Promise((resolve, reject) => {
    signQueue.push({ path, resolve, reject });
    if (signQueue.length === 1) queueMicrotask(signQueued);
  });
}

async function signQueued() {
  const batch = signQueue;
  signQueue = [];
  const paths = [...new Set(batch.map((item) => item.path))];
  for (let first = 0; first < paths.length; first += SIGN_BATCH) {
    const part = paths.slice(first, first + SIGN_BATCH);
    try {
      const data = await api("POST", "/v1/media/sign", { urls: part });
      const until = new Date(data.expires_at).getTime() - 60_000;
      part.forEach((path, k) => signedLinks.set(path, { url: data.urls[k], until }));
    } catch (error) {
      batch.filter((item) => part.includes(item.path)).forEach((item) => item.reject(error));
    }
  }
  batch.filter((item) => signedLinks.has(item.path)).forEach((item) => item.resolve(signedLinks.get(item.path).url));
}

/** Set ``attr`` of ``node`` to the signed version of ``path`` once it is signed; returns ``node``. */
function signedAttr(node, attr, path) {
  signed(path).then((url) => node.setAttribute(attr, url)).catch(() => {});
  return node;
}

function followJob(jobId, onUpdate) {
  let source = null;
  let stopped = false;
  signed(`/v1/jobs/${jobId}/events`).then((url) => {
    if (stopped) return;
    source = new EventSource(url);
    source.addEventListener("job", (event) => onUpdate(JSON.parse(event.data)));
    source.addEventListener("end", () => source.close());
  }).catch((error) => flash(`${error.code}: ${error.message}`, "error"));
  return () => {
    stopped = true;
    if (source) source.close();
  };
}

// ---------- key form ----------

function setupKeyForm() {
  const input = document.getElementById("api-key");
  const state = document.getElementById("key-state");
  const show = () => {
    const key = localStorage.getItem(KEY_STORAGE);
    state.textContent = key ? `saved (${key.slice(0, 16)}…)` : "none: enter one to see and make videos";
  };
  input.value = localStorage.getItem(KEY_STORAGE) || "";
  document.getElementById("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) localStorage.setItem(KEY_STORAGE, input.value.trim());
    else localStorage.removeItem(KEY_STORAGE);
    show();
    signedLinks.clear(); // links signed for the previous key
    flash("API key saved in this browser.");
    route(); // show the current page as the new key sees it
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
      el("thead", {}, el("tr", {}, ["Story", "Kind", "Status", "Progress", "Created"].map((h) => el("th", {}, h)))),
      body),
  );
  view.replaceChildren(panel);
  async function refresh() {
    let page;
    try {
      page = await api("GET", "/v1/jobs?limit=50");
    } catch (error) {
      if (error.status !== 401) throw error;
      body.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "muted", "data-testid": "needs-key" }, "Enter your API key above to see your jobs.")));
      return;
    }
    body.replaceChildren(
      ...page.items.map((job) =>
        el("tr", { "data-testid": "job-row", dataset: { jobId: job.id } },
          el("td", {}, job.kind === "video" ? el("a", { href: `#/jobs/${job.id}`, title: job.id }, job.title) : job.title),
          el("td", {}, job.kind),
          el("td", { class: `status ${job.status}` }, job.status),
          el("td", {}, progressBar(job.progress), " ", el("span", { class: "muted" }, progressText(job))),
          el("td", { class: "muted" }, new Date(job.created_at).toLocaleString()),
        )),
    );
    if (!page.items.length) body.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "muted" }, "No jobs yet.")));
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
    this.history = []; // earlier states of `pending`, for undo
    this.undone = []; // states undone, for redo
    this.stops = [];
    this.root = el("div", { "data-testid": "job-page" });
  }

  stop() {
    this.stops.forEach((stop) => stop());
  }

  /** Undo / redo with the keyboard (Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y) outside text fields, and a warning
   * before unsaved edits are lost by closing, reloading or leaving the page. */
  guardEdits() {
    const onKey = (event) => {
      if (["INPUT", "TEXTAREA", "SELECT"].includes(event.target.tagName)) return;
      const free = event.target === document.body || event.target === this.video;
      if (free && !event.ctrlKey && !event.metaKey && !event.altKey && this.video) {
        // playback keys: Space or K plays / pauses, J and L jump 5 s back and forward
        const key = event.key.toLowerCase();
        if (key === " " || key === "k") { event.preventDefault(); if (this.video.paused) this.video.play().catch(() => {}); else this.video.pause(); }
        else if (key === "j") this.video.currentTime = Math.max(0, this.video.currentTime - 5);
        else if (key === "l") this.video.currentTime = Math.min(this.video.duration || Infinity, this.video.currentTime + 5);
        return;
      }
      if (!(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) { event.preventDefault(); this.undo(); }
      else if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); this.redo(); }
    };
    const onUnload = (event) => {
      if (!this.pending.length) return;
      event.preventDefault();
      event.returnValue = "";
    };
    document.addEventListener("keydown", onKey);
    window.addEventListener("beforeunload", onUnload);
    leaveGuard = () => !this.pending.length || confirm(`Discard ${this.pending.length} unsaved edit(s)?`);
    this.stops.push(() => {
      document.removeEventListener("keydown", onKey);
      window.removeEventListener("beforeunload", onUnload);
      leaveGuard = () => true;
    });
  }

  async start() {
    view.replaceChildren(this.root);
    this.guardEdits();
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
    const scrolled = { page: window.scrollY, strip: this.root.querySelector(".strip")?.scrollLeft || 0 };
    this.renderParts();
    window.scrollTo(0, scrolled.page);
    const strip = this.root.querySelector(".strip");
    if (strip) strip.scrollLeft = scrolled.strip;
  }

  renderParts() {
    this.statusBox = el("section", { class: "panel", "data-testid": "job-status" });
    this.renderStatus();
    const parts = [el("h1", { title: this.jobId }, this.job.title || `Video ${shortId(this.jobId)}`), this.statusBox];
    if (this.timeline) {
      // the storyboard right under the player, so an editor sees both at once
      parts.push(el("div", { class: "job-head" }, this.playerPanel(), this.narrationPanel()));
      parts.push(this.stripPanel());
      parts.push(el("div", { class: "job-side" }, this.editsPanel(), this.revisionsPanel()));
    }
    this.root.replaceChildren(...parts);
  }

  renderStatus() {
    const job = this.job;
    const items = [
      el("div", { class: "actions" },
        el("span", { class: `status ${job.status}`, "data-testid": "status" }, job.status),
        progressBar(job.progress),
        el("span", { class: "muted", "data-testid": "progress-text" }, progressText(job)),
        ["queued", "running"].includes(job.status)
          ? el("button", { onclick: () => this.cancel() }, "Cancel") : null),
    ];
    if (job.warnings.length) {
      items.push(el("details", { class: "warnings-box" },
        el("summary", {}, `${job.warnings.length} note(s) from making the first cut`),
        el("ul", { class: "warnings" }, job.warnings.map((w) => {
          const [plain, technical] = plainWarning(w);
          return el("li", {}, plain, technical ? el("details", { class: "technical" }, el("summary", {}, "details for the administrator"), technical) : null);
        }))));
    }
    if (this.timeline) {
      const cards = this.timeline.segments.filter((s) => !s.shot).map((s) => `#${s.index + 1}`);
      items.push(el("p", { class: "muted", "data-testid": "revision-summary" },
        `Revision ${this.selected}: ${this.timeline.segments.length} segments, `,
        cards.length ? `title cards at ${cards.join(", ")}` : "no title cards"));
    }
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
    const note = revision.number !== this.selected
      ? el("p", { class: "msg info", "data-testid": "player-note" },
        `Revision ${this.selected} is not rendered yet; the player shows revision ${revision.number}. `,
        "Render it to see your changes.")
      : null;
    const query = `?revision=${revision.number}`;
    const out = revision.outputs; // signed links to the revision's files
    const video = el("video", {
      controls: true, preload: "metadata", "data-testid": "video", "data-revision": revision.number,
      src: out.video, poster: out.poster,
    }, out.vtt ? el("track", { kind: "subtitles", srclang: "en", label: "Narration", default: true, src: out.vtt }) : null);
    this.video = video;
    // Signed links expire (1 h by default): a player left open that fails to load asks for fresh ones once a
    // minute at most and carries on where it was.
    let resigned = 0;
    video.addEventListener("error", async () => {
      if (Date.now() - resigned < 60_000) return;
      resigned = Date.now();
      const at = video.currentTime;
      const fresh = (await api("GET", `/v1/jobs/${this.jobId}/revisions`)).find((r) => r.number === revision.number);
      if (!fresh || !fresh.outputs.video) return;
      video.src = fresh.outputs.video;
      video.currentTime = at;
    });
    // Player and storyboard as one: while the revision on screen plays, its line and card light up.
    if (revision.number === this.selected) video.addEventListener("timeupdate", () => this.follow(video.currentTime));
    const links = el("p", { class: "muted" },
      `Revision ${revision.number}: `,
      el("a", { href: out.srt }, "SRT"), " · ",
      el("a", { href: out.vtt }, "VTT"), " · ",
      signedAttr(el("a", {}, "timeline JSON"), "href", `/v1/jobs/${this.jobId}/timeline${query}`), " · ",
      el("a", { href: out.otio }, "OTIO"));
    const download = el("a", { class: "button", "data-testid": "download", href: out.video,
      download: `${slug(this.job.title)}-r${revision.number}.mp4` }, "Download MP4");
    return el("section", { class: "panel" }, note, video, el("div", { class: "actions" }, download, links));
  }

  narrationPanel() {
    const lines = (this.timeline.narration || []).map((clip) =>
      pressable(el("p", { dataset: { start: clip.start_s }, onclick: () => this.seek(clip.start_s) },
        el("span", { class: "muted" }, `${fmtTime(clip.start_s)}  `), clip.text || ""), `Play from ${fmtTime(clip.start_s)}`));
    return el("section", { class: "panel narration", "data-testid": "narration" }, el("h2", {}, "Narration"), lines);
  }

  /** Light up the narration line and the segment card under the play head (and keep the card in view). */
  follow(seconds) {
    const lines = [...this.root.querySelectorAll(".narration p[data-start]")];
    lines.forEach((line, k) => {
      const next = lines[k + 1];
      line.classList.toggle("current", Number(line.dataset.start) <= seconds && (!next || seconds < Number(next.dataset.start)));
    });
    this.root.querySelectorAll(".strip .segment").forEach((card) => {
      const now = Number(card.dataset.start) <= seconds && seconds < Number(card.dataset.end);
      if (now && !card.classList.contains("current")) card.scrollIntoView({ block: "nearest", inline: "nearest" });
      card.classList.toggle("current", now);
    });
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
        el("td", {}, r.approved ? el("strong", { "data-testid": "final-badge" }, "approved · final") : ""),
        el("td", { class: "actions" },
          r.number !== this.selected ? el("button", { onclick: () => this.select(r.number) }, "View") : null,
          ["draft", "render_failed"].includes(r.status)
            ? el("button", { class: "primary", "data-testid": "render-btn", onclick: () => this.rerender(r.number) }, "Render") : null,
          r.status === "rendered" && !r.approved
            ? el("button", { "data-testid": "approve-btn", onclick: () => this.approve(r.number) }, "Approve as final") : null,
          r.approved
            ? el("button", { "data-testid": "unapprove-btn", onclick: () => this.approve(r.number, false) }, "Withdraw approval") : null)));
    this.renderStatusBox = el("div", { "data-testid": "render-status", class: "muted" });
    return el("section", { class: "panel revisions" },
      el("h2", {}, "Revisions"),
      el("table", {}, el("thead", {}, el("tr", {}, ["", "Status", "Made", "", ""].map((h) => el("th", {}, h)))), el("tbody", {}, rows)),
      this.renderStatusBox);
  }

  async select(number) {
    if (this.pending.length && !confirm(`Discard ${this.pending.length} unsaved edit(s)?`)) return;
    this.selected = number;
    this.clearPending();
    await this.loadRevisions(number);
    this.render();
  }

  editsPanel() {
    const list = el("ul", { class: "pending", "data-testid": "pending-edits" },
      this.pending.map((edit, i) => el("li", { dataset: { edit: JSON.stringify(edit) } }, describeEdit(edit), " ",
        el("button", { "aria-label": "remove this edit", onclick: () => this.setPending(this.pending.filter((_, k) => k !== i)) }, "×"))));
    return el("section", { class: "panel" },
      el("h2", {}, `Edits to revision ${this.selected}`),
      list,
      this.pending.length ? null : el("p", { class: "muted" }, "Swap a shot, trim it or rewrite a sentence below."),
      el("div", { class: "actions" },
        el("button", { class: "primary", "data-testid": "save-edits", disabled: !this.pending.length, onclick: () => this.saveEdits() },
          "Save as new revision"),
        el("button", { disabled: !this.pending.length, onclick: () => this.setPending([]) }, "Discard"),
        el("button", { "data-testid": "undo", disabled: !this.history.length, title: "Ctrl+Z", onclick: () => this.undo() }, "Undo"),
        el("button", { "data-testid": "redo", disabled: !this.undone.length, title: "Ctrl+Shift+Z", onclick: () => this.redo() }, "Redo")));
  }

  /** Replace the pending edits, remembering the previous list for undo. */
  setPending(edits) {
    this.history.push(this.pending);
    this.undone = [];
    this.pending = edits;
    this.render();
  }

  /** Forget the pending edits and their undo history (after a save, or when another revision is shown). */
  clearPending() {
    this.pending = [];
    this.history = [];
    this.undone = [];
  }

  undo() {
    if (!this.history.length) return;
    this.undone.push(this.pending);
    this.pending = this.history.pop();
    this.render();
  }

  redo() {
    if (!this.undone.length) return;
    this.history.push(this.pending);
    this.pending = this.undone.pop();
    this.render();
  }

  addEdit(...edits) {
    const replaced = (e) => edits.some((edit) => e.op === edit.op && e.segment === edit.segment);
    this.setPending([...this.pending.filter((e) => !replaced(e)), ...edits]);
  }

  /** The shot id a segment shows once the pending edits are saved (a pending swap wins). */
  shownShotId(index) {
    const swap = this.pending.filter((e) => e.op === "swap" && e.segment === index).pop();
    if (swap) return String(swap.shot_id);
    const shot = this.timeline.segments[index].shot;
    return shot ? String(shot.shot_id) : null;
  }

  /** Indexes of the other segments that show ``shotId`` (pending swaps included). */
  usedIn(shotId, except) {
    return this.timeline.segments.map((s) => s.index).filter((j) => j !== except && this.shownShotId(j) === String(shotId));
  }

  /** A clickable shot choice (alternative or search hit): swap it in; when another segment shows it, say
   * which and offer to exchange the two segments' shots (both swaps go into one revision). */
  shotChoice(segment, choice, attrs, label) {
    const i = segment.index;
    const users = this.usedIn(choice.shot_id, i);
    const current = this.shownShotId(i);
    const swap = { op: "swap", segment: i, shot_id: String(choice.shot_id) };
    const inUse = users.length
      ? el("div", { class: "in-use", "data-testid": "in-use" }, `in use: ${users.map((j) => `#${j + 1}`).join(", ")}`,
        current && users.length === 1
          ? el("button", { class: "exchange", "data-testid": `exchange-${i}-${users[0]}`, title: `Show this in #${i + 1} and #${i + 1}'s shot in #${users[0] + 1}`,
            onclick: (event) => { event.stopPropagation(); this.addEdit(swap, { op: "swap", segment: users[0], shot_id: current }); } },
          `⇄ exchange with #${users[0] + 1}`)
          : null)
      : null;
    const start = choice.in ?? choice.start;
    const words = shotWords(choice.path, start, choice.out ?? choice.end);
    const tile = pressable(el("div", { class: `alt${users.length ? " used" : ""}`, ...attrs, dataset: { shotId: choice.shot_id },
      onclick: () => this.addEdit(swap) },
    signedAttr(el("img", { alt: words, loading: "lazy" }), "src", `/v1/shots/${choice.shot_id}/thumbnail.jpg?at=${start.toFixed(3)}`),
    label), `Use ${words} for segment ${i + 1}`);
    // a preview of the part this shot would show, played in place of its picture (beside the tile, not in it)
    const preview = el("button", { class: "preview-btn", "data-testid": "preview-btn", title: `Preview ${words}`, "aria-label": `Preview ${words}`,
      onclick: (event) => {
        event.stopPropagation();
        const image = tile.querySelector("img");
        const video = el("video", { muted: true, autoplay: true, loop: true, playsinline: true, "data-testid": "choice-preview" });
        signedAttr(video, "src", `/v1/shots/${choice.shot_id}/preview.mp4?start=${start.toFixed(3)}`);
        if (image) image.replaceWith(video);
      } }, "▶ preview");
    return el("div", { class: "choice" }, tile, preview, inUse); // buttons sit beside the tile, not in it
  }

  async saveEdits() {
    try {
      const revision = await api("POST", `/v1/jobs/${this.jobId}/edits`, { base_revision: this.selected, edits: this.pending });
      this.clearPending();
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

  async approve(number, approved = true) {
    try {
      await api("POST", `/v1/jobs/${this.jobId}/revisions/${number}/${approved ? "approve" : "unapprove"}`);
      await this.loadRevisions(number);
      this.render();
      flash(approved ? `Revision ${number} approved as the final one.` : `Approval of revision ${number} withdrawn.`);
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
    const swap = this.pending.filter((e) => e.op === "swap" && e.segment === i).pop();
    let picture;
    if (swap) {
      const chosen = segment.alternatives.find((a) => String(a.shot_id) === String(swap.shot_id));
      const at = chosen ? `?at=${chosen.in.toFixed(3)}` : "";
      picture = el("div", { class: "pending-picture", "data-testid": `pending-picture-${i}` },
        signedAttr(el("img", { class: "thumb", alt: chosen ? shotWords(chosen.path, chosen.in, chosen.out) : `library shot ${swap.shot_id}` }), "src", `/v1/shots/${swap.shot_id}/thumbnail.jpg${at}`),
        el("span", { class: "badge" }, "new shot · not saved"));
    } else if (shot) {
      picture = signedAttr(el("img", { class: "thumb", alt: shotWords(shot.path, shot.in, shot.out),
        title: `${shot.path} ${fmtTime(shot.in)}–${fmtTime(shot.out)} (click to preview the part used)`, loading: "lazy",
        onclick: (event) => event.currentTarget.replaceWith(signedAttr(el("video", { class: "thumb", autoplay: true, muted: true, loop: true, playsinline: true }), "src", `/v1/shots/${shot.shot_id}/preview.mp4?start=${shot.in.toFixed(3)}`)) }),
      "src", `/v1/shots/${shot.shot_id}/thumbnail.jpg?at=${shot.in.toFixed(3)}`);
    } else {
      picture = el("div", { class: "card" }, segment.fallback_text || "title card");
    }
    const main = shot ? Object.entries(shot.scores).filter(([name]) => name in SCORE_NAMES) : [];
    const rest = shot ? Object.entries(shot.scores).filter(([name]) => !(name in SCORE_NAMES)) : [];
    const scores = shot
      ? el("div", { "data-testid": "scores" },
          el("table", { class: "scores" },
            el("tr", {}, el("td", {}, "overall relevance"), el("td", {}, el("strong", {}, fmtScore(shot.score)))),
            main.map(([name, value]) => el("tr", {}, el("td", {}, SCORE_NAMES[name]), el("td", {}, fmtScore(value))))),
          el("p", { class: "muted" }, segment.fill_reason || ""),
          rest.length ? el("details", {}, el("summary", {}, "how it was computed"),
            el("table", { class: "scores" }, rest.map(([name, value]) => el("tr", {}, el("td", {}, name), el("td", {}, fmtScore(value)))))) : null)
      : el("p", { class: "muted", "data-testid": `card-reason-${i}` }, segment.alternatives.length
        ? `Title card: ${segment.fill_reason || "the planner kept no shot here"}. The alternatives below clear the relevance floor; click one to show it.`
        : `Title card: no library shot clears the relevance floor for this sentence${segment.fill_reason ? ` (${segment.fill_reason})` : ""}. Search for one below.`);
    const alts = el("div", { class: "alts" },
      segment.alternatives.slice(0, 6).map((alt, k) =>
        this.shotChoice(segment, alt, { "data-testid": `alt-${i}-${k}`, title: `${alt.path}  score ${fmtScore(alt.score)}` }, fmtScore(alt.score))));
    return el("article", { class: `segment${edited ? " edited" : ""}`, "data-testid": `segment-${i}`, dataset: { shotId: shot ? shot.shot_id : "", start: segment.start, end: segment.end } },
      el("div", { class: "when", title: "Play from here", onclick: () => this.seek(segment.start) }, `#${i + 1} · sentence ${segment.sentence_index + 1} · ${fmtTime(segment.start)}–${fmtTime(segment.end)}`,
        shot ? ` · ${shotWords(shot.path, shot.in, shot.out).split(" footage")[0]}` : ""),
      el("div", { class: "sentence", title: "Play from here", onclick: () => this.seek(segment.start) }, segment.sentence),
      picture,
      el("details", {}, el("summary", {}, "Why this shot"), scores, shot ? el("p", { class: "muted" }, shot.path) : null),
      segment.alternatives.length ? el("div", {}, el("div", { class: "muted" }, "Alternatives (click to swap)"), alts) : null,
      this.tools(segment));
  }

  tools(segment) {
    const i = segment.index;
    const shot = segment.shot;
    const search = el("input", { type: "search", placeholder: "search any shot…", "aria-label": `search shots for segment ${i + 1}`, "data-testid": `search-${i}` });
    const results = el("div", { class: "search-results" });
    const length = segment.end - segment.start;
    let wanted = 12;
    const doSearch = async (more = false) => {
      if (!search.value.trim()) return;
      wanted = more ? wanted + 12 : 12;
      try {
        const hits = await api("GET", `/v1/shots/search?q=${encodeURIComponent(search.value)}&k=${wanted}`);
        const relevant = hits.filter((hit) => hit.relevant);
        const cards = relevant.map((hit) => {
          const seconds = hit.end - hit.start;
          const short = seconds + 1e-6 < length;
          return this.shotChoice(segment, { ...hit, in: hit.start },
            { "data-testid": "search-hit", title: `${hit.title || hit.path} · ${seconds.toFixed(1)} s · ${hit.license || "licence unknown"}${hit.attribution ? ` · ${hit.attribution}` : ""} · score ${fmtScore(hit.score)}` },
            el("div", { class: "hit-meta" }, el("strong", {}, hit.title || hit.path), ` ${seconds.toFixed(1)} s · ${hit.license || "licence?"} · ${fmtScore(hit.score)}`,
              short ? el("div", { class: "too-short", "data-testid": "too-short" }, `too short for this segment (${length.toFixed(1)} s)`) : null,
              hit.similar.length ? el("div", { class: "muted", title: "near-duplicates of this shot, folded into it" }, `+${hit.similar.length} similar`) : null));
        });
        results.replaceChildren(
          ...(cards.length ? cards : [el("p", { class: "muted", "data-testid": "no-match" }, `No shot matches “${search.value}” well enough to show (${hits.length - relevant.length} weaker hits hidden).`)]),
          hits.length >= wanted ? el("button", { "data-testid": "more-hits", onclick: () => doSearch(true) }, "More results") : null);
      } catch (error) {
        flash(`${error.code}: ${error.message}`, "error");
      }
    };
    search.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); doSearch(); } });
    const rows = [el("div", { class: "row" }, search, el("button", { onclick: () => doSearch() }, "Find")), results];
    const swapping = this.pending.some((e) => e.op === "swap" && e.segment === i);
    if (shot && swapping) rows.push(el("p", { class: "muted" }, "Save the swap to trim the new shot."));
    else if (shot) {
      rows.push(this.trimControl(segment, shot, length));
    }
    const text = el("input", { type: "text", value: segment.sentence, "aria-label": "sentence" });
    rows.push(el("div", { class: "row" }, text,
      el("button", { onclick: () => { if (text.value.trim() && text.value !== segment.sentence) this.addEdit({ op: "sentence", segment: i, text: text.value.trim() }); } }, "Re-voice")));
    return el("div", { class: "tools" }, rows);
  }

  /** A trim scrubber bounded by the shot: slide the part used (the segment keeps its length, so out follows
   * in), see the frame at the new in point, then add the trim. The shot's bounds are read when opened. */
  trimControl(segment, shot, segmentLength) {
    const i = segment.index;
    const length = segmentLength * (shot.speed || 1); // source seconds the segment plays (a slowed shot uses fewer)
    const slider = el("input", { type: "range", step: "0.04", value: shot.in, disabled: true, "aria-label": "in point", "data-testid": `trim-slider-${i}` });
    const inBox = el("input", { type: "number", step: "0.04", value: shot.in.toFixed(2), "aria-label": "in", "data-testid": `trim-in-${i}` });
    const outText = el("span", { class: "muted" }, `out ${shot.out.toFixed(2)} s`);
    const frame = el("img", { class: "thumb", alt: "frame at the in point", "data-testid": `trim-frame-${i}` });
    const bounds = el("div", { class: "muted" }, "reading the shot…");
    let timer = null;
    const show = (value, from) => {
      const at = Math.min(Math.max(Number(value), Number(slider.min || 0)), Number(slider.max || value));
      if (from !== slider) slider.value = at;
      if (from !== inBox) inBox.value = at.toFixed(2);
      outText.textContent = `out ${(at + length).toFixed(2)} s`;
      clearTimeout(timer);
      timer = setTimeout(() => signedAttr(frame, "src", `/v1/shots/${shot.shot_id}/thumbnail.jpg?at=${at.toFixed(3)}`), 150);
      return at;
    };
    slider.addEventListener("input", () => show(slider.value, slider));
    inBox.addEventListener("change", () => show(inBox.value, inBox));
    const add = el("button", { disabled: true, "data-testid": `trim-add-${i}`,
      onclick: () => this.addEdit({ op: "trim", segment: i, in: Number(show(inBox.value)) }) }, "Trim");
    const box = el("details", { class: "trim", "data-testid": `trim-${i}` },
      el("summary", {}, "Trim: slide the part used"), bounds, slider, el("div", { class: "row" }, "in", inBox, outText, add), frame);
    box.addEventListener("toggle", async () => {
      if (!box.open || !slider.disabled) return;
      try {
        const found = await api("GET", `/v1/shots/${shot.shot_id}`);
        slider.min = found.start;
        slider.max = Math.max(found.start, found.end - length);
        inBox.min = slider.min;
        inBox.max = slider.max;
        bounds.textContent = `shot ${found.start.toFixed(2)}–${found.end.toFixed(2)} s; the segment uses ${length.toFixed(2)} s of it`;
        if (found.end - found.start < length + 0.04) {
          bounds.textContent += ": all of it, nothing to slide";
          return;
        }
        slider.disabled = add.disabled = false;
        show(shot.in);
      } catch (error) {
        bounds.textContent = `${error.code}: ${error.message}`;
      }
    });
    return box;
  }
}

/** What an edit does, in words. */
function describeEdit(edit) {
  const where = `#${edit.segment + 1}`;
  if (edit.op === "swap") return `${where}: show shot ${edit.shot_id}`;
  if (edit.op === "trim") return `${where}: use the shot from ${fmtTime(edit.in)}`;
  return `${where}: re-voice “${edit.text}”`;
}

async function jobView(jobId) {
  const page = new JobPage(jobId);
  await page.start();
  return () => page.stop();
}

// ---------- routing ----------

let leaveGuard = () => true; // false: the current view has unsaved work the user wants to keep
let currentHash = location.hash || "#/";

async function route() {
  const hash = location.hash || "#/";
  if (hash !== currentHash && !leaveGuard()) {
    history.replaceState(null, "", currentHash);
    return;
  }
  currentHash = hash;
  leaveView();
  leaveView = () => {};
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
