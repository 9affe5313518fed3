import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { parseDataUrl } from "./data-url.js";

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
