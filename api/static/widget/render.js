// What the pupil sees of the API's answers: result cards, the detail view, "pourquoi pas ?".

import { h, icon, srOnly } from "./dom.js";
import {
  ESTABLISHMENT_KINDS,
  OFFER_KINDS,
  VOIE_BADGES,
  kilometres,
  levelLabel,
  percent,
  plural,
} from "./labels.js";

const VOIE_COLOURS = {
  scolaire: "fr-badge--blue-cumulus",
  apprentissage: "fr-badge--green-emeraude",
  formation_continue: "fr-badge--purple-glycine",
};

/** The API's reasons, each marked as a plus or as something to know. */
export function reasonList(reasons) {
  return h(
    "ul",
    { class: "widget-reasons" },
    reasons.map((reason) =>
      h(
        "li",
        { class: reason.positive ? "widget-reason" : "widget-reason widget-reason--warn" },
        icon(reason.positive ? "checkbox-circle-line" : "error-warning-line"),
        srOnly(reason.positive ? "Atout : " : "À savoir : "),
        reason.text,
      ),
    ),
  );
}

function badge(text, extra = "") {
  return h("li", {}, h("p", { class: `fr-badge fr-badge--sm fr-badge--no-icon ${extra}` }, text));
}

function formationBadges(formation, isMember) {
  return h(
    "ul",
    { class: "fr-badges-group" },
    badge(VOIE_BADGES[formation.voie] ?? formation.voie, VOIE_COLOURS[formation.voie] ?? ""),
    badge(levelLabel(formation.level)),
    isMember ? badge("Membre du campus", "fr-badge--yellow-tournesol") : null,
  );
}

function place(formation) {
  const name = formation.establishment?.name ?? "Établissement";
  return [name, formation.commune_name].filter(Boolean).join(" — ");
}

/** One result card; `actions` are the detail and "pourquoi pas ?" handlers. */
export function formationCard(suggestion, { index, isMember, onDetail, onWhyNot }) {
  const formation = suggestion.formation;
  const title = formation.certification?.label ?? formation.label;
  const titleId = `card-${index}-title`;
  const distance = kilometres(suggestion.distance_km);
  const context = ` : ${title}, ${formation.commune_name ?? ""}`;
  return h(
    "li",
    { class: "widget-cards__item" },
    h(
      "article",
      {
        class: "fr-card fr-card--no-arrow widget-card",
        "aria-labelledby": titleId,
        "data-formation-id": formation.formation_id,
        "data-member": isMember ? "true" : "false",
      },
      h(
        "div",
        { class: "fr-card__body" },
        h(
          "div",
          { class: "fr-card__content" },
          h("div", { class: "fr-card__start" }, formationBadges(formation, isMember)),
          h("h3", { class: "fr-card__title widget-card__title", id: titleId }, title),
          h(
            "p",
            { class: "fr-card__desc widget-card__where" },
            icon("building-line"),
            " ",
            place(formation),
          ),
          distance
            ? h(
                "p",
                { class: "widget-card__distance" },
                icon("map-pin-2-line"),
                ` à ${distance}`,
              )
            : null,
          reasonList(suggestion.reasons),
        ),
        h(
          "div",
          { class: "fr-card__footer" },
          h(
            "ul",
            { class: "fr-btns-group fr-btns-group--inline-sm fr-btns-group--icon-left" },
            h(
              "li",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "fr-btn fr-btn--secondary widget-detail-button",
                  id: `detail-${index}`,
                  onclick: (event) => onDetail(suggestion, event.currentTarget),
                },
                "Voir le détail",
                srOnly(context),
              ),
            ),
            h(
              "li",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "fr-btn fr-btn--tertiary fr-icon-question-line fr-btn--icon-left",
                  id: `whynot-${index}`,
                  onclick: (event) => onWhyNot(formation.formation_id, title, event.currentTarget),
                },
                "Pourquoi pas ?",
                srOnly(context),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** One offer card (internship, apprenticeship or professionalisation contract). */
export function offerCard(suggestion, index) {
  const offer = suggestion.offer;
  const titleId = `offer-${index}-title`;
  const distance = kilometres(suggestion.distance_km);
  return h(
    "li",
    { class: "widget-cards__item" },
    h(
      "article",
      { class: "fr-card fr-card--no-arrow widget-card", "aria-labelledby": titleId },
      h(
        "div",
        { class: "fr-card__body" },
        h(
          "div",
          { class: "fr-card__content" },
          h(
            "div",
            { class: "fr-card__start" },
            h(
              "ul",
              { class: "fr-badges-group" },
              badge(OFFER_KINDS[offer.kind] ?? offer.kind, "fr-badge--green-emeraude"),
              offer.synthetic ? badge("Offre fictive (démonstration)", "fr-badge--warning") : null,
            ),
          ),
          h("h4", { class: "fr-card__title widget-card__title", id: titleId }, offer.title),
          h(
            "p",
            { class: "fr-card__desc widget-card__where" },
            icon("briefcase-line"),
            " ",
            [offer.employer_name, offer.commune_name].filter(Boolean).join(" — "),
          ),
          distance
            ? h("p", { class: "widget-card__distance" }, icon("map-pin-2-line"), ` à ${distance}`)
            : null,
          h(
            "p",
            { class: "fr-text--sm" },
            icon("calendar-line"),
            ` À partir du ${frenchDate(offer.start_date)}, ${plural(offer.duration_months, "mois", "mois")}`,
          ),
          reasonList(suggestion.reasons),
        ),
      ),
    ),
  );
}

/** "4 janvier 2027" for "2027-01-04". */
export function frenchDate(iso) {
  if (!iso) return "";
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(year, month - 1, day).toLocaleDateString("fr-FR", {
    day: "numeric",
    month: "long",
    year: "numeric",
  });
}

function section(title, ...content) {
  return h("section", { class: "widget-detail__section" }, h("h3", { class: "fr-h6" }, title), ...content);
}

function outcomesSection(outcomes) {
  const lines = [];
  if (outcomes?.employment_rate_6m != null) {
    lines.push(`${percent(outcomes.employment_rate_6m)} ont un emploi 6 mois après`);
  }
  if (outcomes?.employment_rate_12m != null) {
    lines.push(`${percent(outcomes.employment_rate_12m)} ont un emploi 12 mois après`);
  }
  if (outcomes?.continuation_rate != null) {
    lines.push(`${percent(outcomes.continuation_rate)} continuent leurs études`);
  }
  if (lines.length === 0) {
    return section(
      "Et après ?",
      h("p", {}, "Pas encore de chiffres publiés sur ce que deviennent les élèves de cette formation."),
    );
  }
  return section(
    "Et après ?",
    h("ul", {}, lines.map((line) => h("li", {}, line))),
    h("p", { class: "fr-text--xs" }, `Source : InserJeunes ${outcomes.vintage ?? ""}`.trim()),
  );
}

function placesSection(formation) {
  if (formation.capacity == null && formation.demand == null) return null;
  const parts = [];
  if (formation.capacity != null) parts.push(plural(formation.capacity, "place"));
  if (formation.demand != null) parts.push(`${plural(formation.demand, "vœu")} en premier choix`);
  return section("Combien de places ?", h("p", {}, parts.join(" pour ")));
}

function sessionsSection(sessions) {
  if (!sessions || sessions.length === 0) return null;
  return section(
    "Prochaines sessions",
    h(
      "ul",
      {},
      sessions.map((session) =>
        h(
          "li",
          {},
          `${session.status_label} : du ${frenchDate(session.start_date)}`,
          session.end_date ? ` au ${frenchDate(session.end_date)}` : "",
          ` — ${session.provider_name}`,
        ),
      ),
    ),
  );
}

// An open day's sentence as published, its link clickable where it stands (new window).
function openDayLine(openDay) {
  const url = /^https?:\/\//i.test(openDay.url ?? "") ? openDay.url : null;
  if (!url) return h("li", {}, openDay.text);
  const link = h(
    "a",
    { href: url, target: "_blank", rel: "noopener", class: "widget-open-days__link" },
    url,
    srOnly(" (nouvelle fenêtre)"),
  );
  const at = openDay.text.indexOf(url);
  if (at < 0) return h("li", {}, openDay.text, " ", link);
  return h("li", {}, openDay.text.slice(0, at), link, openDay.text.slice(at + url.length));
}

function openDaysSection(openDays) {
  if (!openDays || openDays.length === 0) return null;
  const coming = openDays.filter((openDay) => !openDay.past);
  const past = openDays.filter((openDay) => openDay.past);
  const vintage = past[0]?.vintage ?? "";
  const next =
    Number(vintage) < new Date().getFullYear()
      ? "Les dates de cette année seront publiées par l'établissement : regarde son site."
      : "Les prochaines dates seront publiées par l'établissement : regarde son site.";
  return section(
    "Journées portes ouvertes",
    coming.length ? h("ul", { class: "widget-open-days" }, coming.map(openDayLine)) : null,
    past.length ? h("p", {}, `Journées portes ouvertes ${vintage} (passées) :`) : null,
    past.length ? h("ul", { class: "widget-open-days" }, past.map(openDayLine)) : null,
    past.length && !coming.length ? h("p", {}, next) : null,
    h("p", { class: "fr-text--xs" }, "Source : ONISEP"),
  );
}

function employersSection(formation, pairedOffers) {
  if (formation.voie !== "apprentissage") return null;
  if (!pairedOffers || pairedOffers.length === 0) {
    return section(
      "Des employeurs près d'ici",
      h(
        "p",
        {},
        "Aucune offre d'apprentissage connue près de ce lieu pour l'instant. " +
          "Le centre de formation peut t'aider à trouver un employeur.",
      ),
    );
  }
  return section(
    "Des employeurs près d'ici",
    h(
      "ul",
      { class: "widget-employers" },
      pairedOffers.map((offer) =>
        h(
          "li",
          {},
          h("strong", {}, offer.employer_name),
          ` — ${offer.title}`,
          offer.place_name ? `, à ${offer.place_name}` : "",
          ` (${kilometres(offer.distance_from_formation_km)} du lieu de formation)`,
          offer.synthetic ? h("span", { class: "widget-fictive" }, " · offre fictive de démonstration") : null,
        ),
      ),
    ),
  );
}

/** The detail view of a formation (GET /v1/formations/{id}), with what the results knew. */
export function detailView(detail, suggestion, { campusId, onWhyNot }) {
  const certification = detail.certification;
  const establishment = detail.establishment;
  const kind = ESTABLISHMENT_KINDS[establishment.kind] ?? establishment.kind;
  const distance = suggestion ? kilometres(suggestion.distance_km) : null;
  const campuses = detail.campuses.map((campus) => campus.name);
  const jobs = certification.jobs.filter((job) => job.label);
  return [
    h(
      "p",
      { class: "widget-detail__type" },
      [certification.type_label, levelLabel(certification.level)].filter(Boolean).join(" · "),
    ),
    h(
      "ul",
      { class: "fr-badges-group" },
      badge(VOIE_BADGES[detail.voie] ?? detail.voie, VOIE_COLOURS[detail.voie] ?? ""),
      campusId && detail.campuses.some((campus) => campus.campus_id === campusId)
        ? badge("Membre du campus", "fr-badge--yellow-tournesol")
        : null,
    ),
    section(
      "Où ?",
      h("p", {}, icon("building-line"), " ", h("strong", {}, establishment.name ?? "Établissement"), kind ? ` (${kind})` : ""),
      h(
        "p",
        {},
        icon("map-pin-2-line"),
        " ",
        detail.commune_name ?? "Commune non précisée",
        detail.departement ? ` (${detail.departement})` : "",
        distance ? ` — à ${distance} de chez toi` : "",
      ),
      campuses.length
        ? h("p", { class: "fr-text--sm" }, `Membre du ${campuses.join(", du ")}.`)
        : null,
    ),
    jobs.length
      ? section("Pour quels métiers ?", h("ul", {}, jobs.map((job) => h("li", {}, job.label))))
      : null,
    outcomesSection(detail.outcomes),
    placesSection(detail),
    sessionsSection(detail.sessions),
    openDaysSection(detail.open_days),
    employersSection(detail, suggestion?.paired_offers),
    detail.vintage_note
      ? h(
          "div",
          { class: "fr-alert fr-alert--info fr-alert--sm widget-note" },
          h("p", {}, detail.vintage_note),
        )
      : null,
    suggestion ? section("Pourquoi cette piste ?", reasonList(suggestion.reasons)) : null,
    h(
      "p",
      {},
      h(
        "button",
        {
          type: "button",
          class: "fr-btn fr-btn--secondary fr-icon-question-line fr-btn--icon-left",
          id: "detail-whynot",
          onclick: (event) =>
            onWhyNot(detail.formation_id, certification.label ?? detail.label, event.currentTarget),
        },
        "Pourquoi pas ?",
        srOnly(` : ${certification.label ?? detail.label}`),
      ),
    ),
  ];
}

/** The answer of POST /v1/recommendations/why-not, in words. */
export function whyNotView(answer, { onDetail }) {
  const formation = answer.formation;
  const title = formation.certification?.label ?? formation.label;
  const summary = answer.excluded
    ? h(
        "div",
        { class: "fr-alert fr-alert--warning fr-alert--sm" },
        h(
          "p",
          {},
          "Cette formation ne t'est pas proposée : elle ne t'est pas accessible pour l'instant " +
            "avec les réponses que tu as données.",
        ),
      )
    : h(
        "p",
        { class: "fr-text--lead widget-whynot__rank" },
        `Elle arrive en ${answer.rank}${answer.rank === 1 ? "re" : "e"} position sur `,
        `${plural(answer.eligible_count, "formation possible", "formations possibles")} pour toi.`,
      );
  const against = answer.reasons.filter((reason) => !reason.positive);
  const pros = answer.reasons.filter((reason) => reason.positive);
  return [
    h("p", { class: "widget-detail__type" }, icon("building-line"), " ", place(formation)),
    summary,
    against.length ? section("Ce qui la fait reculer", reasonList(against)) : null,
    pros.length ? section("Ce qui joue pour elle", reasonList(pros)) : null,
    h(
      "p",
      {},
      h(
        "button",
        {
          type: "button",
          class: "fr-btn fr-btn--secondary",
          id: "whynot-detail",
          onclick: (event) => onDetail(formation.formation_id, event.currentTarget),
        },
        "Voir le détail",
        srOnly(` : ${title}`),
      ),
    ),
  ];
}

/** One button per commune when a name is ambiguous; `onPick(choice)` runs on a click. */
export function placeChoices(choices, onPick) {
  return h(
    "ul",
    { class: "fr-btns-group fr-btns-group--inline-sm widget-place-choices" },
    choices.map((choice) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "fr-btn fr-btn--secondary fr-btn--sm",
            onclick: () => onPick(choice),
          },
          `${choice.name} (${choice.departement_name})`,
        ),
      ),
    ),
  );
}
