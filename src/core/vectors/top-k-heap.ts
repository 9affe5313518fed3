/**
 * Keeps the `capacity` best (score, index) pairs seen so far, in preallocated typed arrays so
 * offering a candidate never allocates. Best means higher score, then lower index.
 *
 * A min-heap: the root is the worst pair kept, so a candidate is compared against it once and
 * usually rejected in O(1); an accepted one costs O(log capacity).
 */
export class TopKHeap {
  readonly #scores: Float64Array;
  readonly #indices: Int32Array;
  #size = 0;

  constructor(capacity: number) {
    this.#scores = new Float64Array(capacity);
    this.#indices = new Int32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Keeps `index` if it beats the worst kept pair (or there is room). */
  offer(score: number, index: number): void {
    const capacity = this.#scores.length;
    if (this.#size < capacity) {
      this.#scores[this.#size] = score;
      this.#indices[this.#size] = index;
      this.#size++;
      this.#siftUp(this.#size - 1);
      return;
    }
    if (capacity === 0 || !this.#isWorse(0, score, index)) return;
    this.#scores[0] = score;
    this.#indices[0] = index;
    this.#siftDown(0);
  }

  /** The kept pairs, best first: score descending, then index ascending. */
  sorted(): Array<{ index: number; score: number }> {
    const results = Array.from({ length: this.#size }, (_, slot) => ({
      index: this.#indices[slot] as number,
      score: this.#scores[slot] as number,
    }));
    return results.sort((a, b) => b.score - a.score || a.index - b.index);
  }

  /** True when the pair at `slot` ranks below (score, index). */
  #isWorse(slot: number, score: number, index: number): boolean {
    const slotScore = this.#scores[slot] as number;
    return slotScore < score || (slotScore === score && (this.#indices[slot] as number) > index);
  }

  #siftUp(start: number): void {
    let child = start;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.#isWorseThanSlot(child, parent)) return;
      this.#swap(child, parent);
      child = parent;
    }
  }

  #siftDown(start: number): void {
    let parent = start;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let worst = parent;
      if (left < this.#size && this.#isWorseThanSlot(left, worst)) worst = left;
      if (right < this.#size && this.#isWorseThanSlot(right, worst)) worst = right;
      if (worst === parent) return;
      this.#swap(parent, worst);
      parent = worst;
    }
  }

  #isWorseThanSlot(slot: number, other: number): boolean {
    return this.#isWorse(slot, this.#scores[other] as number, this.#indices[other] as number);
  }

  #swap(a: number, b: number): void {
    const score = this.#scores[a] as number;
    const index = this.#indices[a] as number;
    this.#scores[a] = this.#scores[b] as number;
    this.#indices[a] = this.#indices[b] as number;
    this.#scores[b] = score;
    this.#indices[b] = index;
  }
}
