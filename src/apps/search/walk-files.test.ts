import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { walkFiles } from "./walk-files.js";

const root = mkdtempSync(join(tmpdir(), "tokenwise-walk-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, content: string | Buffer = "text\n"): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), content);
}

write("README.md");
write("src/app.ts");
write("src/app.min.js");
write("src/generated/out.ts");
write("src/.gitignore", "generated/\n");
write(".gitignore", "*.log\n!important.log\n");
write("debug.log");
write("important.log");
write(".env", "SECRET=1\n");
write(".hidden/notes.md");
write("node_modules/pkg/index.js");
write(".git/config");
write("dist/bundle.js");
write("package-lock.json", "{}");
write("keys/server.pem");
write("logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47]));
write("big.txt", "x".repeat(2000));
write("data/.tokenwise/tokenwise.db", "db");
write("custom-data/index.db", "db");
symlinkSync(join(root, "src"), join(root, "src-link"));

describe("walkFiles", () => {
  it("finds text files and leaves out dependencies, VCS, build output, secrets and hidden files", async () => {
    const result = await walkFiles([root], {
      maxFileBytes: 1000,
      excludeDirs: [join(root, "custom-data")],
    });
    expect(result.roots).toEqual([root]);
    expect(result.files.map((file) => relative(root, file.path))).toEqual([
      "README.md",
      "important.log",
      "src/app.ts",
    ]);
    expect(result.files[0]?.size).toBe(5);
    expect(result.skipped.map((file) => [relative(root, file.path), file.reason])).toEqual([
      ["big.txt", "too-large"],
      ["logo.png", "binary"],
    ]);
    // .env .git .gitignore .hidden debug.log dist node_modules package-lock.json src-link
    // keys/server.pem data/.tokenwise custom-data src/app.min.js src/generated src/.gitignore
    expect(result.ignored).toBe(15);
  });

  it("indexes a file named explicitly even when a rule would skip it", async () => {
    const result = await walkFiles(
      [join(root, "debug.log"), join(root, "README.md"), join(root, "README.md")],
      {
        maxFileBytes: 1000,
      },
    );
    expect(result.files.map((file) => relative(root, file.path))).toEqual([
      "README.md",
      "debug.log",
    ]);
  });

  it("names a path that does not exist", async () => {
    const error = await walkFiles([join(root, "nope")], { maxFileBytes: 1000 }).catch(
      (caught: unknown) => caught,
    );
    expect(TokenwiseError.hasCode(error, "not_found")).toBe(true);
    expect((error as Error).message).toMatch(/^path not found: .*nope \(check the spelling/);
  });
});
