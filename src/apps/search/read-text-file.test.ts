import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTextFile } from "./read-text-file.js";

const root = mkdtempSync(join(tmpdir(), "tokenwise-read-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const path = join(root, name);
  writeFileSync(path, bytes);
  return path;
}

describe("readTextFile", () => {
  it("returns UTF-8 text without its BOM and the SHA-256 of the bytes", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("héllo\n", "utf8")]);
    expect(await readTextFile(file("bom.txt", bytes))).toEqual({
      kind: "text",
      text: "héllo\n",
      contentHash: createHash("sha256").update(bytes).digest("hex"),
    });
  });

  it("skips files with NUL bytes or bytes that are not UTF-8", async () => {
    expect(await readTextFile(file("nul.txt", Buffer.from([0x61, 0x00, 0x62])))).toEqual({
      kind: "skipped",
      reason: "binary",
      detail: "contains NUL bytes",
    });
    expect(await readTextFile(file("latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9])))).toEqual({
      kind: "skipped",
      reason: "binary",
      detail: "not valid UTF-8 text",
    });
  });

  it("reports an unreadable path", async () => {
    expect(await readTextFile(join(root, "missing.txt"))).toEqual({
      kind: "skipped",
      reason: "unreadable",
      detail: "ENOENT",
    });
  });
});
