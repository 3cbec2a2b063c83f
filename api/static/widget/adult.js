// The adult's path from the job held now (POST /v1/reconversion): when "Je suis adulte" and
// "Changer de métier à partir du mien" are chosen, steps 2 to 6 of the form ask for the
// job, experience, diploma, age, status, commune, constraints and an optional target job;
// the answer shows the target jobs and the routes there (render_adult.js).

import { ApiError, call } from "./api.js";
import { Combobox } from "./combobox.js";
import { fill, h } from "./dom.js";
import { plural } from "./labels.js";
import { placeChoices } from "./render.js";
import { noticeList, targetCard } from "./render_adult.js";

const TARGETS_ASKED = 5;
const RETRAINING_TITLE = "Répondez à 6 questions, puis découvrez les métiers à votre portée";
const RETRAINING_LEGEND = "1. Où en êtes-vous ?";
const BUSY_TEXT = "Recherche en cours…";

const $ = (id) => document.getElementById(id);
const form = $("profile-form");
const pupilTitle = $("form-title").textContent;
const pupilLegend = $("step-level").textContent;

// A field of the API → its group, the control to focus, the text that says what is wrong.
const FIELDS = {
  current_job: { group: "job-group", control: "job-input", text: "job-error" },
  years_experience: { group: "experience-group", control: "experience", text: "experience-error" },
  diploma: { group: "diploma-group", control: "diploma", text: "diploma-error" },
  age: { group: "age-group", control: "age", text: "age-error" },
  status: { group: "status-fieldset", control: "status-demandeur_emploi", text: "status-error" },
  place: { group: "adult-place-group", control: "adult-place-input", text: "adult-place-error" },
  targets: { group: "target-group", control: "target-input", text: "target-error" },
};
// The DSFR class of a group in error: fr-input-group--error unless said here.
const GROUP_ERRORS = { diploma: "fr-select-group--error", status: "fr-fieldset--error" };

const state = {
  job: null, // {code, label} once the current job is picked from the list
  target: null, // the same for the target job
  place: null, // {insee, label} once a commune is picked from the list
  request: null, // the body of the answer on screen
};
let ui = null; // app.js's message helpers and commune search (startAdultPath)

function isChosen() {
  return $("adult").checked && $("goal-retraining").checked;
}

function applyPath() {
  $("goal-field").hidden = !$("adult").checked;
  const retraining = isChosen();
  for (const element of form.querySelectorAll("[data-path=pupil]")) element.hidden = retraining;
  for (const element of form.querySelectorAll("[data-path=retraining]")) {
    element.hidden = !retraining;
  }
  $("form-title").textContent = retraining ? RETRAINING_TITLE : pupilTitle;
  $("step-level").textContent = retraining ? RETRAINING_LEGEND : pupilLegend;
}

// -- fields -------------------------------------------------------------------------------

async function searchJobs(text, signal) {
  const found = await call(`v1/jobs?q=${encodeURIComponent(text)}&limit=8`, { signal });
  return found.jobs.map((job) => ({
    value: job.code_rome,
    label: job.label,
    hint: job.job_label === job.label ? job.code_rome : `${job.job_label}, ${job.code_rome}`,
  }));
}

// A job picked from the list is sent as its ROME code: the person said which job it is.
function jobField(key, field, inputId, listboxId, statusId) {
  const input = $(inputId);
  new Combobox({
    input,
    listbox: $(listboxId),
    status: $(statusId),
    search: searchJobs,
    formal: true,
    onSelect: (item) => {
      state[key] = { code: item.value, label: item.label };
      input.value = item.label;
      clearError(field);
    },
    // Enter with the list open keeps the typed words; with the list closed it submits.
    onEnter: (text) => Boolean(text) && !$(listboxId).hidden,
  });
  input.addEventListener("input", () => {
    if (state[key] && input.value !== state[key].label) state[key] = null;
  });
}

function pickPlace(insee, label) {
  state.place = { insee, label };
  $("adult-place-input").value = label;
  clearError("place");
}

function setError(field, message) {
  const { group, control, text } = FIELDS[field];
  $(group).classList.add(GROUP_ERRORS[field] ?? "fr-input-group--error");
  // A group of radio buttons says it through its fieldset's aria-describedby.
  if (field !== "status") $(control).setAttribute("aria-invalid", "true");
  $(text).textContent = message;
  $(text).hidden = false;
}

function clearError(field) {
  const { group, control, text } = FIELDS[field];
  $(group).classList.remove(GROUP_ERRORS[field] ?? "fr-input-group--error");
  $(control).removeAttribute("aria-invalid");
  $(text).hidden = true;
}

function showErrors(errors) {
  for (const [field, message] of errors) setError(field, message);
  $(FIELDS[errors[0][0]].control).focus();
}

/** What is missing or wrong in the form, as [field, message] pairs, in the form's order. */
function check() {
  const errors = [];
  if (!$("job-input").value.trim()) {
    errors.push(["current_job", "Indiquez votre métier actuel ou votre dernier métier."]);
  }
  const years = $("experience").valueAsNumber;
  if (!(years >= 0 && years <= 50)) {
    errors.push([
      "years_experience",
      "Indiquez vos années d'expérience, entre 0 et 50 (0 si vous débutez).",
    ]);
  }
  if (!$("diploma").value) {
    errors.push(["diploma", "Choisissez votre plus haut diplôme, ou « Aucun diplôme »."]);
  }
  const age = $("age");
  if (age.value !== "" || age.validity.badInput) {
    const given = age.valueAsNumber;
    if (!(Number.isInteger(given) && given >= 16 && given <= 75)) {
      errors.push(["age", "Indiquez un âge en années, entre 16 et 75 ans, ou laissez vide."]);
    }
  }
  if (!form.querySelector("input[name=status]:checked")) {
    errors.push(["status", "Indiquez si vous cherchez un emploi, êtes salarié ou autre."]);
  }
  if (!$("adult-place-input").value.trim()) {
    errors.push(["place", "Indiquez votre commune."]);
  }
  return errors;
}

function buildRequest() {
  const request = {
    current_job: state.job ? state.job.code : $("job-input").value.trim(),
    years_experience: $("experience").valueAsNumber,
    diploma: $("diploma").value,
    status: form.querySelector("input[name=status]:checked").value,
    // The commune as "Rouen (76)", not its INSEE code: 76540 is Rouen's INSEE code but
    // also the postcode of other communes, and the API reads 5 digits as a postcode.
    place: state.place ? state.place.label : $("adult-place-input").value.trim(),
    radius_km: Number($("adult-distance").value),
    part_time: $("part-time").checked,
    evenings: $("evenings").checked,
    distance_learning: $("distance-learning").checked,
    k: TARGETS_ASKED,
  };
  if ($("age").value !== "") request.age = $("age").valueAsNumber;
  const target = state.target ? state.target.code : $("target-input").value.trim();
  if (target) request.targets = [target];
  return request;
}

// -- the search -----------------------------------------------------------------------------

function setBusy(busy) {
  const button = $("adult-submit");
  button.disabled = busy;
  button.textContent = busy ? BUSY_TEXT : "Voir les métiers accessibles";
  for (const choice of $("adult-notices").querySelectorAll("button")) choice.disabled = busy;
  if (busy) ui.announce(BUSY_TEXT);
}

async function run(request) {
  ui.clearMessages();
  setBusy(true);
  try {
    const response = await call("v1/reconversion", { body: request });
    state.request = request;
    showResults(response);
  } catch (error) {
    failed(error);
  } finally {
    setBusy(false);
  }
}

function showForm() {
  $("adult-results").hidden = true;
  form.hidden = false;
}

function failed(error) {
  const body = error instanceof ApiError ? error.body : null;
  if (body && Array.isArray(body.choices)) {
    // Several communes have this name: one button per commune.
    showForm();
    ui.showMessage(
      "warning",
      ui.errorText(error),
      h("p", {}, "Choisissez votre commune :"),
      placeChoices(body.choices, (choice) => {
        pickPlace(choice.insee, `${choice.name} (${choice.departement})`);
        run(buildRequest());
      }),
    );
    $("messages").querySelector("button")?.focus();
    return;
  }
  // The API names a bad diploma's field "level", the word of the pupils' profile.
  const named = body?.field ?? body?.errors?.[0]?.field;
  const field = named === "level" ? "diploma" : named;
  // "current_job : aucun métier ne correspond…": the field's code means nothing to people.
  const text = ui.errorText(error).replace(/^[a-z_]+ : /i, "");
  const message = text.charAt(0).toUpperCase() + text.slice(1);
  ui.showMessage("error", message);
  if (field in FIELDS) {
    showForm();
    showErrors([[field, message]]);
  }
}

// -- results --------------------------------------------------------------------------------

function understoodText(response) {
  const years = state.request.years_experience;
  const parts = [
    `${response.current_job.name} (${response.current_job.code_rome})`,
    `${String(years).replace(".", ",")} an${years >= 2 ? "s" : ""} d'expérience`,
    response.diploma,
    `autour de ${response.place}, jusqu'à ${Math.round(response.radius_km)} km`,
  ];
  return `Nous avons compris : ${parts.join(" · ")}.`;
}

function pickAlternative(job) {
  state.job = { code: job.code_rome, label: job.label };
  $("job-input").value = job.label;
  run({ ...state.request, current_job: job.code_rome });
}

function showResults(response) {
  const count = response.targets.length;
  $("adult-understood").textContent = understoodText(response);
  fill($("adult-notices"), noticeList(response, pickAlternative));
  $("targets-count").textContent = count
    ? plural(count, "métier proposé", "métiers proposés")
    : "Aucun métier trouvé depuis le vôtre. Essayez un autre intitulé, ou nommez le métier " +
      "que vous visez.";
  fill($("targets"), response.targets.map(targetCard));
  form.hidden = true;
  $("results").hidden = true;
  $("panel").hidden = true;
  $("adult-results").hidden = false;
  $("adult-results-title").focus();
  ui.announce(
    count ? `${plural(count, "métier trouvé", "métiers trouvés")}.` : "Aucun métier trouvé.",
  );
}

// -- wiring ---------------------------------------------------------------------------------

/**
 * Wire the adult's path into the form. `helpers` are app.js's announce, showMessage,
 * clearMessages, errorText and searchPlaces. Returns {isChosen, submit}: app.js hands its
 * form's submission over while the path is chosen.
 */
export function startAdultPath(helpers) {
  ui = helpers;
  jobField("job", "current_job", "job-input", "job-listbox", "job-status");
  jobField("target", "targets", "target-input", "target-listbox", "target-status");
  new Combobox({
    input: $("adult-place-input"),
    listbox: $("adult-place-listbox"),
    status: $("adult-place-status"),
    search: ui.searchPlaces,
    formal: true,
    onSelect: (item) => pickPlace(item.value, item.label),
  });
  $("adult-place-input").addEventListener("input", () => {
    if (state.place && $("adult-place-input").value !== state.place.label) state.place = null;
  });
  for (const field of ["years_experience", "diploma", "age"]) {
    $(FIELDS[field].control).addEventListener("change", () => clearError(field));
  }
  for (const radio of form.querySelectorAll("input[name=status]")) {
    radio.addEventListener("change", () => clearError("status"));
  }
  $("adult").addEventListener("change", applyPath);
  for (const radio of form.querySelectorAll("input[name=goal]")) {
    radio.addEventListener("change", () => {
      applyPath();
      if (isChosen()) ui.announce("Les questions sur votre métier s'affichent à la suite.");
    });
  }
  $("adult-edit").addEventListener("click", () => {
    showForm();
    $("job-input").focus();
  });
  applyPath(); // a browser may restore the boxes' state on reload

  return {
    isChosen,
    submit() {
      for (const field of Object.keys(FIELDS)) clearError(field);
      const errors = check();
      if (errors.length) {
        showErrors(errors);
        return;
      }
      run(buildRequest());
    },
  };
}
