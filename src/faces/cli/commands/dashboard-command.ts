import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Command } from "commander";
import { parseBudget } from "../../../apps/report/index.js";
import { createDashboardHandler } from "../../dashboard/index.js";
import { type Output, processOutput } from "../output.js";
import { collect, nonNegativeInteger } from "../parse-options.js";
import { type LedgerFlags, openLedgerFromFlags, withLedgerOptions } from "./report-command.js";

interface DashboardFlags extends LedgerFlags {
  port: number;
  host: string;
  budget: string[];
  showPrompts?: boolean;
}

/** `tokenwise dashboard`: the spend dashboard over a local ledger, without a gateway. */
export function registerDashboardCommand(program: Command, output: Output = processOutput): void {
  withLedgerOptions(
    program
      .command("dashboard")
      .description("serve the spend dashboard for a ledger (no gateway needed)"),
  )
    .option("--port <n>", "port to listen on (0: a free one)", nonNegativeInteger, 8790)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--budget <scope=dollars>", "show a budget's burn-down (repeatable)", collect, [])
    .option("--show-prompts", "show metadata.prompt in the latest requests (when it is logged)")
    .addHelpText(
      "after",
      `
Examples:
  TOKENWISE_ADMIN_KEY=... tokenwise dashboard --ledger .tokenwise
  tokenwise dashboard --ledger redis://127.0.0.1:6379 --budget team:data:month:2026-12=250

The admin key comes from TOKENWISE_ADMIN_KEY; without it a random key is made for this run and
put in the printed link's #fragment (never sent to the server, never logged).`,
    )
    .action(async (flags: DashboardFlags) => {
      const budgets = flags.budget.map((text) => parseBudget(text, "--budget"));
      const fromEnv = process.env.TOKENWISE_ADMIN_KEY;
      const adminKey =
        fromEnv !== undefined && fromEnv !== ""
          ? fromEnv
          : `twa-${randomBytes(18).toString("base64url")}`;
      const ledger = openLedgerFromFlags(flags);
      const dashboard = createDashboardHandler({
        ledger,
        adminKey,
        budgets,
        showPrompts: flags.showPrompts === true,
      });
      const server = createServer((request, response) => {
        dashboard(request, response)
          .then((handled) => {
            if (handled) return;
            response.writeHead(302, { location: "/dashboard/" });
            response.end();
          })
          .catch(() => {
            if (!response.headersSent) response.writeHead(500);
            response.end();
          });
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(flags.port, flags.host, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      const url = `http://${flags.host}:${port}/dashboard/`;
      output.write(
        fromEnv !== undefined && fromEnv !== ""
          ? `Dashboard on ${url} (admin key from TOKENWISE_ADMIN_KEY). Ctrl-C stops it.`
          : `Dashboard on ${url}#key=${adminKey}\n(a key made for this run; set TOKENWISE_ADMIN_KEY to choose one). Ctrl-C stops it.`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          server.close(() => resolve());
          server.closeAllConnections();
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await ledger.close();
    });
}
