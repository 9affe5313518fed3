/**
 * The savings benchmark's workload, generated deterministically from a seed (same seed, same
 * workload, byte for byte). Text is pseudo-English from a fixed syllable set, so it needs no
 * data download and tokenizes like prose (about 4 characters per token).
 *
 * - chat: sessions with three assistants, each with a long shared system prompt (~2,000
 *   tokens); 8-16 follow-up turns; a quarter of the user turns paste a block (logs, code).
 * - rag: a document set (60 documents, ~300-500 words) and questions over it: 45% repeat an
 *   earlier question exactly, 25% ask nearly the same (case, spacing, "please", punctuation),
 *   30% are new. Each question's retrieved documents are fixed by its topic.
 * - long: documents of 25k-45k tokens, three questions each: they exceed a small window.
 * - tasks: one-shot tasks, 60% easy (classify, extract, short answer), 40% hard (multi-step
 *   reasoning, code review), with the output limits such tasks get.
 */
// The mock upstream's mulberry32 generator, from the build (run `npm run build` first).
const { createSeededRandom } = await import(
  new URL("../../dist/adapters/mock-upstream/seeded-random.js", import.meta.url).href
);

const ONSETS = [
  "b",
  "c",
  "d",
  "f",
  "g",
  "h",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "w",
  "st",
  "tr",
  "pl",
  "gr",
  "ch",
];
const VOWELS = ["a", "e", "i", "o", "u", "ea", "io", "ou"];
const CODAS = ["", "", "n", "r", "s", "t", "l", "nd", "ck", "st"];

export function generateWorkload({ seed = 2026, scale = 1 } = {}) {
  const random = createSeededRandom(seed);
  const pick = (items) => items[Math.floor(random() * items.length)];
  const between = (low, high) => low + Math.floor(random() * (high - low + 1));
  const count = (n) => Math.max(1, Math.round(n * scale));

  const vocabulary = Array.from({ length: 600 }, () => {
    const syllables = between(1, 3);
    let word = "";
    for (let index = 0; index < syllables; index++)
      word += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
    return word;
  });
  const sentence = (words) => {
    const chosen = Array.from({ length: words }, () => pick(vocabulary));
    const text = chosen.join(" ");
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  const paragraph = (words) => {
    const sentences = [];
    let left = words;
    while (left > 0) {
      const length = Math.min(left, between(8, 20));
      sentences.push(sentence(length));
      left -= length;
    }
    return sentences.join(" ");
  };
  const wordsForTokens = (tokens) => Math.round(tokens * 0.46);

  const assistants = ["support", "billing", "onboarding"].map((name) => ({
    name,
    system: `You are the ${name} assistant of Acme Cloud. ${paragraph(wordsForTokens(2000))}`,
  }));
  const chatSessions = Array.from({ length: count(30) }, (_, index) => ({
    id: `session-${index}`,
    assistant: pick(assistants).name,
    turns: Array.from({ length: between(8, 16) }, () =>
      random() < 0.25
        ? `Here is what I see:\n${paragraph(between(150, 400))}\nWhat does it mean?`
        : paragraph(between(10, 40)),
    ),
  }));

  const topics = 15;
  const documents = Array.from({ length: 60 }, (_, index) => ({
    id: `doc-${String(index).padStart(2, "0")}`,
    topic: index % topics,
    text: paragraph(between(300, 500)),
  }));
  const ragInstructions = `Answer from the documents below only; cite document ids; say so when they do not answer. ${paragraph(wordsForTokens(1200))}`;
  const basePool = [];
  const ragQuestions = [];
  for (let index = 0; index < count(150); index++) {
    const roll = random();
    let question;
    if (basePool.length > 0 && roll < 0.45) {
      question = { ...pick(basePool), kind: "repeat" };
    } else if (basePool.length > 0 && roll < 0.7) {
      const base = pick(basePool);
      question = { ...base, text: nearlyTheSame(base.text, random), kind: "near-duplicate" };
    } else {
      const topic = between(0, topics - 1);
      question = { topic, text: `${sentence(between(6, 14)).slice(0, -1)}?`, kind: "new" };
      basePool.push(question);
    }
    const relevant = documents.filter((document) => document.topic === question.topic);
    ragQuestions.push({ ...question, documentIds: relevant.map((document) => document.id) });
  }

  const longDocuments = Array.from({ length: count(12) }, (_, index) => ({
    id: `long-${index}`,
    text: paragraph(wordsForTokens(between(25_000, 45_000))),
    questions: Array.from({ length: 3 }, () => `${sentence(between(8, 16)).slice(0, -1)}?`),
  }));

  const tasks = Array.from({ length: count(120) }, (_, index) => {
    const hard = random() < 0.4;
    return hard
      ? {
          id: `task-${index}`,
          difficulty: "hard",
          prompt: `Reason step by step, then review this change and list every risk:\n${paragraph(between(400, 900))}`,
          maxTokens: 800,
        }
      : {
          id: `task-${index}`,
          difficulty: "easy",
          prompt: `${pick(["Classify the sentiment of", "Extract the names and dates from", "Answer in one line about"])}: ${paragraph(between(40, 160))}`,
          maxTokens: 100,
        };
  });

  return {
    seed,
    scale,
    assistants,
    chatSessions,
    documents,
    ragInstructions,
    ragQuestions,
    longDocuments,
    tasks,
  };
}

/** The same question as people retype it: other case, spacing, "please", punctuation. */
function nearlyTheSame(text, random) {
  const variants = [
    (value) => value.toLowerCase(),
    (value) => `  ${value.replace(/ /g, "  ")}`,
    (value) => `Please, ${value.charAt(0).toLowerCase()}${value.slice(1)}`,
    (value) => value.replace(/\?$/, "??"),
    (value) => value.toUpperCase(),
  ];
  return variants[Math.floor(random() * variants.length)](text);
}
