#!/usr/bin/env node
/**
 * Compares the engine with tiktoken on every assigned code point (as Node's Unicode tables see
 * it; unassigned and private-use code points are "other" for both) in contexts where a change of
 * character class changes the tokens. It measured how tiktoken's Unicode 16 tables differ from
 * Node's (`unicode16Differences` in scripts/build-bpe-data.mjs) and proves the generated classes:
 * it should report 0 code points.
 *
 * Usage: npm run build && node bench/tokenizer/unicode-probe.mjs [dist directory]
 */
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { get_encoding } from "tiktoken";

const distDirectory = resolve(process.argv[2] ?? "dist");
const { createBpeTokenizer } = await import(
  pathToFileURL(join(distDirectory, "core", "tokens", "bpe", "index.js")).href
);

const contexts = [
  (c) => `a${c}'s`,
  (c) => `${c}'s`,
  (c) => `A${c}b`,
  (c) => ` ${c}${c}1`,
  (c) => `1${c}${c}${c}${c}`,
  (c) => `${c}\n`,
  (c) => `x${c} y`,
  (c) => `${c}${c}  z`,
  (c) => `!${c}ab`,
];

const mismatches = [];
for (const name of ["o200k_base", "cl100k_base"]) {
  const ours = createBpeTokenizer(name);
  const oracle = get_encoding(name);
  for (let codePoint = 0; codePoint < 0x110000; codePoint += 1) {
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
    const character = String.fromCodePoint(codePoint);
    if (/[\p{Cn}\p{Co}]/u.test(character)) continue;
    for (const context of contexts) {
      const text = context(character);
      const expected = oracle.encode_ordinary(text);
      const actual = ours.encode(text);
      if (expected.length !== actual.length || actual.some((id, index) => id !== expected[index])) {
        mismatches.push({ name, codePoint, text });
        break;
      }
    }
  }
  oracle.free();
}

const byCodePoint = new Map();
for (const { name, codePoint } of mismatches) {
  byCodePoint.set(codePoint, [...(byCodePoint.get(codePoint) ?? []), name]);
}
const ranges = [];
for (const codePoint of [...byCodePoint.keys()].sort((left, right) => left - right)) {
  const last = ranges.at(-1);
  if (last !== undefined && last[1] === codePoint - 1) last[1] = codePoint;
  else ranges.push([codePoint, codePoint]);
}
const hex = (value) => `U+${value.toString(16).toUpperCase().padStart(4, "0")}`;
console.log(`code points whose tokens differ from tiktoken: ${byCodePoint.size}`);
for (const [first, last] of ranges) {
  console.log(
    `${hex(first)}..${hex(last)} (${last - first + 1}) ${byCodePoint.get(first).join(",")}`,
  );
}
console.log(JSON.stringify(ranges));
