#!/usr/bin/env node
/**
 * Full exactness comparison: every document of the gathered corpus (at least 10 MB of text no
 * one on the team wrote), encoded by the engine and by tiktoken, for o200k_base and cl100k_base,
 * plus 200,000 random slices that cut anywhere (lone surrogates included). Exits with status 1
 * on any difference. The test suite runs a sample of the same comparison.
 *
 * Usage: npm run build && node bench/tokenizer/exactness.mjs [--dist dist] [--bytes-per-category 2500000]
 */
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { get_encoding } from "tiktoken";
import { gatherCorpus } from "../../test/tokenizer-exactness/corpus.mjs";

const { values: options } = parseArgs({
  options: {
    dist: { type: "string", default: "dist" },
    "bytes-per-category": { type: "string", default: "2500000" },
  },
});
const { createBpeTokenizer } = await import(
  pathToFileURL(join(resolve(options.dist), "core", "tokens", "bpe", "index.js")).href
);
const corpus = gatherCorpus({ bytesPerCategory: Number(options["bytes-per-category"]) });
if (corpus.totalBytes < 10_000_000) {
  console.error(`only ${corpus.totalBytes} bytes of corpus found; the comparison needs 10 MB`);
  process.exit(1);
}

function sameIds(actual, expected) {
  if (actual.length !== expected.length) return false;
  for (let index = 0; index < actual.length; index += 1) {
    if (actual[index] !== expected[index]) return false;
  }
  return true;
}

let failures = 0;
for (const encodingName of ["o200k_base", "cl100k_base"]) {
  const ours = createBpeTokenizer(encodingName);
  const oracle = get_encoding(encodingName);
  let tokens = 0;
  let mismatches = 0;
  for (const { path, text } of corpus.documents) {
    const expected = oracle.encode_ordinary(text);
    tokens += expected.length;
    if (!sameIds(ours.encode(text), expected) || ours.count(text) !== expected.length) {
      mismatches += 1;
      console.error(`${encodingName}: ${path} differs`);
    }
  }
  let state = 0x2545f491;
  const next = (bound) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % bound;
  };
  let sliceMismatches = 0;
  for (let index = 0; index < 200_000; index += 1) {
    const { text } = corpus.documents[next(corpus.documents.length)];
    const start = next(text.length);
    const slice = text.slice(start, start + 1 + next(300));
    if (!sameIds(ours.encode(slice), oracle.encode_ordinary(slice))) {
      sliceMismatches += 1;
      if (sliceMismatches <= 5)
        console.error(`${encodingName}: slice ${JSON.stringify(slice)} differs`);
    }
  }
  oracle.free();
  failures += mismatches + sliceMismatches;
  console.log(
    `- ${encodingName}: ${corpus.documents.length} files, ${(corpus.totalBytes / 1e6).toFixed(1)} MB, ${tokens} tokens: ${mismatches} files differ; 200,000 random slices (1-300 code units, cut anywhere): ${sliceMismatches} differ`,
  );
}
process.exitCode = failures === 0 ? 0 : 1;
