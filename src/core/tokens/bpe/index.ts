export type { BpeEncodingName } from "./bpe-tokenizer.js";
export { createBpeTokenizer } from "./create-bpe-tokenizer.js";
