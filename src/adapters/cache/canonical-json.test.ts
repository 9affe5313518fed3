import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined properties", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("gives equal text for objects written in different orders", () => {
    expect(canonicalJson({ model: "m", temperature: 0 })).toBe(
      canonicalJson({ temperature: 0, model: "m", user: undefined }),
    );
  });

  it("keeps array order and writes undefined array items as null, as JSON does", () => {
    expect(canonicalJson([2, 1, undefined])).toBe("[2,1,null]");
  });

  it("escapes strings exactly, so different strings never collide", () => {
    expect(canonicalJson({ text: 'quote " slash \\ newline \n' })).toBe(
      '{"text":"quote \\" slash \\\\ newline \\n"}',
    );
    expect(canonicalJson("\uD800")).toBe('"\\ud800"');
    expect(canonicalJson("é")).not.toBe(canonicalJson("e\u0301"));
  });

  it("refuses what JSON cannot hold exactly, naming the path", () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(
      /value\.a\[1\] must be a finite number/,
    );
    expect(() => canonicalJson({ big: 1n }, "request")).toThrow(
      /request\.big cannot be represented/,
    );
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(
      /value\.when must be a plain object/,
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/value\.self refers back to itself/);
  });

  it("accepts a shared (non-cyclic) object appearing twice", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});
