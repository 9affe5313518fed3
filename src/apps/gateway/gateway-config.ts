/**
 * The gateway's configuration: upstream providers (base URL and the NAME of the environment
 * variable holding the key, never the key), the models each serves with their fallbacks, and
 * defaults. {@link parseGatewayConfig} checks a parsed JSON/YAML document and names the field
 * and the fix for every problem it finds.
 */

import type { ModelInfo } from "../../core/catalog/index.js";
import { type Catalog, defaultCatalog } from "../../core/catalog/index.js";
import { TokenwiseError } from "../../core/errors/index.js";

export type UpstreamKind = "openai" | "anthropic" | "gemini" | "ollama";

export interface UpstreamConfig {
  kind: UpstreamKind;
  /** API root, e.g. "https://api.openai.com/v1" (default: the provider's own). */
  baseUrl?: string;
  /** Name of the environment variable holding the provider key (never the key itself). */
  apiKeyEnv?: string;
  /** For an `openai` upstream: the wire API it speaks (default "chat-completions"). */
  api?: "chat-completions" | "responses";
}

export interface ModelConfig {
  /** The upstream that serves it. */
  upstream: string;
  /** The model id sent upstream and priced with the catalog (default: the configured name). */
  model: string;
  /** Other configured model names tried in order when this one fails retryably. */
  fallbacks: string[];
  /** The model's catalog entry (prices, tokenizer, limits). */
  info: ModelInfo;
}

export interface GatewayDefaults {
  /** Output cap reserved (and sent) when a request gives no max tokens (default: the model's maximum). */
  maxOutputTokens?: number;
  /** Largest request body accepted, in bytes (default 4 MiB). */
  maxBodyBytes: number;
  /** A stream with no upstream event for this long is cut (default 60 s). */
  streamIdleTimeoutMs: number;
  /** Whole-request time limit for receiving a request's headers and body (default 30 s). */
  requestTimeoutMs: number;
  /** How long a response stays in the response cache (default one day); 0 turns the cache off. */
  cacheTtlMs: number;
  /** Cache sampled (temperature > 0) requests too (default false: deterministic ones only). */
  cacheNonDeterministic: boolean;
  /**
   * The lease of a request's budget reservation (default 60 s): a running request renews it
   * every third of this; one whose replica died frees its budget after this long.
   */
  reservationTtlMs: number;
}

/**
 * Where the shared state lives when replicas share it: Redis (reservations, counters, rate
 * limits, the response cache) and PostgreSQL (keys, teams, budgets, the spend ledger), both or
 * neither. Flags and environment variables (TOKENWISE_REDIS_URL, TOKENWISE_POSTGRES_URL) win
 * over these; without any, the gateway keeps its state in the embedded SQLite file.
 */
export interface GatewayStateConfig {
  /** A `redis://` or `rediss://` URL. */
  redis?: string;
  /** A `postgres://` or `postgresql://` URL. */
  postgres?: string;
  /** The PostgreSQL schema holding tokenwise's tables (default "tokenwise"). */
  postgresSchema?: string;
  /** Put before every Redis key the gateway writes (default "tokenwise:"). */
  redisPrefix: string;
  /**
   * What a paid request gets while Redis does not answer: false (the default) refuses it with
   * 503 and sends nothing upstream; true sends it WITHOUT budgets, rate limits or the response
   * cache (logged as an error and counted in /metrics), and charges its cost to the budgets once
   * Redis answers again.
   */
  failOpen: boolean;
  /** How long a Redis command may take before Redis counts as down (default 1000 ms). */
  redisTimeoutMs: number;
  /**
   * How long a replica reuses a key or team it looked up in PostgreSQL when no change message
   * arrives (default 1000 ms): the bound on a revocation or budget edit whose message was lost.
   */
  keyCacheTtlMs: number;
  /**
   * Spend rows that may wait for PostgreSQL (default 10,000); past that, paid requests are
   * refused with 503 until the rows are written, so none is ever dropped.
   */
  maxPendingSpendRows: number;
}

export interface GatewayConfig {
  host: string;
  port: number;
  /** Where the embedded SQLite file lives (default: TOKENWISE_DATA_DIR or .tokenwise). */
  dataDir?: string;
  /** Name of the environment variable holding the admin master key (default TOKENWISE_MASTER_KEY). */
  masterKeyEnv: string;
  upstreams: Record<string, UpstreamConfig>;
  models: Record<string, ModelConfig>;
  defaults: GatewayDefaults;
  state: GatewayStateConfig;
}

const UPSTREAM_KINDS: readonly UpstreamKind[] = ["openai", "anthropic", "gemini", "ollama"];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOP_LEVEL = [
  "host",
  "port",
  "dataDir",
  "masterKeyEnv",
  "upstreams",
  "models",
  "defaults",
  "state",
];

/** One problem found in a configuration: where, and what to do about it. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * Checks a parsed configuration document and fills in its defaults. Every problem is
 * reported at once, each naming its field and the fix, in one `invalid_input` error whose
 * `details.issues` lists them.
 *
 * @example
 * ```ts
 * const config = parseGatewayConfig({
 *   upstreams: { openai: { kind: "openai", apiKeyEnv: "OPENAI_API_KEY" } },
 *   models: { "gpt-4o-mini": { upstream: "openai" } },
 * });
 * config.port; // 4000
 * ```
 */
export function parseGatewayConfig(
  document: unknown,
  options: { catalog?: Catalog } = {},
): GatewayConfig {
  const catalog = options.catalog ?? defaultCatalog;
  const issues: ConfigIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  if (!isObject(document)) {
    throw configError([
      {
        path: "(top level)",
        message: 'must be an object such as { "upstreams": {…}, "models": {…} }',
      },
    ]);
  }
  for (const key of Object.keys(document)) {
    if (!TOP_LEVEL.includes(key)) {
      issue(key, `is not a setting; the settings are ${TOP_LEVEL.join(", ")}`);
    }
  }
  const host = optionalString(document.host, "host", issue) ?? "127.0.0.1";
  const port = wholeNumber(document.port, "port", issue, { min: 0, max: 65_535 }) ?? 4000;
  const dataDir = optionalString(document.dataDir, "dataDir", issue);
  const masterKeyEnv =
    envName(document.masterKeyEnv, "masterKeyEnv", issue) ?? "TOKENWISE_MASTER_KEY";
  const upstreams = readUpstreams(document.upstreams, issue);
  const models = readModels(document.models, upstreams, catalog, issue);
  const defaults = readDefaults(document.defaults, issue);
  const state = readState(document.state, issue);
  if (issues.length > 0) throw configError(issues);
  return {
    host,
    port,
    ...(dataDir !== undefined ? { dataDir } : {}),
    masterKeyEnv,
    upstreams,
    models,
    defaults,
    state,
  };
}

type Issue = (path: string, message: string) => void;

function readUpstreams(value: unknown, issue: Issue): Record<string, UpstreamConfig> {
  const upstreams: Record<string, UpstreamConfig> = {};
  if (!isObject(value) || Object.keys(value).length === 0) {
    issue(
      "upstreams",
      'must name at least one provider, e.g. { "openai": { "kind": "openai", "apiKeyEnv": "OPENAI_API_KEY" } }',
    );
    return upstreams;
  }
  for (const [name, entry] of Object.entries(value)) {
    const path = `upstreams.${name}`;
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
      issue(path, "must be named with letters, digits, '_', '.' or '-' only");
      continue;
    }
    if (!isObject(entry)) {
      issue(path, 'must be an object such as { "kind": "openai", "apiKeyEnv": "OPENAI_API_KEY" }');
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key === "apiKey") {
        issue(
          `${path}.apiKey`,
          'must not hold the key itself: put the key in an environment variable and name it in "apiKeyEnv"',
        );
      } else if (!["kind", "baseUrl", "apiKeyEnv", "api"].includes(key)) {
        issue(`${path}.${key}`, "is not a setting; use kind, baseUrl, apiKeyEnv, api");
      }
    }
    const kind = entry.kind;
    if (typeof kind !== "string" || !UPSTREAM_KINDS.includes(kind as UpstreamKind)) {
      issue(`${path}.kind`, `must be one of ${UPSTREAM_KINDS.join(", ")}, got ${show(kind)}`);
      continue;
    }
    const upstream: UpstreamConfig = { kind: kind as UpstreamKind };
    const baseUrl = optionalString(entry.baseUrl, `${path}.baseUrl`, issue);
    if (baseUrl !== undefined) {
      if (!/^https?:\/\/[^\s?#]+$/.test(baseUrl)) {
        issue(
          `${path}.baseUrl`,
          `must be an http(s) URL without a query, such as "https://api.openai.com/v1", got "${baseUrl}"`,
        );
      } else {
        upstream.baseUrl = baseUrl.replace(/\/+$/, "");
      }
    }
    if (entry.api !== undefined) {
      if (kind !== "openai") {
        issue(`${path}.api`, `applies to openai upstreams only; remove it from this ${kind} one`);
      } else if (entry.api !== "chat-completions" && entry.api !== "responses") {
        issue(`${path}.api`, `must be "chat-completions" or "responses", got ${show(entry.api)}`);
      } else {
        upstream.api = entry.api;
      }
    }
    const apiKeyEnv = envName(entry.apiKeyEnv, `${path}.apiKeyEnv`, issue);
    if (apiKeyEnv !== undefined) upstream.apiKeyEnv = apiKeyEnv;
    else if (kind !== "ollama" && entry.apiKeyEnv === undefined) {
      issue(
        `${path}.apiKeyEnv`,
        `is required for a ${kind} upstream: name the environment variable that holds its key, e.g. "${kind.toUpperCase()}_API_KEY"`,
      );
    }
    upstreams[name] = upstream;
  }
  return upstreams;
}

function readModels(
  value: unknown,
  upstreams: Record<string, UpstreamConfig>,
  catalog: Catalog,
  issue: Issue,
): Record<string, ModelConfig> {
  const models: Record<string, ModelConfig> = {};
  if (!isObject(value) || Object.keys(value).length === 0) {
    issue(
      "models",
      'must name at least one model, e.g. { "gpt-4o-mini": { "upstream": "openai" } }',
    );
    return models;
  }
  const pendingFallbacks: Array<{ path: string; name: string; fallbacks: unknown }> = [];
  for (const [name, entry] of Object.entries(value)) {
    const path = `models.${name}`;
    if (!isObject(entry)) {
      issue(path, 'must be an object such as { "upstream": "openai" }');
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (!["upstream", "model", "fallbacks"].includes(key)) {
        issue(`${path}.${key}`, "is not a setting; use upstream, model, fallbacks");
      }
    }
    const upstream = entry.upstream;
    if (typeof upstream !== "string" || !Object.hasOwn(upstreams, upstream)) {
      const known = Object.keys(upstreams);
      issue(
        `${path}.upstream`,
        `must name one of the configured upstreams (${known.length > 0 ? known.join(", ") : "none configured"}), got ${show(upstream)}`,
      );
      continue;
    }
    const model = optionalString(entry.model, `${path}.model`, issue) ?? name;
    let info: ModelInfo;
    try {
      info = catalog.get(model);
    } catch (error) {
      const reason = TokenwiseError.isInstance(error) ? error.message : String(error);
      issue(
        `${path}.model`,
        `is not in the model catalog, so its calls cannot be priced: ${reason}`,
      );
      continue;
    }
    models[name] = { upstream, model, fallbacks: [], info };
    pendingFallbacks.push({ path: `${path}.fallbacks`, name, fallbacks: entry.fallbacks });
  }
  for (const { path, name, fallbacks } of pendingFallbacks) {
    if (fallbacks === undefined) continue;
    if (!Array.isArray(fallbacks) || fallbacks.some((item) => typeof item !== "string")) {
      issue(path, 'must be a list of other configured model names, e.g. ["claude-haiku-4-5"]');
      continue;
    }
    const list = fallbacks as string[];
    list.forEach((fallback, index) => {
      if (fallback === name) issue(`${path}[${index}]`, "must not be the model itself");
      else if (!Object.hasOwn(models, fallback)) {
        issue(
          `${path}[${index}]`,
          `must name a configured model, got "${fallback}"; add it under "models"`,
        );
      }
    });
    (models[name] as ModelConfig).fallbacks = list;
  }
  return models;
}

function readDefaults(value: unknown, issue: Issue): GatewayDefaults {
  const defaults: GatewayDefaults = {
    maxBodyBytes: 4 * 1024 * 1024,
    streamIdleTimeoutMs: 60_000,
    requestTimeoutMs: 30_000,
    cacheTtlMs: 24 * 60 * 60 * 1000,
    cacheNonDeterministic: false,
    reservationTtlMs: 60_000,
  };
  if (value === undefined) return defaults;
  if (!isObject(value)) {
    issue("defaults", 'must be an object such as { "maxOutputTokens": 4096 }');
    return defaults;
  }
  const known = [
    "maxOutputTokens",
    "maxBodyBytes",
    "streamIdleTimeoutMs",
    "requestTimeoutMs",
    "cacheTtlMs",
    "cacheNonDeterministic",
    "reservationTtlMs",
  ];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) issue(`defaults.${key}`, `is not a setting; use ${known.join(", ")}`);
  }
  const cap = wholeNumber(value.maxOutputTokens, "defaults.maxOutputTokens", issue, { min: 1 });
  if (cap !== undefined) defaults.maxOutputTokens = cap;
  const numbers = [
    ["maxBodyBytes", 1],
    ["streamIdleTimeoutMs", 1],
    ["requestTimeoutMs", 1],
    ["cacheTtlMs", 0],
    ["reservationTtlMs", 100],
  ] as const;
  for (const [key, min] of numbers) {
    const read = wholeNumber(value[key], `defaults.${key}`, issue, { min });
    if (read !== undefined) defaults[key] = read;
  }
  if (value.cacheNonDeterministic !== undefined) {
    if (typeof value.cacheNonDeterministic !== "boolean") {
      issue(
        "defaults.cacheNonDeterministic",
        `must be true or false, got ${show(value.cacheNonDeterministic)}`,
      );
    } else {
      defaults.cacheNonDeterministic = value.cacheNonDeterministic;
    }
  }
  return defaults;
}

const STATE_SETTINGS = [
  "redis",
  "postgres",
  "postgresSchema",
  "redisPrefix",
  "failOpen",
  "redisTimeoutMs",
  "keyCacheTtlMs",
  "maxPendingSpendRows",
];

function readState(value: unknown, issue: Issue): GatewayStateConfig {
  const state: GatewayStateConfig = {
    redisPrefix: "tokenwise:",
    failOpen: false,
    redisTimeoutMs: 1000,
    keyCacheTtlMs: 1000,
    maxPendingSpendRows: 10_000,
  };
  if (value === undefined) return state;
  if (!isObject(value)) {
    issue(
      "state",
      'must be an object such as { "redis": "redis://127.0.0.1:6379", "postgres": "postgres://127.0.0.1/app" }',
    );
    return state;
  }
  for (const key of Object.keys(value)) {
    if (!STATE_SETTINGS.includes(key)) {
      issue(`state.${key}`, `is not a setting; use ${STATE_SETTINGS.join(", ")}`);
    }
  }
  const redis = stateUrl(value.redis, "state.redis", ["redis", "rediss"], issue);
  if (redis !== undefined) state.redis = redis;
  const postgres = stateUrl(value.postgres, "state.postgres", ["postgres", "postgresql"], issue);
  if (postgres !== undefined) state.postgres = postgres;
  const schema = optionalString(value.postgresSchema, "state.postgresSchema", issue);
  if (schema !== undefined) {
    if (!SQL_IDENTIFIER.test(schema)) {
      issue(
        "state.postgresSchema",
        `must be a plain SQL name (letters, digits, _; not starting with a digit), got ${show(schema)}`,
      );
    } else {
      state.postgresSchema = schema;
    }
  }
  const redisPrefix = optionalString(value.redisPrefix, "state.redisPrefix", issue);
  if (redisPrefix !== undefined) state.redisPrefix = redisPrefix;
  if (value.failOpen !== undefined) {
    if (typeof value.failOpen !== "boolean") {
      issue("state.failOpen", `must be true or false, got ${show(value.failOpen)}`);
    } else {
      state.failOpen = value.failOpen;
    }
  }
  const timeout = wholeNumber(value.redisTimeoutMs, "state.redisTimeoutMs", issue, { min: 1 });
  if (timeout !== undefined) state.redisTimeoutMs = timeout;
  const keyTtl = wholeNumber(value.keyCacheTtlMs, "state.keyCacheTtlMs", issue, { min: 0 });
  if (keyTtl !== undefined) state.keyCacheTtlMs = keyTtl;
  const pending = wholeNumber(value.maxPendingSpendRows, "state.maxPendingSpendRows", issue, {
    min: 1,
  });
  if (pending !== undefined) state.maxPendingSpendRows = pending;
  return state;
}

const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * A URL of one of `schemes`; a bad one is reported without echoing it (it may hold a password).
 */
function stateUrl(
  value: unknown,
  path: string,
  schemes: readonly string[],
  issue: Issue,
): string | undefined {
  if (value === undefined) return undefined;
  const problem = urlProblem(value, schemes);
  if (problem !== undefined) {
    issue(path, problem);
    return undefined;
  }
  return value as string;
}

/**
 * Why `value` is not a URL of one of `schemes` (never quoting it: it may hold a password), or
 * undefined when it is one.
 *
 * @example
 * ```ts
 * urlProblem("redis://127.0.0.1:6379", ["redis", "rediss"]); // undefined
 * ```
 */
export function urlProblem(value: unknown, schemes: readonly string[]): string | undefined {
  const example = `${schemes[0]}://HOST:PORT`;
  if (typeof value !== "string" || value.trim() === "") {
    return `must be a URL such as "${example}", got ${typeof value === "string" ? "an empty string" : show(value)}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `must be a URL such as "${example}" (the value given is not a URL; it is not shown, as it may hold a password)`;
  }
  const scheme = parsed.protocol.replace(/:$/, "");
  if (!schemes.includes(scheme)) {
    return `must start with ${schemes.map((name) => `"${name}://"`).join(" or ")}, got a "${scheme}:" URL`;
  }
  if (parsed.hostname === "") return `must name a host, as in "${example}"`;
  return undefined;
}

function configError(issues: ConfigIssue[]): TokenwiseError {
  const lines = issues.map((item) => `  ${item.path}: ${item.message}`);
  return new TokenwiseError(
    "invalid_input",
    `gateway config has ${issues.length} problem${issues.length === 1 ? "" : "s"}:\n${lines.join("\n")}`,
    { details: { field: issues[0]?.path ?? "config", issues } },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function optionalString(value: unknown, path: string, issue: Issue): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    issue(path, `must be a non-empty string, got ${show(value)}`);
    return undefined;
  }
  return value;
}

function envName(value: unknown, path: string, issue: Issue): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !ENV_NAME.test(value)) {
    issue(
      path,
      `must be the NAME of an environment variable such as "OPENAI_API_KEY" (letters, digits, _), not a key; got ${typeof value === "string" ? `a string of ${value.length} characters` : show(value)}`,
    );
    return undefined;
  }
  return value;
}

function wholeNumber(
  value: unknown,
  path: string,
  issue: Issue,
  range: { min: number; max?: number },
): number | undefined {
  if (value === undefined) return undefined;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (
    typeof value !== "number" ||
    !Number.isSafeInteger(value) ||
    value < range.min ||
    value > max
  ) {
    issue(
      path,
      `must be a whole number from ${range.min}${range.max !== undefined ? ` to ${range.max}` : " up"}, got ${show(value)}`,
    );
    return undefined;
  }
  return value;
}
