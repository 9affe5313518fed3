import { describe, expect, it } from "vitest";
import { generateSecret, hashesEqual, hashSecret, secretHint, secretsEqual } from "./secret.js";

describe("secrets", () => {
  it("hashes with SHA-256 as lower-case hex", () => {
    expect(hashSecret("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("generates distinct 43-character base64url secrets behind the tw- prefix", () => {
    const secrets = new Set(Array.from({ length: 100 }, generateSecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) expect(secret).toMatch(/^tw-[A-Za-z0-9_-]{43}$/);
  });

  it("hints with the prefix and four characters only", () => {
    expect(secretHint("tw-abcdefgh")).toBe("tw-abcd…");
  });

  it("compares secrets of any lengths without throwing", () => {
    expect(secretsEqual("master", "master")).toBe(true);
    expect(secretsEqual("master", "maste")).toBe(false);
    expect(secretsEqual("", "master")).toBe(false);
    expect(hashesEqual(hashSecret("a"), hashSecret("a"))).toBe(true);
    expect(hashesEqual("ab", "abc")).toBe(false);
  });
});
