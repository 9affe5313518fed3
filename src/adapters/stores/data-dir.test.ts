import { describe, expect, it } from "vitest";
import { resolveDataDir } from "./data-dir.js";

describe("resolveDataDir", () => {
  it("prefers the flag, then TOKENWISE_DATA_DIR, then .tokenwise in the cwd", () => {
    expect(
      resolveDataDir({ dataDir: "mine", env: { TOKENWISE_DATA_DIR: "/env" }, cwd: "/repo" }),
    ).toBe("/repo/mine");
    expect(resolveDataDir({ env: { TOKENWISE_DATA_DIR: "/env/dir" }, cwd: "/repo" })).toBe(
      "/env/dir",
    );
    expect(resolveDataDir({ env: { TOKENWISE_DATA_DIR: "  " }, cwd: "/repo" })).toBe(
      "/repo/.tokenwise",
    );
    expect(resolveDataDir({ env: {}, cwd: "/repo" })).toBe("/repo/.tokenwise");
  });

  it("rejects an empty flag", () => {
    expect(() => resolveDataDir({ dataDir: " ", env: {} })).toThrow(
      "dataDir must be a non-empty directory path, such as .tokenwise",
    );
  });
});
