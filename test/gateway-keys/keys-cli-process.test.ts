/**
 * `tokenwise keys` as a person runs it: the built CLI in a real process over a real data dir.
 * `npm test` builds first (the `pretest` script), so dist/faces/cli/main.js is current.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../dist/faces/cli/main.js", import.meta.url));
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "tokenwise-keys-process-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function tokenwise(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, TOKENWISE_DATA_DIR: dataDir },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("tokenwise keys (built CLI)", () => {
  it("creates a key in TOKENWISE_DATA_DIR, shows the secret once, and lists it without", () => {
    const created = tokenwise("keys", "create", "--name", "ci-bot", "--rpm", "600");
    expect(created.code).toBe(0);
    expect(created.stderr).toBe("");
    const secret = created.stdout.trim().split("\n").at(-1)?.trim() ?? "";
    expect(secret).toMatch(/^tw-[A-Za-z0-9_-]{43}$/);
    const listed = tokenwise("keys", "list", "--json");
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(secret.slice(7));
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: "ci-bot", rpm: 600 }]);
  });

  it("fails with one line and exit code 1 for an unknown key", () => {
    const result = tokenwise("keys", "revoke", "nobody");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'tokenwise: No key "nobody". (tokenwise keys list shows every key)\n',
    );
  });
});
