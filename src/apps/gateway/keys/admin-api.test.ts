import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { usd } from "../../../core/money/index.js";
import { type AdminApi, type AdminResponse, createAdminApi } from "./admin-api.js";
import { createMemoryKeyRegistry } from "./memory-key-registry.js";
import type { KeyRegistry } from "./types.js";

const MASTER = "tw-master-0123456789abcdefghijklmnop";
let now: number;
let registry: KeyRegistry;
let admin: AdminApi;
const responses: AdminResponse[] = [];

beforeEach(() => {
  now = Date.UTC(2026, 11, 3, 12);
  registry = createMemoryKeyRegistry({ now: () => now });
  admin = createAdminApi({ registry, masterKey: MASTER });
  responses.length = 0;
});
afterEach(() => registry.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
  authorization: string | null = `Bearer ${MASTER}`,
) {
  const headers = authorization === null ? {} : { Authorization: authorization };
  const response = await admin({
    method,
    path,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  responses.push(response);
  // Answers are JSON of many shapes; the assertions say which fields they expect.
  // biome-ignore lint/suspicious/noExplicitAny: test reads arbitrary JSON fields
  return response as AdminResponse & { body: Record<string, any> };
}

describe("admin API authorization", () => {
  it("answers 401 without a master key, and 401 for a wrong or malformed one", async () => {
    const missing = await call("GET", "/admin/keys", undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.headers["www-authenticate"]).toContain("Bearer");
    expect(missing.body).toEqual({
      error: {
        message: "Missing master key: send Authorization: Bearer <master key>.",
        type: "authentication_error",
        code: "missing_api_key",
        param: null,
      },
    });
    const wrong = await call("GET", "/admin/keys", undefined, "Bearer tw-not-the-master-key");
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe("Invalid master key.");
    expect(JSON.stringify(wrong.body)).not.toContain("tw-not-the-master-key");
    const basic = await call("GET", "/admin/keys", undefined, `Basic ${MASTER}`);
    expect(basic.status).toBe(401);
    expect(basic.body.error.message).toBe(
      'The Authorization header must be "Bearer <master key>".',
    );
  });

  it("answers 403 to a virtual key, which may call models but not the admin API", async () => {
    const { secret } = await registry.create({ name: "ci-bot" });
    const answer = await call("GET", "/admin/keys", undefined, `Bearer ${secret}`);
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatchObject({
      type: "permission_error",
      code: "permission_denied",
    });
  });

  it("checks the master key before saying whether a route exists", async () => {
    expect((await call("GET", "/admin/nothing", undefined, null)).status).toBe(401);
  });

  it("refuses an empty master key without echoing it", () => {
    expect(() => createAdminApi({ registry, masterKey: "  " })).toThrowError(
      "masterKey must be a non-empty secret string (set TOKENWISE_MASTER_KEY)",
    );
  });
});

describe("admin API keys", () => {
  it("creates a key, showing its secret once, and lists and shows it without", async () => {
    await registry.setTeam({ name: "data" });
    const created = await call("POST", "/admin/keys", {
      name: "ci-bot",
      team: "data",
      budget: { limit_usd: "50", period: "month", time_zone: "Europe/Berlin" },
      models: ["gpt-4o-mini", "claude-haiku-4-5"],
      rpm: 600,
    });
    expect(created.status).toBe(201);
    expect(created.headers["cache-control"]).toBe("no-store");
    const { secret, id } = created.body;
    expect(created.body).toEqual({
      id: expect.stringMatching(/^key_/),
      name: "ci-bot",
      team: "data",
      models: ["gpt-4o-mini", "claude-haiku-4-5"],
      budget: { limit_usd: "50.00", period: "month", time_zone: "Europe/Berlin" },
      rpm: 600,
      tpm: null,
      secret_hint: `${secret.slice(0, 7)}…`,
      created_at: "2026-12-03T12:00:00.000Z",
      revoked_at: null,
      secret: expect.stringMatching(/^tw-/),
      secret_note: "Store this secret now: it cannot be shown again.",
    });
    expect((await registry.authenticate(secret))?.id).toBe(id);
    expect((await registry.get(id))?.budget?.limit).toBe(usd("50"));

    const list = await call("GET", "/admin/keys");
    expect(list.status).toBe(200);
    expect(list.body.data.map((key: { name: string }) => key.name)).toEqual(["ci-bot"]);
    const shown = await call("GET", "/admin/keys/ci-bot");
    expect(shown.body.id).toBe(id);
    expect((await call("GET", `/admin/keys/${id}`)).body.name).toBe("ci-bot");
    for (const response of [list, shown])
      expect(JSON.stringify(response.body)).not.toContain(secret);
  });

  it("answers 400 naming the JSON field for bad input", async () => {
    const zone = await call("POST", "/admin/keys", {
      name: "ci-bot",
      budget: { limit_usd: "5", period: "day", time_zone: "Europe/Berln" },
    });
    expect(zone.status).toBe(400);
    expect(zone.body.error).toMatchObject({ code: "invalid_input", param: "budget.time_zone" });
    expect(zone.body.error.message).toContain("Europe/Berlin");
    const limit = await call("POST", "/admin/keys", {
      name: "ci-bot",
      budget: { limit_usd: "fifty", period: "day" },
    });
    expect(limit.body.error.param).toBe("budget.limit_usd");
    const unknown = await call("POST", "/admin/keys", { name: "ci-bot", rpmm: 5 });
    expect(unknown.body.error).toMatchObject({
      param: "rpmm",
      message: "rpmm is not a field here; the fields are name, team, models, budget, rpm, tpm",
    });
    const rpm = await call("POST", "/admin/keys", { name: "ci-bot", rpm: "600" });
    expect(rpm.body.error.param).toBe("rpm");
    const notJson = await admin({
      method: "POST",
      path: "/admin/keys",
      headers: { authorization: `Bearer ${MASTER}` },
      body: "{name:",
    });
    expect(notJson.status).toBe(400);
    expect(await registry.list()).toEqual([]);
  });

  it("answers 404 with the closest names, and 404 or 405 for routes it does not have", async () => {
    await registry.create({ name: "ci-bot" });
    const missing = await call("GET", "/admin/keys/ci-bto");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: "invalid_request_error", code: "not_found" });
    expect(missing.body.error.message).toContain("Did you mean ci-bot?");
    const route = await call("GET", "/admin/widgets");
    expect(route.status).toBe(404);
    expect(route.body.error.message).toMatch(/^No admin route GET \/admin\/widgets\. Routes: /);
    const method = await call("DELETE", "/admin/keys/ci-bot");
    expect(method.status).toBe(405);
    expect(method.headers.allow).toBe("GET, PATCH");
  });

  it("updates limits, with null removing one", async () => {
    await registry.create({
      name: "ci-bot",
      budget: { limit: usd("5"), period: "day", timeZone: "UTC" },
    });
    const updated = await call("PATCH", "/admin/keys/ci-bot", { rpm: 1200, budget: null });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ rpm: 1200, budget: null });
    expect((await registry.get("ci-bot"))?.budget).toBeUndefined();
  });

  it("revokes at once and says so; a second revoke reports nothing to do", async () => {
    const { secret } = await registry.create({ name: "ci-bot" });
    const revoked = await call("POST", "/admin/keys/ci-bot/revoke");
    expect(revoked.body).toMatchObject({
      revoked: true,
      key: { name: "ci-bot", revoked_at: "2026-12-03T12:00:00.000Z" },
    });
    expect(await registry.authenticate(secret)).toBeUndefined();
    expect((await call("POST", "/admin/keys/ci-bot/revoke")).body.revoked).toBe(false);
    expect((await call("GET", "/admin/keys?include_revoked=true")).body.data).toHaveLength(1);
    expect((await call("GET", "/admin/keys")).body.data).toHaveLength(0);
  });

  it("rotates with a grace period: the same id, a new secret, the old one for an hour", async () => {
    const first = await registry.create({ name: "ci-bot" });
    const rotated = await call("POST", "/admin/keys/ci-bot/rotate", { grace: "1h" });
    expect(rotated.status).toBe(200);
    expect(rotated.body.id).toBe(first.key.id);
    expect(rotated.body.secret).not.toBe(first.secret);
    now += 3_599_999;
    expect(await registry.authenticate(first.secret)).toBeDefined();
    now += 1;
    expect(await registry.authenticate(first.secret)).toBeUndefined();
    const immediate = await call("POST", "/admin/keys/ci-bot/rotate");
    expect(await registry.authenticate(rotated.body.secret)).toBeUndefined();
    expect(await registry.authenticate(immediate.body.secret)).toBeDefined();
    const bad = await call("POST", "/admin/keys/ci-bot/rotate", { grace: "an hour" });
    expect(bad.body.error).toMatchObject({ param: "grace" });
    const badMs = await call("POST", "/admin/keys/ci-bot/rotate", { grace_ms: "1000" });
    expect(badMs.body.error).toMatchObject({ param: "grace_ms" });
  });

  it("never puts a secret in an error", async () => {
    const { secret } = await registry.create({ name: "ci-bot" });
    await call("POST", "/admin/keys", { name: "ci-bot" });
    await call("POST", `/admin/keys/${encodeURIComponent(secret)}/revoke`);
    await call("GET", "/admin/keys", undefined, `Bearer ${secret}x`);
    await call("PATCH", "/admin/keys/ci-bot", { secret });
    await call("POST", "/admin/keys", { name: secret });
    await call("POST", "/admin/keys", { name: "web", team: secret });
    await call("PATCH", "/admin/keys/ci-bot", { models: [secret, 5] });
    await call("PUT", `/admin/teams/${secret}`);
    const errors = responses.filter((response) => response.status >= 400);
    expect(errors).toHaveLength(8);
    for (const response of errors) {
      const text = JSON.stringify(response);
      expect(text).not.toContain(secret.slice(3));
      expect(text).not.toContain(MASTER);
    }
  });
});

describe("admin API teams", () => {
  it("sets, lists and shows teams with budgets", async () => {
    const set = await call("PUT", "/admin/teams/data", {
      budget: { limit_usd: 500, period: "week", time_zone: "America/New_York" },
    });
    expect(set.body).toEqual({
      name: "data",
      budget: { limit_usd: "500.00", period: "week", time_zone: "America/New_York" },
    });
    await call("PUT", "/admin/teams/web");
    expect((await call("GET", "/admin/teams")).body.data).toEqual([
      set.body,
      { name: "web", budget: null },
    ]);
    expect((await call("GET", "/admin/teams/data")).body).toEqual(set.body);
    const missing = await call("GET", "/admin/teams/dat");
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain("Did you mean data, web?");
    const key = await call("POST", "/admin/keys", { name: "ci", team: "dta" });
    expect(key.status).toBe(404);
  });
});

describe("admin API over real HTTP", () => {
  let server: Server;
  let base: string;
  beforeEach(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = await admin({
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("creates, lists and revokes a key with fetch, and refuses a missing master key", async () => {
    const auth = { authorization: `Bearer ${MASTER}`, "content-type": "application/json" };
    const created = await fetch(`${base}/admin/keys`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ name: "ci-bot", rpm: 600, tpm: 100000 }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const body = (await created.json()) as { secret: string; id: string };
    expect((await registry.authenticate(body.secret))?.id).toBe(body.id);

    const list = await fetch(`${base}/admin/keys?include_revoked=true`, { headers: auth });
    expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(1);

    const revoke = await fetch(`${base}/admin/keys/ci-bot/revoke`, {
      method: "POST",
      headers: auth,
    });
    expect(((await revoke.json()) as { revoked: boolean }).revoked).toBe(true);

    const anonymous = await fetch(`${base}/admin/keys`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
      "missing_api_key",
    );
  });
});
