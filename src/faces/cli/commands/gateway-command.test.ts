/**
 * `tokenwise gateway --check` with the engine flags: where the state lives, from a flag, the
 * environment or the config, in that order; one engine without the other refused; URLs never
 * printed with their password.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Output } from "../output.js";
import { registerGatewayCommand } from "./gateway-command.js";

const PASSWORD = "s3cret-password-in-url";
const ENV_NAMES = [
  "GWCMD_OPENAI_KEY",
  "TOKENWISE_REDIS_URL",
  "TOKENWISE_POSTGRES_URL",
  "PORT",
] as const;

let dir: string;
let configPath: string;
const saved: Partial<Record<(typeof ENV_NAMES)[number], string>> = {};

async function gateway(args: string[], env: Partial<Record<(typeof ENV_NAMES)[number], string>>) {
  for (const name of ENV_NAMES) {
    const value = env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const out: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => out.push(text) };
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: output.write, writeErr: output.error });
  registerGatewayCommand(program, output);
  let error: unknown;
  try {
    await program.parseAsync(["node", "tokenwise", "gateway", "--config", configPath, ...args]);
  } catch (caught) {
    error = caught;
  }
  return { out: out.join("\n"), error: error as Error | undefined };
}

beforeAll(() => {
  for (const name of ENV_NAMES) saved[name] = process.env[name];
  dir = mkdtempSync(join(tmpdir(), "tokenwise-gateway-command-"));
  configPath = join(dir, "gateway.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      upstreams: { openai: { kind: "openai", apiKeyEnv: "GWCMD_OPENAI_KEY" } },
      models: { "gpt-4o-mini": { upstream: "openai" } },
      state: { postgres: `postgres://app:${PASSWORD}@config-db:5432/app` },
    }),
  );
});

afterEach(() => {
  for (const name of ENV_NAMES) {
    const value = saved[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("tokenwise gateway --check: engines", () => {
  it("names where the state lives, flag over environment over config, without passwords", async () => {
    const { out, error } = await gateway(
      ["--check", "--redis", `redis://:${PASSWORD}@flag-cache:6380`],
      {
        GWCMD_OPENAI_KEY: "sk-test-0123456789",
        TOKENWISE_REDIS_URL: "redis://env-cache:6379",
        PORT: "4321",
      },
    );
    expect(error).toBeUndefined();
    expect(out).toContain(
      "OK (1 upstream, 1 model, port 4321; state: Redis at flag-cache:6380 + PostgreSQL at config-db:5432 (schema tokenwise))",
    );
    expect(out).not.toContain(PASSWORD);
    const fromEnv = await gateway(["--check", "--postgres-schema", "gw_two"], {
      GWCMD_OPENAI_KEY: "sk-test-0123456789",
      TOKENWISE_REDIS_URL: "redis://env-cache:6379",
      TOKENWISE_POSTGRES_URL: "postgres://env-db/app",
    });
    expect(fromEnv.out).toContain(
      "state: Redis at env-cache:6379 + PostgreSQL at env-db:5432 (schema gw_two)",
    );
  });

  it("refuses PostgreSQL without Redis, and --data-dir with shared engines", async () => {
    const alone = await gateway(["--check"], { GWCMD_OPENAI_KEY: "sk-test-0123456789" });
    expect(alone.error?.message).toMatch(
      /^"state.postgres" in the config is set but a Redis URL \(--redis, TOKENWISE_REDIS_URL or "state.redis"\) is not/,
    );
    expect(alone.error?.message).not.toContain(PASSWORD);
    const withDataDir = await gateway(
      ["--check", "--redis", "redis://cache:6379", "--data-dir", dir],
      { GWCMD_OPENAI_KEY: "sk-test-0123456789" },
    );
    expect(withDataDir.error?.message).toContain("--data-dir holds the embedded SQLite file");
  });

  it("refuses a bad URL or PORT naming the setting, never echoing the value", async () => {
    const badUrl = await gateway(["--check", "--redis", `https://:${PASSWORD}@cache`], {
      GWCMD_OPENAI_KEY: "sk-test-0123456789",
    });
    expect(badUrl.error?.message).toBe(
      '--redis must start with "redis://" or "rediss://", got a "https:" URL',
    );
    const badPort = await gateway(["--check", "--redis", "redis://cache:6379"], {
      GWCMD_OPENAI_KEY: "sk-test-0123456789",
      PORT: "http",
    });
    expect(badPort.error?.message).toBe('PORT must be a port number from 0 to 65535, got "http"');
  });
});
