// Copies the dashboard's page, script and styles next to the compiled handler, so the
// published package serves them from dist/faces/dashboard/static (no CDN, no source tree needed).
import { cpSync } from "node:fs";
import { fileURLToPath } from "node:url";

const from = fileURLToPath(new URL("../src/faces/dashboard/static", import.meta.url));
const to = fileURLToPath(new URL("../dist/faces/dashboard/static", import.meta.url));
cpSync(from, to, { recursive: true });
