import { describeValue, invalidInput } from "../errors/index.js";
import type { ImagePart } from "../messages/index.js";
import type { TokenizerName } from "./tokenizer.js";

/** OpenAI's per-image token rates: `base` for every image, `perTile` per 512-px tile in high detail. */
export interface ImageTokenRates {
  base: number;
  perTile: number;
}

/**
 * Rates of gpt-4o, gpt-4.1 and gpt-4.5 (OpenAI vision docs). Other models differ: pass theirs,
 * e.g. gpt-4o-mini `{ base: 2833, perTile: 5667 }`, o1/o3 `{ base: 75, perTile: 150 }`.
 */
export const GPT_4O_IMAGE_TOKENS: ImageTokenRates = { base: 85, perTile: 170 };

/** Tokens of one image and whether its size was unknown, so a worst case was counted. */
export interface ImageTokenCount {
  tokens: number;
  /** True when the image had no width/height and the largest possible count was used. */
  worstCase: boolean;
}

const OPENAI_MAX_TILES = 8;
const CLAUDE_MAX_LONG_EDGE = 1568;
const CLAUDE_PIXELS_PER_TOKEN = 750;
const CLAUDE_MAX_TOKENS = 1600;
const GEMINI_TOKENS_PER_TILE = 258;
const GEMINI_SMALL_IMAGE_EDGE = 384;
const GEMINI_TILE_EDGE = 768;
const GEMINI_UNKNOWN_SIZE_TOKENS = 1120;

/**
 * Tokens an image part costs as input.
 *
 * - OpenAI encodings (OpenAI vision docs): `detail: "low"` costs `base`. High and auto detail:
 *   the image is fitted inside 2048×2048, then scaled so its shortest side is at most 768 px,
 *   and costs `base + perTile × (512-px tiles)`; 1024×1024 → 765 and 2048×4096 → 1105 at 85/170.
 *   Without width/height the worst case (8 tiles, 1445 at 85/170) is counted.
 * - "claude" (Anthropic vision docs): width × height / 750 after scaling the long edge down to
 *   1568 px, at most 1600; 1600 when the size is unknown.
 * - "gemini" (Gemini API docs): 258 when both sides are at most 384 px, otherwise 258 per
 *   768×768 tile; 1120 (Gemini 3's default high media resolution) when the size is unknown.
 *
 * @example
 * ```ts
 * countImageTokens(
 *   { type: "image_url", image_url: { url: "https://…", width: 1024, height: 1024 } },
 *   { tokenizer: "o200k_base" },
 * ); // { tokens: 765, worstCase: false }
 * ```
 */
export function countImageTokens(
  image: ImagePart,
  options: { tokenizer: TokenizerName; imageTokens?: ImageTokenRates },
): ImageTokenCount {
  const { detail, width, height } = readImage(image);
  if (options.tokenizer === "claude") {
    return countClaudeImage(width, height);
  }
  if (options.tokenizer === "gemini") {
    return countGeminiImage(width, height);
  }
  const rates = options.imageTokens ?? GPT_4O_IMAGE_TOKENS;
  assertRates(rates);
  if (detail === "low") {
    return { tokens: rates.base, worstCase: false };
  }
  if (width === undefined || height === undefined) {
    return { tokens: rates.base + rates.perTile * OPENAI_MAX_TILES, worstCase: true };
  }
  return { tokens: rates.base + rates.perTile * openAiTileCount(width, height), worstCase: false };
}

/**
 * Number of 512-px tiles OpenAI bills for a high-detail image of this size.
 *
 * @example
 * ```ts
 * openAiTileCount(2048, 4096); // 6 (scaled to 1024×2048, then 768×1536)
 * ```
 */
export function openAiTileCount(width: number, height: number): number {
  let scaledWidth = width;
  let scaledHeight = height;
  const fitScale = Math.min(1, 2048 / Math.max(scaledWidth, scaledHeight));
  scaledWidth *= fitScale;
  scaledHeight *= fitScale;
  const shortSideScale = Math.min(1, 768 / Math.min(scaledWidth, scaledHeight));
  scaledWidth = Math.max(1, Math.floor(scaledWidth * shortSideScale));
  scaledHeight = Math.max(1, Math.floor(scaledHeight * shortSideScale));
  return Math.ceil(scaledWidth / 512) * Math.ceil(scaledHeight / 512);
}

function countClaudeImage(width: number | undefined, height: number | undefined): ImageTokenCount {
  if (width === undefined || height === undefined) {
    return { tokens: CLAUDE_MAX_TOKENS, worstCase: true };
  }
  const scale = Math.min(1, CLAUDE_MAX_LONG_EDGE / Math.max(width, height));
  const pixels = Math.floor(width * scale) * Math.floor(height * scale);
  return {
    tokens: Math.min(CLAUDE_MAX_TOKENS, Math.max(1, Math.ceil(pixels / CLAUDE_PIXELS_PER_TOKEN))),
    worstCase: false,
  };
}

function countGeminiImage(width: number | undefined, height: number | undefined): ImageTokenCount {
  if (width === undefined || height === undefined) {
    return { tokens: GEMINI_UNKNOWN_SIZE_TOKENS, worstCase: true };
  }
  if (width <= GEMINI_SMALL_IMAGE_EDGE && height <= GEMINI_SMALL_IMAGE_EDGE) {
    return { tokens: GEMINI_TOKENS_PER_TILE, worstCase: false };
  }
  const tiles = Math.ceil(width / GEMINI_TILE_EDGE) * Math.ceil(height / GEMINI_TILE_EDGE);
  return { tokens: GEMINI_TOKENS_PER_TILE * tiles, worstCase: false };
}

interface ImageFacts {
  detail: "low" | "high" | "auto";
  width: number | undefined;
  height: number | undefined;
}

function readImage(image: ImagePart): ImageFacts {
  const source = image?.image_url;
  if (typeof source !== "object" || source === null) {
    throw invalidInput(
      "image_url",
      `must be an object like { url, detail?, width?, height? }, got ${describeValue(source)}`,
    );
  }
  const detail = source.detail ?? "auto";
  if (detail !== "low" && detail !== "high" && detail !== "auto") {
    throw invalidInput(
      "image_url.detail",
      `must be "low", "high" or "auto", got ${describeValue(detail)}`,
    );
  }
  const width = readDimension("image_url.width", source.width);
  const height = readDimension("image_url.height", source.height);
  return { detail, width, height };
}

function readDimension(field: string, value: unknown): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalidInput(field, `must be a positive number of pixels, got ${describeValue(value)}`);
  }
  return value;
}

function assertRates(rates: ImageTokenRates): void {
  for (const key of ["base", "perTile"] as const) {
    const value = rates?.[key];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      throw invalidInput(
        `imageTokens.${key}`,
        `must be a non-negative integer number of tokens, got ${describeValue(value)}`,
      );
    }
  }
}
