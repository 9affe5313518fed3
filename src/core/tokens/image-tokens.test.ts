import { describe, expect, it } from "vitest";
import type { ImagePart } from "../messages/index.js";
import { countImageTokens, GPT_4O_IMAGE_TOKENS, openAiTileCount } from "./image-tokens.js";

function image(width?: number, height?: number, detail?: "low" | "high" | "auto"): ImagePart {
  return {
    type: "image_url",
    image_url: { url: "https://example.com/a.png", detail, width, height },
  };
}

describe("openAiTileCount", () => {
  it("fits in 2048×2048, scales the short side down to 768, and counts 512-px tiles", () => {
    expect(openAiTileCount(1024, 1024)).toBe(4);
    expect(openAiTileCount(2048, 4096)).toBe(6);
    expect(openAiTileCount(4096, 8192)).toBe(6);
    expect(openAiTileCount(512, 512)).toBe(1);
    expect(openAiTileCount(100, 100)).toBe(1);
    expect(openAiTileCount(513, 100)).toBe(2);
    expect(openAiTileCount(768, 2048)).toBe(8);
  });
});

describe("countImageTokens", () => {
  it("counts OpenAI images: 765 for 1024×1024 and 1105 for 2048×4096 at 85/170", () => {
    expect(GPT_4O_IMAGE_TOKENS).toEqual({ base: 85, perTile: 170 });
    expect(countImageTokens(image(1024, 1024, "high"), { tokenizer: "o200k_base" })).toEqual({
      tokens: 765,
      worstCase: false,
    });
    expect(countImageTokens(image(2048, 4096, "auto"), { tokenizer: "o200k_base" }).tokens).toBe(
      1105,
    );
    expect(countImageTokens(image(2048, 4096), { tokenizer: "cl100k_base" }).tokens).toBe(1105);
  });

  it("counts low detail as the base, whatever the size", () => {
    expect(countImageTokens(image(4000, 3000, "low"), { tokenizer: "o200k_base" })).toEqual({
      tokens: 85,
      worstCase: false,
    });
    expect(
      countImageTokens(image(undefined, undefined, "low"), { tokenizer: "o200k_base" }).worstCase,
    ).toBe(false);
  });

  it("counts a high-detail image of unknown size as the 8-tile worst case", () => {
    expect(countImageTokens(image(), { tokenizer: "o200k_base" })).toEqual({
      tokens: 1445,
      worstCase: true,
    });
    expect(countImageTokens(image(800), { tokenizer: "o200k_base" }).worstCase).toBe(true);
    expect(
      countImageTokens(image(), {
        tokenizer: "o200k_base",
        imageTokens: { base: 75, perTile: 150 },
      }).tokens,
    ).toBe(75 + 8 * 150);
  });

  it("counts Claude images as pixels / 750 after fitting the long edge to 1568, at most 1600", () => {
    expect(countImageTokens(image(1000, 1000), { tokenizer: "claude" })).toEqual({
      tokens: 1334,
      worstCase: false,
    });
    expect(countImageTokens(image(200, 200), { tokenizer: "claude" }).tokens).toBe(54);
    expect(countImageTokens(image(4000, 4000), { tokenizer: "claude" }).tokens).toBe(1600);
    expect(countImageTokens(image(), { tokenizer: "claude" })).toEqual({
      tokens: 1600,
      worstCase: true,
    });
  });

  it("counts Gemini images as 258 when small, else 258 per 768-px tile", () => {
    expect(countImageTokens(image(384, 384), { tokenizer: "gemini" }).tokens).toBe(258);
    expect(countImageTokens(image(600, 400), { tokenizer: "gemini" }).tokens).toBe(258);
    expect(countImageTokens(image(1980, 1380), { tokenizer: "gemini" }).tokens).toBe(6 * 258);
    expect(countImageTokens(image(), { tokenizer: "gemini" })).toEqual({
      tokens: 1120,
      worstCase: true,
    });
  });

  it("rejects bad sizes, details and rates", () => {
    expect(() => countImageTokens(image(0, 10), { tokenizer: "o200k_base" })).toThrow(
      "image_url.width must be a positive number of pixels, got 0",
    );
    expect(() =>
      countImageTokens(image(10, 10, "max" as "high"), { tokenizer: "o200k_base" }),
    ).toThrow('image_url.detail must be "low", "high" or "auto", got "max"');
    expect(() =>
      countImageTokens(image(10, 10), {
        tokenizer: "o200k_base",
        imageTokens: { base: 1.5, perTile: 2 },
      }),
    ).toThrow("imageTokens.base must be a non-negative integer number of tokens, got 1.5");
    expect(() =>
      countImageTokens({ type: "image_url" } as ImagePart, { tokenizer: "o200k_base" }),
    ).toThrow("image_url must be an object like { url, detail?, width?, height? }, got undefined");
  });
});
