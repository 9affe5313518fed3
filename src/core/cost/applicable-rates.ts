import type { ModelInfo, PriceTier } from "../catalog/index.js";
import { invalidInput } from "../errors/index.js";
import { divideRoundHalfEven, type Picodollars, usd } from "../money/index.js";

/** Prices in picodollars per million tokens, as they apply to one request. */
export interface TokenRates {
  input: Picodollars;
  cachedInput: Picodollars;
  cacheWrite: Picodollars;
  /** Undefined when the model has no 1-hour cache-write price. */
  cacheWrite1h: Picodollars | undefined;
  output: Picodollars;
  reasoning: Picodollars;
  audioInput: Picodollars;
  audioOutput: Picodollars;
  imageOutput: Picodollars;
}

export interface RatesOptions {
  /** All input tokens of the request, cached ones included: they decide the tier. */
  inputTokens: number;
  batch: boolean;
}

/**
 * The prices one request pays. A long-context tier is a cliff: once the input passes
 * `aboveInputTokens`, every token of the request uses the highest such tier. Batch prices
 * are a discount on whichever prices apply.
 *
 * Where the catalog gives no tier or batch price for a kind of token (cached input, cache
 * writes, reasoning), its base price moves by the same factor as the plain input (or output)
 * price. That is how the providers price them (Anthropic and Google double every input-side
 * price past the threshold; batch halves everything). A kind of token with no price of its
 * own at all pays the plain input (or output) price.
 */
export function applicableRates(
  model: ModelInfo,
  options: RatesOptions,
): { rates: TokenRates; tier?: PriceTier } {
  const price = (value: string, field: string) => parsedPrice(value, () => `${model.id} ${field}`);
  const optionalPrice = (value: string | undefined, field: string) =>
    value === undefined ? undefined : price(value, field);
  const { prices } = model;
  const input = price(prices.input, "prices.input");
  const output = price(prices.output, "prices.output");
  let rates: TokenRates = {
    input,
    cachedInput: optionalPrice(prices.cachedInput, "prices.cachedInput") ?? input,
    cacheWrite: optionalPrice(prices.cacheWrite, "prices.cacheWrite") ?? input,
    cacheWrite1h: optionalPrice(prices.cacheWrite1h, "prices.cacheWrite1h"),
    output,
    reasoning: optionalPrice(prices.reasoning, "prices.reasoning") ?? output,
    audioInput: optionalPrice(prices.audioInput, "prices.audioInput") ?? input,
    audioOutput: optionalPrice(prices.audioOutput, "prices.audioOutput") ?? output,
    imageOutput: optionalPrice(prices.imageOutput, "prices.imageOutput") ?? output,
  };

  const tier = tierFor(model, options.inputTokens);
  if (tier !== undefined) {
    const field = (name: string) => `tiers[above ${tier.aboveInputTokens}].${name}`;
    rates = rescale(rates, {
      input: [price(tier.input, field("input")), input],
      output: [price(tier.output, field("output")), output],
    });
    rates.cachedInput = optionalPrice(tier.cachedInput, field("cachedInput")) ?? rates.cachedInput;
    rates.cacheWrite = optionalPrice(tier.cacheWrite, field("cacheWrite")) ?? rates.cacheWrite;
    rates.cacheWrite1h =
      optionalPrice(tier.cacheWrite1h, field("cacheWrite1h")) ?? rates.cacheWrite1h;
  }

  if (options.batch) {
    if (prices.batchInput === undefined || prices.batchOutput === undefined) {
      throw invalidInput(
        "batch",
        `cannot be priced: ${model.id} has no batch price in the catalog (prices.batchInput and ` +
          "prices.batchOutput); call without batch, or add its batch prices to your catalog",
      );
    }
    rates = rescale(rates, {
      input: [price(prices.batchInput, "prices.batchInput"), input],
      output: [price(prices.batchOutput, "prices.batchOutput"), output],
    });
  }
  return tier === undefined ? { rates } : { rates, tier };
}

/** Catalog prices already read, by their text: every request of a busy process reads the same few. */
const parsedPrices = new Map<string, Picodollars>();
const PARSED_PRICES_KEPT = 4096;

/** `usd(value)`, remembered by the text; the field is only named when the text is not a price. */
function parsedPrice(value: string, field: () => string): Picodollars {
  let parsed = parsedPrices.get(value);
  if (parsed === undefined) {
    parsed = usd(value, field());
    if (parsedPrices.size < PARSED_PRICES_KEPT) parsedPrices.set(value, parsed);
  }
  return parsed;
}

/** The highest tier whose threshold the input passes (strictly more tokens), if any. */
export function tierFor(model: ModelInfo, inputTokens: number): PriceTier | undefined {
  let applicable: PriceTier | undefined;
  for (const tier of model.tiers ?? []) {
    const passes = inputTokens > tier.aboveInputTokens;
    if (
      passes &&
      (applicable === undefined || tier.aboveInputTokens > applicable.aboveInputTokens)
    ) {
      applicable = tier;
    }
  }
  return applicable;
}

type PriceChange = [to: Picodollars, from: Picodollars];

/** Moves every input-side rate by the factor the plain input price moved, likewise for output. */
function rescale(
  rates: TokenRates,
  change: { input: PriceChange; output: PriceChange },
): TokenRates {
  const byInput = (rate: Picodollars) => scale(rate, change.input);
  const byOutput = (rate: Picodollars) => scale(rate, change.output);
  return {
    input: byInput(rates.input),
    cachedInput: byInput(rates.cachedInput),
    cacheWrite: byInput(rates.cacheWrite),
    cacheWrite1h: rates.cacheWrite1h === undefined ? undefined : byInput(rates.cacheWrite1h),
    output: byOutput(rates.output),
    reasoning: byOutput(rates.reasoning),
    audioInput: byInput(rates.audioInput),
    audioOutput: byOutput(rates.audioOutput),
    imageOutput: byOutput(rates.imageOutput),
  };
}

function scale(rate: Picodollars, [to, from]: PriceChange): Picodollars {
  // A free base price gives no factor to scale by; the new plain price is the safe guess.
  if (from === 0n) return to;
  return divideRoundHalfEven(rate * to, from);
}
