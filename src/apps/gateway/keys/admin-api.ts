/**
 * The admin API: keys and teams over HTTP, for the master key only. A framework-agnostic
 * handler (the gateway mounts it at `/admin/`; anything that can hand over a method, path,
 * headers and body can too). Errors are OpenAI-style JSON naming the problem; a secret appears
 * only in the answer to create and rotate, never in an error.
 *
 * Routes:
 * - `POST /admin/keys` create; `GET /admin/keys[?include_revoked=true]` list
 * - `GET /admin/keys/{id or name}` show; `PATCH /admin/keys/{id or name}` update limits
 * - `POST /admin/keys/{id or name}/revoke`; `POST /admin/keys/{id or name}/rotate` with
 *   `{ "grace": "1h" }` (or `"grace_ms"`; default 0: the old secret stops at once)
 * - `GET /admin/teams`; `GET /admin/teams/{name}`; `PUT /admin/teams/{name}` with `{ "budget" }`
 */
import { invalidInput, TokenwiseError } from "../../../core/errors/index.js";
import { keyNotFoundError, teamNotFoundError } from "./key-errors.js";
import { budgetFromJson, keyChangesFromJson, keyToJson, teamToJson } from "./key-json.js";
import { parseDuration } from "./parse-duration.js";
import { describeKeyInput, secretsEqual } from "./secret.js";
import type { CreateKeyInput, IssuedKey, KeyRegistry } from "./types.js";

export interface AdminRequest {
  method: string;
  /** The request path, with or without its query ("/admin/keys?include_revoked=true"). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body: raw text or bytes of JSON, or JSON already parsed; empty for none. */
  body?: unknown;
}

export interface AdminResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON-ready value (no bigints: money is a decimal string of dollars). */
  body: unknown;
}

export type AdminApi = (request: AdminRequest) => Promise<AdminResponse>;

export interface AdminApiOptions {
  registry: KeyRegistry;
  /** The secret that unlocks the admin API, sent as `Authorization: Bearer <master key>`. */
  masterKey: string;
}

/** An answer that is not a 2xx, with what to tell the caller. */
class AdminFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const CREATE_FIELDS = ["name", "team", "models", "budget", "rpm", "tpm"];
const UPDATE_FIELDS = CREATE_FIELDS.filter((field) => field !== "name");
const ROUTES =
  "POST/GET /admin/keys, GET/PATCH /admin/keys/{key}, POST /admin/keys/{key}/revoke, POST /admin/keys/{key}/rotate, GET /admin/teams, GET/PUT /admin/teams/{team}";

/**
 * @example
 * ```ts
 * const admin = createAdminApi({ registry, masterKey: process.env.TOKENWISE_MASTER_KEY });
 * const answer = await admin({
 *   method: "POST",
 *   path: "/admin/keys",
 *   headers: { authorization: `Bearer ${masterKey}` },
 *   body: JSON.stringify({ name: "ci-bot", rpm: 600 }),
 * });
 * answer.status; // 201, answer.body.secret is shown this once
 * ```
 */
export function createAdminApi(options: AdminApiOptions): AdminApi {
  const { registry, masterKey } = options;
  if (typeof masterKey !== "string" || masterKey.trim() === "") {
    // Never echo the value: it is meant to be a secret.
    throw invalidInput("masterKey", "must be a non-empty secret string (set TOKENWISE_MASTER_KEY)");
  }
  return async (request) => {
    try {
      await authorize(request, masterKey, registry);
      const { status, body } = await route(request, registry);
      return { status, headers: jsonHeaders(), body };
    } catch (error) {
      const failure = toFailure(error);
      const body: Record<string, unknown> = {
        message: failure.message,
        type: failure.type,
        code: failure.code,
        param: failure.param ?? null,
      };
      return {
        status: failure.status,
        headers: { ...jsonHeaders(), ...failure.headers },
        body: { error: body },
      };
    }
  };
}

function jsonHeaders(): Record<string, string> {
  // Answers can carry a secret: no cache may keep one.
  return { "content-type": "application/json", "cache-control": "no-store" };
}

async function authorize(request: AdminRequest, masterKey: string, registry: KeyRegistry) {
  const header = headerOf(request.headers, "authorization");
  if (header === undefined || header.trim() === "") {
    throw new AdminFailure(
      401,
      "authentication_error",
      "missing_api_key",
      "Missing master key: send Authorization: Bearer <master key>.",
      undefined,
      { "www-authenticate": 'Bearer realm="tokenwise admin"' },
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) {
    throw new AdminFailure(
      401,
      "authentication_error",
      "invalid_api_key",
      'The Authorization header must be "Bearer <master key>".',
      undefined,
      { "www-authenticate": 'Bearer realm="tokenwise admin"' },
    );
  }
  const presented = match[1] ?? "";
  if (secretsEqual(presented, masterKey)) return;
  if ((await registry.authenticate(presented)) !== undefined) {
    throw new AdminFailure(
      403,
      "permission_error",
      "permission_denied",
      "This is a virtual key; the admin API needs the master key.",
    );
  }
  throw new AdminFailure(
    401,
    "authentication_error",
    "invalid_api_key",
    "Invalid master key.",
    undefined,
    { "www-authenticate": 'Bearer realm="tokenwise admin"' },
  );
}

async function route(
  request: AdminRequest,
  registry: KeyRegistry,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(request.path, "http://admin.invalid");
  const segments = url.pathname
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => decodeURIComponent(segment));
  const method = request.method.toUpperCase();
  const [root, collection, name, action, ...rest] = segments;
  const allow = (methods: string[]) => {
    if (methods.includes(method)) return;
    throw new AdminFailure(
      405,
      "invalid_request_error",
      "method_not_allowed",
      `${url.pathname} accepts ${methods.join(", ")}, not ${method}.`,
      undefined,
      { allow: methods.join(", ") },
    );
  };
  if (root === "admin" && collection === "keys" && rest.length === 0) {
    if (name === undefined) {
      allow(["GET", "POST"]);
      if (method === "GET") {
        const includeRevoked = url.searchParams.get("include_revoked") === "true";
        const keys = await registry.list({ includeRevoked });
        return { status: 200, body: { object: "list", data: keys.map(keyToJson) } };
      }
      const { name: keyName, ...limits } = objectBody(request.body, CREATE_FIELDS);
      // The registry checks every field (a null limit too) and names the one at fault.
      const input = { ...keyChangesFromJson(limits), name: keyName } as CreateKeyInput;
      return { status: 201, body: issued(await registry.create(input)) };
    }
    if (action === undefined) {
      allow(["GET", "PATCH"]);
      if (method === "GET") {
        const key = await registry.get(name);
        if (key === undefined) {
          const live = await registry.list();
          throw keyNotFoundError(
            name,
            live.map((candidate) => candidate.name),
          );
        }
        return { status: 200, body: keyToJson(key) };
      }
      const changes = keyChangesFromJson(objectBody(request.body, UPDATE_FIELDS));
      return { status: 200, body: keyToJson(await registry.update(name, changes)) };
    }
    if (action === "revoke") {
      allow(["POST"]);
      const revoked = await registry.revoke(name);
      const key = await registry.get(name);
      return { status: 200, body: { revoked, key: key === undefined ? null : keyToJson(key) } };
    }
    if (action === "rotate") {
      allow(["POST"]);
      const body = objectBody(request.body, ["grace", "grace_ms"], { optional: true });
      return { status: 200, body: issued(await registry.rotate(name, { graceMs: graceOf(body) })) };
    }
  }
  if (root === "admin" && collection === "teams" && action === undefined) {
    if (name === undefined) {
      allow(["GET"]);
      return {
        status: 200,
        body: { object: "list", data: (await registry.listTeams()).map(teamToJson) },
      };
    }
    allow(["GET", "PUT"]);
    if (method === "GET") {
      const team = await registry.getTeam(name);
      if (team === undefined) {
        throw teamNotFoundError(
          name,
          (await registry.listTeams()).map((known) => known.name),
        );
      }
      return { status: 200, body: teamToJson(team) };
    }
    const body = objectBody(request.body, ["budget"], { optional: true });
    const budget =
      body.budget === undefined || body.budget === null ? undefined : budgetFromJson(body.budget);
    const team = await registry.setTeam(budget === undefined ? { name } : { name, budget });
    return { status: 200, body: teamToJson(team) };
  }
  throw new AdminFailure(
    404,
    "invalid_request_error",
    "unknown_route",
    `No admin route ${method} ${url.pathname}. Routes: ${ROUTES}.`,
  );
}

function issued({ key, secret }: IssuedKey) {
  return {
    ...keyToJson(key),
    secret,
    secret_note: "Store this secret now: it cannot be shown again.",
  };
}

function graceOf(body: Record<string, unknown>): number {
  if (body.grace !== undefined && body.grace_ms !== undefined) {
    throw invalidInput(
      "grace",
      'and grace_ms cannot both be given; send one, such as "grace": "1h"',
    );
  }
  if (body.grace !== undefined) return parseDuration(body.grace, "grace");
  const graceMs = body.grace_ms ?? 0;
  if (typeof graceMs !== "number" || !Number.isSafeInteger(graceMs) || graceMs < 0) {
    throw invalidInput(
      "grace_ms",
      `must be a whole number of milliseconds of 0 or more, got ${describeKeyInput(graceMs)}`,
    );
  }
  return graceMs;
}

function objectBody(
  raw: unknown,
  fields: readonly string[],
  options: { optional?: boolean } = {},
): Record<string, unknown> {
  let body = raw;
  if (typeof raw === "string" || raw instanceof Uint8Array) {
    const text = typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8");
    if (text.trim() === "") body = undefined;
    else {
      try {
        body = JSON.parse(text);
      } catch {
        throw invalidInput("body", 'must be JSON, such as {"name": "ci-bot"}');
      }
    }
  }
  if (body === undefined || body === null) {
    if (options.optional) return {};
    throw invalidInput("body", `must be a JSON object with ${fields.join(", ")}`);
  }
  if (typeof body !== "object" || Array.isArray(body)) {
    throw invalidInput("body", `must be a JSON object, got ${describeKeyInput(body)}`);
  }
  for (const field of Object.keys(body)) {
    if (!fields.includes(field)) {
      throw invalidInput(field, `is not a field here; the fields are ${fields.join(", ")}`);
    }
  }
  return body as Record<string, unknown>;
}

function headerOf(headers: AdminRequest["headers"], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function toFailure(error: unknown): AdminFailure {
  if (error instanceof AdminFailure) return error;
  if (TokenwiseError.isInstance(error)) {
    const field = typeof error.details.field === "string" ? error.details.field : undefined;
    if (error.code === "invalid_input") {
      return new AdminFailure(400, "invalid_request_error", "invalid_input", error.message, field);
    }
    if (error.code === "not_found") {
      return new AdminFailure(404, "invalid_request_error", "not_found", error.message);
    }
  }
  return new AdminFailure(
    500,
    "api_error",
    "internal_error",
    "The admin API failed to handle this request.",
  );
}
