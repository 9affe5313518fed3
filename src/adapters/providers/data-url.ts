/**
 * Splits a base64 `data:` URL ("data:image/png;base64,iVBOR...") into media type and data, for
 * providers that take inline images as `{ mediaType, base64 }` rather than as URLs.
 */
import { invalidInput } from "../../core/errors/index.js";

export interface InlineData {
  mediaType: string;
  base64: string;
}

const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*?);base64,(.*)$/s;

/**
 * Returns undefined for anything that is not a `data:` URL; throws for a `data:` URL that is not
 * base64 (providers accept only base64 inline data).
 *
 * @example
 * ```ts
 * parseDataUrl("data:image/png;base64,AAAA", "messages[0].content[1].image_url.url");
 * // { mediaType: "image/png", base64: "AAAA" }
 * ```
 */
export function parseDataUrl(url: string, field: string): InlineData | undefined {
  if (!url.startsWith("data:")) return undefined;
  const match = DATA_URL.exec(url);
  if (!match?.[1] || match[3] === undefined) {
    throw invalidInput(
      field,
      `must be an https URL or a base64 data URL such as "data:image/png;base64,...", got "${url.slice(0, 40)}..."`,
    );
  }
  return { mediaType: match[1].toLowerCase(), base64: match[3] };
}

/** An image part's URL: data to send inline, or an http(s) address the provider fetches. */
export type ImageUrl = ({ kind: "inline" } & InlineData) | { kind: "url"; url: string };

/**
 * Reads an image part's URL (`field` names it in errors): a base64 `data:` URL, or an http(s)
 * URL; anything else is refused, since providers fetch only http(s).
 *
 * @example
 * ```ts
 * readImageUrl("https://example.com/cat.png", "messages[0].content[1].image_url.url");
 * // { kind: "url", url: "https://example.com/cat.png" }
 * ```
 */
export function readImageUrl(url: string, field: string): ImageUrl {
  const inline = parseDataUrl(url, field);
  if (inline) return { kind: "inline", ...inline };
  if (!/^https?:\/\//i.test(url)) {
    throw invalidInput(field, "must be an http(s) URL or a base64 data URL");
  }
  return { kind: "url", url };
}
