import { invalidInput } from "../errors/index.js";
import { TopKHeap } from "./top-k-heap.js";
import { clampToUnit, type Vector } from "./vector-math.js";

/** Many vectors of one length stored row after row in a single typed array. */
export interface VectorMatrix {
  readonly data: Float32Array;
  /** Length of each vector; `data.length` must be a multiple of it. */
  readonly dimensions: number;
}

export type SimilarityMetric = "cosine" | "dot";

export interface TopKSimilarOptions {
  /** `"cosine"` (default) compares directions; `"dot"` is the raw dot product. */
  metric?: SimilarityMetric;
  /**
   * The stored vectors are already unit length (as OpenAI embeddings are), so cosine equals
   * the dot product and their norms are not computed. The query is normalized regardless.
   */
  normalized?: boolean;
}

export interface SimilarityMatch {
  /** Position of the vector in `vectors`. */
  index: number;
  score: number;
}

const METRICS: readonly SimilarityMetric[] = ["cosine", "dot"];

/**
 * The `k` stored vectors most similar to `query`, best first (score descending, then index
 * ascending). Fewer than `k` come back only when there are fewer vectors.
 *
 * Built for large indexes (100K × 1536 floats): one pass over the data with the query's norm
 * computed once, row norms fused into the same pass (or skipped with `normalized`), and a
 * bounded min-heap of size `k` held in typed arrays, so nothing is allocated per row. Under
 * cosine a stored zero vector scores 0 instead of failing the whole search.
 *
 * @param vectors An array of Float32Array rows, or one flat {@link VectorMatrix}.
 * @param k A positive integer.
 * @example
 * ```ts
 * const index = { data: new Float32Array([1, 0, 0, 1, 1, 1]), dimensions: 2 };
 * topKSimilar([1, 0], index, 2);
 * // [{ index: 0, score: 1 }, { index: 2, score: 0.7071067811865475 }]
 * ```
 */
export function topKSimilar(
  query: Vector,
  vectors: readonly Float32Array[] | VectorMatrix,
  k: number,
  options: TopKSimilarOptions = {},
): SimilarityMatch[] {
  const { metric = "cosine", normalized = false } = options;
  if (!METRICS.includes(metric)) {
    throw invalidInput("metric", `must be "cosine" or "dot", got ${JSON.stringify(metric)}`);
  }
  if (!Number.isInteger(k) || k < 1) {
    throw invalidInput(
      "k",
      `must be a positive integer (how many matches to return), got ${String(k)}`,
    );
  }
  const cosine = metric === "cosine";
  const queryValues = prepareQuery(query, cosine);
  const rows = rowSource(vectors, queryValues.length);
  const scoreRow = cosine && !normalized ? cosineToUnitQuery : dotProduct;
  const heap = new TopKHeap(Math.min(k, rows.count));

  let row = 0;
  if (rows.flat !== undefined && scoreRow === dotProduct) {
    // Four rows per pass share each query load: about 1.6-2x faster than one row at a time.
    const scores = new Float64Array(4);
    const dimensions = queryValues.length;
    for (; row + 3 < rows.count; row += 4) {
      dotProductOfFourRows(queryValues, rows.flat, row * dimensions, scores);
      for (let lane = 0; lane < 4; lane++) {
        const score = scores[lane] as number;
        if (!Number.isFinite(score)) throw notFinite(row + lane, score);
        heap.offer(cosine ? clampToUnit(score) : score, row + lane);
      }
    }
  }
  for (; row < rows.count; row++) {
    const source = rows.flat ?? (rows.list[row] as Float32Array);
    const offset = rows.flat === undefined ? 0 : row * queryValues.length;
    const score = scoreRow(queryValues, source, offset);
    if (!Number.isFinite(score)) throw notFinite(row, score);
    heap.offer(cosine ? clampToUnit(score) : score, row);
  }
  return heap.sorted();
}

function notFinite(row: number, score: number) {
  return invalidInput(
    `vectors[${row}]`,
    `contains a value that is not a finite number (its score is ${score}); fix or drop that vector`,
  );
}

function prepareQuery(query: Vector, cosine: boolean): Float64Array {
  if (query === null || typeof query !== "object" || typeof query.length !== "number") {
    throw invalidInput("query", "must be an array, Float32Array or Float64Array of numbers");
  }
  if (query.length === 0) throw invalidInput("query", "must have at least one dimension");
  const values = Float64Array.from(query);
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) {
      throw invalidInput(`query[${i}]`, `must be a finite number, got ${String(query[i])}`);
    }
    sumOfSquares += value * value;
  }
  if (!cosine) return values;
  if (sumOfSquares === 0) {
    throw invalidInput(
      "query",
      'is a zero vector (every component is 0), so cosine similarity is undefined; embed non-empty text or use metric "dot"',
    );
  }
  const length = Math.sqrt(sumOfSquares);
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) / length;
  return values;
}

interface RowSource {
  count: number;
  flat: Float32Array | undefined;
  list: readonly Float32Array[];
}

function rowSource(vectors: readonly Float32Array[] | VectorMatrix, dimensions: number): RowSource {
  if (Array.isArray(vectors)) {
    const list = vectors as readonly Float32Array[];
    list.forEach((row, index) => {
      if (!(row instanceof Float32Array) || row.length !== dimensions) {
        throw invalidInput(
          `vectors[${index}]`,
          `must be a Float32Array with the query's ${dimensions} dimensions, got ${describeRow(row)}`,
        );
      }
    });
    return { count: list.length, flat: undefined, list };
  }
  const matrix = vectors as VectorMatrix;
  if (matrix === null || typeof matrix !== "object" || !(matrix.data instanceof Float32Array)) {
    throw invalidInput(
      "vectors",
      "must be an array of Float32Array rows or { data: Float32Array, dimensions: number }",
    );
  }
  if (matrix.dimensions !== dimensions) {
    throw invalidInput(
      "vectors.dimensions",
      `must equal the query's length: vectors have ${String(matrix.dimensions)} dimensions, the query has ${dimensions}`,
    );
  }
  if (dimensions === 0 || matrix.data.length % dimensions !== 0) {
    throw invalidInput(
      "vectors.data",
      `length ${matrix.data.length} must be a positive multiple of dimensions (${dimensions})`,
    );
  }
  return { count: matrix.data.length / dimensions, flat: matrix.data, list: [] };
}

function describeRow(row: unknown): string {
  if (row instanceof Float32Array) return `${row.length} dimensions`;
  if (Array.isArray(row) || row instanceof Float64Array) {
    return `a ${Array.isArray(row) ? "plain array" : "Float64Array"} (convert it with Float32Array.from)`;
  }
  return typeof row;
}

// Four independent accumulators let the CPU overlap the multiply-adds: about 1.5x faster than
// one running sum on 100K x 1536 floats in Node 20. Row norms ride along in the same pass
// for free, because reading the data from memory is the bottleneck, so precomputing them
// would not make a search faster.

function dotProduct(query: Float64Array, data: Float32Array, offset: number): number {
  const length = query.length;
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    const at = offset + i;
    sum0 += (query[i] as number) * (data[at] as number);
    sum1 += (query[i + 1] as number) * (data[at + 1] as number);
    sum2 += (query[i + 2] as number) * (data[at + 2] as number);
    sum3 += (query[i + 3] as number) * (data[at + 3] as number);
  }
  for (; i < length; i++) sum0 += (query[i] as number) * (data[offset + i] as number);
  return sum0 + sum1 + (sum2 + sum3);
}

/**
 * Dot products of the query with the four rows starting at `offset`, into `scores`. Each
 * query component is loaded once for four rows, and eight accumulators keep the CPU's
 * multiply-add units busy; in Node 20 this beats four calls of {@link dotProduct} by 1.6-2x
 * on 1536-dimensional rows.
 */
function dotProductOfFourRows(
  query: Float64Array,
  data: Float32Array,
  offset: number,
  scores: Float64Array,
): void {
  const length = query.length;
  const offset1 = offset + length;
  const offset2 = offset1 + length;
  const offset3 = offset2 + length;
  let a0 = 0;
  let a1 = 0;
  let b0 = 0;
  let b1 = 0;
  let c0 = 0;
  let c1 = 0;
  let d0 = 0;
  let d1 = 0;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    const q0 = query[i] as number;
    const q1 = query[i + 1] as number;
    a0 += q0 * (data[offset + i] as number);
    b0 += q0 * (data[offset1 + i] as number);
    c0 += q0 * (data[offset2 + i] as number);
    d0 += q0 * (data[offset3 + i] as number);
    a1 += q1 * (data[offset + i + 1] as number);
    b1 += q1 * (data[offset1 + i + 1] as number);
    c1 += q1 * (data[offset2 + i + 1] as number);
    d1 += q1 * (data[offset3 + i + 1] as number);
  }
  if (i < length) {
    const q = query[i] as number;
    a0 += q * (data[offset + i] as number);
    b0 += q * (data[offset1 + i] as number);
    c0 += q * (data[offset2 + i] as number);
    d0 += q * (data[offset3 + i] as number);
  }
  scores[0] = a0 + a1;
  scores[1] = b0 + b1;
  scores[2] = c0 + c1;
  scores[3] = d0 + d1;
}

/** Cosine between a unit-length query and the row; a zero row scores 0. */
function cosineToUnitQuery(query: Float64Array, data: Float32Array, offset: number): number {
  const length = query.length;
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let squares0 = 0;
  let squares1 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    const at = offset + i;
    const value0 = data[at] as number;
    const value1 = data[at + 1] as number;
    const value2 = data[at + 2] as number;
    const value3 = data[at + 3] as number;
    sum0 += (query[i] as number) * value0;
    sum1 += (query[i + 1] as number) * value1;
    sum2 += (query[i + 2] as number) * value2;
    sum3 += (query[i + 3] as number) * value3;
    squares0 += value0 * value0 + value2 * value2;
    squares1 += value1 * value1 + value3 * value3;
  }
  for (; i < length; i++) {
    const value = data[offset + i] as number;
    sum0 += (query[i] as number) * value;
    squares0 += value * value;
  }
  const sumOfSquares = squares0 + squares1;
  return sumOfSquares === 0 ? 0 : (sum0 + sum1 + (sum2 + sum3)) / Math.sqrt(sumOfSquares);
}
