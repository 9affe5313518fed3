import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Catalog } from "../../core/catalog/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import { type GatewayConfig, parseGatewayConfig } from "./gateway-config.js";

/**
 * Reads a gateway config file (JSON, or YAML for `.yaml` / `.yml`) and checks it.
 *
 * @example
 * ```ts
 * const config = await loadGatewayConfig("gateway.yaml");
 * ```
 */
export async function loadGatewayConfig(
  path: string,
  options: { catalog?: Catalog } = {},
): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw invalidInput(
      "--config",
      `cannot read "${path}" (${reason}): give the path of a gateway.json or gateway.yaml file`,
    );
  }
  const yaml = [".yaml", ".yml"].includes(extname(path).toLowerCase());
  let document: unknown;
  try {
    document = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidInput("--config", `"${path}" is not valid ${yaml ? "YAML" : "JSON"}: ${reason}`);
  }
  try {
    return parseGatewayConfig(document, options);
  } catch (error) {
    if (TokenwiseError.isInstance(error)) {
      throw new TokenwiseError(
        "invalid_input",
        error.message.replace("gateway config", `${path}`),
        {
          details: error.details,
        },
      );
    }
    throw error;
  }
}

/**
 * The provider key of every upstream, read from the environment variables the config names.
 * A missing variable fails here, at start, naming the upstream and the variable.
 *
 * @example
 * ```ts
 * const keys = upstreamKeys(config, process.env); // { openai: "sk-…" }
 * ```
 */
export function upstreamKeys(
  config: GatewayConfig,
  env: NodeJS.ProcessEnv,
): Record<string, string | undefined> {
  const keys: Record<string, string | undefined> = {};
  const missing: string[] = [];
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    if (upstream.apiKeyEnv === undefined) {
      keys[name] = undefined;
      continue;
    }
    const value = env[upstream.apiKeyEnv];
    if (value === undefined || value.trim() === "") {
      missing.push(
        `upstreams.${name}.apiKeyEnv: the environment variable ${upstream.apiKeyEnv} is not set; export it with the provider key before starting`,
      );
    }
    keys[name] = value;
  }
  if (missing.length > 0) {
    throw new TokenwiseError("invalid_input", missing.join("\n"), {
      details: { field: "apiKeyEnv" },
    });
  }
  return keys;
}
