import { describe, expect, it } from "vitest";
import { indefiniteArticle } from "./indefinite-article.js";

describe("indefiniteArticle", () => {
  it("uses an before vowel sounds and a before consonant sounds", () => {
    expect(indefiniteArticle("excited but professional")).toBe("an");
    expect(indefiniteArticle("  Informal")).toBe("an");
    expect(indefiniteArticle("upbeat")).toBe("an");
    expect(indefiniteArticle("urban")).toBe("an");
    expect(indefiniteArticle("honest")).toBe("an");
    expect(indefiniteArticle("technical but accessible")).toBe("a");
    expect(indefiniteArticle("unique")).toBe("a");
    expect(indefiniteArticle("user-friendly")).toBe("a");
    expect(indefiniteArticle("one-paragraph")).toBe("a");
    expect(indefiniteArticle("European")).toBe("a");
    expect(indefiniteArticle("formal")).toBe("a");
  });
});
