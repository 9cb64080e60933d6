// Validates and lints an OpenAPI document in a plain node process (both tools are ES modules, which
// jest's CommonJS runtime cannot load). Prints one JSON line: { valid, errors, lint: [{severity, ruleId, message, pointer}] }.
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createConfig, lintFromString } from '@redocly/openapi-core';

const path = process.argv[2];
const source = readFileSync(path, 'utf8');
const result = await new Validator().validate(JSON.parse(source));
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({ source, absoluteRef: path, config });
console.log(JSON.stringify({
  valid: result.valid,
  errors: result.errors ?? [],
  lint: problems.map((p) => ({ severity: p.severity, ruleId: p.ruleId, message: p.message, pointer: p.location[0]?.pointer })),
}));
