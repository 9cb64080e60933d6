import Ajv2020 from 'ajv/dist/2020';

type Json = Record<string, any>;

/**
 * Validates values against schemas of an OpenAPI 3.1 document with a JSON Schema 2020-12 validator,
 * `$ref: '#/components/…'` resolved inside the document. Strict on purpose: response schemas list
 * every field (zod's output schemas close their objects), so a field the gateway adds without
 * documenting it fails here.
 */
export function documentValidator(doc: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
  ajv.addSchema({ $id: 'turnq-openapi', components: doc.components }, 'turnq-openapi');
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  const rebase = (s: unknown): unknown => JSON.parse(JSON.stringify(s).replaceAll('"#/components/', '"turnq-openapi#/components/'));
  return (schema: Json, value: unknown): string | null => {
    const key = JSON.stringify(schema);
    let v = cache.get(key);
    if (!v) cache.set(key, v = ajv.compile(rebase(schema) as Json));
    return v(value) ? null : ajv.errorsText(v.errors, { separator: '; ' });
  };
}

/** A `$ref` of the document, followed. */
export function deref<T = Json>(doc: Json, node: Json): T {
  let n = node;
  while (n && typeof n.$ref === 'string') n = n.$ref.slice(2).split('/').reduce((o: Json, k: string) => o[k.replaceAll('~1', '/').replaceAll('~0', '~')], doc);
  return n as T;
}

/** Every operation of the document. */
export function operations(doc: Json): Array<{ method: string; path: string; op: Json }> {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Json })));
}

/** The events of a text/event-stream body: `id`, `event` and the JSON of `data`. */
export function parseSse(text: string): Array<{ id: number | null; event: string | null; data: string }> {
  return text.split(/\n\n+/).map((block) => block.split('\n').filter((l) => l && !l.startsWith(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const field = (name: string) => lines.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).replace(/^ /, ''));
      const id = field('id')[0];
      return { id: id === undefined ? null : Number(id), event: field('event')[0] ?? null, data: field('data').join('\n') };
    });
}
