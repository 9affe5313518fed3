import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { parseGatewayConfig } from "./gateway-config.js";

const MINIMAL = {
  upstreams: { openai: { kind: "openai", apiKeyEnv: "OPENAI_API_KEY" } },
  models: { "gpt-4o-mini": { upstream: "openai" } },
};

function issuesOf(document: unknown): Array<{ path: string; message: string }> {
  try {
    parseGatewayConfig(document);
  } catch (error) {
    if (TokenwiseError.hasCode(error, "invalid_input"))
      return error.details.issues as Array<{ path: string; message: string }>;
    throw error;
  }
  throw new Error("expected the config to be refused");
}

describe("parseGatewayConfig", () => {
  it("fills in the defaults and resolves each model in the catalog", () => {
    const config = parseGatewayConfig(MINIMAL);
    expect(config.port).toBe(4000);
    expect(config.host).toBe("127.0.0.1");
    expect(config.masterKeyEnv).toBe("TOKENWISE_MASTER_KEY");
    expect(config.models["gpt-4o-mini"]?.model).toBe("gpt-4o-mini");
    expect(config.models["gpt-4o-mini"]?.info.id).toBe("gpt-4o-mini");
    expect(config.defaults.maxBodyBytes).toBe(4 * 1024 * 1024);
    expect(config.defaults.maxOutputTokens).toBeUndefined();
  });

  it("takes api: responses on an openai upstream and refuses it elsewhere or misspelt", () => {
    const config = parseGatewayConfig({
      ...MINIMAL,
      upstreams: { openai: { kind: "openai", apiKeyEnv: "OPENAI_API_KEY", api: "responses" } },
    });
    expect(config.upstreams.openai?.api).toBe("responses");
    const issues = issuesOf({
      ...MINIMAL,
      upstreams: {
        openai: { kind: "openai", apiKeyEnv: "OPENAI_API_KEY", api: "response" },
        anthropic: { kind: "anthropic", apiKeyEnv: "ANTHROPIC_API_KEY", api: "responses" },
      },
    });
    expect(issues).toEqual([
      {
        path: "upstreams.openai.api",
        message: 'must be "chat-completions" or "responses", got "response"',
      },
      {
        path: "upstreams.anthropic.api",
        message: "applies to openai upstreams only; remove it from this anthropic one",
      },
    ]);
  });

  it("reports every problem at once, each naming its field", () => {
    const issues = issuesOf({
      port: 70_000,
      extra: true,
      upstreams: {
        openai: { kind: "openai", apiKey: "sk-secret-in-file" },
        azure: { kind: "azure" },
      },
      models: {
        "gpt-4o-mini": { upstream: "openai", fallbacks: ["missing"] },
        "gpt-9": { upstream: "openai" },
        other: { upstream: "nowhere" },
      },
      defaults: { maxBodyBytes: 0, cacheNonDeterministic: "yes" },
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      "extra",
      "port",
      "upstreams.openai.apiKey",
      "upstreams.openai.apiKeyEnv",
      "upstreams.azure.kind",
      "models.gpt-9.model",
      "models.other.upstream",
      "models.gpt-4o-mini.fallbacks[0]",
      "defaults.maxBodyBytes",
      "defaults.cacheNonDeterministic",
    ]);
  });

  it("never repeats a key pasted where a variable name belongs", () => {
    const issues = issuesOf({
      ...MINIMAL,
      upstreams: { openai: { kind: "openai", apiKeyEnv: "sk-live-0123456789abcdef" } },
    });
    expect(issues[0]?.path).toBe("upstreams.openai.apiKeyEnv");
    expect(JSON.stringify(issues)).not.toContain("sk-live-0123456789abcdef");
  });

  it("needs at least one upstream and one model", () => {
    expect(issuesOf({}).map((issue) => issue.path)).toEqual(["upstreams", "models"]);
  });
});
