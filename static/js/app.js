// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "/static/dist/govuk-frontend.min.js";

initAll();

// Re-initialise GOV.UK components inside fragments that htmx swaps in.
document.body.addEventListener("htmx:afterSettle", (event) => {
  initAll({ scope: event.target });
});
