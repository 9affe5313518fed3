import { describe, expect, it } from "vitest";
import { usd } from "../../../core/money/index.js";
import { budgetScopes } from "./budget-scopes.js";

const now = Date.parse("2026-12-03T10:00:00Z");

describe("budgetScopes", () => {
  it("names the key's and the team's scope for the current period, key first", () => {
    const key = {
      id: "key_x1",
      budget: { limit: usd("50"), period: "month" as const, timeZone: "UTC" },
    };
    const team = {
      name: "data",
      budget: { limit: usd("500"), period: "week" as const, timeZone: "America/New_York" },
    };
    expect(budgetScopes(key, team, now)).toEqual([
      { scope: "key:key_x1:month:2026-12", limit: usd("50"), resetsAt: Date.UTC(2027, 0, 1) },
      {
        scope: "team:data:week:2026-W49",
        limit: usd("500"),
        resetsAt: Date.parse("2026-12-07T05:00:00Z"),
      },
    ]);
  });

  it("gives a prepaid budget one scope forever, with no reset", () => {
    const key = {
      id: "key_x1",
      budget: { limit: usd("20"), period: "none" as const, timeZone: "UTC" },
    };
    expect(budgetScopes(key, undefined, now)).toEqual([
      { scope: "key:key_x1:none", limit: usd("20") },
    ]);
  });

  it("labels a day in the budget's own time zone", () => {
    const key = {
      id: "key_x1",
      budget: { limit: usd("1"), period: "day" as const, timeZone: "Asia/Tokyo" },
    };
    const [scope] = budgetScopes(key, undefined, Date.parse("2026-12-03T20:00:00Z"));
    expect(scope).toEqual({
      scope: "key:key_x1:day:2026-12-04",
      limit: usd("1"),
      resetsAt: Date.parse("2026-12-04T15:00:00Z"),
    });
  });

  it("holds a request to nothing when neither the key nor its team has a budget", () => {
    expect(budgetScopes({ id: "key_x1" }, { name: "data" }, now)).toEqual([]);
    expect(budgetScopes({ id: "key_x1" }, undefined, now)).toEqual([]);
  });
});
