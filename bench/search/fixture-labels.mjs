/**
 * The labelled fixture's relevance rule for the calibration tools (as test/search-eval applies
 * it): a place (a hit, or one copy of a chunk) counts for every labelled passage of the
 * question that it overlaps in the same file.
 */
import { basename } from "node:path";

/** Positions in `question.relevant` of the passages `place` overlaps. */
export function passagesAt(question, place) {
  return question.relevant.flatMap((passage, position) =>
    basename(place.path) === passage.file &&
    place.startLine <= passage.lines[1] &&
    place.endLine >= passage.lines[0]
      ? [position]
      : [],
  );
}
