// What happens to the suggestions (shown, opened), sent to POST /v1/feedback under a session
// id drawn at random when the page loads: never a name, never the pupil's answers. The
// events help improve the suggestions; a failure to send them never disturbs the pupil.

import { call, context } from "./api.js";

const SEND_AFTER_MS = 1000;
const MAX_EVENTS = 50; // per request, as the API accepts

const session = randomSession();
let queue = [];
let timer = null;

function randomSession() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

/** Note that `itemId` (a formation or an offer, at `rank`) was shown, opened… With the
 * item's per-criterion scores when shown (numbers about the match, never the answers):
 * they let the weights of the criteria be learned. */
export function track(action, itemKind, itemId, rank = null, subScores = null) {
  const event = { action, item_kind: itemKind, item_id: itemId, rank };
  if (subScores) event.sub_scores = subScores;
  queue.push(event);
  window.clearTimeout(timer);
  timer = window.setTimeout(flush, SEND_AFTER_MS);
}

async function flush() {
  while (queue.length) {
    const events = queue.slice(0, MAX_EVENTS);
    queue = queue.slice(MAX_EVENTS);
    const body = { session, events };
    if (context.partner) body.partner = context.partner;
    if (context.campus) body.campus = context.campus;
    try {
      await call("v1/feedback", { body });
    } catch {
      // Feedback is a help to the service, never a step for the pupil.
    }
  }
}
