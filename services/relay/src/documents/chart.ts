/**
 * A Vega-Lite spec to SVG, server-side and without a browser: Vega-Lite compiles it to Vega, Vega renders
 * it headless. Vega expressions run in the CSP-safe interpreter (no `Function`), and the loader refuses
 * every URL: a chart draws only the data inlined in its spec.
 */
import * as vega from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { RiskloopError } from '@riskloop/kit';

const refuse = () => Promise.reject(new Error('charts take inline data only (data.values), not URLs'));
const loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse } as unknown as vega.Loader;

export interface RenderedChart {
  svg: string;
  width: number;
  height: number;
}

/** Render `spec`; a spec that does not compile or render is a terminal `chart_failed` error. */
export async function renderChart(name: string, spec: Record<string, unknown>): Promise<RenderedChart> {
  const problems: string[] = [];
  const logger = {
    level: () => logger,
    error: (...args: unknown[]) => problems.push(args.map(String).join(' ')),
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
  };
  try {
    const url = urlPath(spec);
    if (url) throw new Error(`${url}: charts take inline data only (data.values), not URLs`);
    const compiled = compile(spec as unknown as TopLevelSpec).spec;
    const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), {
      renderer: 'none',
      expr: expressionInterpreter,
      loader,
      logger: logger as unknown as vega.LoggerInterface,
    });
    const svg = await view.toSVG();
    if (problems.length > 0) throw new Error(problems.join('; '));
    const result = { svg, width: view.width(), height: view.height() };
    const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    if (size) Object.assign(result, { width: Number(size[1]), height: Number(size[2]) });
    view.finalize();
    return result;
  } catch (cause) {
    throw new RiskloopError('chart_failed', `chart ${name}: ${(cause as Error).message}`, {
      retryable: false,
      cause,
    });
  }
}

/** Where the spec names a URL (`data.url`, a lookup's `from.data.url`, ...), if it does. */
export function urlPath(value: unknown, path = 'spec'): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = urlPath(item, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'url') return `${path}.url`;
      const found = urlPath(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
