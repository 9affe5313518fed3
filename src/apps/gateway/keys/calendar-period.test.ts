import { describe, expect, it } from "vitest";
import { calendarPeriod, localDateAt, startOfLocalDay } from "./calendar-period.js";

const at = (iso: string) => Date.parse(iso);
const iso = (instant: number) => new Date(instant).toISOString();

function period(kind: "day" | "week" | "month", timeZone: string, now: string) {
  const found = calendarPeriod({ period: kind, timeZone, now: at(now) });
  return { label: found.label, startsAt: iso(found.startsAt), endsAt: iso(found.endsAt) };
}

describe("calendarPeriod", () => {
  it("answers an instant outside the period asked for last with its own period, before or after", () => {
    expect(period("day", "Asia/Tokyo", "2026-12-03T12:00:00Z").label).toBe("2026-12-03");
    expect(period("day", "Asia/Tokyo", "2026-12-03T15:00:00Z").label).toBe("2026-12-04");
    expect(period("day", "Asia/Tokyo", "2026-12-03T14:59:59.999Z").label).toBe("2026-12-03");
    expect(period("day", "Asia/Tokyo", "2026-11-20T00:00:00Z").label).toBe("2026-11-20");
    expect(period("week", "Asia/Tokyo", "2026-12-03T12:00:00Z").label).toBe("2026-W49");
  });

  it("hands out a period its caller may change without changing the next answer", () => {
    const now = at("2026-12-03T12:00:00Z");
    const first = calendarPeriod({ period: "month", timeZone: "UTC", now });
    first.label = "changed";
    first.endsAt = 0;
    expect(calendarPeriod({ period: "month", timeZone: "UTC", now })).toEqual({
      label: "2026-12",
      startsAt: at("2026-12-01T00:00:00Z"),
      endsAt: at("2027-01-01T00:00:00Z"),
    });
  });

  it("turns the month at the last millisecond of December, UTC", () => {
    expect(period("month", "UTC", "2026-12-31T23:59:59.999Z")).toEqual({
      label: "2026-12",
      startsAt: "2026-12-01T00:00:00.000Z",
      endsAt: "2027-01-01T00:00:00.000Z",
    });
    expect(period("month", "UTC", "2027-01-01T00:00:00.000Z").label).toBe("2027-01");
  });

  it("follows the local calendar: 23:30 UTC on 30 November is December in Berlin", () => {
    expect(period("month", "Europe/Berlin", "2026-11-30T23:30:00Z")).toEqual({
      label: "2026-12",
      startsAt: "2026-11-30T23:00:00.000Z",
      endsAt: "2026-12-31T23:00:00.000Z",
    });
    expect(period("month", "America/New_York", "2026-12-01T03:00:00Z").label).toBe("2026-11");
  });

  it("knows the leap day", () => {
    expect(period("day", "UTC", "2028-02-29T12:00:00Z")).toEqual({
      label: "2028-02-29",
      startsAt: "2028-02-29T00:00:00.000Z",
      endsAt: "2028-03-01T00:00:00.000Z",
    });
    expect(period("month", "UTC", "2028-02-10T00:00:00Z").endsAt).toBe("2028-03-01T00:00:00.000Z");
    expect(period("month", "UTC", "2027-02-10T00:00:00Z").endsAt).toBe("2027-03-01T00:00:00.000Z");
  });

  it("has a 23-hour and a 25-hour day where Berlin changes clocks", () => {
    expect(period("day", "Europe/Berlin", "2026-03-29T12:00:00Z")).toEqual({
      label: "2026-03-29",
      startsAt: "2026-03-28T23:00:00.000Z",
      endsAt: "2026-03-29T22:00:00.000Z",
    });
    expect(period("day", "Europe/Berlin", "2026-10-25T12:00:00Z")).toEqual({
      label: "2026-10-25",
      startsAt: "2026-10-24T22:00:00.000Z",
      endsAt: "2026-10-25T23:00:00.000Z",
    });
    expect(period("month", "Europe/Berlin", "2026-03-15T00:00:00Z").endsAt).toBe(
      "2026-03-31T22:00:00.000Z",
    );
  });

  it("has a 23-hour and a 25-hour day where New York changes clocks", () => {
    expect(period("day", "America/New_York", "2026-03-08T12:00:00Z")).toEqual({
      label: "2026-03-08",
      startsAt: "2026-03-08T05:00:00.000Z",
      endsAt: "2026-03-09T04:00:00.000Z",
    });
    expect(period("day", "America/New_York", "2026-11-01T12:00:00Z")).toEqual({
      label: "2026-11-01",
      startsAt: "2026-11-01T04:00:00.000Z",
      endsAt: "2026-11-02T05:00:00.000Z",
    });
    expect(period("week", "America/New_York", "2026-11-04T12:00:00Z")).toEqual({
      label: "2026-W45",
      startsAt: "2026-11-02T05:00:00.000Z",
      endsAt: "2026-11-09T05:00:00.000Z",
    });
  });

  it("starts a day at its first instant where DST skips midnight (Santiago)", () => {
    expect(period("day", "America/Santiago", "2026-09-06T12:00:00Z")).toEqual({
      label: "2026-09-06",
      startsAt: "2026-09-06T04:00:00.000Z",
      endsAt: "2026-09-07T03:00:00.000Z",
    });
    for (const now of ["2026-09-06T12:00:00Z", "2026-04-05T12:00:00Z", "2026-06-01T12:00:00Z"]) {
      const day = calendarPeriod({ period: "day", timeZone: "America/Santiago", now: at(now) });
      const before = localDateAt(day.startsAt - 1, "America/Santiago");
      const first = localDateAt(day.startsAt, "America/Santiago");
      expect(first).not.toEqual(before);
      expect(localDateAt(day.endsAt - 1, "America/Santiago")).toEqual(first);
      expect(day.label).toBe(now.slice(0, 10));
    }
  });

  it("numbers ISO weeks from Monday, with week 53 of 2026 running into 2027", () => {
    expect(period("week", "UTC", "2026-12-03T10:00:00Z")).toEqual({
      label: "2026-W49",
      startsAt: "2026-11-30T00:00:00.000Z",
      endsAt: "2026-12-07T00:00:00.000Z",
    });
    expect(period("week", "UTC", "2026-12-31T12:00:00Z").label).toBe("2026-W53");
    expect(period("week", "UTC", "2027-01-03T23:59:59.999Z")).toEqual({
      label: "2026-W53",
      startsAt: "2026-12-28T00:00:00.000Z",
      endsAt: "2027-01-04T00:00:00.000Z",
    });
    expect(period("week", "UTC", "2027-01-04T00:00:00Z").label).toBe("2027-W01");
    expect(period("week", "UTC", "2024-12-30T00:00:00Z").label).toBe("2025-W01");
    expect(period("week", "UTC", "2021-01-03T00:00:00Z").label).toBe("2020-W53");
  });

  it("finds a day's start without DST as local midnight", () => {
    expect(iso(startOfLocalDay({ year: 2026, month: 7, day: 1 }, "Asia/Kolkata"))).toBe(
      "2026-06-30T18:30:00.000Z",
    );
    expect(iso(startOfLocalDay({ year: 2026, month: 7, day: 1 }, "Pacific/Kiritimati"))).toBe(
      "2026-06-30T10:00:00.000Z",
    );
  });

  it("refuses a time zone that does not exist, naming the closest", () => {
    expect(() =>
      calendarPeriod({ period: "day", timeZone: "America/New_Yrok", now: 0 }),
    ).toThrowError(/timeZone must be an IANA time zone .*America\/New_York/);
  });
});
