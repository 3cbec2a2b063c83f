// The orientation widget: a pupil's answers in, explained formations out.
// Plain ES module over the public API of the same origin (see api.js); no build step.

import { startAdultPath } from "./adult.js";
import { ApiError, call, context } from "./api.js";
import { Combobox } from "./combobox.js";
import { fill, h } from "./dom.js";
import { track } from "./feedback.js";
import { PUPIL_LEVELS, VOIE_BADGES, kilometres, levelLabel, plural } from "./labels.js";
import { detailView, formationCard, offerCard, placeChoices, whyNotView } from "./render.js";

const FORMATIONS_ASKED = 30;
const OFFERS_ASKED = 6;

const $ = (id) => document.getElementById(id);
const form = $("profile-form");
const results = $("results");
const panel = $("panel");

const state = {
  interests: [], // {kind: "job" | "interest" | "text", value, label}
  place: null, // {insee, label} once a commune is picked from the list
  profile: null, // the profile of the results on screen
  ordered: [], // formation suggestions, campus members first in campus mode
  campus: null, // GET /v1/campuses/{id} in campus mode
  members: new Set(), // UAI of the campus's member establishments
  opener: null, // id of the button that opened the panel, to return the focus to it
};

// -- messages ---------------------------------------------------------------------------

function announce(text) {
  const region = $("announce");
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 100);
}

function alertBox(kind, message, ...extra) {
  return h("div", { class: `fr-alert fr-alert--${kind} fr-alert--sm` }, h("p", {}, message), ...extra);
}

function showMessage(kind, message, ...extra) {
  fill($("messages"), alertBox(kind, message, ...extra));
}

function clearMessages() {
  fill($("messages"));
}

function errorText(error) {
  return error instanceof ApiError ? error.message : "Une erreur inattendue est survenue. Réessaie.";
}

// -- field errors ---------------------------------------------------------------------------

function setFieldError(field, message) {
  const group = field === "level" ? $("level-group") : $("place-group");
  const input = field === "level" ? $("level") : $("place-input");
  const text = $(`${field}-error`);
  group.classList.add(field === "level" ? "fr-select-group--error" : "fr-input-group--error");
  input.setAttribute("aria-invalid", "true");
  text.textContent = message;
  text.hidden = false;
  input.focus();
}

function clearFieldErrors() {
  $("level-group").classList.remove("fr-select-group--error");
  $("place-group").classList.remove("fr-input-group--error");
  for (const id of ["level", "place-input"]) $(id).removeAttribute("aria-invalid");
  for (const id of ["level-error", "place-error"]) $(id).hidden = true;
}

// -- step 2: interests --------------------------------------------------------------------

function addInterest(item) {
  if (state.interests.some((chosen) => chosen.kind === item.kind && chosen.value === item.value)) {
    announce(`« ${item.label} » est déjà dans tes choix.`);
    return;
  }
  state.interests.push(item);
  renderInterests();
  announce(`« ${item.label} » ajouté à tes choix.`);
}

function removeInterest(index) {
  const [removed] = state.interests.splice(index, 1);
  renderInterests();
  const buttons = $("interest-tags").querySelectorAll("button");
  (buttons[index] ?? buttons[index - 1] ?? $("interest-input")).focus();
  announce(`« ${removed.label} » retiré de tes choix.`);
}

function renderInterests() {
  $("interest-tags-title").hidden = state.interests.length === 0;
  fill(
    $("interest-tags"),
    state.interests.map((item, index) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "fr-tag fr-tag--dismiss",
            "aria-label": `Retirer ${item.label}`,
            onclick: () => removeInterest(index),
          },
          item.label,
        ),
      ),
    ),
  );
}

async function searchInterests(text, signal) {
  const found = await call(`v1/jobs?q=${encodeURIComponent(text)}&limit=8`, { signal });
  return [
    ...found.interests.map((interest) => ({
      kind: "interest",
      value: interest.code,
      label: interest.label,
      hint: "centre d'intérêt",
    })),
    // A job title is sent as its words: the engine reads them better than the bare ROME code.
    ...found.jobs.map((job) => ({ kind: "job", value: job.label, label: job.label, hint: "métier" })),
  ];
}

async function loadCategories() {
  try {
    const categories = await call("v1/interests");
    $("categories-fieldset").append(
      ...categories.map((category) =>
        h(
          "div",
          { class: "fr-fieldset__element" },
          h(
            "div",
            { class: "fr-checkbox-group fr-checkbox-group--sm" },
            h("input", { type: "checkbox", id: `category-${category.code}`, name: "category", value: category.code }),
            h("label", { class: "fr-label", for: `category-${category.code}` }, category.label),
          ),
        ),
      ),
    );
  } catch {
    // Typing interests still works; the list of categories is a help, not a step.
    $("categories-button").closest(".fr-fieldset__element").hidden = true;
  }
}

// -- step 3: place ------------------------------------------------------------------------

function pickPlace(insee, label) {
  state.place = { insee, label };
  $("place-input").value = label;
  clearFieldErrors();
}

async function searchPlaces(text, signal) {
  const communes = await call(`v1/places?q=${encodeURIComponent(text)}&limit=8`, { signal });
  return communes.map((commune) => ({
    value: commune.insee,
    label: `${commune.name} (${commune.departement})`,
    hint: [commune.departement_name, commune.postcodes[0]].filter(Boolean).join(", "),
  }));
}

// -- campus mode ----------------------------------------------------------------------------

async function loadCampus() {
  if (!context.campus) return;
  try {
    const campus = await call(`v1/campuses/${encodeURIComponent(context.campus)}`);
    state.campus = campus;
    state.members = new Set(campus.members.map((member) => member.uai));
    $("campus-name").textContent = campus.name;
    $("campus-banner").hidden = false;
    $("campus-only-field").hidden = false;
  } catch {
    context.campus = null;
    showMessage("warning", "Ce campus est inconnu : le widget te propose toutes les formations.");
  }
}

// -- the search -----------------------------------------------------------------------------

function buildProfile() {
  const level = $("level").value;
  const typed = $("interest-input").value.trim();
  const categories = [...form.querySelectorAll("input[name=category]:checked")].map((box) => box.value);
  const interests = [...new Set([...state.interests.map((item) => item.value), ...categories, ...(typed ? [typed] : [])])];
  const placeText = $("place-input").value.trim();
  const distance = $("distance").value;
  const profile = {
    level,
    interests,
    voies: [...form.querySelectorAll("input[name=voie]:checked")].map((box) => box.value),
    boarding: $("boarding").checked,
    audience: $("adult").checked ? "adulte" : PUPIL_LEVELS.has(level) ? "eleve" : "etudiant",
  };
  // A picked commune is sent as "Rouen (76)", not as its INSEE code: the API reads five
  // digits as a postcode first, and 76540, Rouen's INSEE code, is other communes' postcode.
  const place = state.place ? state.place.label : placeText;
  if (place) profile.place = place;
  if (distance === "departement" || distance === "region") profile.area = distance;
  else profile.radius_km = Number(distance);
  if (state.campus) {
    profile.campus = state.campus.campus_id;
    profile.campus_only = $("campus-only").checked;
  }
  return profile;
}

function setBusy(busy) {
  const button = $("submit");
  button.disabled = busy;
  button.textContent = busy ? "Recherche en cours…" : "Voir mes pistes";
  if (busy) announce("Recherche en cours…");
}

async function runSearch(profile) {
  clearMessages();
  setBusy(true);
  try {
    const response = await call("v1/recommendations", {
      body: { ...profile, k: FORMATIONS_ASKED, offers_k: OFFERS_ASKED },
    });
    state.profile = profile;
    showResults(response);
  } catch (error) {
    searchFailed(error);
  } finally {
    setBusy(false);
  }
}

function searchFailed(error) {
  const body = error instanceof ApiError ? error.body : null;
  if (body && Array.isArray(body.choices)) {
    // Several communes have this name: one button per commune.
    showMessage(
      "warning",
      errorText(error),
      h("p", {}, "Choisis ta commune :"),
      placeChoices(body.choices, (choice) => {
        pickPlace(choice.insee, `${choice.name} (${choice.departement})`);
        runSearch(buildProfile());
      }),
    );
    $("messages").querySelector("button")?.focus();
    return;
  }
  const field = body?.field ?? body?.errors?.[0]?.field;
  if (field === "place") {
    setFieldError("place", errorText(error));
  } else if (field === "level") {
    setFieldError("level", errorText(error));
  }
  showMessage("error", errorText(error));
}

// -- results --------------------------------------------------------------------------------

function isMember(suggestion) {
  return state.campus !== null && state.members.has(suggestion.formation.uai);
}

function understoodText(understood) {
  const parts = [understood.level];
  const jobs = understood.jobs.slice(0, 3).map((job) => job.label);
  if (jobs.length) parts.push(`métiers : ${jobs.join(", ")}`);
  if (understood.place) {
    const area = $("distance").value;
    parts.push(
      area === "departement" || area === "region"
        ? `autour de ${understood.place.label}`
        : `autour de ${understood.place.label}, jusqu'à ${Math.round(understood.radius_km)} km`,
    );
  }
  return `Nous avons compris : ${parts.join(" · ")}.`;
}

function fillSelect(select, allLabel, values, labelOf) {
  fill(
    select,
    h("option", { value: "" }, allLabel),
    values.map((value) => h("option", { value }, labelOf(value))),
  );
}

function showResults(response) {
  const formations = response.formations;
  // In campus mode the campus's members come first, in the engine's order.
  state.ordered = state.campus
    ? [...formations.filter(isMember), ...formations.filter((s) => !isMember(s))]
    : formations;
  $("understood").textContent = understoodText(response.understood);
  fill(
    $("notices"),
    response.notices.map((notice) => alertBox("info", notice.message)),
    response.understood.unresolved.length
      ? alertBox(
          "info",
          `Nous n'avons pas reconnu : ${response.understood.unresolved.join(", ")}. ` +
            "Essaie un autre mot ou un métier de la liste.",
        )
      : null,
  );
  const voies = [...new Set(formations.map((s) => s.formation.voie))];
  const levels = [...new Set(formations.map((s) => s.formation.level).filter((l) => l != null))].sort();
  fillSelect($("filter-voie"), "Toutes", voies, (voie) => VOIE_BADGES[voie] ?? voie);
  fillSelect($("filter-level"), "Tous les niveaux", levels.map(String), (level) => levelLabel(level));
  $("filter-distance").value = "";
  $("filters").hidden = formations.length === 0;
  renderCards();
  for (const suggestion of formations) {
    const { formation, rank, sub_scores: scores } = suggestion;
    track("shown", "formation", formation.formation_id, rank, scores);
  }
  for (const suggestion of response.offers) {
    const { offer, rank, sub_scores: scores } = suggestion;
    track("shown", "offer", offer.offer_id, rank, scores);
  }
  $("offers-section").hidden = response.offers.length === 0;
  fill($("offers"), response.offers.map((suggestion, index) => offerCard(suggestion, index)));
  fill($("whynot-choices"));
  form.hidden = true;
  panel.hidden = true;
  results.hidden = false;
  $("results-title").focus();
  const offers = response.offers.length ? ` et ${plural(response.offers.length, "offre")}` : "";
  announce(
    formations.length
      ? `${plural(formations.length, "formation trouvée", "formations trouvées")}${offers}.`
      : "Aucune formation trouvée.",
  );
}

function filtered() {
  const voie = $("filter-voie").value;
  const level = $("filter-level").value;
  const maxKm = Number($("filter-distance").value) || null;
  return state.ordered.filter(
    (s) =>
      (!voie || s.formation.voie === voie) &&
      (!level || String(s.formation.level) === level) &&
      (maxKm === null || (s.distance_km ?? Number.POSITIVE_INFINITY) <= maxKm),
  );
}

function renderCards() {
  const shown = filtered();
  const total = state.ordered.length;
  $("shown-count").textContent =
    total === 0
      ? "Aucune formation ne correspond. Essaie d'aller plus loin, ou de cocher d'autres façons d'apprendre."
      : shown.length === total
        ? plural(total, "formation")
        : `${shown.length} formation${shown.length > 1 ? "s" : ""} sur ${total}`;
  fill(
    $("cards"),
    shown.map((suggestion) =>
      formationCard(suggestion, {
        index: state.ordered.indexOf(suggestion),
        isMember: isMember(suggestion),
        onDetail: (chosen, button) => openDetail(chosen.formation.formation_id, button),
        onWhyNot: openWhyNot,
      }),
    ),
  );
  return shown.length;
}

function onFilter() {
  const count = renderCards();
  announce(`${plural(count, "formation affichée", "formations affichées")}.`);
}

// -- detail and "pourquoi pas ?" ---------------------------------------------------------

function openPanel(title, opener) {
  if (opener && results.contains(opener)) state.opener = opener.id;
  $("panel-title").textContent = title;
  fill($("panel-body"), h("p", { class: "widget-loading" }, "Chargement…"));
  results.hidden = true;
  panel.hidden = false;
  $("panel-title").focus();
}

function closePanel() {
  panel.hidden = true;
  results.hidden = false;
  const opener = state.opener ? $(state.opener) : null;
  (opener ?? $("results-title")).focus();
}

async function openDetail(formationId, opener) {
  const suggestion = state.ordered.find((s) => s.formation.formation_id === formationId) ?? null;
  const label = suggestion?.formation.certification?.label ?? "Détail de la formation";
  openPanel(label, opener);
  try {
    const detail = await call(`v1/formations/${encodeURIComponent(formationId)}`);
    track("opened", "formation", formationId, suggestion?.rank ?? null);
    $("panel-title").textContent = detail.certification.label ?? detail.label;
    fill(
      $("panel-body"),
      detailView(detail, suggestion, { campusId: state.campus?.campus_id, onWhyNot: openWhyNot }),
    );
  } catch (error) {
    fill($("panel-body"), alertBox("error", errorText(error)));
  }
}

async function openWhyNot(formationId, title, opener) {
  openPanel(`Pourquoi pas « ${title} » ?`, opener);
  try {
    const answer = await call("v1/recommendations/why-not", {
      body: { ...state.profile, formation_id: formationId },
    });
    fill($("panel-body"), whyNotView(answer, { onDetail: openDetail }));
    announce(
      answer.excluded
        ? "Cette formation ne t'est pas accessible pour l'instant."
        : `Elle arrive en position ${answer.rank}.`,
    );
  } catch (error) {
    fill($("panel-body"), alertBox("error", errorText(error)));
  }
}

async function searchNamedFormation(event) {
  event.preventDefault();
  const text = $("whynot-input").value.trim();
  const list = $("whynot-choices");
  if (!text) {
    $("whynot-input").focus();
    return;
  }
  const params = new URLSearchParams({ q: text, limit: "8" });
  const origin = state.profile?.place;
  if (origin) {
    params.set("near", origin);
    params.set("radius_km", "100");
  }
  try {
    const page = await call(`v1/formations?${params}`);
    if (page.items.length === 0) {
      fill(list, h("li", {}, "Aucune formation de ce nom à moins de 100 km. Essaie un autre mot."));
      return;
    }
    fill(
      list,
      page.items.map((formation, index) => {
        const title = formation.certification?.label ?? formation.label;
        const distance = kilometres(formation.distance_km);
        return h(
          "li",
          { class: "widget-choice" },
          h("span", {}, h("strong", {}, title), ` — ${formation.establishment?.name ?? ""}, ${formation.commune_name ?? ""}`, distance ? ` (${distance})` : ""),
          h(
            "button",
            {
              type: "button",
              class: "fr-btn fr-btn--sm fr-btn--tertiary",
              id: `named-whynot-${index}`,
              onclick: (click) => openWhyNot(formation.formation_id, title, click.currentTarget),
            },
            "Pourquoi pas ?",
            h("span", { class: "fr-sr-only" }, ` : ${title}, ${formation.commune_name ?? ""}`),
          ),
        );
      }),
    );
  } catch (error) {
    fill(list, h("li", {}, errorText(error)));
  }
}

// -- height of the iframe -----------------------------------------------------------------

function reportHeight() {
  if (window.parent === window) return;
  const height = Math.ceil($("widget").getBoundingClientRect().height);
  window.parent.postMessage({ type: "orientation-widget:height", height }, "*");
}

// -- wiring ---------------------------------------------------------------------------------

function start() {
  new Combobox({
    input: $("interest-input"),
    listbox: $("interest-listbox"),
    status: $("interest-status"),
    search: searchInterests,
    onSelect: (item) => {
      $("interest-input").value = "";
      addInterest(item);
    },
    onEnter: (text) => {
      if (!text) return false;
      $("interest-input").value = "";
      addInterest({ kind: "text", value: text, label: text });
      return true;
    },
  });
  new Combobox({
    input: $("place-input"),
    listbox: $("place-listbox"),
    status: $("place-status"),
    search: searchPlaces,
    onSelect: (item) => pickPlace(item.value, item.label),
  });
  $("place-input").addEventListener("input", () => {
    if (state.place && $("place-input").value !== state.place.label) state.place = null;
  });
  $("level").addEventListener("change", clearFieldErrors);
  const adultPath = startAdultPath({ announce, showMessage, clearMessages, errorText, searchPlaces });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors();
    if (adultPath.isChosen()) {
      adultPath.submit();
      return;
    }
    if (!$("level").value) {
      setFieldError("level", "Choisis ta classe ou ton dernier diplôme.");
      return;
    }
    runSearch(buildProfile());
  });
  for (const id of ["filter-voie", "filter-level", "filter-distance"]) {
    $(id).addEventListener("change", onFilter);
  }
  $("edit-profile").addEventListener("click", () => {
    results.hidden = true;
    form.hidden = false;
    $("level").focus();
  });
  $("panel-back").addEventListener("click", closePanel);
  $("whynot-form").addEventListener("submit", searchNamedFormation);
  new ResizeObserver(reportHeight).observe($("widget"));
  loadCategories();
  loadCampus();
}

start();
