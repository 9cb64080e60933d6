/**
 * Vega-Lite → Vega → SVG on the server, with no browser and no canvas: Vega's headless View renders
 * SVG strings with estimated text metrics. Both packages are ESM-only, so they are loaded with a real
 * dynamic import (kept as `import()` by TypeScript's nodenext CommonJS output).
 */
let libs: Promise<[typeof import('vega'), typeof import('vega-lite')]> | null = null;

export async function renderSvg(vegaLiteSpec: Record<string, unknown>): Promise<string> {
  libs ??= Promise.all([import('vega'), import('vega-lite')]);
  const [vega, vl] = await libs;
  const compiled = vl.compile(vegaLiteSpec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders every chart; a chart that fails is reported by name instead of failing the whole report. */
export async function renderAll(charts: Array<{ file: string; spec: Record<string, unknown> }>): Promise<Array<{ file: string; svg: string | null; error: string | null }>> {
  const out = [];
  for (const c of charts) {
    try {
      out.push({ file: c.file, svg: await renderSvg(c.spec), error: null });
    } catch (err) {
      out.push({ file: c.file, svg: null, error: (err as Error).message });
    }
  }
  return out;
}
