#!/usr/bin/env node
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
/**
 * Savings benchmark: replays one seeded workload (chat sessions with long shared system
 * prompts, RAG over a document set with repeated and nearly repeated questions, long
 * documents, easy and hard one-shot tasks) against the mock upstream, which simulates the
 * provider's prompt caching, in a naive arm (the tutorial's code) and tokenwise arms: each
 * lever alone and all together. Costs are the client's exact ledger costs at catalog prices.
 *
 * Usage: npm run build && node bench/savings/run.mjs [--seed 2026] [--scale 1] [--write]
 * With --write the results replace the "## Savings" section of BENCHMARKS.md.
 */
import { writeBenchmarksSection } from "../benchmarks-file.mjs";
import { LEVER_LABELS, LEVERS, loadTokenwise, runArm } from "./replay.mjs";
import { generateWorkload } from "./workload.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: options } = parseArgs({
  options: {
    seed: { type: "string", default: "2026" },
    scale: { type: "string", default: "1" },
    write: { type: "boolean", default: false },
  },
});
if (!existsSync(join(root, "dist", "apps", "client", "index.js"))) {
  console.error("dist/apps/client/index.js is missing: run npm run build first");
  process.exit(1);
}
const tw = await loadTokenwise(root);
const seed = Number(options.seed);
const scale = Number(options.scale);
const workload = generateWorkload({ seed, scale });

const arms = [
  { name: "naive (the tutorial's code)", levers: [] },
  ...LEVERS.map((lever) => ({ name: `${LEVER_LABELS[lever]} alone`, levers: [lever] })),
  { name: "tokenwise: all levers", levers: LEVERS },
];

function summarize(records) {
  const sums = {
    cost: 0n,
    calls: 0,
    embeddingCalls: 0,
    cacheHits: 0,
    input: 0,
    cached: 0,
    written: 0,
    output: 0,
  };
  for (const record of records) {
    sums.cost += record.cost;
    if (record.cached) sums.cacheHits += 1;
    else if (record.metadata?.operation === "embed") sums.embeddingCalls += 1;
    else sums.calls += 1;
    sums.input +=
      record.usage.inputTokens - record.usage.cachedInputTokens - record.usage.cacheWriteTokens;
    sums.cached += record.usage.cachedInputTokens;
    sums.written += record.usage.cacheWriteTokens;
    sums.output += record.usage.outputTokens;
  }
  return sums;
}

const results = [];
for (const arm of arms) {
  const started = performance.now();
  const records = await runArm({ tw, workload, levers: arm.levers });
  results.push({ ...arm, ...summarize(records), seconds: (performance.now() - started) / 1000 });
  console.error(
    `${arm.name}: ${tw.formatUsd(results.at(-1).cost)} (${results.at(-1).seconds.toFixed(1)} s)`,
  );
}

const naive = results[0];
const cut = (cost) => Number(((naive.cost - cost) * 100_000n) / naive.cost) / 1000;
const integer = (value) => value.toLocaleString("en-US");
const table = [
  "| arm | spend | cut | chat calls | embedding calls | cache hits (response + embedding) | input tokens (uncached) | cached input tokens | output tokens |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...results.map(
    (result) =>
      `| ${result.name} | ${tw.formatUsd(result.cost, { decimals: 4 })} | ${result === naive ? "-" : `${cut(result.cost).toFixed(1)}%`} | ${integer(result.calls)} | ${integer(result.embeddingCalls)} | ${integer(result.cacheHits)} | ${integer(result.input)} | ${integer(result.cached)} | ${integer(result.output)} |`,
  ),
].join("\n");

const all = results.at(-1);
const counts = {
  sessions: workload.chatSessions.length,
  turns: workload.chatSessions.reduce((total, session) => total + session.turns.length, 0),
  documents: workload.documents.length,
  questions: workload.ragQuestions.length,
  repeats: workload.ragQuestions.filter((question) => question.kind === "repeat").length,
  nearDuplicates: workload.ragQuestions.filter((question) => question.kind === "near-duplicate")
    .length,
  long: workload.longDocuments.length,
  tasks: workload.tasks.length,
  hard: workload.tasks.filter((task) => task.difficulty === "hard").length,
};
const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim();
  } catch {
    return "unknown";
  }
})();
const section = `## Savings

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB RAM,
Node ${process.version}, commit ${commit}. Command:

\`\`\`
npm run build && node bench/savings/run.mjs --seed ${seed} --scale ${scale} --write
\`\`\`

**All levers together cut spend by ${cut(all.cost).toFixed(1)}%** (${tw.formatUsd(naive.cost, { decimals: 4 })} → ${tw.formatUsd(all.cost, { decimals: 4 })}) on the same requests.

Workload (seed ${seed}, generated by \`bench/savings/workload.mjs\`): ${counts.sessions} chat sessions (${counts.turns} user
turns) with three ~2,000-token system prompts; ${counts.questions} RAG questions over ${counts.documents} documents
(${counts.repeats} exact repeats, ${counts.nearDuplicates} near-duplicates); ${counts.long} long documents of 25k-45k
tokens with 3 questions each; ${counts.tasks} one-shot tasks (${counts.hard} hard). Every arm replays it against a fresh
\`mock-upstream\` (OpenAI wire format) with provider prompt caching simulated (prefixes of 1024+ tokens
cached in 128-token blocks, per API key, 5-minute TTL), and the client's ledger prices every call
exactly at catalog prices (gpt-4o $2.50 / $1.25 cached / $10 output per million; gpt-4o-mini $0.15 /
$0.075 / $0.60; text-embedding-3-small $0.02). Token counts are the mock's (4 characters per token).

- **naive**: the tutorial's code: gpt-4o for everything, the whole history every turn, RAG documents
  pasted in \`structure_for_attention\` order in front of the question, long documents sent whole, no
  caches. Provider prompt caching still applies where its prefixes happen to repeat, as it would.
- **response cache**: exact repeats answered from the cache; questions are normalized (case,
  spacing, "please", repeated "?") first, so near-duplicates repeat exactly.
- **embedding cache**: question embeddings cached (normalized the same way, which this arm
  also sends to the model).
- **prompt ordering**: stable instructions first, then the retrieved documents in a fixed order,
  the question last, so the provider's prefix cache covers instructions and documents.
- **incremental summaries**: \`createChat\` folds turns older than the newest 2 into a running
  summary (by gpt-4o-mini) once the history passes 6,000 tokens.
- **context fitting**: a long document is cut to 12,000 tokens (head and tail kept) before it is sent.
- **model chooser**: \`chooseModel\` over gpt-4o and gpt-4o-mini with the tutorial's policy:
  \`simple_qa\` (easy tasks, RAG answers from retrieved documents) and \`long_document\` questions
  go to gpt-4o-mini; \`complex_reasoning\` (hard tasks) and \`real_time_chat\` stay on gpt-4o.

${table}

"chat calls" counts every chat completion sent upstream, summary calls included. The levers
overlap, so the single-lever cuts do not add up to the combined one. In every arm the question is
the request's last message, so the mock's echoed answer has the same size whatever comes before
it. Caveats: answer quality is not measured (the mock echoes); context fitting and summaries drop
text, which a real deployment must judge on its own data. Chat is the largest share of spend and
only summaries (and the provider's own prompt cache, present in every arm) reduce it.
`;

console.log(section);
if (options.write) {
  writeBenchmarksSection({ root, heading: "## Savings", section });
  console.error("BENCHMARKS.md updated");
}
