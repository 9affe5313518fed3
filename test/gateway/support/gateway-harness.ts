/**
 * A real gateway for tests: the mock upstream on port 0 (OpenAI and Anthropic formats), a
 * SQLite ledger and cache in a temporary directory, the keys module's registry, and the
 * gateway listening on port 0.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteLedger, type Ledger } from "../../../src/adapters/ledger/index.js";
import {
  type MockUpstream,
  type MockUpstreamOptions,
  startMockUpstream,
} from "../../../src/adapters/mock-upstream/index.js";
import { createSqliteStore } from "../../../src/adapters/stores/index.js";
import { parseGatewayConfig } from "../../../src/apps/gateway/gateway-config.js";
import { createJsonLogger } from "../../../src/apps/gateway/gateway-logger.js";
import {
  budgetScopes,
  createAdminApi,
  createSqliteKeyRegistry,
  createSqliteRateLimiter,
} from "../../../src/apps/gateway/keys/index.js";
import type { CreateKeyInput, KeyRegistry } from "../../../src/apps/gateway/keys/types.js";
import { type StartedGateway, startGateway } from "../../../src/apps/gateway/start-gateway.js";
import { createDashboardHandler } from "../../../src/faces/dashboard/index.js";

export const UPSTREAM_KEYS = {
  openai: "sk-upstream-openai-secret-0123456789",
  anthropic: "sk-ant-upstream-secret-0123456789",
};

export const MASTER_KEY = "tw-master-test-secret-0123456789";

export interface Harness {
  mock: MockUpstream;
  gateway: StartedGateway;
  registry: KeyRegistry;
  ledger: Ledger;
  logs: string[];
  /** A new virtual key's secret. */
  key(input?: Partial<CreateKeyInput>): Promise<{ id: string; secret: string }>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { mock?: MockUpstreamOptions; defaults?: Record<string, unknown>; cache?: boolean } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "tokenwise-gateway-"));
  const mock = await startMockUpstream({ apiKeys: UPSTREAM_KEYS, ...options.mock });
  const config = parseGatewayConfig({
    port: 0,
    dataDir: dir,
    upstreams: {
      openai: { kind: "openai", baseUrl: `${mock.url}/v1`, apiKeyEnv: "TEST_OPENAI_KEY" },
      "openai-responses": {
        kind: "openai",
        api: "responses",
        baseUrl: `${mock.url}/v1`,
        apiKeyEnv: "TEST_OPENAI_KEY",
      },
      anthropic: { kind: "anthropic", baseUrl: mock.url, apiKeyEnv: "TEST_ANTHROPIC_KEY" },
    },
    models: {
      "gpt-4o-mini": { upstream: "openai", fallbacks: ["claude-haiku-4-5"] },
      "claude-haiku-4-5": { upstream: "anthropic" },
      "claude-via-openai": { upstream: "openai", model: "gpt-4o" },
      "gpt-4o-via-responses": { upstream: "openai-responses", model: "gpt-4o-mini" },
      "text-embedding-3-small": { upstream: "openai" },
    },
    defaults: { streamIdleTimeoutMs: 1_000, requestTimeoutMs: 2_000, ...options.defaults },
  });
  const registry = createSqliteKeyRegistry({ path: join(dir, "keys.db") });
  const rateLimiter = createSqliteRateLimiter({ path: join(dir, "keys.db") });
  const ledger = createSqliteLedger({ path: join(dir, "ledger.db") });
  const cacheStore =
    options.cache === false ? false : createSqliteStore({ path: join(dir, "cache.db") });
  const logs: string[] = [];
  const gateway = await startGateway({
    config,
    registry,
    rateLimiter,
    budgetScopes,
    dashboard: createDashboardHandler,
    adminApi: createAdminApi({ registry, masterKey: MASTER_KEY }),
    ledger,
    cacheStore,
    logger: createJsonLogger({
      write: (line) => logs.push(line),
      secrets: Object.values(UPSTREAM_KEYS),
    }),
    env: {
      TEST_OPENAI_KEY: UPSTREAM_KEYS.openai,
      TEST_ANTHROPIC_KEY: UPSTREAM_KEYS.anthropic,
      TOKENWISE_MASTER_KEY: MASTER_KEY,
    },
  });
  return {
    mock,
    gateway,
    registry,
    ledger,
    logs,
    async key(input = {}) {
      const issued = await registry.create({
        name: `key-${Math.random().toString(36).slice(2)}`,
        ...input,
      });
      return { id: issued.key.id, secret: issued.secret };
    },
    async close() {
      await gateway.close({ drainMs: 1_000 });
      await mock.close();
      await registry.close();
      await rateLimiter.close();
      await ledger.close();
      if (cacheStore !== false) await cacheStore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
