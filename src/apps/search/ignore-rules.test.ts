import { describe, expect, it } from "vitest";
import { isIgnored, parseIgnoreRules } from "./ignore-rules.js";

const rules = parseIgnoreRules(
  [
    "# build output",
    "dist/",
    "*.log",
    "!keep.log",
    "/root-only.txt",
    "docs/**/*.tmp",
    "**/cache",
    "secret?.txt",
    "[Tt]emp",
    "\\#literal",
    "",
  ].join("\n"),
  "/repo",
);
const ignored = (path: string, directory = false) => isIgnored(rules, path, directory);

describe("ignore rules", () => {
  it("matches names at any depth unless anchored", () => {
    expect(ignored("/repo/app.log")).toBe(true);
    expect(ignored("/repo/a/b/app.log")).toBe(true);
    expect(ignored("/repo/root-only.txt")).toBe(true);
    expect(ignored("/repo/sub/root-only.txt")).toBe(false);
  });

  it("applies directory-only rules to directories only", () => {
    expect(ignored("/repo/dist", true)).toBe(true);
    expect(ignored("/repo/pkg/dist", true)).toBe(true);
    expect(ignored("/repo/dist", false)).toBe(false);
  });

  it("re-includes with ! (the last match wins)", () => {
    expect(ignored("/repo/keep.log")).toBe(false);
  });

  it("supports **, ? and character classes", () => {
    expect(ignored("/repo/docs/a/b/x.tmp")).toBe(true);
    expect(ignored("/repo/docs/x.tmp")).toBe(true);
    expect(ignored("/repo/other/x.tmp")).toBe(false);
    expect(ignored("/repo/deep/er/cache", true)).toBe(true);
    expect(ignored("/repo/secret1.txt")).toBe(true);
    expect(ignored("/repo/secret12.txt")).toBe(false);
    expect(ignored("/repo/Temp")).toBe(true);
    expect(ignored("/repo/temp")).toBe(true);
    expect(ignored("/repo/#literal")).toBe(true);
  });

  it("never applies outside its directory", () => {
    expect(ignored("/elsewhere/app.log")).toBe(false);
    expect(ignored("/repo")).toBe(false);
  });
});
