import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { parseDataUrl, readImageUrl } from "./data-url.js";

describe("parseDataUrl", () => {
  it("splits media type and base64 data", () => {
    expect(parseDataUrl("data:image/PNG;base64,iVBORw0KGgo=", "url")).toEqual({
      mediaType: "image/png",
      base64: "iVBORw0KGgo=",
    });
  });

  it("keeps parameters out of the media type", () => {
    expect(parseDataUrl("data:image/jpeg;name=a.jpg;base64,AAAA", "url")).toEqual({
      mediaType: "image/jpeg",
      base64: "AAAA",
    });
  });

  it("returns undefined for other URLs", () => {
    expect(parseDataUrl("https://example.com/cat.png", "url")).toBeUndefined();
  });

  it("rejects data URLs that are not base64, naming the field", () => {
    try {
      parseDataUrl("data:text/plain,hello", "messages[0].content[0].image_url.url");
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
      expect((error as TokenwiseError).details.field).toBe("messages[0].content[0].image_url.url");
    }
  });
});

describe("readImageUrl", () => {
  it("reads a data URL as inline data and an http(s) URL as an address", () => {
    expect(readImageUrl("data:image/png;base64,AAAA", "url")).toEqual({
      kind: "inline",
      mediaType: "image/png",
      base64: "AAAA",
    });
    expect(readImageUrl("HTTPS://example.com/cat.png", "url")).toEqual({
      kind: "url",
      url: "HTTPS://example.com/cat.png",
    });
  });

  it("refuses any other URL, naming the field", () => {
    expect(() =>
      readImageUrl("ftp://example.com/cat.png", "messages[0].content[1].image_url.url"),
    ).toThrow("messages[0].content[1].image_url.url must be an http(s) URL or a base64 data URL");
  });
});
