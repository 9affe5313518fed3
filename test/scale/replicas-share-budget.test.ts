/**
 * Several client replicas (separate ledgers and connection pools, as separate gateway processes
 * would have) share one PostgreSQL ledger: a team's cap holds once in total, not once per
 * replica, for real HTTP calls to the mock upstream.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Ledger } from "../../src/adapters/ledger/ledger.js";
import { createPostgresLedger } from "../../src/adapters/ledger/postgres-ledger.js";
import { type MockUpstream, startMockUpstream } from "../../src/adapters/mock-upstream/index.js";
import { createOpenAICompatibleProvider } from "../../src/adapters/providers/openai-compatible-provider.js";
import { migratePostgres } from "../../src/adapters/stores/migrations/postgres-migrator.js";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  uniquePostgresSchema,
} from "../../src/adapters/stores/test-support/postgres-for-tests.js";
import { createClient } from "../../src/apps/client/index.js";
import { TokenwiseError } from "../../src/core/errors/index.js";
import type { ChatRequest } from "../../src/core/messages/types.js";
import { usd } from "../../src/core/money/index.js";

const HELLO: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello there" }],
  max_tokens: 100,
  temperature: 0,
};
/** 9 input tokens × $0.15/M + 100 output tokens × $0.60/M on gpt-4o-mini. */
const HELLO_WORST_CASE = usd("0.00006135");
const REPLICAS = 3;
const CALLS = 30;

describeWithPostgres("replicas sharing a PostgreSQL ledger", () => {
  const pools = Array.from({ length: REPLICAS }, () => newPostgresPool(4));
  const schema = uniquePostgresSchema("replicas");
  let mock: MockUpstream;
  let ledgers: Ledger[];

  beforeAll(async () => {
    mock = await startMockUpstream();
    await migratePostgres({ pool: pools[0] as (typeof pools)[number], schema });
    ledgers = pools.map((pool) => createPostgresLedger({ pool, schema, migrate: false }));
  });

  afterAll(async () => {
    await mock.close();
    await Promise.all(ledgers.map((ledger) => ledger.close()));
    await dropPostgresSchema(pools[0] as (typeof pools)[number], schema);
    await Promise.all(pools.map((pool) => pool.end()));
  });

  it("admits exactly the calls the team's cap covers across all replicas, and charges each once", async () => {
    // Calls take long enough that every attempt happens while the admitted ones still hold.
    mock.setBehavior({ latencyMs: 1500, streamChunkDelayMs: 0, script: [] });
    const limit = HELLO_WORST_CASE * 5n;
    const clients = ledgers.map((ledger) =>
      createClient({
        providers: {
          openai: createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "sk-test" }),
        },
        ledger,
        retry: false,
        budget: { scope: "team:shared", limit },
      }),
    );
    const outcomes = await Promise.allSettled(
      Array.from({ length: CALLS }, (_, index) =>
        (clients[index % REPLICAS] as (typeof clients)[number]).chat(HELLO, {
          requestId: `replica-call-${index}`,
        }),
      ),
    );
    const admitted = outcomes.filter((outcome) => outcome.status === "fulfilled").length;
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === "rejected" ? [outcome.reason as unknown] : [],
    );
    expect(admitted).toBe(5);
    expect(refused.every((reason) => TokenwiseError.hasCode(reason, "budget_exceeded"))).toBe(true);
    const [observer] = ledgers as [Ledger];
    const records = await observer.records({ scope: "team:shared" });
    expect(records).toHaveLength(5);
    expect(new Set(records.map((record) => record.requestId)).size).toBe(5);
    const charged = records.reduce((sum, record) => sum + record.cost, 0n);
    expect(await observer.spent("team:shared")).toBe(charged);
    expect(charged).toBeLessThanOrEqual(limit);
    expect(await observer.reserved("team:shared")).toBe(0n);
  });
});
