// Calls to the API of the same origin, with the partner and campus of the page; errors in French.

const page = new URLSearchParams(window.location.search);

/** What the embedding site said: its campus and partner ids (or null). */
export const context = {
  campus: page.get("campus") || null,
  partner: page.get("partner") || null,
};

// The widget page lives at <api>/widget/: the API is one level up.
const API_ROOT = new URL("../", window.location.href);

export class ApiError extends Error {
  constructor(message, status = 0, body = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

const NO_SERVICE = "Le service ne répond pas. Vérifie ta connexion internet et réessaie.";
const SERVER_FAULT = "Le service a rencontré un problème. Réessaie dans un instant.";

/**
 * Call the API: `call("v1/places?q=sain")`, `call("v1/recommendations", {body})`.
 * Rejects with an ApiError whose message is French (the API's own message for 4xx).
 */
export async function call(path, { body = null, signal = undefined } = {}) {
  const headers = { Accept: "application/json" };
  if (context.partner) headers["X-Orientation-Partner"] = context.partner;
  if (context.campus) headers["X-Orientation-Campus"] = context.campus;
  if (body !== null) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(new URL(path, API_ROOT), {
      method: body === null ? "GET" : "POST",
      headers,
      body: body === null ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(NO_SERVICE);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const message = response.status < 500 && data && data.message ? data.message : SERVER_FAULT;
    throw new ApiError(capitalise(message), response.status, data);
  }
  return data;
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
