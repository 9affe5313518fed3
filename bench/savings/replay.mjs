/**
 * Replays the workload against the mock upstream in one arm. The naive arm is the tutorial's
 * code: one big model (gpt-4o) for everything, the full history every turn, documents pasted
 * in relevance order ("structure_for_attention") before the question, long documents sent
 * whole, no caches. In every arm the question is the request's last message, so the mock's
 * echoed answer has the same size whatever the layout before it. The tokenwise arm turns on any subset of the levers below; every arm sends
 * the same logical requests and gets the same deterministic answers for the same request.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const LEVERS = [
  "responseCache",
  "embeddingCache",
  "promptOrdering",
  "summaries",
  "contextFitting",
  "chooser",
];

export const LEVER_LABELS = {
  responseCache: "response cache (with question normalization)",
  embeddingCache: "embedding cache",
  promptOrdering: "prompt ordering for provider prompt caching",
  summaries: "incremental summaries",
  contextFitting: "context fitting (long documents cut to 12k tokens)",
  chooser: "model chooser",
};

const BIG_MODEL = "gpt-4o";
const EMBEDDING_MODEL = "text-embedding-3-small";
const FITTED_DOCUMENT_TOKENS = 12_000;
const API_KEY = "bench-savings-key";

export async function loadTokenwise(root) {
  const dist = (path) => import(pathToFileURL(join(root, "dist", path)).href);
  const [client, ledger, stores, providers, chat, cost, tokens, mock, money] = await Promise.all([
    dist("apps/client/index.js"),
    dist("adapters/ledger/index.js"),
    dist("adapters/stores/index.js"),
    dist("adapters/providers/index.js"),
    dist("apps/chat/index.js"),
    dist("core/cost/index.js"),
    dist("core/tokens/index.js"),
    dist("adapters/mock-upstream/index.js"),
    dist("core/money/index.js"),
  ]);
  return {
    ...client,
    ...ledger,
    ...stores,
    ...providers,
    ...chat,
    ...cost,
    ...tokens,
    ...mock,
    ...money,
  };
}

/** The question as the caches see it: case, spacing, "please" and repeated marks do not matter. */
export function normalizeQuestion(text) {
  return text
    .trim()
    .replace(/\s+/g, " ")
    .toLowerCase()
    .replace(/^please,?\s*/, "")
    .replace(/\?+$/, "?");
}

/** The tutorial's structure_for_attention: ranked by relevance to the query, best at the edges. */
function structureForAttention(documents, query) {
  const relevance = (document) =>
    createHash("sha256").update(`${query}\u0000${document.id}`).digest().readUInt32BE(0);
  const ranked = [...documents].sort((a, b) => relevance(b) - relevance(a));
  const reordered = [];
  ranked.forEach((document, index) => {
    if (index % 2 === 0) reordered.unshift(document);
    else reordered.push(document);
  });
  return reordered.map((document) => `[${document.id}] ${document.text}`).join("\n\n");
}

/**
 * Runs one arm on a fresh mock upstream (so the provider's prompt cache starts empty) and
 * returns the ledger's records.
 */
export async function runArm({ tw, workload, levers }) {
  const on = new Set(levers);
  const mock = await tw.startMockUpstream({ promptCaching: true, apiKeys: { openai: API_KEY } });
  const ledger = tw.createMemoryLedger();
  try {
    const openai = tw.createOpenAICompatibleProvider({
      baseUrl: `${mock.url}/v1`,
      apiKey: API_KEY,
    });
    const client = tw.createClient({
      providers: { openai },
      ledger,
      retry: false,
      cache: on.has("responseCache") ? { store: tw.createMemoryStore() } : false,
      embeddingCache: on.has("embeddingCache") ? { store: tw.createMemoryStore() } : false,
    });
    const normalize = (text) =>
      on.has("responseCache") || on.has("embeddingCache") ? normalizeQuestion(text) : text;
    const choose = (task, inputTokens, expectedOutputTokens, priority) =>
      on.has("chooser")
        ? tw.chooseModel({
            task,
            priority,
            inputTokens,
            expectedOutputTokens,
            models: ["gpt-4o", "gpt-4o-mini"],
          }).choice.model
        : BIG_MODEL;

    await runChats({ tw, client, workload, on, choose });
    await runRag({ client, workload, on, normalize, choose });
    await runLongDocuments({ tw, client, workload, on, choose });
    for (const task of workload.tasks) {
      const model = choose(
        task.difficulty === "easy" ? "simple_qa" : "complex_reasoning",
        Math.ceil(task.prompt.length / 4),
        task.maxTokens,
        task.difficulty === "easy" ? "cheapest" : "smartest",
      );
      await client.chat({
        model,
        temperature: 0,
        max_tokens: task.maxTokens,
        messages: [{ role: "user", content: task.prompt }],
      });
    }
    return await ledger.records();
  } finally {
    await ledger.close();
    await mock.close();
  }
}

async function runChats({ tw, client, workload, on, choose }) {
  const systems = new Map(
    workload.assistants.map((assistant) => [assistant.name, assistant.system]),
  );
  for (const session of workload.chatSessions) {
    const system = systems.get(session.assistant);
    const model = choose("real_time_chat", Math.ceil(system.length / 4), 1024, "balanced");
    if (!on.has("summaries")) {
      // The tutorial's chat loop: the whole history on every turn.
      const messages = [{ role: "system", content: system }];
      for (const text of session.turns) {
        messages.push({ role: "user", content: text });
        const result = await client.chat({ model, max_tokens: 1024, messages: [...messages] });
        messages.push({ role: "assistant", content: result.message.content });
      }
      continue;
    }
    const chat = await tw.createChat({
      client,
      model,
      summaryModel: "gpt-4o-mini",
      system,
      summarizeAt: 6000,
      keepLast: 2,
      maxOutputTokens: 1024,
    });
    for (const text of session.turns) await chat.send(text);
  }
}

async function runRag({ client, workload, on, normalize, choose }) {
  const byId = new Map(workload.documents.map((document) => [document.id, document]));
  // Index the document set once, as any RAG app does.
  await client.embed({
    model: EMBEDDING_MODEL,
    input: workload.documents.map((document) => document.text),
  });
  for (const question of workload.ragQuestions) {
    const asked = normalize(question.text);
    await client.embed({ model: EMBEDDING_MODEL, input: asked });
    const documents = question.documentIds.map((id) => byId.get(id));
    const messages = on.has("promptOrdering")
      ? [
          { role: "system", content: workload.ragInstructions },
          {
            role: "system",
            content: documents
              .slice()
              .sort((a, b) => (a.id < b.id ? -1 : 1))
              .map((document) => `[${document.id}] ${document.text}`)
              .join("\n\n"),
          },
          { role: "user", content: asked },
        ]
      : [
          {
            role: "user",
            content: `${workload.ragInstructions}\n\n${structureForAttention(documents, asked)}`,
          },
          { role: "user", content: asked },
        ];
    const inputTokens = Math.ceil(
      messages.reduce((total, message) => total + message.content.length, 0) / 4,
    );
    const model = choose("simple_qa", inputTokens, 400, "cheapest");
    await client.chat({ model, temperature: 0, max_tokens: 400, messages });
  }
}

async function runLongDocuments({ tw, client, workload, on, choose }) {
  for (const document of workload.longDocuments) {
    const text = on.has("contextFitting")
      ? tw.truncateText(document.text, {
          maxTokens: FITTED_DOCUMENT_TOKENS,
          tokenizer: "o200k_base",
        }).text
      : document.text;
    const model = choose("long_document", Math.ceil(text.length / 4), 400, "cheapest");
    for (const question of document.questions) {
      await client.chat({
        model,
        temperature: 0,
        max_tokens: 400,
        messages: [
          { role: "user", content: text },
          { role: "user", content: question },
        ],
      });
    }
  }
}
