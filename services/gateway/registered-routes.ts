import type { Application } from 'express';

/** One route as express will dispatch it: a path in express syntax (`/v1/turns/:turnId`) and its methods. */
export interface RegisteredRoute { path: string; methods: string[] }

interface Layer {
  rawPath?: unknown;
  slash?: boolean;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function walk(stack: Layer[], prefix: string, out: RegisteredRoute[]): void {
  for (const layer of stack) {
    const here = layer.slash || typeof layer.rawPath !== 'string' ? prefix : prefix + layer.rawPath;
    if (layer.route) {
      const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m] && m !== '_all').map((m) => m.toUpperCase());
      out.push({ path: prefix + layer.route.path, methods });
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, here, out);
    } else if (here !== prefix && layer.handle && 'router' in layer.handle) {
      // a mounted express app (bull-board at /admin/queues): its own routes are its business, its page is ours
      out.push({ path: here, methods: ['GET'] });
    }
  }
}

/**
 * Every route the app registers, read from express's own router, so the 405 answer's `Allow` and the
 * test that holds the OpenAPI document to the app both see what is really served, not a second list.
 */
export function registeredRoutes(app: Application): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out);
  const merged = new Map<string, Set<string>>();
  for (const r of out) for (const m of r.methods) (merged.get(r.path) ?? merged.set(r.path, new Set()).get(r.path)!).add(m);
  return [...merged].map(([path, methods]) => ({ path, methods: [...methods] }));
}

const patterns = new WeakMap<Application, Array<{ re: RegExp; methods: string[] }>>();

/**
 * The methods a path answers to, for the `Allow` header of a 405 (RFC 9110 §15.5.6); empty when no
 * route has the path. HEAD comes with GET because express answers it from the GET route.
 */
export function allowedMethods(app: Application, path: string): string[] {
  let table = patterns.get(app);
  if (!table) {
    table = registeredRoutes(app).map((r) => ({
      re: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`),
      methods: r.methods,
    }));
    patterns.set(app, table);
  }
  const methods = new Set(table.filter((t) => t.re.test(path)).flatMap((t) => t.methods));
  if (methods.has('GET')) methods.add('HEAD');
  return ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => methods.has(m));
}
