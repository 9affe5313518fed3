/**
 * The dashboard's files, served from the package: its own page, script and styles (copied
 * next to the compiled code by the build) and uPlot from its npm package. Nothing comes from
 * a CDN.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

export interface DashboardAsset {
  body: Buffer;
  contentType: string;
}

const OWN_ASSETS: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "dashboard.js": "text/javascript; charset=utf-8",
  "dashboard.css": "text/css; charset=utf-8",
};

const UPLOT_ASSETS: Record<string, [file: string, contentType: string]> = {
  "uplot.js": ["uplot/dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"],
  "uplot.css": ["uplot/dist/uPlot.min.css", "text/css; charset=utf-8"],
};

/**
 * Loads assets on first use and keeps them in memory.
 *
 * @example
 * ```ts
 * const assets = createDashboardAssets();
 * const page = await assets.get("index.html"); // { body, contentType }
 * ```
 */
export function createDashboardAssets(): {
  get(name: string): Promise<DashboardAsset | undefined>;
} {
  const loaded = new Map<string, Promise<DashboardAsset>>();
  const require = createRequire(import.meta.url);
  const load = async (name: string): Promise<DashboardAsset | undefined> => {
    const own = OWN_ASSETS[name];
    if (own !== undefined) {
      return {
        body: await readFile(new URL(`./static/${name}`, import.meta.url)),
        contentType: own,
      };
    }
    const uplot = UPLOT_ASSETS[name];
    if (uplot === undefined) return undefined;
    return { body: await readFile(require.resolve(uplot[0])), contentType: uplot[1] };
  };
  return {
    get(name) {
      if (OWN_ASSETS[name] === undefined && UPLOT_ASSETS[name] === undefined) {
        return Promise.resolve(undefined);
      }
      let asset = loaded.get(name);
      if (asset === undefined) {
        asset = load(name) as Promise<DashboardAsset>;
        loaded.set(name, asset);
      }
      return asset;
    },
  };
}
