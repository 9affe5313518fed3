import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { buildCostarPrompt, type CostarPromptOptions } from "./index.js";

const announcement: CostarPromptOptions = {
  context: "We're launching a new AI code review tool for developers.",
  objective: "Write a product announcement for our blog.",
  style: "technical but accessible",
  tone: "excited but professional",
  audience: "software developers who use GitHub",
  responseFormat: "Blog post with headline, 3-4 paragraphs, and a call to action.",
};

describe("buildCostarPrompt", () => {
  it("lays out the six headed sections with no leading or trailing blank line", () => {
    expect(buildCostarPrompt(announcement)).toBe(
      "# Context\nWe're launching a new AI code review tool for developers.\n\n" +
        "# Objective\nWrite a product announcement for our blog.\n\n" +
        "# Style\nWrite in a technical but accessible style.\n\n" +
        "# Tone\nMaintain an excited but professional tone.\n\n" +
        "# Audience\nThis is for software developers who use GitHub.\n\n" +
        "# Response Format\nBlog post with headline, 3-4 paragraphs, and a call to action.",
    );
  });

  it("trims each field so sections stay evenly spaced", () => {
    const prompt = buildCostarPrompt({
      ...announcement,
      context: "\n  Background.  \n",
      style: " formal ",
    });
    expect(prompt.startsWith("# Context\nBackground.\n\n# Objective\n")).toBe(true);
    expect(prompt).toContain("# Style\nWrite in a formal style.\n\n# Tone");
  });

  it("names a missing or blank field", () => {
    for (const field of Object.keys(announcement) as Array<keyof CostarPromptOptions>) {
      for (const bad of ["", "   \n", undefined]) {
        const options = { ...announcement, [field]: bad } as unknown as CostarPromptOptions;
        try {
          buildCostarPrompt(options);
          expect.unreachable();
        } catch (error) {
          expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
          expect((error as TokenwiseError).details).toEqual({ field });
          expect((error as Error).message.startsWith(`${field} must be a non-empty string (`)).toBe(
            true,
          );
        }
      }
    }
    expect(() => buildCostarPrompt({ ...announcement, tone: 3 as unknown as string })).toThrowError(
      'tone must be a non-empty string (T: the emotional tone, e.g. "friendly"), got number',
    );
  });
});
