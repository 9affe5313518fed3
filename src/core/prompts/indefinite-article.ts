/** Vowel letters read with a consonant sound ("a unique", "a one-page", "a European"). */
const CONSONANT_SOUND_PREFIXES = ["one", "once", "uni", "use", "usu", "uti", "eu", "ewe"];
/** A silent h makes a vowel sound ("an honest"). */
const VOWEL_SOUND_PREFIXES = ["hour", "honest", "honor", "honour", "heir"];

/**
 * "a" or "an" for the phrase that follows, by how its first word is usually pronounced.
 * A heuristic for common English words, so COSTAR sentences read "Maintain an excited tone"
 * rather than "a excited".
 */
export function indefiniteArticle(phrase: string): "a" | "an" {
  const word = phrase.trimStart().toLowerCase();
  if (VOWEL_SOUND_PREFIXES.some((prefix) => word.startsWith(prefix))) return "an";
  if (CONSONANT_SOUND_PREFIXES.some((prefix) => word.startsWith(prefix))) return "a";
  return /^[aeiou]/.test(word) ? "an" : "a";
}
