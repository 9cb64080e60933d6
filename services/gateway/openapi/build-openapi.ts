import { components } from './components';
import { openAiPaths, operationPaths } from './other-paths';
import { nativePaths } from './paths';

/** package.json's version; test/api/openapi-document.test.ts holds the two together. */
export const API_VERSION = '0.1.0';

const DESCRIPTION = `A self-hosted backend for multi-turn LLM chat. Submit a user's turn; turnq queues it behind the
session's earlier turns, classifies its intent, replies within a token budget and keeps the history.

- **JSON in and out.** Errors are \`application/problem+json\` (RFC 9457): \`type\` is \`about:blank\`, \`title\` the
  status phrase, \`detail\` starts with the offending field (\`body.content: expected a string, got 5\`).
- **Checks run in this order**, and a refused request stores nothing: 401 auth, 415 media type, 413 size
  (64 KiB), 400 syntax and schema, 404 existence, 409 state, 429 capacity (with \`Retry-After\`). 503 with
  \`Retry-After\` while Redis is unreachable.
- **A known path with another method** is 405 with an \`Allow\` header listing the methods it has (RFC 9110).
- **Tenants.** With TURNQ_API_KEYS set every \`/v1\` route needs \`Authorization: Bearer <key>\`; a session
  belongs to the key's tenant and is a 404 for every other tenant, with everything under it.

The prose guide is docs/api.md in the repository.`;

/** The OpenAPI 3.1 document of the whole gateway, built from the zod schemas it validates with. */
export function buildOpenApi(): Record<string, unknown> {
  const paths = { ...nativePaths, ...openAiPaths, ...operationPaths };
  const all = components();
  // parameter templates that every operation copied (to give them its own examples) are not listed twice
  const used = JSON.stringify(paths);
  const parameters = Object.fromEntries(Object.entries(all.parameters as Record<string, unknown>)
    .filter(([name]) => used.includes(`"#/components/parameters/${name}"`)));
  return {
    openapi: '3.1.1',
    info: {
      title: 'turnq',
      version: API_VERSION,
      summary: 'Multi-turn LLM chat with strict per-session order.',
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/', description: 'The gateway that serves this document.' }],
    security: [{ apiKey: [] }, {}],
    tags: [
      { name: 'Sessions', description: 'A conversation: its state, summary and history.' },
      { name: 'Turns', description: 'One user message and its reply, processed in order per session.' },
      { name: 'OpenAI-compatible', description: 'Any OpenAI client, with turnq keeping the history.' },
      { name: 'Operations', description: 'Health, readiness, metrics and the queue board.' },
      { name: 'Pages', description: 'What a browser opens: the playground, this reference.' },
    ],
    paths,
    components: { ...all, parameters },
  };
}
