import { indefiniteArticle } from "./indefinite-article.js";
import { requireText } from "./require-text.js";

/** The six parts of a COSTAR prompt. */
export interface CostarPromptOptions {
  /** C: background the model needs. */
  context: string;
  /** O: what the response must achieve. */
  objective: string;
  /** S: writing style, completing "Write in a(n) … style." */
  style: string;
  /** T: emotional tone, completing "Maintain a(n) … tone." */
  tone: string;
  /** A: who will read it, completing "This is for …." */
  audience: string;
  /** R: the shape of the answer (length, sections, JSON…). */
  responseFormat: string;
}

/**
 * Builds a COSTAR prompt (Context, Objective, Style, Tone, Audience, Response format): six
 * Markdown-headed sections separated by blank lines, with no blank line before or after.
 * Each field is trimmed; a missing or blank one throws an `invalid_input` error naming it.
 * Style and tone get "a" or "an" as they are pronounced ("Maintain an excited tone").
 *
 * @example
 * ```ts
 * buildCostarPrompt({
 *   context: "We're launching a new AI code review tool for developers.",
 *   objective: "Write a product announcement for our blog.",
 *   style: "technical but accessible",
 *   tone: "excited but professional",
 *   audience: "software developers who use GitHub",
 *   responseFormat: "Blog post with headline, 3-4 paragraphs, and a call to action.",
 * });
 * // "# Context\nWe're launching…\n\n# Objective\n…\n\n# Style\nWrite in a technical but
 * //  accessible style.\n\n# Tone\nMaintain an excited but professional tone.\n\n# Audience\n
 * //  This is for software developers who use GitHub.\n\n# Response Format\nBlog post…"
 * ```
 */
export function buildCostarPrompt(options: CostarPromptOptions): string {
  const parts = options ?? ({} as Partial<CostarPromptOptions>);
  const context = requireText(parts.context, "context", "C: background information");
  const objective = requireText(parts.objective, "objective", "O: what you want to achieve");
  const style = requireText(parts.style, "style", 'S: the writing style, e.g. "formal"');
  const tone = requireText(parts.tone, "tone", 'T: the emotional tone, e.g. "friendly"');
  const audience = requireText(parts.audience, "audience", 'A: who will read it, e.g. "new users"');
  const responseFormat = requireText(
    parts.responseFormat,
    "responseFormat",
    'R: the format of the answer, e.g. "a bulleted list"',
  );
  return [
    `# Context\n${context}`,
    `# Objective\n${objective}`,
    `# Style\nWrite in ${indefiniteArticle(style)} ${style} style.`,
    `# Tone\nMaintain ${indefiniteArticle(tone)} ${tone} tone.`,
    `# Audience\nThis is for ${audience}.`,
    `# Response Format\n${responseFormat}`,
  ].join("\n\n");
}
