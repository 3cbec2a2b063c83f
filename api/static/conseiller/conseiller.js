// Counsellor workspace: send a class (a CSV file, or rows typed in the table) to
// POST /v1/classes, show each pupil's suggestions and the rejected lines, and fetch the
// same results as CSV, print view or PDF from POST /v1/classes/export. Nothing is kept:
// the class lives in this page's memory only, and is sent again for each download.

const $ = (id) => document.getElementById(id);

const VOIES = { scolaire: "scolaire", apprentissage: "apprentissage", formation_continue: "formation continue" };
const LEVELS = { 3: "niveau 3 (CAP)", 4: "niveau 4 (Bac)", 5: "niveau 5 (Bac+2)", 6: "niveau 6 (Bac+3)", 7: "niveau 7 (Bac+5)", 8: "niveau 8 (doctorat)" };
const ENTRY_COLUMNS = ["identifiant", "niveau", "centres_interet", "commune", "rayon_km"];

// The class sent by the last run: downloads re-send exactly what the results show.
let lastRun = null;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

// -- the class: a file, or rows typed in the table ------------------------------------

function useTable() {
  return $("source-table").checked;
}

function showSource() {
  $("file-panel").hidden = useTable();
  $("table-panel").hidden = !useTable();
  if (useTable() && !$("entry-rows").rows.length) addRow();
}

let rowCount = 0;

function addRow() {
  rowCount += 1;
  const n = rowCount;
  const cell = (name, label, control) => {
    control.id = `entry-${name}-${n}`;
    control.name = name;
    control.classList.add(control.tagName === "SELECT" ? "fr-select" : "fr-input");
    return element("td", {}, element("label", { class: "fr-sr-only", for: control.id, text: `${label}, élève ${n}` }), control);
  };
  const level = element("select");
  level.append($("level-options").content.cloneNode(true));
  const radius = element("input", { type: "number", min: "1", max: "300", value: "30", inputmode: "numeric" });
  const remove = element("button", { type: "button", class: "fr-btn fr-btn--tertiary fr-btn--sm", id: `entry-remove-${n}`, text: "Retirer" });
  remove.setAttribute("aria-label", `Retirer l'élève ${n}`);
  const row = element(
    "tr",
    { id: `entry-row-${n}` },
    cell("identifiant", "Identifiant", element("input", { type: "text", maxlength: "60", value: `Élève ${n}` })),
    cell("niveau", "Niveau", level),
    cell("centres_interet", "Centres d'intérêt", element("input", { type: "text", maxlength: "300" })),
    cell("commune", "Commune", element("input", { type: "text", maxlength: "120", autocomplete: "off" })),
    cell("rayon_km", "Rayon en km", radius),
    element("td", {}, remove),
  );
  remove.addEventListener("click", () => {
    row.remove();
    $("add-row").focus();
  });
  $("entry-rows").append(row);
}

function csvCell(value) {
  const text = String(value ?? "").trim();
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function tableAsCsv() {
  const lines = [ENTRY_COLUMNS.join(";")];
  for (const row of $("entry-rows").rows) {
    const values = ENTRY_COLUMNS.map((name) => row.querySelector(`[name="${name}"]`).value);
    lines.push(values.map(csvCell).join(";"));
  }
  return new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" });
}

function classBody() {
  if (useTable()) {
    if (!$("entry-rows").rows.length) throw new Error("Ajoutez au moins un élève au tableau.");
    return tableAsCsv();
  }
  const file = $("class-file").files[0];
  if (!file) throw new Error("Choisissez le fichier CSV de la classe.");
  return file;
}

// -- talking to the API -----------------------------------------------------------------

async function post(path, body) {
  const response = await fetch(path, { method: "POST", body, headers: { "Content-Type": "text/csv" } });
  if (response.ok) return response;
  let message = `Erreur ${response.status} du serveur.`;
  let problems = [];
  try {
    const answer = await response.json();
    message = answer.message || message;
    problems = answer.problems || [];
  } catch {
    // not JSON: keep the status
  }
  const error = new Error(message);
  error.problems = problems;
  throw error;
}

function showError(error) {
  const box = $("error");
  box.replaceChildren();
  if (!error) return;
  const alert = element("div", { class: "fr-alert fr-alert--error fr-mt-2w" }, element("h3", { class: "fr-alert__title", text: "La classe n'a pas pu être traitée" }));
  if (error.problems && error.problems.length) {
    const list = element("ul");
    for (const p of error.problems) {
      const where = [p.line ? `ligne ${p.line}` : "", p.field ? `colonne « ${p.field} »` : ""].filter(Boolean).join(", ");
      list.append(element("li", { text: where ? `${where} : ${p.reason}` : p.reason }));
    }
    alert.append(element("p", { text: "Le fichier ne peut pas être lu :" }), list);
  } else {
    alert.append(element("p", { text: error.message }));
  }
  box.append(alert);
}

// -- results ----------------------------------------------------------------------------

function suggestionRow(suggestion) {
  const f = suggestion.formation;
  const commune = [f.commune_name || f.establishment.commune_name, f.departement ? `(${f.departement})` : ""].filter(Boolean).join(" ");
  const distance = suggestion.distance_km === null ? "" : `${Math.round(suggestion.distance_km)} km`;
  const reasons = element("ul", { class: "reasons" });
  for (const r of suggestion.reasons) {
    const item = element("li", { class: r.positive ? "reason" : "reason reason--attention" });
    if (!r.positive) item.append(element("strong", { text: "À noter : " }));
    item.append(r.text);
    reasons.append(item);
  }
  return element(
    "tr",
    {},
    element("td", { text: String(suggestion.rank) }),
    element("th", { scope: "row", text: f.label }),
    element("td", { text: f.establishment.name || f.uai }),
    element("td", { text: commune }),
    element("td", { text: distance }),
    element("td", { text: VOIES[f.voie] || f.voie }),
    element("td", { text: LEVELS[f.level] || "inconnu" }),
    element("td", {}, reasons),
  );
}

function pupilSection(pupil) {
  const titleId = `pupil-${pupil.line}-title`;
  const understood = element("dl", { class: "understood fr-text--sm" });
  for (const item of pupil.understood) understood.append(element("dt", { text: item.label }), element("dd", { text: item.text }));
  const section = element(
    "section",
    { class: "pupil fr-mt-4w", id: `pupil-${pupil.line}`, "aria-labelledby": titleId, "data-line": String(pupil.line) },
    element("h3", { id: titleId, class: "fr-h5" }, pupil.name, element("span", { class: "fr-text--sm pupil__line", text: ` — ligne ${pupil.line}` })),
    understood,
  );
  for (const notice of pupil.notices) section.append(element("p", { class: "fr-text--sm notice", text: notice.message }));
  if (!pupil.formations.length) {
    section.append(element("p", { text: "Aucune formation trouvée pour ce profil." }));
    return section;
  }
  const head = element("tr", {});
  for (const label of ["Rang", "Formation", "Établissement", "Commune", "Distance", "Voie", "Niveau", "Raisons"]) {
    head.append(element("th", { scope: "col", text: label }));
  }
  const body = element("tbody");
  for (const suggestion of pupil.formations) body.append(suggestionRow(suggestion));
  const table = element("table", {}, element("caption", { text: `Pistes pour ${pupil.name}` }), element("thead", {}, head), body);
  section.append(element("div", { class: "fr-table fr-table--no-caption results-table" }, table));
  return section;
}

function showResults(answer) {
  const rejectedLines = new Set(answer.rejected.map((r) => r.line)).size;
  $("summary").textContent = `${answer.pupils.length} élève(s) traité(s) sur ${answer.lines} ligne(s) ; ${rejectedLines} ligne(s) écartée(s).`;
  const rejectedBody = $("rejected-table").tBodies[0];
  rejectedBody.replaceChildren();
  for (const r of answer.rejected) {
    rejectedBody.append(
      element("tr", {}, element("td", { text: r.line ?? "" }), element("td", { text: r.name ?? "" }), element("td", { text: r.field ?? "" }), element("td", { text: r.reason })),
    );
  }
  $("rejected").hidden = answer.rejected.length === 0;
  $("pupils").replaceChildren(...answer.pupils.map(pupilSection));
  const vintages = [...answer.vintages.sources];
  if (answer.vintages.built_on) vintages.push(`Données assemblées le ${answer.vintages.built_on.split("-").reverse().join("/")}`);
  $("vintages-list").replaceChildren(...vintages.map((line) => element("li", { text: line })));
  $("exports").hidden = answer.pupils.length === 0;
  $("results").hidden = false;
  $("results-title").focus();
}

async function run(event) {
  event.preventDefault();
  showError(null);
  let body;
  try {
    body = classBody();
  } catch (error) {
    showError(error);
    return;
  }
  const k = $("k").value;
  $("run").disabled = true;
  $("status").textContent = "Calcul des pistes en cours…";
  try {
    const answer = await (await post(`/v1/classes?k=${k}`, body)).json();
    lastRun = { body, k };
    $("status").textContent = "Pistes calculées.";
    showResults(answer);
  } catch (error) {
    $("status").textContent = "";
    $("results").hidden = true;
    showError(error);
  } finally {
    $("run").disabled = false;
  }
}

// -- downloads ----------------------------------------------------------------------------

async function exported(format) {
  if (!lastRun) throw new Error("Lancez d'abord les recommandations.");
  const response = await post(`/v1/classes/export?format=${format}&k=${lastRun.k}`, lastRun.body);
  return response.blob();
}

function save(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = element("a", { href: url, download: filename, hidden: "" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

async function withStatus(label, action) {
  $("export-status").textContent = `${label} en cours…`;
  showError(null);
  try {
    await action();
    $("export-status").textContent = `${label} : prêt.`;
  } catch (error) {
    $("export-status").textContent = "";
    showError(error);
  }
}

function downloadCsv() {
  return withStatus("Tableau CSV", async () => save(await exported("csv"), `pistes-${today()}.csv`));
}

function downloadPdf() {
  return withStatus("Fiches PDF", async () => save(await exported("pdf"), `fiches-pistes-${today()}.pdf`));
}

function openPrint() {
  return withStatus("Fiches à imprimer", async () => {
    const url = URL.createObjectURL(await exported("html"));
    $("print-link").href = url;
    const opened = window.open(url, "_blank");
    $("print-fallback").hidden = opened !== null;
  });
}

$("source-file").addEventListener("change", showSource);
$("source-table").addEventListener("change", showSource);
$("add-row").addEventListener("click", () => {
  addRow();
  $("entry-rows").lastElementChild.querySelector("input").focus();
});
$("class-form").addEventListener("submit", run);
$("download-csv").addEventListener("click", downloadCsv);
$("download-pdf").addEventListener("click", downloadPdf);
$("open-print").addEventListener("click", openPrint);
showSource();
