// What an adult sees of POST /v1/reconversion: the notices, then one card per target job
// with the skills held and missing and the three routes side by side (VAE, training,
// contract). Every text from the API goes through dom.js (textContent), never innerHTML.

import { h, icon, srOnly } from "./dom.js";
import {
  EVIDENCE_BADGES,
  JOB_SOURCES,
  OFFER_KINDS,
  ROUTE_HINTS,
  ROUTE_NAMES,
  kilometres,
  levelLabel,
  percent,
} from "./labels.js";
import { frenchDate, reasonList } from "./render.js";

const MISSING_SHOWN = 5; // missing skills listed before "voir les autres"

const EVIDENCE_COLOURS = {
  session: "fr-badge--green-emeraude",
  organisme_adultes: "fr-badge--blue-ecume",
  accessible: "fr-badge--beige-gris-galet",
  alternance: "fr-badge--purple-glycine",
};

function pill(text, extra = "") {
  return h("p", { class: `fr-badge fr-badge--sm ${extra}` }, text);
}

function alertBox(kind, ...content) {
  return h("div", { class: `fr-alert fr-alert--${kind} fr-alert--sm widget-notice` }, ...content);
}

/** "à 4,9 km", or "à moins d'1 km" for a place in the person's own commune. */
function distanceText(distanceKm) {
  if (distanceKm === null || distanceKm === undefined) return "";
  return distanceKm < 1 ? "à moins d'1 km" : `à ${kilometres(distanceKm)}`;
}

function where(...parts) {
  return parts.filter(Boolean).join(", ");
}

/**
 * The notices of the answer; an ambiguous job title comes with one button per other job it
 * may mean (`onAlternative(job, button)` runs the search again with that job's code).
 */
export function noticeList(response, onAlternative) {
  return response.notices.map((notice) => {
    if (notice.code !== "current_job_ambiguous" || response.current_job_alternatives.length === 0) {
      return alertBox("info", h("p", { "data-notice": notice.code }, notice.message));
    }
    return alertBox(
      "warning",
      h("p", { "data-notice": notice.code }, notice.message),
      h("p", { class: "widget-notice__ask" }, "Votre métier est plutôt :"),
      h(
        "ul",
        { class: "fr-btns-group fr-btns-group--sm widget-alternatives" },
        response.current_job_alternatives.map((job) =>
          h(
            "li",
            {},
            h(
              "button",
              {
                type: "button",
                class: "fr-btn fr-btn--secondary fr-btn--sm",
                "data-rome": job.code_rome,
                onclick: (event) => onAlternative(job, event.currentTarget),
              },
              `${job.label} (${job.code_rome})`,
            ),
          ),
        ),
      ),
    );
  });
}

/**
 * A list of which the first `shown` items are visible, and a button that shows the others
 * (aria-expanded, aria-controls). Returns [list, button] (no button when all are shown).
 */
function expandable(items, { id, shown, more, less, context, className = "" }) {
  const hiddenCount = items.length - shown;
  const list = h(
    "ul",
    { id, class: `widget-expandable ${className}`.trim() },
    items.map((item, index) => h("li", { hidden: index >= shown }, item)),
  );
  if (hiddenCount <= 0) return [list, null];
  const label = h("span", {}, more(hiddenCount));
  const button = h(
    "button",
    {
      type: "button",
      class: "fr-btn fr-btn--sm fr-btn--tertiary-no-outline widget-expand",
      "aria-expanded": "false",
      "aria-controls": id,
      onclick: () => {
        const open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        label.textContent = open ? less : more(hiddenCount);
        list.querySelectorAll("li").forEach((item, index) => {
          item.hidden = !open && index >= shown;
        });
      },
    },
    label,
    srOnly(context),
  );
  return [list, button];
}

function subtitle(text) {
  return h("h6", { class: "widget-route__subtitle" }, text);
}

function sessionLine(session) {
  const dates = session.end_date
    ? `du ${frenchDate(session.start_date)} au ${frenchDate(session.end_date)}`
    : `à partir du ${frenchDate(session.start_date)}`;
  const status = session.status_label ? `${session.status_label} : ` : "";
  const more = [session.schedule, session.duration_text, session.teaching_mode]
    .filter(Boolean)
    .join(", ");
  return h(
    "li",
    { class: "widget-session" },
    icon("calendar-line"),
    `Session ${status}${dates}`,
    more ? ` (${more})` : "",
  );
}

function placeItem(place) {
  const evidence = EVIDENCE_BADGES[place.evidence] ?? place.evidence;
  return h(
    "li",
    { class: "widget-place", "data-evidence": place.evidence },
    h(
      "p",
      { class: "widget-place__name" },
      icon("building-line"),
      h("strong", {}, place.establishment),
    ),
    h(
      "p",
      { class: "fr-text--sm widget-place__where" },
      icon("map-pin-2-line"),
      where(place.commune, distanceText(place.distance_km)),
    ),
    pill(evidence, `fr-badge--no-icon ${EVIDENCE_COLOURS[place.evidence] ?? ""}`),
    h("p", { class: "fr-text--xs widget-place__evidence" }, place.evidence_text),
    place.sessions.length
      ? h("ul", { class: "widget-sessions fr-text--sm" }, place.sessions.map(sessionLine))
      : null,
    place.notes.map((note) => h("p", { class: "fr-text--xs widget-place__note" }, note)),
  );
}

function offerItem(offer) {
  return h(
    "li",
    { class: "widget-offer", "data-offer-kind": offer.kind },
    pill(OFFER_KINDS[offer.kind] ?? offer.kind, "fr-badge--no-icon fr-badge--green-emeraude"),
    h("p", { class: "widget-offer__title" }, h("strong", {}, offer.title)),
    h(
      "p",
      { class: "fr-text--sm" },
      icon("briefcase-line"),
      where(offer.employer_name, offer.commune, distanceText(offer.distance_km)),
    ),
    offer.start_date
      ? h(
          "p",
          { class: "fr-text--sm" },
          icon("calendar-line"),
          `À partir du ${frenchDate(offer.start_date)}`,
        )
      : null,
    offer.synthetic
      ? h("p", { class: "fr-text--xs widget-fictive" }, "Offre fictive de démonstration")
      : null,
  );
}

function alternativeItem(alternative) {
  const evidence = EVIDENCE_BADGES[alternative.evidence] ?? alternative.evidence;
  const distance = distanceText(alternative.distance_km);
  return h(
    "li",
    { class: "widget-alternative" },
    h("strong", {}, alternative.label),
    alternative.level ? ` (${levelLabel(alternative.level)})` : "",
    h(
      "span",
      { class: "fr-text--sm widget-alternative__where" },
      ` — ${where(alternative.establishment, alternative.commune, distance)}`,
      ` · ${evidence}`,
    ),
  );
}

function certificationLine(certification) {
  if (!certification) return null;
  const facts = [
    certification.level ? levelLabel(certification.level) : null,
    certification.rncp ? `fiche ${certification.rncp}` : null,
  ].filter(Boolean);
  if (facts.length === 0) return null;
  return h("p", { class: "fr-text--xs widget-route__cert" }, facts.join(" · "));
}

function routeItem(route, target, targetIndex) {
  const id = `target-${targetIndex}-${route.kind}`;
  const name = ROUTE_NAMES[route.kind] ?? route.kind;
  const context = ` : ${name}, ${target.job.label}`;
  const [blocs, blocsButton] = expandable(route.blocs, {
    id: `${id}-blocs`,
    shown: 0,
    more: (count) => `Voir les ${count} blocs de compétences`,
    less: "Masquer les blocs de compétences",
    context,
    className: "fr-text--sm",
  });
  return h(
    "li",
    {
      class: `widget-route widget-route--${route.available ? "open" : "closed"}`,
      "data-kind": route.kind,
      "data-available": String(route.available),
    },
    h(
      "div",
      {},
      h("h5", { class: "widget-route__name", id: `${id}-name` }, name),
      h("p", { class: "fr-text--xs widget-route__hint" }, ROUTE_HINTS[route.kind] ?? ""),
      route.available
        ? pill("Possible", "fr-badge--success")
        : pill("Non disponible", "fr-badge--no-icon"),
      route.available ? h("p", { class: "widget-route__title" }, route.title) : null,
      certificationLine(route.certification),
      h("p", { class: "fr-text--sm widget-route__summary" }, route.summary),
      route.details.length
        ? h(
            "ul",
            { class: "fr-text--sm widget-route__details" },
            route.details.map((detail) => h("li", {}, detail)),
          )
        : null,
      route.places.length
        ? [
            subtitle(
              route.kind === "contrat" ? "Des centres de formation près de chez vous" : "Où ?",
            ),
            h("ul", { class: "widget-places" }, route.places.map(placeItem)),
          ]
        : null,
      route.offers.length
        ? [
            subtitle("Des offres près de chez vous"),
            h("ul", { class: "widget-offers-list" }, route.offers.map(offerItem)),
          ]
        : null,
      route.alternatives.length
        ? [
            subtitle("Autres diplômes de ce métier près de chez vous"),
            h("ul", { class: "widget-alternatives-list" }, route.alternatives.map(alternativeItem)),
          ]
        : null,
      route.blocs.length
        ? [subtitle(`Blocs de compétences (${route.blocs.length})`), blocs, blocsButton]
        : null,
    ),
  );
}

function skillsSummary(skills) {
  if (!skills.total) {
    return h(
      "p",
      { class: "fr-text--sm" },
      "Le ROME ne détaille pas les compétences de ce métier.",
    );
  }
  const shareOf = Math.round(skills.share * 100);
  return [
    h("progress", {
      class: "widget-skills__bar",
      max: "100",
      value: String(shareOf),
      "aria-hidden": "true",
    }),
    h(
      "p",
      { class: "fr-text--sm widget-skills__count" },
      `Vous avez déjà ${skills.held_count} des ${skills.total} compétences de ce métier.`,
    ),
  ];
}

/** One target job: skills held and missing, then its three routes side by side. */
export function targetCard(target, index) {
  const titleId = `target-${index}-title`;
  const skills = target.skills;
  const [missing, missingButton] = expandable(skills.missing, {
    id: `target-${index}-missing`,
    shown: MISSING_SHOWN,
    more: (count) => `Voir les ${count} autres compétences`,
    less: "Voir moins de compétences",
    context: ` : ${target.job.label}`,
    className: "fr-text--sm widget-missing",
  });
  return h(
    "li",
    { class: "widget-targets__item" },
    h(
      "article",
      { class: "widget-target", "aria-labelledby": titleId, "data-rome": target.job.code_rome },
      h("h3", { class: "fr-h5 widget-target__title", id: titleId }, target.job.label),
      h(
        "ul",
        { class: "fr-badges-group" },
        h(
          "li",
          {},
          pill(
            `${percent(skills.share)} des compétences déjà acquises`,
            "fr-badge--no-icon fr-badge--blue-ecume widget-skills__share",
          ),
        ),
        target.sources
          .filter((source) => JOB_SOURCES[source])
          .map((source) => h("li", {}, pill(JOB_SOURCES[source], "fr-badge--no-icon"))),
      ),
      skillsSummary(skills),
      reasonList(target.reasons),
      skills.missing.length
        ? h(
            "div",
            { class: "widget-target__section" },
            h(
              "h4",
              { class: "fr-h6 widget-target__subtitle", id: `target-${index}-missing-title` },
              `Ce qu'il vous reste à apprendre (${skills.missing.length})`,
              srOnly(` : ${target.job.label}`),
            ),
            missing,
            missingButton,
          )
        : null,
      h(
        "div",
        { class: "widget-target__section" },
        h(
          "h4",
          { class: "fr-h6 widget-target__subtitle", id: `target-${index}-routes-title` },
          "Comment y aller ?",
          srOnly(` (${target.job.label})`),
        ),
        h(
          "ul",
          { class: "widget-routes" },
          target.routes.map((route) => routeItem(route, target, index)),
        ),
      ),
    ),
  );
}
