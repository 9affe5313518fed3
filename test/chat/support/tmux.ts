/** A real terminal for REPL tests: a private tmux server, keys in, screen text out. */
import { execFileSync, spawnSync } from "node:child_process";

export function tmuxAvailable(): boolean {
  return spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
}

export interface TmuxSession {
  /** Types text (literally) and optionally presses Enter. */
  type(text: string, options?: { enter?: boolean }): void;
  /** Presses keys by tmux name ("C-c", "Enter"). */
  press(...keys: string[]): void;
  /** The visible screen and its scrollback, wrapped lines joined, trailing blanks removed. */
  screen(): string;
  /** Waits until the screen matches, returning it; throws with the screen after `timeoutMs`. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  kill(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `command` (argv) in a new tmux session of 140×50 in `cwd`. When it ends, the pane
 * prints "[exit CODE]" and stays, so tests can read the last screen.
 */
export function startTmux(options: {
  socket: string;
  name: string;
  command: string[];
  cwd: string;
  env?: Record<string, string>;
}): TmuxSession {
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-L", options.socket, ...args], { encoding: "utf8" });
  const quoted = options.command.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
  const env = Object.entries(options.env ?? {})
    .map(([key, value]) => `${key}='${value.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const shell = `${env} ${quoted}; echo "[exit $?]"; sleep 600`;
  tmux("new-session", "-d", "-s", options.name, "-x", "140", "-y", "50", "-c", options.cwd, shell);
  const target = options.name;
  const screen = () =>
    tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", target).replace(/\s+$/, "");
  return {
    type(text, { enter = true } = {}) {
      tmux("send-keys", "-t", target, "-l", text);
      if (enter) tmux("send-keys", "-t", target, "Enter");
    },
    press(...keys) {
      tmux("send-keys", "-t", target, ...keys);
    },
    screen,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const text = screen();
        if (typeof pattern === "string" ? text.includes(pattern) : pattern.test(text)) return text;
        if (Date.now() > deadline) {
          throw new Error(`Timed out waiting for ${String(pattern)}. Screen:\n${text}`);
        }
        await sleep(100);
      }
    },
    kill() {
      spawnSync("tmux", ["-L", options.socket, "kill-session", "-t", target], { stdio: "ignore" });
    },
  };
}

export function killTmuxServer(socket: string): void {
  spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
}
