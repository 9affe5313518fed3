import { describe, expect, it } from "vitest";
import { createJsonLogger, scrubSecrets, secretScrubber } from "./gateway-logger.js";

const SECRETS = ["sk-upstream-0123456789", "tw-master.(key)+0123", "abcd"];

const SAMPLES = [
  "plain text with nothing secret",
  "auth Bearer tw-abc123xyz failed",
  "BEARER abc.def, then bearer xyz",
  "key sk-upstream-0123456789 leaked",
  "regex-looking tw-master.(key)+0123 secret",
  "short abcd and abcde",
  "provider sk-ant-api03-AAAA_bbbb-cc and pk-123456 and rk-12345",
  '{"authorization":"Bearer sk-proj-xyz"}',
  "",
  "ab",
];

describe("secretScrubber", () => {
  it("redacts exactly what scrubSecrets redacts, in one pass", () => {
    const scrub = secretScrubber(SECRETS);
    for (const sample of SAMPLES) expect(scrub(sample)).toBe(scrubSecrets(sample, SECRETS));
  });

  it("leaves no secret or token shape behind", () => {
    const scrub = secretScrubber(SECRETS);
    const all = scrub(SAMPLES.join(" "));
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/Bearer\s+\S|sk-\w{6}|tw-abc/i);
  });
});

describe("createJsonLogger", () => {
  it("writes one JSON line per entry: strings scrubbed, money as dollars, nested fields too", () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (line) => lines.push(line), secrets: SECRETS });
    logger.log("info", "request with sk-upstream-0123456789", {
      cost: 1_500_000_000n,
      status: 200,
      error: "upstream said Bearer tw-abc123xyz",
      nested: { key: "abcd", amounts: [1n, "x"] },
      missing: undefined,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith("\n")).toBe(true);
    const entry = JSON.parse(lines[0] as string);
    expect(entry).toMatchObject({
      level: "info",
      msg: "request with [redacted]",
      cost: "0.0015",
      status: 200,
      error: "upstream said [redacted]",
      nested: { key: "[redacted]", amounts: ["0.000000000001", "x"] },
    });
    expect(entry).not.toHaveProperty("missing");
    expect(typeof entry.time).toBe("string");
  });
});
