/**
 * A one-consumer async queue: a producer pushes items and ends (or fails) it; the consumer
 * iterates. Items pushed before anyone iterates are kept, so the producer never waits.
 */
export interface PushStream<T> extends AsyncIterable<T> {
  push(item: T): void;
  end(): void;
  fail(error: unknown): void;
}

/**
 * @example
 * ```ts
 * const stream = createPushStream<string>();
 * stream.push("Hel"); stream.push("lo"); stream.end();
 * for await (const piece of stream) process.stdout.write(piece);
 * ```
 */
export function createPushStream<T>(): PushStream<T> {
  const items: T[] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(item) {
      items.push(item);
      notify();
    },
    end() {
      finished = true;
      notify();
    },
    fail(error) {
      failure = { error };
      finished = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      while (true) {
        const item = items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (failure !== undefined) throw failure.error;
        if (finished) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
