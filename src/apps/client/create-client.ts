// Internal: contentText stays out of the public index of adapters/providers.
import { contentText } from "../../adapters/providers/chat-text.js";
import { countChatTokens } from "../../core/tokens/index.js";
import { runChat } from "./chat-call.js";
import { assertChatRequest } from "./chat-pipeline.js";
import { createClientContext } from "./client-context.js";
import type { CreateClientOptions, TokenwiseClient } from "./client-types.js";
import { runEmbed } from "./embed-call.js";
import { generateRequest } from "./generate.js";
import { spendSummary } from "./spend-summary.js";
import { runStreamChat } from "./stream-call.js";

/**
 * A client that puts cost control around every LLM call: unknown models are refused before
 * any request, the worst case is reserved against a hard budget, identical deterministic
 * requests are answered from the response cache at $0, failures are retried and fall back to
 * other models, and every call is recorded in the ledger at its exact cost.
 *
 * @example
 * ```ts
 * import { formatUsd } from "tokenwise";
 * import { createClient } from "tokenwise/client";
 * import { createSqliteLedger } from "tokenwise/ledger";
 * import { createSqliteStore } from "tokenwise/stores";
 *
 * const client = createClient({
 *   ledger: createSqliteLedger({ path: "tokenwise.db" }),
 *   cache: { store: createSqliteStore({ path: "tokenwise.db" }) },
 *   budget: { scope: "team-a", limit: "5.00" },
 *   fallbacks: ["claude-haiku-4-5"],
 * });
 * const reply = await client.chat({
 *   model: "gpt-4o-mini",
 *   messages: [{ role: "user", content: "Name three prime numbers." }],
 *   temperature: 0,
 *   max_tokens: 100,
 * });
 * console.log(reply.message.content, formatUsd(reply.cost.total), reply.cached);
 *
 * for await (const chunk of client.streamChat({ model: "claude-haiku-4-5", messages })) {
 *   process.stdout.write(chunk.text ?? "");
 * }
 * console.log(await client.generate("Write a haiku about budgets", { task: "creative" }));
 * console.log(formatUsd((await client.spend()).cost));
 * ```
 */
export function createClient(options: CreateClientOptions = {}): TokenwiseClient {
  const context = createClientContext(options);
  return {
    ledger: context.ledger,
    chat: (request, callOptions = {}) => runChat(context, request, callOptions),
    streamChat: (request, callOptions = {}) => runStreamChat(context, request, callOptions),
    embed: (request, callOptions = {}) => runEmbed(context, request, callOptions),
    async generate(prompt, generateOptions = {}) {
      const request = generateRequest(prompt, generateOptions, context.defaultModel);
      const result = await runChat(context, request, generateOptions);
      return contentText(result.message);
    },
    async countTokens(request, callOptions = {}) {
      assertChatRequest(request);
      const route = context.router.route(request.model, "request.model");
      const provider = context.router.providerIfKeyed(route);
      if (provider?.countTokens !== undefined) {
        const tokens = await provider.countTokens({ ...request, model: route.model }, callOptions);
        return {
          tokens,
          exact: true,
          method: `${provider.name} token counting endpoint`,
          source: "provider",
        };
      }
      const { tokens, exact, method } = countChatTokens(request.messages, {
        tokenizer: route.info.tokenizer,
        tools: request.tools,
        imageTokens: route.info.imageTokens,
        model: route.info.id,
      });
      return { tokens, exact, method, source: "local" };
    },
    spend: (filter) => spendSummary(context.ledger, filter),
  };
}
