import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { DATABASE_FILE, resolveDataDir } from "../../../adapters/stores/index.js";
import { loadGatewayConfig, startGateway, upstreamKeys } from "../../../apps/gateway/index.js";
import {
  budgetScopes,
  createAdminApi,
  createSqliteKeyRegistry,
  createSqliteRateLimiter,
} from "../../../apps/gateway/keys/index.js";
import { createDashboardHandler } from "../../dashboard/index.js";
import { type Output, processOutput } from "../output.js";
import { nonNegativeInteger } from "../parse-options.js";

interface GatewayFlags {
  config: string;
  check?: boolean;
  port?: number;
  dataDir?: string;
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
      "port to listen on (overrides the config; 0 picks a free one)",
      nonNegativeInteger,
    )
    .option(
      "--data-dir <dir>",
      "where the SQLite ledger, keys and cache live (default: the config's dataDir, TOKENWISE_DATA_DIR or .tokenwise)",
    )
    .addHelpText(
      "after",
      `
Example gateway.json:
  { "upstreams": { "openai": { "kind": "openai", "apiKeyEnv": "OPENAI_API_KEY" } },
    "models": { "gpt-4o-mini": { "upstream": "openai" } } }

  tokenwise gateway --config gateway.json --check
  tokenwise gateway --config gateway.json --port 4000
Stop it with Ctrl-C or SIGTERM: open streams finish and the ledger is flushed first.`,
    )
    .action(async (flags: GatewayFlags) => {
      const config = await loadGatewayConfig(flags.config);
      upstreamKeys(config, process.env);
      if (flags.check === true) {
        const upstreams = Object.keys(config.upstreams).length;
        const models = Object.keys(config.models).length;
        output.write(
          `${flags.config}: OK (${upstreams} upstream${upstreams === 1 ? "" : "s"}, ${models} model${models === 1 ? "" : "s"}, port ${config.port})`,
        );
        return;
      }
      const dataDir = resolveDataDir({
        ...(flags.dataDir !== undefined
          ? { dataDir: flags.dataDir }
          : config.dataDir !== undefined
            ? { dataDir: config.dataDir }
            : {}),
      });
      mkdirSync(dataDir, { recursive: true });
      const databasePath = join(dataDir, DATABASE_FILE);
      const registry = createSqliteKeyRegistry({ path: databasePath });
      const rateLimiter = createSqliteRateLimiter({ path: databasePath });
      const masterKey = process.env[config.masterKeyEnv];
      const gateway = await startGateway({
        config: { ...config, dataDir },
        registry,
        rateLimiter,
        budgetScopes,
        dashboard: createDashboardHandler,
        ...(masterKey !== undefined && masterKey !== ""
          ? { adminApi: createAdminApi({ registry, masterKey }) }
          : {}),
        ...(flags.port !== undefined ? { port: flags.port } : {}),
      });
      output.write(`tokenwise gateway listening on ${gateway.url} (data in ${dataDir})`);
      if (masterKey === undefined || masterKey === "") {
        output.write(
          `admin API off: set ${config.masterKeyEnv} to manage keys over HTTP at /admin/…`,
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          void gateway
            .close()
            .then(() => Promise.all([registry.close(), rateLimiter.close()]))
            .then(() => resolve());
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
