import { describe, expect, it } from "vitest";
import { decodeBase64, decodeBase64Portably } from "./base64.js";

describe("decodeBase64", () => {
  it("decodes with and without padding, like Buffer", () => {
    for (const text of ["", "h", "hi", "hi!", "hello, world", "\u00ff\u0000\u0080binary"]) {
      const base64 = Buffer.from(text, "latin1").toString("base64");
      expect(Array.from(decodeBase64(base64))).toEqual(Array.from(Buffer.from(text, "latin1")));
      expect(Array.from(decodeBase64Portably(base64))).toEqual(
        Array.from(Buffer.from(text, "latin1")),
      );
    }
  });

  it("decodes every byte value", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    expect(decodeBase64Portably(Buffer.from(bytes).toString("base64"))).toEqual(bytes);
  });
});
