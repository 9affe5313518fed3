import { describe, expect, it } from "vitest";
import { chunkTitle, TITLE_OPENING_CHARS } from "./chunk-title.js";

describe("chunkTitle", () => {
  it("is the file's name in words and its opening, for the first chunk only", () => {
    expect(
      chunkTitle("/usr/share/man/ssh-copy-id.txt", 0, "NAME\n ssh-copy-id - use locally"),
    ).toBe("ssh copy id NAME\n ssh-copy-id - use locally");
    expect(chunkTitle("C:\\docs\\my_notes.md", 0, "Notes")).toBe("my notes Notes");
    expect(chunkTitle("/docs/.profile", 0, "x")).toBe("profile x");
    expect(chunkTitle("/docs/README", 0, "x")).toBe("README x");
    expect(chunkTitle("/docs/a.txt", 1, "second chunk")).toBe("");
  });

  it("keeps only the opening of a long first chunk", () => {
    const text = "x".repeat(TITLE_OPENING_CHARS + 50);
    expect(chunkTitle("/a.txt", 0, text)).toBe(`a ${"x".repeat(TITLE_OPENING_CHARS)}`);
  });
});
