// Copies GOV.UK Frontend's JavaScript and images into static/dist (fonts are not used: this is not a GOV.UK
// service, so it uses a system font stack and no GDS Transport).
import { cpSync, mkdirSync } from "node:fs";

const source = "node_modules/govuk-frontend/dist/govuk";
mkdirSync("static/dist/images", { recursive: true });
cpSync(`${source}/govuk-frontend.min.js`, "static/dist/govuk-frontend.min.js");
cpSync(`${source}/assets/images`, "static/dist/images", { recursive: true });
cpSync(`${source}/assets/manifest.json`, "static/dist/manifest.json");
