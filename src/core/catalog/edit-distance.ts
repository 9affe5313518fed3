/**
 * Edit distance for "did you mean" suggestions: insertions, deletions, substitutions and
 * swaps of two neighbouring characters each cost 1 (optimal string alignment), because a
 * swapped pair ("mnii" for "mini") is the most common typo in model names.
 *
 * @example
 * ```ts
 * editDistance("gpt-4o-mnii", "gpt-4o-mini"); // 1
 * ```
 */
export function editDistance(from: string, to: string): number {
  const rows = from.length + 1;
  const columns = to.length + 1;
  const distances: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  const at = (row: number, column: number): number => distances[row]?.[column] ?? 0;
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const substitution = from[row - 1] === to[column - 1] ? 0 : 1;
      let best = Math.min(
        at(row - 1, column) + 1,
        at(row, column - 1) + 1,
        at(row - 1, column - 1) + substitution,
      );
      const swapped =
        row > 1 &&
        column > 1 &&
        from[row - 1] === to[column - 2] &&
        from[row - 2] === to[column - 1];
      if (swapped) best = Math.min(best, at(row - 2, column - 2) + 1);
      const current = distances[row];
      if (current) current[column] = best;
    }
  }
  return at(rows - 1, columns - 1);
}

export interface ClosestNamesOptions {
  /** How many names to return (default 3). */
  limit?: number;
}

/**
 * The candidates closest to `query` by edit distance, nearest first. Ties go to the name that
 * shares the longer start with the query ("gpt-4o" before "gpt-5" for "gpt-4o-mnii"), then
 * to the shorter name, then alphabetically, so the order is stable.
 *
 * @example
 * ```ts
 * closestNames("gpt-4o-mnii", ["gpt-4o", "gpt-4o-mini", "o1"], { limit: 2 });
 * // ["gpt-4o-mini", "gpt-4o"]
 * ```
 */
export function closestNames(
  query: string,
  candidates: Iterable<string>,
  options: ClosestNamesOptions = {},
): string[] {
  const limit = options.limit ?? 3;
  const scored = [...new Set(candidates)].map((name) => ({
    name,
    distance: editDistance(query, name),
    sharedStart: sharedStartLength(query, name),
  }));
  scored.sort(
    (a, b) =>
      a.distance - b.distance ||
      b.sharedStart - a.sharedStart ||
      a.name.length - b.name.length ||
      a.name.localeCompare(b.name),
  );
  return scored.slice(0, limit).map((entry) => entry.name);
}

function sharedStartLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}
