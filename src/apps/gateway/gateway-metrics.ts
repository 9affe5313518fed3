/**
 * Prometheus metrics (prom-client) on a registry of the gateway's own. Label values are
 * bounded: routes and outcomes are fixed lists, models are the configured names (anything else
 * is "other"), and keys are ids of keys an administrator created, set only once a caller has
 * authenticated.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Usage } from "../../core/cost/index.js";
import { type Picodollars, toDollars } from "../../core/money/index.js";

export interface GatewayMetrics {
  readonly registry: Registry;
  request(fields: {
    route: string;
    model: string;
    status: number;
    outcome: string;
    cache: string;
    seconds: number;
  }): void;
  spend(fields: { model: string; usage: Usage; cost: Picodollars; saved: Picodollars }): void;
  budgetRemaining(keyId: string, remaining: Picodollars): void;
  openStreams(delta: number): void;
  render(): Promise<string>;
  contentType: string;
}

const TOKEN_KINDS = [
  ["input", "inputTokens"],
  ["cached_input", "cachedInputTokens"],
  ["cache_write", "cacheWriteTokens"],
  ["output", "outputTokens"],
  ["reasoning", "reasoningTokens"],
] as const;

/**
 * @example
 * ```ts
 * const metrics = createGatewayMetrics({ models: ["gpt-4o-mini"] });
 * metrics.request({ route: "chat_completions", model: "gpt-4o-mini", status: 200, outcome: "served", cache: "miss", seconds: 0.01 });
 * await metrics.render(); // "# HELP tokenwise_gateway_requests_total ..."
 * ```
 */
export function createGatewayMetrics(options: { models: readonly string[] }): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tokenwise_gateway_process_" });
  const known = new Set(options.models);
  const model = (name: string) => (known.has(name) ? name : "other");
  const requests = new Counter({
    name: "tokenwise_gateway_requests_total",
    help: "Requests answered, by route, model, status, outcome and cache status.",
    labelNames: ["route", "model", "status", "outcome", "cache"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "tokenwise_gateway_request_duration_seconds",
    help: "Time from request to the end of the response, by route.",
    labelNames: ["route"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const tokens = new Counter({
    name: "tokenwise_gateway_tokens_total",
    help: "Tokens billed by upstreams, by model and kind (cached_input, cache_write and reasoning are subsets).",
    labelNames: ["model", "kind"],
    registers: [registry],
  });
  const spend = new Counter({
    name: "tokenwise_gateway_spend_dollars_total",
    help: "Money spent upstream, in US dollars (the ledger holds the exact amounts).",
    labelNames: ["model"],
    registers: [registry],
  });
  const saved = new Counter({
    name: "tokenwise_gateway_cache_saved_dollars_total",
    help: "What cache hits would have cost upstream, in US dollars.",
    labelNames: ["model"],
    registers: [registry],
  });
  const cacheHits = new Counter({
    name: "tokenwise_gateway_cache_hits_total",
    help: "Requests answered from the response cache at $0.",
    labelNames: ["model"],
    registers: [registry],
  });
  const remaining = new Gauge({
    name: "tokenwise_gateway_budget_remaining_dollars",
    help: "Budget left for a key (the tightest of its key and team budgets), after its last request.",
    labelNames: ["key"],
    registers: [registry],
  });
  const streams = new Gauge({
    name: "tokenwise_gateway_open_streams",
    help: "Streams being relayed now.",
    registers: [registry],
  });
  return {
    registry,
    contentType: registry.contentType,
    request(fields) {
      const labels = {
        route: fields.route,
        model: model(fields.model),
        status: String(fields.status),
        outcome: fields.outcome,
        cache: fields.cache,
      };
      requests.inc(labels);
      duration.observe({ route: fields.route }, fields.seconds);
      if (fields.cache === "hit") cacheHits.inc({ model: labels.model });
    },
    spend(fields) {
      const name = model(fields.model);
      for (const [kind, field] of TOKEN_KINDS) {
        const count = fields.usage[field];
        if (count > 0) tokens.inc({ model: name, kind }, count);
      }
      if (fields.cost > 0n) spend.inc({ model: name }, toDollars(fields.cost));
      if (fields.saved > 0n) saved.inc({ model: name }, toDollars(fields.saved));
    },
    budgetRemaining(keyId, amount) {
      remaining.set({ key: keyId }, toDollars(amount));
    },
    openStreams(delta) {
      streams.inc(delta);
    },
    render: () => registry.metrics(),
  };
}
