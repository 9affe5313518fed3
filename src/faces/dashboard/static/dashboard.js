// The tokenwise dashboard page: asks for the admin key, polls <base>/api/data with it, and
// draws what it gets. Money arrives as exact decimal dollar strings and is shown as such
// (charts alone use approximate numbers). Data is written with textContent, never as HTML.

(() => {
  const KEY_STORAGE = "tokenwise-dashboard-key";
  const byId = (id) => document.getElementById(id);
  const state = { key: "", timer: undefined, lastText: "", charts: [], seenRequests: new Set() };

  /** "$0.0081" → "$0.008100": at least six decimals, never rounded (money stays exact). */
  function money(decimal) {
    const [whole, fraction = ""] = String(decimal).replace(/^-/, "").split(".");
    const sign = String(decimal).startsWith("-") ? "-" : "";
    return `${sign}$${whole}.${fraction.padEnd(6, "0")}`;
  }
  const integer = (value) => Number(value).toLocaleString("en-US");
  const percent = (fraction) => `${(fraction * 100).toFixed(1)}%`;
  const time = (ms) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function setStatus(text, isError) {
    const status = byId("status");
    status.textContent = text;
    status.classList.toggle("error", isError === true);
  }

  function askForKey(message) {
    byId("main").hidden = true;
    byId("key-form").hidden = false;
    byId("key-message").textContent = message;
    byId("key-input").focus();
  }

  /** Start of a period key's bucket in epoch seconds ("2026-12-03T14", "2026-12-03", "2026-W49", "2026-12"). */
  function bucketStart(key) {
    const week = /^(\d{4})-W(\d{2})$/.exec(key);
    if (week) {
      const fourth = Date.UTC(Number(week[1]), 0, 4);
      const monday = fourth - ((new Date(fourth).getUTCDay() + 6) % 7) * 86_400_000;
      return (monday + (Number(week[2]) - 1) * 7 * 86_400_000) / 1000;
    }
    const text =
      key.length === 13
        ? `${key}:00:00Z`
        : key.length === 7
          ? `${key}-01T00:00:00Z`
          : `${key}T00:00:00Z`;
    return Date.parse(text) / 1000;
  }

  function chart(container, title, series, data, extraSeries) {
    const width = Math.max(320, container.clientWidth || 800);
    const options = {
      title,
      width,
      height: 220,
      scales: { x: { time: true } },
      series: [{}, ...series, ...(extraSeries || [])],
      axes: [
        {},
        { values: (_self, ticks) => ticks.map((tick) => `$${tick.toFixed(4)}`), size: 80 },
      ],
    };
    state.charts.push(new window.uPlot(options, data, container));
  }

  function barTable(table, groups, label) {
    table.replaceChildren();
    const head = element("tr");
    for (const [text, number] of [
      [label],
      ["calls", true],
      ["cost", true],
      ["saved", true],
      [""],
    ]) {
      head.append(element("th", text, number ? "number" : undefined));
    }
    table.append(head);
    if (groups.length === 0) {
      const row = element("tr");
      const cell = element("td", "none recorded", "muted");
      cell.colSpan = 5;
      row.append(cell);
      table.append(row);
      return;
    }
    const max = Math.max(...groups.map((group) => Number(group.cost)), 0);
    for (const group of groups) {
      const row = element("tr");
      row.dataset.key = group.key;
      row.append(
        element("td", group.key),
        element("td", integer(group.calls), "number"),
        element("td", money(group.cost), "number cost"),
        element("td", money(group.savedCost), "number"),
      );
      const barCell = element("td", undefined, "bar-cell");
      const bar = element("div", undefined, "bar");
      bar.style.width = `${max > 0 ? (Number(group.cost) / max) * 100 : 0}%`;
      barCell.append(bar);
      row.append(barCell);
      table.append(row);
    }
  }

  function renderBudgets(data) {
    const container = byId("budgets");
    container.replaceChildren();
    byId("no-budgets").hidden = data.report.budgets.length > 0;
    const nowSeconds = data.report.generatedAt / 1000;
    for (const budget of data.report.budgets) {
      const box = element("div", undefined, "budget");
      box.dataset.scope = budget.scope;
      const facts = element("dl");
      const runsOut =
        budget.runsOutAt === undefined
          ? ["not at the current rate (nothing spent)", "safe"]
          : budget.runsOutBeforeReset
            ? [`${time(budget.runsOutAt)} UTC`, "runs-out"]
            : [`not before it resets (${time(budget.resetsAt)} UTC)`, "safe"];
      for (const [term, value, className] of [
        ["budget", budget.name],
        ["limit", money(budget.limit)],
        ["spent", money(budget.spent), "budget-spent"],
        ["reserved", money(budget.reserved)],
        ["left", money(budget.remaining), "budget-left"],
        ["used", percent(budget.usedFraction)],
        ["runs out", runsOut[0], `budget-runs-out ${runsOut[1]}`],
      ]) {
        facts.append(element("dt", term), element("dd", value, className));
      }
      const chartBox = element("div", undefined, "chart");
      box.append(facts, chartBox);
      container.append(box);
      const burn = data.burnDown.find((entry) => entry.scope === budget.scope);
      const points = burn ? burn.points : [];
      const xs = points.map((point) => point[0] / 1000);
      const left = points.map((point) => Number(point[1]));
      const projected = points.map(() => null);
      if (budget.runsOutAt !== undefined) {
        xs.push(nowSeconds, budget.runsOutAt / 1000);
        left.push(Number(budget.remaining), null);
        projected.push(Number(budget.remaining), 0);
      }
      if (xs.length > 0) {
        chart(
          chartBox,
          `${budget.name}: what is left`,
          [{ label: "left", stroke: "#2f6fdb", width: 2 }],
          [xs, left, projected],
          [{ label: "at the current rate", stroke: "#c0392b", dash: [6, 4], width: 2 }],
        );
      }
    }
  }

  function renderLatest(data) {
    const body = byId("latest").querySelector("tbody");
    body.replaceChildren();
    document.body.classList.toggle("hide-prompts", !data.showsPrompts);
    const firstLoad = state.seenRequests.size === 0;
    for (const request of data.report.latestRequests) {
      const identity = `${request.time}|${request.requestId || ""}|${request.scope}|${request.cost}`;
      const row = element(
        "tr",
        undefined,
        firstLoad || state.seenRequests.has(identity) ? "" : "new",
      );
      state.seenRequests.add(identity);
      if (request.requestId) row.dataset.requestId = request.requestId;
      row.append(
        element("td", time(request.time)),
        element("td", request.model),
        element("td", request.key || request.scope),
        element("td", integer(request.usage.inputTokens), "number"),
        element("td", integer(request.usage.outputTokens), "number"),
        element("td", money(request.cost), "number cost"),
        element("td", money(request.savedCost), "number"),
        element(
          "td",
          request.cached ? "hit" : request.cacheStatus || "",
          request.cached ? "cache-hit" : "",
        ),
        element(
          "td",
          request.latencyMs === undefined ? "" : `${integer(request.latencyMs)} ms`,
          "number",
        ),
        element("td", request.outcome || ""),
        element("td", data.showsPrompts ? request.prompt || "" : "", "prompt-column"),
      );
      body.append(row);
    }
  }

  function render(data) {
    for (const old of state.charts) old.destroy();
    state.charts = [];
    const { report } = data;
    byId("total-cost").textContent = money(report.totals.cost);
    byId("total-calls").textContent = integer(report.totals.calls);
    byId("cache-hit-rate").textContent = percent(report.cacheHitRate);
    byId("total-saved").textContent = money(report.totals.savedCost);
    byId("input-tokens").textContent = integer(report.totals.usage.inputTokens);
    byId("output-tokens").textContent = integer(report.totals.usage.outputTokens);

    const overTime = byId("over-time-chart");
    overTime.replaceChildren();
    if (report.overTime.length === 0) {
      overTime.append(element("p", "No spend recorded yet.", "muted"));
    } else {
      chart(
        overTime,
        `Spend per ${report.period} (UTC)`,
        [
          { label: "spent", stroke: "#2f6fdb", fill: "rgba(47,111,219,0.15)", width: 2 },
          { label: "saved by caches", stroke: "#1f8a4c", width: 2 },
        ],
        [
          report.overTime.map((group) => bucketStart(group.key)),
          report.overTime.map((group) => Number(group.cost)),
          report.overTime.map((group) => Number(group.savedCost)),
        ],
      );
    }
    barTable(byId("by-model"), report.byModel, "model");
    barTable(byId("by-key"), report.byKey, "key");
    barTable(byId("by-team"), report.byTeam, "team");
    barTable(byId("by-scope"), report.byScope, "scope");
    renderBudgets(data);
    renderLatest(data);
  }

  async function refresh() {
    clearTimeout(state.timer);
    let refreshMs = 2000;
    try {
      const period = byId("period").value;
      const response = await fetch(`api/data?period=${encodeURIComponent(period)}`, {
        headers: { authorization: `Bearer ${state.key}` },
        cache: "no-store",
      });
      if (response.status === 401) {
        sessionStorage.removeItem(KEY_STORAGE);
        state.key = "";
        setStatus("wrong admin key", true);
        askForKey("That admin key was not accepted. Enter the admin key to see spend.");
        return;
      }
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const text = await response.text();
      const data = JSON.parse(text);
      refreshMs = data.refreshMs || refreshMs;
      byId("key-form").hidden = true;
      byId("main").hidden = false;
      if (text !== state.lastText) {
        state.lastText = text;
        render(data);
      }
      setStatus(`updated ${time(data.report.generatedAt)} UTC`);
    } catch (error) {
      setStatus(`could not load data: ${error.message}`, true);
    }
    state.timer = setTimeout(refresh, refreshMs);
  }

  function start(key) {
    state.key = key;
    state.lastText = "";
    sessionStorage.setItem(KEY_STORAGE, key);
    setStatus("loading…");
    refresh();
  }

  byId("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = byId("key-input").value.trim();
    byId("key-input").value = "";
    if (key !== "") start(key);
  });
  byId("period").addEventListener("change", () => {
    state.lastText = "";
    if (state.key !== "") refresh();
  });

  // A key in the fragment (#key=…) is never sent to the server; it is moved to session storage.
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("key");
  if (fromHash) history.replaceState(null, "", location.pathname + location.search);
  const key = fromHash || sessionStorage.getItem(KEY_STORAGE) || "";
  if (key === "") askForKey("Enter the admin key to see spend.");
  else start(key);
})();
