import type { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import type { Chat, ChatRetryEvent } from "../../apps/chat/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import { formatUsd } from "../../core/money/index.js";
import {
  formatHistory,
  formatRetryLine,
  formatStats,
  formatTotalLine,
  formatTurnLine,
} from "./format-chat.js";
import {
  helpText,
  type ParsedSlashCommand,
  parseSlashCommand,
  unknownCommandLine,
} from "./slash-command.js";

export interface ChatReplOptions {
  chat: Chat;
  input: NodeJS.ReadableStream;
  /** Where replies go (and, in a terminal, everything else). */
  output: NodeJS.WritableStream;
  /** Where cost lines and errors go when not interactive (stderr), so replies stay clean. */
  messages: NodeJS.WritableStream;
  /** A person at a terminal: prompt, line editing, Ctrl-C handling. */
  interactive: boolean;
  /** Not interactive: send all of the input as one message instead of one message per line. */
  wholeInput?: boolean;
  /** Printed once at the start of an interactive session. */
  banner?: string;
  /** Where the session is saved, for /save; absent when it is not saved. */
  saveLocation?: string;
  /** Source of SIGINT when the terminal is not in raw mode (default `process`). */
  signals?: EventEmitter;
  /** How soon a second Ctrl-C leaves while a reply is being cancelled (default 2000 ms). */
  interruptWindowMs?: number;
  /** The client's attempts per call, shown in retry lines ("attempt 2/3"). */
  maxAttempts?: number;
}

/** How a REPL session ended: `error` is the failure that stopped non-interactive input. */
export interface ChatReplOutcome {
  error?: unknown;
}

/**
 * Runs the chat REPL until /exit, a second Ctrl-C or the end of input. Replies stream as they
 * arrive; each turn ends with a line of tokens, cost, total and budget left. Not interactive,
 * each input line is one message (or all input one message with `wholeInput`), replies go to
 * `output`, cost lines to `messages`, and the first failing message stops the run.
 *
 * @example
 * ```ts
 * const { error } = await runChatRepl({
 *   chat, input: process.stdin, output: process.stdout, messages: process.stderr,
 *   interactive: process.stdin.isTTY === true,
 * });
 * ```
 */
export async function runChatRepl(options: ChatReplOptions): Promise<ChatReplOutcome> {
  const { chat, interactive } = options;
  const write = (text: string) => {
    options.output.write(text);
  };
  const info = (line: string) => {
    (interactive ? options.output : options.messages).write(`${line}\n`);
  };
  const readline = createInterface({
    input: options.input,
    ...(interactive ? { output: options.output } : {}),
    terminal: interactive,
    prompt: "> ",
  });
  const window = options.interruptWindowMs ?? 2000;
  const signals = options.signals ?? process;
  let current: AbortController | undefined;
  let lastInterruptAt = Number.NEGATIVE_INFINITY;
  let interruptPending = false;
  let leaving = false;

  const lines: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  readline.on("line", (line) => {
    lines.push(line);
    wake?.();
  });
  readline.on("close", () => {
    closed = true;
    wake?.();
  });
  const nextLine = async (): Promise<string | undefined> => {
    while (true) {
      const line = lines.shift();
      if (line !== undefined) return line;
      if (closed || leaving) return undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  };

  const leave = () => {
    leaving = true;
    current?.abort();
    readline.close();
  };
  const onInterrupt = () => {
    const now = Date.now();
    const recent = now - lastInterruptAt <= window;
    lastInterruptAt = now;
    if (current !== undefined) {
      if (interruptPending && recent) leave();
      else current.abort();
      interruptPending = true;
      return;
    }
    if (interruptPending || !interactive) {
      leave();
      return;
    }
    interruptPending = true;
    readline.write(null, { ctrl: true, name: "u" });
    write("\n(To leave, press Ctrl-C again or type /exit)\n");
    readline.prompt();
  };
  readline.on("SIGINT", onInterrupt);
  signals.on("SIGINT", onInterrupt);

  const onRetry = (event: ChatRetryEvent) => info(formatRetryLine(event, options.maxAttempts));

  const report = (reported: unknown) => {
    const error = plainError(reported);
    if (TokenwiseError.hasCode(error, "budget_exceeded") && interactive) {
      info(`error: ${error.message} Type /budget AMOUNT to raise it.`);
    } else if (TokenwiseError.isInstance(error)) {
      info(`error: ${error.message}`);
    } else {
      info(`error: unexpected: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  let failure: unknown;
  /** Sends one message; false when it failed (not interactive: the failure is kept, not shown). */
  const sendTurn = async (text: string): Promise<boolean> => {
    const before = chat.stats().cost;
    const controller = new AbortController();
    current = controller;
    let printed = "";
    try {
      const stream = await chat.sendStreaming(text, { signal: controller.signal, onRetry });
      for await (const piece of stream) {
        printed += piece;
        write(piece);
      }
      const turn = await stream.result;
      if (printed !== "" && !printed.endsWith("\n")) write("\n");
      const stats = chat.stats();
      info(formatTurnLine(turn, { turnCost: stats.cost - before, stats }));
      if (turn.notice !== undefined) info(`note: ${turn.notice}`);
      return true;
    } catch (error) {
      if (printed !== "" && !printed.endsWith("\n")) write("\n");
      if (TokenwiseError.hasCode(error, "aborted")) {
        info("(cancelled before the reply started)");
        return true;
      }
      if (interactive) report(error);
      else failure = plainError(error);
      return false;
    } finally {
      current = undefined;
    }
  };

  const runCommand = async (command: ParsedSlashCommand): Promise<void> => {
    if (command.kind === "unknown") {
      info(unknownCommandLine(command.typed));
      return;
    }
    const { argument } = command;
    switch (command.name) {
      case "stats":
        info(formatStats(chat.stats()));
        return;
      case "model":
        if (argument !== "") await chat.setModel(argument);
        info(`model: ${chat.stats().model}`);
        return;
      case "budget": {
        if (argument !== "") {
          const off = ["off", "none"].includes(argument.toLowerCase());
          await chat.setBudget(off ? undefined : argument);
        }
        const stats = chat.stats();
        info(
          stats.budget === undefined
            ? "budget: none (spend is still counted)"
            : `budget: ${formatUsd(stats.budget)} (left ${formatUsd(stats.budgetRemaining ?? 0n)})`,
        );
        return;
      }
      case "summarize": {
        const before = chat.stats().cost;
        const folded = await chat.summarize({ onRetry });
        const cost = chat.stats().cost - before;
        info(
          folded === 0
            ? `nothing to fold yet: the newest ${chat.settings().keepLast} turns stay verbatim`
            : `folded ${folded} messages into the summary (cost ${formatUsd(cost)})`,
        );
        return;
      }
      case "history":
        info(formatHistory(chat.history(), chat.summary()));
        return;
      case "save":
        await chat.save();
        info(
          options.saveLocation === undefined
            ? `session ${chat.sessionId} is not being saved (started with --no-save)`
            : `saved session ${chat.sessionId} in ${options.saveLocation}; resume it with: tokenwise chat --resume ${chat.sessionId}`,
        );
        return;
      case "reset":
        await chat.reset();
        info("conversation cleared; what was spent stays counted");
        return;
      case "help":
        info(helpText());
        return;
      case "exit":
        leave();
        return;
    }
  };

  try {
    if (interactive && options.banner !== undefined) info(options.banner);
    if (!interactive && options.wholeInput === true) {
      const text = await readAll(options.input);
      readline.close();
      if (text.trim() !== "") await sendTurn(text);
    } else {
      while (!leaving) {
        if (interactive) readline.prompt();
        const line = await nextLine();
        if (line === undefined) break;
        interruptPending = false;
        if (line.trim() === "") continue;
        const command = parseSlashCommand(line);
        if (command !== undefined) {
          try {
            await runCommand(command);
          } catch (error) {
            report(error);
          }
          continue;
        }
        if (!(await sendTurn(line)) && !interactive) break;
      }
    }
  } finally {
    readline.off("SIGINT", onInterrupt);
    signals.off("SIGINT", onInterrupt);
    readline.close();
  }
  if (interactive) write("\n");
  info(formatTotalLine(chat.stats()));
  return failure === undefined ? {} : { error: failure };
}

/**
 * The error worth showing: a client's "every fallback candidate failed" around a single
 * candidate says less than that candidate's own error ("Could not reach openai: ...").
 */
function plainError(error: unknown): unknown {
  if (!TokenwiseError.isInstance(error)) return error;
  const attempts = error.details.attempts;
  const single = Array.isArray(attempts) && attempts.length === 1;
  return single && TokenwiseError.isInstance(error.cause) ? error.cause : error;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of input)
    text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
  return text;
}
