import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type Command, Option } from "commander";
import { type MockUpstream, startMockUpstream } from "../../../adapters/mock-upstream/index.js";
import {
  type ChatProvider,
  createOpenAICompatibleProvider,
  createProvider,
  parseModelReference,
} from "../../../adapters/providers/index.js";
import { DATABASE_FILE, resolveDataDir } from "../../../adapters/stores/index.js";
import {
  type Chat,
  type ChatSessionStore,
  createChat,
  createSqliteSessionStore,
  resumeChat,
} from "../../../apps/chat/index.js";
import { createClient } from "../../../apps/client/index.js";
import type { Catalog, ModelInfo } from "../../../core/catalog/index.js";
import { invalidInput, TokenwiseError } from "../../../core/errors/index.js";
import { formatUsd, type Picodollars } from "../../../core/money/index.js";
import { runChatRepl } from "../../repl/index.js";
import { loadCatalog } from "../catalog-option.js";
import { type Output, processOutput, toJson } from "../output.js";
import { dollars, modelName, nonNegativeInteger, positiveInteger } from "../parse-options.js";
import { formatInteger, formatTable } from "../table.js";
import { type ValidatedLines, validatedLines } from "../validated-lines.js";

/** Attempts per call (one retry): a person waiting for a reply is better told soon. */
const CHAT_ATTEMPTS = 2;

interface ChatFlags {
  model: string;
  budget?: Picodollars;
  system?: string;
  summaryModel?: string;
  summarizeAt?: number;
  keepLast?: number;
  maxOutputTokens?: number;
  baseUrl?: string;
  apiKeyEnv?: string;
  contextWindow: number;
  mock?: boolean;
  mockDelay: number;
  resume?: string;
  dataDir?: string;
  save: boolean;
  wholeInput?: boolean;
  list?: boolean;
  json?: boolean;
  force?: boolean;
  catalog?: string;
}

/**
 * `tokenwise chat`: a cost-aware chat in the terminal. Every message is priced at its worst case
 * before it is sent and refused if it could pass the budget; replies stream; each turn ends with
 * its tokens, cost, total and budget left; sessions persist in the data directory's SQLite file.
 *
 * @example
 * ```ts
 * const program = new Command("tokenwise");
 * registerChatCommand(program);
 * await program.parseAsync(["node", "tokenwise", "chat", "--mock", "--budget", "0.50"]);
 * ```
 */
export function registerChatCommand(program: Command, output: Output = processOutput): void {
  program
    .command("chat")
    .description("chat with a model under a hard budget, seeing what every turn costs")
    .option("-m, --model <name>", "chat model", modelName, "gpt-4o-mini")
    .option("-b, --budget <dollars>", "most the session may spend, e.g. 0.50", dollars)
    .option("--system <text>", "system prompt for a new session")
    .option(
      "--summary-model <name>",
      "model that writes the running summary (default: --model)",
      modelName,
    )
    .option(
      "--summarize-at <tokens>",
      "fold older turns into a summary past this size (10000)",
      positiveInteger,
    )
    .option("--keep-last <turns>", "newest turns always kept verbatim (5)", nonNegativeInteger)
    .option("--max-output-tokens <n>", "most tokens per reply (1024)", positiveInteger)
    .option("--base-url <url>", "an OpenAI-compatible server (Ollama, vLLM, llama.cpp, a gateway)")
    .option("--api-key-env <VAR>", "environment variable holding the key for --base-url")
    .option(
      "--context-window <tokens>",
      "context window of a --base-url model the catalog does not know (it is then free)",
      positiveInteger,
      8192,
    )
    .option("--mock", "answer from an in-process mock upstream (offline demo, no key needed)")
    .addOption(
      new Option("--mock-delay <ms>", "delay between streamed mock chunks")
        .argParser(nonNegativeInteger)
        .default(15)
        .hideHelp(),
    )
    .option("--resume <id>", "continue a saved session")
    .option("--list", "list the saved sessions (id, model, turns, spend, last used) and exit")
    .option("--json", "with --list: print JSON for scripts")
    .option(
      "--data-dir <dir>",
      "where sessions are saved (default .tokenwise or TOKENWISE_DATA_DIR)",
    )
    .option("--no-save", "do not save the session")
    .option(
      "--whole-input",
      "with piped input: send all of it as one message (default: one per line)",
    )
    .option("--force", "with piped input: accept bytes that are not UTF-8 (they become U+FFFD)")
    .option("--catalog <file>", "extend the model catalog with your own JSON file")
    .addHelpText(
      "after",
      `
Examples:
  tokenwise chat --mock --budget 0.50                  offline demo, nothing to set up
  tokenwise chat --model gpt-4o-mini --budget 0.50     needs OPENAI_API_KEY
  tokenwise chat --base-url http://127.0.0.1:11434/v1 --model llama3.2
  echo "What is a token?" | tokenwise chat --mock      one message per input line
  tokenwise chat --list                                saved sessions, newest first
  tokenwise chat --resume 3f9c2a7b1d04

In the chat: /stats /model NAME /budget AMOUNT /summarize /history /save /reset /help /exit.
Ctrl-C cancels a reply (its partial cost still counts); Ctrl-C again leaves.
Piped input: replies go to stdout, cost lines to stderr.`,
    )
    .action(async (flags: ChatFlags, command: Command) => {
      if (flags.list) {
        await listSessions(flags, output);
        return;
      }
      if (flags.json) throw invalidInput("--json", "goes with --list; a chat itself is text");
      // A resumed session keeps its own model unless --model is given explicitly.
      const modelGiven = command.getOptionValueSource("model") !== "default";
      await runChatCommand(flags, modelGiven);
    });
}

/** The data directory of saved sessions, created if missing; a file there is refused. */
function sessionDataDir(flags: ChatFlags, create: boolean): string {
  const dataDir = resolveDataDir(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir });
  const kind = fileKind(dataDir);
  if (kind === "other") {
    throw invalidInput(
      flags.dataDir === undefined ? "TOKENWISE_DATA_DIR" : "--data-dir",
      `${dataDir} is a file, not a directory: pass a directory for the saved sessions`,
    );
  }
  if (kind === "missing" && create) mkdirSync(dataDir, { recursive: true });
  return dataDir;
}

function fileKind(path: string): "directory" | "other" | "missing" {
  try {
    return statSync(path).isDirectory() ? "directory" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
}

/** `tokenwise chat --list`: the saved sessions, most recently used first. */
async function listSessions(flags: ChatFlags, output: Output): Promise<void> {
  if (!flags.save) throw invalidInput("--list", "reads the saved sessions: leave out --no-save");
  const dataDir = sessionDataDir(flags, false);
  const path = join(dataDir, DATABASE_FILE);
  const sessions = fileKind(path) === "missing" ? [] : await readSessionList(path);
  if (flags.json) {
    output.write(toJson(sessions));
    return;
  }
  if (sessions.length === 0) {
    output.write(`no saved chat sessions in ${dataDir}; start one with: tokenwise chat`);
    return;
  }
  output.write(
    formatTable(sessions, [
      { header: "session", value: (session) => session.id },
      { header: "model", value: (session) => session.model },
      { header: "turns", value: (session) => formatInteger(session.turns), align: "right" },
      { header: "spend", value: (session) => formatUsd(session.cost), align: "right" },
      {
        header: "last used (UTC)",
        value: (session) => session.updatedAt.replace("T", " ").slice(0, 19),
      },
    ]),
  );
  output.write(`resume one with: tokenwise chat --resume <session>`);
}

async function readSessionList(path: string) {
  const store = createSqliteSessionStore({ path });
  try {
    return await store.list();
  } finally {
    await store.close();
  }
}

async function runChatCommand(flags: ChatFlags, modelGiven: boolean): Promise<void> {
  const notes: string[] = [];
  let catalog = await loadCatalog(flags.catalog);
  let mock: MockUpstream | undefined;
  let store: ChatSessionStore | undefined;
  try {
    if (flags.mock && flags.baseUrl !== undefined) {
      throw invalidInput("--mock", "and --base-url cannot be used together; choose one");
    }
    if (flags.mock) {
      mock = await startMockUpstream({ streamChunkDelayMs: flags.mockDelay });
      notes.push(
        `mock upstream at ${mock.url}: replies echo your message, usage is priced as ${flags.model}`,
      );
    }
    if (flags.baseUrl !== undefined && !catalog.has(flags.model)) {
      catalog = catalog.extend([localModel(flags.model, flags.contextWindow)]);
      notes.push(
        `${flags.model} is not in the catalog: counted as free, with a ${flags.contextWindow}-token window (set prices with --catalog)`,
      );
    }
    const providers = chatProviders({ flags, catalog, mock });
    const client = createClient({
      providers,
      catalog,
      retry: { maxAttempts: CHAT_ATTEMPTS },
    });
    let saveLocation: string | undefined;
    if (flags.save) {
      saveLocation = join(sessionDataDir(flags, true), DATABASE_FILE);
      store = createSqliteSessionStore({ path: saveLocation });
    } else if (flags.resume !== undefined) {
      throw invalidInput("--resume", "needs the saved sessions: leave out --no-save");
    }
    const chat = await openChat({ flags, modelGiven, catalog, client, store });
    const interactive = process.stdin.isTTY === true;
    const input = interactive ? undefined : await pipedInput(flags);
    for (const note of notes) process.stderr.write(`note: ${note}\n`);
    const outcome = await runChatRepl({
      chat,
      input: input?.stream ?? process.stdin,
      output: process.stdout,
      messages: process.stderr,
      interactive,
      wholeInput: flags.wholeInput === true,
      banner: banner(chat, flags),
      maxAttempts: CHAT_ATTEMPTS,
      ...(saveLocation === undefined ? {} : { saveLocation }),
    });
    if (outcome.error !== undefined) throw outcome.error;
    if (input?.failure() !== undefined) throw input.failure();
  } finally {
    await store?.close();
    await mock?.close();
  }
}

/**
 * Piped stdin, checked as UTF-8 text. With --whole-input it is read and checked whole first,
 * so input with an invalid byte sends nothing.
 */
async function pipedInput(flags: ChatFlags): Promise<ValidatedLines> {
  const lines = validatedLines(process.stdin, { source: "stdin", force: flags.force === true });
  if (flags.wholeInput !== true) return lines;
  let text = "";
  for await (const part of lines.stream) text += String(part);
  const failure = lines.failure();
  if (failure !== undefined) throw failure;
  return { stream: Readable.from([text]), failure: () => undefined };
}

async function openChat(options: {
  flags: ChatFlags;
  modelGiven: boolean;
  catalog: Catalog;
  client: ReturnType<typeof createClient>;
  store: ChatSessionStore | undefined;
}): Promise<Chat> {
  const { flags, modelGiven, catalog, client, store } = options;
  const settings = {
    ...(flags.summarizeAt === undefined ? {} : { summarizeAt: flags.summarizeAt }),
    ...(flags.keepLast === undefined ? {} : { keepLast: flags.keepLast }),
    ...(flags.maxOutputTokens === undefined ? {} : { maxOutputTokens: flags.maxOutputTokens }),
    ...(flags.budget === undefined ? {} : { budget: flags.budget }),
    ...(flags.summaryModel === undefined ? {} : { summaryModel: flags.summaryModel }),
  };
  if (flags.resume !== undefined && store !== undefined) {
    if ((await store.load(flags.resume)) === undefined) {
      throw new TokenwiseError(
        "not_found",
        `no saved chat session ${JSON.stringify(flags.resume)}: list the saved ones with "tokenwise chat --list" (add the same --data-dir), or start a new chat without --resume`,
        { details: { field: "--resume" } },
      );
    }
    return resumeChat(flags.resume, {
      client,
      store,
      catalog,
      ...(modelGiven ? { model: flags.model } : {}),
      ...settings,
    });
  }
  return createChat({
    client,
    catalog,
    model: flags.model,
    ...settings,
    ...(flags.system === undefined ? {} : { system: flags.system }),
    ...(store === undefined ? {} : { store }),
  });
}

/**
 * The providers the client routes to: the mock (one per wire format), one OpenAI-compatible
 * server for every model, or the model's own provider built now, so a missing key is reported
 * before the first message rather than after it.
 */
function chatProviders(options: {
  flags: ChatFlags;
  catalog: Catalog;
  mock: MockUpstream | undefined;
}): Record<string, ChatProvider> {
  const { flags, catalog, mock } = options;
  if (mock !== undefined) {
    return {
      openai: createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "mock" }),
      anthropic: createProvider({ provider: "anthropic", baseUrl: mock.url, apiKey: "mock" }),
      gemini: createProvider({ provider: "gemini", baseUrl: `${mock.url}/v1beta`, apiKey: "mock" }),
    };
  }
  if (flags.baseUrl !== undefined) {
    const apiKey = flags.apiKeyEnv === undefined ? undefined : process.env[flags.apiKeyEnv];
    if (flags.apiKeyEnv !== undefined && (apiKey === undefined || apiKey.trim() === "")) {
      throw invalidInput("--api-key-env", `names ${flags.apiKeyEnv}, which is not set`);
    }
    const server = createOpenAICompatibleProvider({
      name: "openai-compatible",
      baseUrl: flags.baseUrl,
      requireApiKey: false,
      ...(apiKey === undefined ? {} : { apiKey }),
    });
    return { openai: server, anthropic: server, gemini: server, ollama: server };
  }
  const info = catalog.get(flags.model);
  const { provider } = parseModelReference(flags.model, { catalogProvider: info.provider });
  return { [provider]: createProvider({ provider }) };
}

/** A model a local server runs that the catalog does not price: free, estimated counts. */
function localModel(id: string, contextWindow: number): ModelInfo {
  if (contextWindow < 2) {
    throw invalidInput("--context-window", `must be at least 2 tokens, got ${contextWindow}`);
  }
  return {
    id,
    provider: "openai",
    displayName: id,
    mode: "chat",
    tokenizer: "o200k_base",
    contextWindow,
    maxOutputTokens: Math.floor(contextWindow / 2),
    prices: { input: "0", output: "0" },
    capabilities: {
      vision: false,
      tools: false,
      reasoning: false,
      promptCaching: false,
      structuredOutput: false,
      batch: false,
    },
    aliases: [],
    source: "tokenwise chat --base-url (not in the catalog)",
    checked: new Date().toISOString().slice(0, 10),
  };
}

function banner(chat: Chat, flags: ChatFlags): string {
  const stats = chat.stats();
  const budget =
    stats.budget === undefined
      ? "no budget"
      : `budget ${formatUsd(stats.budget)} (left ${formatUsd(stats.budgetRemaining ?? 0n)})`;
  const source = flags.mock
    ? " · mock upstream"
    : flags.baseUrl !== undefined
      ? ` · ${flags.baseUrl}`
      : "";
  const resumed = flags.resume !== undefined ? ` · resumed, ${stats.messages} messages` : "";
  return (
    `tokenwise chat · ${stats.model} · ${budget} · session ${chat.sessionId}${source}${resumed}\n` +
    "Type a message, or /help for commands. Ctrl-C cancels a reply; Ctrl-C twice leaves."
  );
}
