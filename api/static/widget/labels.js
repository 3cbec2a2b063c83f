// French words for the codes the API returns, as a 14-year-old would say them.

export const VOIES = {
  scolaire: "Au lycée ou à l'école (voie scolaire)",
  apprentissage: "En apprentissage (avec un employeur)",
  formation_continue: "En formation continue (adultes)",
};

export const VOIE_BADGES = {
  scolaire: "Voie scolaire",
  apprentissage: "Apprentissage",
  formation_continue: "Formation continue",
};

export const LEVELS = {
  3: "CAP (niveau 3)",
  4: "Bac (niveau 4)",
  5: "Bac+2 (niveau 5)",
  6: "Bac+3 (niveau 6)",
  7: "Bac+5 (niveau 7)",
  8: "Doctorat (niveau 8)",
};

export const ESTABLISHMENT_KINDS = {
  lycee: "lycée",
  lycee_pro: "lycée professionnel",
  cfa: "centre de formation d'apprentis (CFA)",
  universite: "université",
  ecole_superieure: "école supérieure",
  organisme: "organisme de formation",
};

export const OFFER_KINDS = {
  stage: "Stage",
  apprentissage: "Apprentissage",
  professionnalisation: "Contrat de professionnalisation",
};

// The adult's path (reconversion): the three routes, and what the data proves of a place.
export const ROUTE_NAMES = {
  vae: "VAE",
  formation: "Formation continue",
  contrat: "Contrat en alternance",
};

export const ROUTE_HINTS = {
  vae: "faire valider votre expérience par un diplôme",
  formation: "vous former, en gardant ou non votre emploi",
  contrat: "vous former en étant salarié et payé",
};

export const EVIDENCE_BADGES = {
  session: "Session publiée",
  organisme_adultes: "Organisme pour adultes",
  accessible: "Seulement accessible",
  alternance: "En alternance",
};

export const JOB_SOURCES = {
  rome: "Passerelle France Travail",
  skills: "Compétences proches",
  campus: "Secteur du campus",
  named: "Le métier que vous visez",
};

// Codes of the level select that are still at school: the others may be students or adults.
export const PUPIL_LEVELS = new Set([
  "4e",
  "3e",
  "seconde_gt",
  "seconde_pro",
  "premiere_generale",
  "premiere_techno",
  "premiere_pro",
  "terminale_generale",
  "terminale_techno",
  "terminale_pro",
]);

export function levelLabel(level) {
  return LEVELS[level] ?? "niveau non précisé";
}

export function kilometres(distance) {
  if (distance === null || distance === undefined) return null;
  return distance < 10 ? `${distance.toFixed(1).replace(".", ",")} km` : `${Math.round(distance)} km`;
}

export function percent(share) {
  return `${Math.round(share * 100)} %`;
}

/** "1 formation", "12 formations". */
export function plural(count, singular, pluralForm = `${singular}s`) {
  return `${count} ${count > 1 ? pluralForm : singular}`;
}
