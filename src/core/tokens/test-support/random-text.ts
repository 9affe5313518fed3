/** Deterministic random text for property-style tests: mixed scripts, emoji, marks, whitespace. */

const PIECES = [
  "the",
  "Hello",
  "tokenization",
  "antidisestablishmentarianism",
  "DON'T",
  "I'LL",
  "we're",
  "1234567",
  "3.14159",
  "2 + 2 = 4",
  ",",
  ".",
  "!?",
  "(){}[]",
  "  ",
  "\n",
  "\n\n",
  "\r\n",
  "\t",
  "   \n ",
  "\u00a0",
  "\u2009",
  "\u3000",
  "お誕生日おめでとう",
  "中文字符",
  "안녕하세요",
  "Привет",
  "مرحبا",
  "नमस्ते",
  "สวัสดี",
  "🤖",
  "👩‍👩‍👧",
  "🏳️‍🌈",
  "👍🏽",
  "e\u0301",
  "a\u0308\u0304",
  "Z\u0351\u0352\u0353",
  "<|endoftext|>",
  "<|fim_prefix|>",
  "const x = { a: 1 };",
  '{"key": [1, 2, "three"]}',
  "https://example.com/a?b=c",
  "ﬁ",
  "\u200b",
];

/** A seeded pseudo-random generator (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random string of up to `maxPieces` pieces drawn from mixed scripts, emoji and whitespace. */
export function randomText(random: () => number, maxPieces: number): string {
  const pieceCount = Math.floor(random() * (maxPieces + 1));
  let text = "";
  for (let index = 0; index < pieceCount; index++) {
    const roll = random();
    if (roll < 0.08) {
      text += String.fromCodePoint(0x20 + Math.floor(random() * 0x2fff));
    } else {
      text += PIECES[Math.floor(random() * PIECES.length)];
    }
    if (random() < 0.5) {
      text += " ";
    }
  }
  return text;
}
