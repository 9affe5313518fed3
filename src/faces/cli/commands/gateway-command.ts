/**
 * `tokenwise gateway`: serves the gateway over its engines, the embedded SQLite file by
 * default or Redis + PostgreSQL shared by replicas (`--redis`, `--postgres`, or the config's
 * `state`, or TOKENWISE_REDIS_URL / TOKENWISE_POSTGRES_URL).
 */
import type { Command } from "commander";
import { resolveDataDir } from "../../../adapters/stores/index.js";
import {
  describeEngines,
  loadGatewayConfig,
  resolveGatewayEngines,
  startGateway,
  upstreamKeys,
} from "../../../apps/gateway/index.js";
import { createAdminApi } from "../../../apps/gateway/keys/index.js";
import { invalidInput } from "../../../core/errors/index.js";
import { createDashboardHandler } from "../../dashboard/index.js";
import { type Output, processOutput } from "../output.js";
import { nonNegativeInteger } from "../parse-options.js";

interface GatewayFlags {
  config: string;
  check?: boolean;
  port?: number;
  dataDir?: string;
  redis?: string;
  postgres?: string;
  postgresSchema?: string;
}

/** `tokenwise gateway`: the shared front door with budgets, keys, caches and a ledger. */
export function registerGatewayCommand(program: Command, output: Output = processOutput): void {
  program
    .command("gateway")
    .description(
      "run the LLM gateway: OpenAI and Anthropic wire formats in front of any provider, with virtual keys, budgets, rate limits, a response cache and a ledger",
    )
    .requiredOption("-c, --config <file>", "gateway config (JSON, or YAML for .yaml/.yml)")
    .option("--check", "validate the config and the environment variables it names, then exit")
    .option(
      "--port <n>",
      "port to listen on (overrides PORT and the config; 0 picks a free one)",
      nonNegativeInteger,
    )
    .option(
      "--data-dir <dir>",
      "where the embedded SQLite ledger, keys and cache live (default: the config's dataDir, TOKENWISE_DATA_DIR or .tokenwise)",
    )
    .option(
      "--redis <url>",
      "Redis shared by replicas: reservations, counters, rate limits, response cache (or TOKENWISE_REDIS_URL, or the config's state.redis)",
    )
    .option(
      "--postgres <url>",
      "PostgreSQL shared by replicas: keys, teams, budgets, the spend ledger (or TOKENWISE_POSTGRES_URL, or state.postgres)",
    )
    .option(
      "--postgres-schema <name>",
      "PostgreSQL schema (default: state.postgresSchema, else tokenwise)",
    )
    .addHelpText(
      "after",
      `
Example gateway.json:
  { "upstreams": { "openai": { "kind": "openai", "apiKeyEnv": "OPENAI_API_KEY" } },
    "models": { "gpt-4o-mini": { "upstream": "openai" } } }

  tokenwise gateway --config gateway.json --check
  tokenwise gateway --config gateway.json --port 4000
  tokenwise gateway --config gateway.json --redis redis://127.0.0.1:6379 --postgres postgres://app@db/app
Stop it with Ctrl-C or SIGTERM: open streams finish and the ledger is flushed first.`,
    )
    .action(async (flags: GatewayFlags) => {
      const config = await loadGatewayConfig(flags.config);
      upstreamKeys(config, process.env);
      const engines = resolveGatewayEngines({
        config,
        flags: {
          ...(flags.redis !== undefined ? { redis: flags.redis } : {}),
          ...(flags.postgres !== undefined ? { postgres: flags.postgres } : {}),
          ...(flags.postgresSchema !== undefined ? { postgresSchema: flags.postgresSchema } : {}),
        },
        env: process.env,
      });
      if (engines.kind === "shared" && flags.dataDir !== undefined) {
        throw invalidInput(
          "--data-dir",
          "holds the embedded SQLite file, which is not used with Redis + PostgreSQL; drop one of them",
        );
      }
      const port = flags.port ?? portFromEnv(process.env.PORT) ?? config.port;
      const dataDir =
        engines.kind === "embedded"
          ? resolveDataDir({
              ...(flags.dataDir !== undefined
                ? { dataDir: flags.dataDir }
                : config.dataDir !== undefined
                  ? { dataDir: config.dataDir }
                  : {}),
            })
          : undefined;
      if (flags.check === true) {
        const upstreams = Object.keys(config.upstreams).length;
        const models = Object.keys(config.models).length;
        output.write(
          `${flags.config}: OK (${upstreams} upstream${upstreams === 1 ? "" : "s"}, ${models} model${models === 1 ? "" : "s"}, port ${port}; state: ${describeEngines(engines, dataDir)})`,
        );
        return;
      }
      const masterKey = process.env[config.masterKeyEnv];
      const gateway = await startGateway({
        config: dataDir === undefined ? config : { ...config, dataDir },
        engines: {
          ...(flags.redis !== undefined ? { redis: flags.redis } : {}),
          ...(flags.postgres !== undefined ? { postgres: flags.postgres } : {}),
          ...(flags.postgresSchema !== undefined ? { postgresSchema: flags.postgresSchema } : {}),
        },
        dashboard: createDashboardHandler,
        ...(masterKey !== undefined && masterKey !== ""
          ? { adminApiFor: (registry) => createAdminApi({ registry, masterKey }) }
          : {}),
        port,
      });
      output.write(
        `tokenwise gateway listening on ${gateway.url} (state: ${gateway.state.description})`,
      );
      if (masterKey === undefined || masterKey === "") {
        output.write(
          `admin API off: set ${config.masterKeyEnv} to manage keys over HTTP at /admin/…`,
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          void gateway.close().then(() => resolve());
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}

/** The PORT environment variable (what process managers and `npm run cluster` set), if valid. */
function portFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const port = Number(value);
  if (!Number.isSafeInteger(port) || port < 0 || port > 65_535) {
    throw invalidInput("PORT", `must be a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}
