/**
 * The spend dashboard as a mountable Node HTTP handler: the gateway mounts it at `/dashboard`,
 * and `tokenwise dashboard --ledger …` serves it alone. The page is a static shell; every
 * number comes from `GET <base>/api/data`, which needs the admin key (a wrong or missing key
 * gets 401 and no data). The page polls that endpoint, so it updates while traffic flows.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Ledger } from "../../adapters/ledger/index.js";
import type { ReportBudget, ReportPeriod } from "../../apps/report/index.js";
import { parseTimeBound } from "../../apps/report/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import { toDecimalString } from "../../core/money/index.js";
import { isAdminKey, presentedAdminKey } from "./admin-key.js";
import { createDashboardAssets } from "./dashboard-assets.js";
import { dashboardData } from "./dashboard-data.js";

export interface DashboardHandlerOptions {
  ledger: Ledger;
  /** The key the page must present (as `Authorization: Bearer …`). */
  adminKey: string;
  /** Budgets to show with their burn-down: a list, or a function (e.g. over the key registry). */
  budgets?: readonly ReportBudget[] | (() => Promise<readonly ReportBudget[]>);
  /** Show `metadata.prompt` in the latest requests (only when prompt logging is switched on). */
  showPrompts?: boolean;
  /** Where it is mounted (default "/dashboard"). */
  basePath?: string;
  /** How often the page refreshes its data, in ms (default 2000). */
  refreshMs?: number;
  /** Clock (default `Date.now`). */
  now?: () => number;
}

/** Handles a request under the base path and resolves true, or resolves false for any other path. */
export type DashboardHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<boolean>;

const PERIODS: readonly ReportPeriod[] = ["hour", "day", "week", "month"];

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * @example
 * ```ts
 * const dashboard = createDashboardHandler({ ledger, adminKey: process.env.TOKENWISE_ADMIN_KEY! });
 * createServer(async (request, response) => {
 *   if (await dashboard(request, response)) return;
 *   response.writeHead(404).end();
 * }).listen(8787);
 * ```
 */
export function createDashboardHandler(options: DashboardHandlerOptions): DashboardHandler {
  if (typeof options.adminKey !== "string" || options.adminKey.length < 8) {
    throw invalidInput("adminKey", "must be a secret of at least 8 characters");
  }
  const basePath = (options.basePath ?? "/dashboard").replace(/\/+$/, "");
  if (!basePath.startsWith("/"))
    throw invalidInput("basePath", 'must start with "/", such as "/dashboard"');
  const refreshMs = options.refreshMs ?? 2000;
  const assets = createDashboardAssets();
  const budgets = async () =>
    typeof options.budgets === "function" ? options.budgets() : (options.budgets ?? []);

  return async (request, response) => {
    const url = new URL(request.url ?? "/", "http://dashboard.invalid");
    if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return false;
    const rest = url.pathname.slice(basePath.length);
    if (request.method !== "GET" && request.method !== "HEAD") {
      sendJson(
        response,
        405,
        { error: { message: "Only GET is allowed here." } },
        { allow: "GET" },
      );
      return true;
    }
    if (rest === "") {
      response.writeHead(308, { location: `${basePath}/` });
      response.end();
      return true;
    }
    if (rest === "/api/data") {
      if (!isAdminKey(presentedAdminKey(request), options.adminKey)) {
        sendJson(
          response,
          401,
          {
            error: {
              message: "A valid admin key is required (Authorization: Bearer <admin key>).",
            },
          },
          { "www-authenticate": 'Bearer realm="tokenwise dashboard"' },
        );
        return true;
      }
      try {
        const period = url.searchParams.get("period") ?? "day";
        if (!PERIODS.includes(period as ReportPeriod)) {
          throw invalidInput("period", `must be one of ${PERIODS.join(", ")}, got "${period}"`);
        }
        const sinceText = url.searchParams.get("since");
        const data = await dashboardData({
          ledger: options.ledger,
          budgets: await budgets(),
          period: period as ReportPeriod,
          since:
            sinceText === null || sinceText === ""
              ? undefined
              : parseTimeBound(sinceText, { field: "since" }),
          showPrompts: options.showPrompts === true,
          now: options.now,
        });
        sendJson(response, 200, { ...data, refreshMs });
      } catch (error) {
        if (!TokenwiseError.hasCode(error, "invalid_input")) throw error;
        sendJson(response, 400, { error: { message: error.message } });
      }
      return true;
    }
    const name = rest === "/" ? "index.html" : rest.slice(1);
    const asset = await assets.get(name);
    if (asset === undefined) {
      sendJson(response, 404, { error: { message: `No dashboard file ${rest}` } });
      return true;
    }
    response.writeHead(200, {
      "content-type": asset.contentType,
      "content-length": String(asset.body.length),
      "cache-control": "no-cache",
      ...SECURITY_HEADERS,
    });
    response.end(request.method === "HEAD" ? undefined : asset.body);
    return true;
  };
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, (_key, value: unknown) =>
    typeof value === "bigint" ? toDecimalString(value) : value,
  );
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    ...SECURITY_HEADERS,
    ...headers,
  });
  response.end(text);
}
