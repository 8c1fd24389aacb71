// The demo page: connect, build a form from the contract, predict, run a batch job.
// Settings come from the query string (?base=…&model=…&maxPolls=…&jobPrefer=…) or the fields; the API
// key from the fragment (#key=…), which no server sees: the contract never takes a key in a query string.
import { NetworkError, ProblemError, createClient } from "./api.js";
import { exampleInstances, featuresOf } from "./contract.js";

const DEFAULTS = { base: "http://127.0.0.1:4010", key: "accord-dev-key", maxPolls: 30 };
const ACTIVE = new Set(["queued", "running"]);
const MAX_WAIT_SECONDS = 10;

const $ = (selector) => document.querySelector(selector);
const query = new URLSearchParams(window.location.search);
const fragment = new URLSearchParams(window.location.hash.slice(1));
const state = { client: null, doc: null, models: [], features: [] };

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function setBusy(button, busy) {
  button.disabled = busy;
}

// ---- errors: problem+json shown as a person would want to read it --------------------------

function clearError() {
  $("#error").hidden = true;
  $("#error").replaceChildren();
  document.querySelectorAll(".field.invalid").forEach((f) => {
    f.classList.remove("invalid");
    f.querySelector(".field-error")?.remove();
  });
}

function showError(error) {
  const box = $("#error");
  box.replaceChildren();
  if (error instanceof ProblemError) {
    const p = error.problem;
    box.append(el("h2", { textContent: `${error.status} ${p.title || "Request failed"}` }));
    if (error.status === 401) {
      box.append(el("p", { textContent: "The API key was refused. Check the key in Connection (the development key is accord-dev-key)." }));
    }
    if (p.detail) box.append(el("p", { className: "detail", textContent: p.detail }));
    const list = el("ul", { className: "violations" });
    for (const item of p.errors || []) {
      const where = item.pointer || (item.parameter ? `${item.in || "parameter"} ${item.parameter}` : "");
      list.append(el("li", {}, el("code", { textContent: where }), ` ${item.detail || ""}`));
      markField(item.pointer, item.detail);
    }
    if (list.childElementCount) box.append(list);
    if (error.requestId) box.append(el("p", { className: "meta" }, "Request id: ", el("code", { textContent: error.requestId })));
  } else if (error instanceof NetworkError) {
    box.append(
      el("h2", { textContent: "Cannot reach the API" }),
      el("p", { textContent: `${error.message}. Is the server running? If it is, it may not allow calls from this page's origin (CORS).` }),
    );
  } else {
    box.append(el("h2", { textContent: "Something went wrong" }), el("p", { textContent: String(error.message || error) }));
  }
  box.hidden = false;
}

/** `#/instances/0/petal_width_cm` (or without `#`) marks that field of the form. */
function markField(pointer, detail) {
  const match = /^#?\/instances\/0\/([^/]+)$/.exec(pointer || "");
  const field = match && document.querySelector(`.field[data-name="${CSS.escape(match[1])}"]`);
  if (!field) return;
  field.classList.add("invalid");
  field.append(el("small", { className: "field-error", textContent: detail || "invalid" }));
}

// ---- connection --------------------------------------------------------------------------------

async function connect(event) {
  event?.preventDefault();
  clearError();
  const button = $("#connect");
  setBusy(button, true);
  $("#connection").textContent = "Connecting…";
  for (const id of ["#predict-form", "#prediction", "#job-form", "#job"]) $(id).hidden = true;
  state.client = createClient({ baseUrl: $("#base-url").value.trim(), apiKey: $("#api-key").value.trim() });
  try {
    state.doc = await state.client.contract(query.get("spec"));
    const page = await state.client.listModels();
    state.models = page.data.filter((m) => featuresOrNull(m.id));
    fillModels(query.get("model"));
    $("#connection").textContent = `Connected to ${state.client.base}: ${state.doc.info.title} ${state.doc.info.version}, ${state.models.length} models.`;
    await chooseModel();
  } catch (error) {
    $("#connection").textContent = "Not connected.";
    showError(error);
  } finally {
    setBusy(button, false);
  }
}

function featuresOrNull(modelId) {
  try {
    return featuresOf(state.doc, modelId);
  } catch {
    return null; // a model the contract has no typed predict operation for: not offered
  }
}

function fillModels(preferred) {
  const select = $("#model");
  select.replaceChildren(...state.models.map((m) => el("option", { value: m.id, textContent: m.title || m.id })));
  if (preferred && state.models.some((m) => m.id === preferred)) select.value = preferred;
  select.disabled = state.models.length === 0;
}

async function chooseModel() {
  clearError();
  const id = $("#model").value;
  if (!id) return;
  state.features = featuresOf(state.doc, id);
  const listed = state.models.find((m) => m.id === id);
  $("#model-title").textContent = listed ? `with ${listed.title}` : id;
  renderFields(state.features);
  $("#job-instances").value = JSON.stringify(exampleInstances(state.doc, id), null, 1);
  $("#prediction").hidden = true;
  $("#job").hidden = true;
  $("#predict-form").hidden = false;
  $("#job-form").hidden = false;
}

// ---- the form, generated from the request schema ----------------------------------------------

function renderFields(features) {
  const fields = features.map((f) => {
    const id = `f-${f.name}`;
    let input;
    if (f.enum) {
      input = el("select", { id, name: f.name }, ...f.enum.map((v) => el("option", { value: String(v), textContent: String(v) })));
      if (f.example !== undefined) input.value = String(f.example);
    } else {
      input = el("input", { id, name: f.name, type: "number", step: f.type === "integer" ? "1" : "any" });
      if (f.minimum !== undefined) input.min = String(f.minimum);
      if (f.maximum !== undefined) input.max = String(f.maximum);
      if (f.example !== undefined) input.value = String(f.example);
    }
    input.required = f.required;
    const bare = f.unit && f.name.endsWith(`_${f.unit}`) ? f.name.slice(0, -f.unit.length - 1) : f.name;
    const label = bare.replace(/_/g, " ") + (f.unit ? ` (${f.unit})` : "");
    const hint = [
      f.minimum !== undefined || f.maximum !== undefined
        ? `bounds ${f.exclusiveMinimum ? ">" : "≥"} ${f.minimum ?? "−∞"}, ≤ ${f.maximum ?? "∞"}`
        : null,
      f.trainingRange ? `trained on ${f.trainingRange[0]} to ${f.trainingRange[1]}` : null,
    ].filter(Boolean).join("; ");
    const wrapper = el("label", { className: "field", htmlFor: id, title: f.description }, label, input, el("small", { textContent: hint }));
    wrapper.dataset.name = f.name;
    return wrapper;
  });
  $("#fields").replaceChildren(...fields);
}

function readInstance() {
  const instance = {};
  for (const f of state.features) {
    const raw = document.getElementById(`f-${f.name}`).value.trim();
    if (raw === "") continue; // left out: the API names every missing required feature
    const number = Number(raw);
    instance[f.name] = Number.isNaN(number) ? raw : number;
  }
  return instance;
}

// ---- synchronous prediction ----------------------------------------------------------------------

async function predict(event) {
  event.preventDefault();
  clearError();
  const button = $("#predict");
  setBusy(button, true);
  try {
    const answer = await state.client.predict($("#model").value, [readInstance()]);
    renderPrediction(answer);
  } catch (error) {
    $("#prediction").hidden = true;
    showError(error);
  } finally {
    setBusy(button, false);
  }
}

function renderPrediction(answer) {
  const p = answer.predictions[0];
  $("#label").textContent = p.task === "regression" ? "" : p.label;
  $("#value").textContent = p.task === "regression" ? `${p.value} ${p.unit || ""}` : "";
  const rows = (p.probabilities || []).map((c) =>
    el("tr", { className: "probability" },
      el("td", { className: "class", textContent: c.label }),
      el("td", { className: "value", textContent: `${(c.probability * 100).toFixed(1)} %` }),
      el("td", {}, el("div", { className: "bar", style: `width: ${Math.round(c.probability * 100)}%` }))));
  $("#probabilities tbody").replaceChildren(...rows);
  $("#probabilities").hidden = rows.length === 0;
  $("#warnings").replaceChildren(...(p.warnings || []).map((w) => el("li", { textContent: w.message })));
  $("#model-version").textContent = `${answer.model_id} v${answer.model_version}`;
  $("#request-id").textContent = answer.request_id || "";
  $("#prediction").hidden = false;
}

// ---- batch job: submit, poll (Retry-After), show results -----------------------------------------

const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function submitJob(event) {
  event.preventDefault();
  clearError();
  const button = $("#submit-job");
  let instances;
  try {
    instances = JSON.parse($("#job-instances").value);
  } catch (error) {
    showError(new Error(`The instances are not valid JSON: ${error.message}`));
    return;
  }
  setBusy(button, true);
  const prefer = query.get("jobPrefer") || "";
  const maxPolls = Number.parseInt(query.get("maxPolls") || "", 10) || DEFAULTS.maxPolls;
  try {
    const key = globalThis.crypto?.randomUUID ? crypto.randomUUID() : `demo-${Date.now()}-${Math.random()}`;
    let { job, location, retryAfter } = await state.client.createJob($("#model").value, instances, key);
    renderJob(job, "Accepted; polling its Location.");
    let polls = 0;
    while (ACTIVE.has(job.status) && polls < maxPolls) {
      await sleep(Math.min(retryAfter || 1, MAX_WAIT_SECONDS));
      ({ job, retryAfter } = await state.client.getJob(location, prefer));
      polls += 1;
      renderJob(job, `Checked ${polls} time${polls === 1 ? "" : "s"}.`);
    }
    if (job.status === "succeeded") {
      renderResults(await state.client.jobResults(job.id));
      renderJob(job, `Finished after ${polls} check${polls === 1 ? "" : "s"}.`);
    } else if (job.status === "failed") {
      renderJob(job, "The job failed.");
      showError(new ProblemError(job.error?.status || 500, job.error || {}, job.request_id));
    } else if (job.status === "cancelled") {
      renderJob(job, "The job was cancelled.");
    } else {
      renderJob(job, `Still ${job.status} after ${polls} checks; stopped polling. A mock answers its static example ` +
        "for every poll: start the page with ?jobPrefer=example=succeeded to see the finished state.");
    }
  } catch (error) {
    showError(error);
  } finally {
    setBusy(button, false);
  }
}

function renderJob(job, note) {
  $("#job-id").textContent = job.id;
  $("#job-status").textContent = job.status;
  $("#job").dataset.status = job.status;
  const { total, completed } = job.progress || { total: 0, completed: 0 };
  $("#job-progress").textContent = `(${completed} of ${total})`;
  $("#job-bar").max = Math.max(total, 1);
  $("#job-bar").value = completed;
  $("#job-note").textContent = note;
  if (job.status !== "succeeded") $("#job-results").hidden = true;
  $("#job").hidden = false;
}

function renderResults(page) {
  const rows = page.data.map(({ index, prediction: p }) => {
    const top = (p.probabilities || [])[0];
    return el("tr", { className: "result" },
      el("td", { textContent: String(index) }),
      el("td", { className: "label", textContent: p.task === "regression" ? String(p.value) : p.label }),
      el("td", { textContent: top ? `${(top.probability * 100).toFixed(1)} %` : "" }),
      el("td", { textContent: (p.warnings || []).map((w) => w.message).join("; ") }));
  });
  $("#job-results tbody").replaceChildren(...rows);
  $("#job-results").hidden = false;
}

// ---- start -------------------------------------------------------------------------------------

$("#base-url").value = query.get("base") || DEFAULTS.base;
$("#api-key").value = fragment.get("key") ?? DEFAULTS.key;
$("#settings").addEventListener("submit", connect);
$("#model").addEventListener("change", chooseModel);
$("#predict-form").addEventListener("submit", predict);
$("#job-form").addEventListener("submit", submitJob);
connect();
