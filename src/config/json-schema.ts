/**
 * The JSON Schema of a config file, generated from `runConfigSchema` (zod stays the single
 * source of truth, flag names and help included). `schema/gclip.schema.json` is this
 * schema, written out for editors and read by the CLI for its flags; a test keeps the two
 * equal. Reading it (navigation, the words of messages) is `schema-nodes.ts`.
 */
import { z } from 'zod';
import { runConfigSchema } from './schema.js';
import type { JsonSchema } from './schema-nodes.js';

/**
 * The JSON Schema of a config file as written by users: input side, so fields with
 * defaults are optional. Deterministic: the same schema gives the same object.
 */
export function buildJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(runConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      // JSON cannot hold Infinity (it would be written as `const: null`); files write 'inf'.
      if (Array.isArray(jsonSchema.anyOf)) {
        jsonSchema.anyOf = jsonSchema.anyOf.filter((s) => !(typeof s.const === 'number' && !Number.isFinite(s.const)));
      }
      // zod leaves out the input-side default of a type with a transform (normType's Infinity → 'inf').
      const def = zodSchema._zod.def;
      if (def.type === 'default' && jsonSchema.default === undefined) jsonSchema.default = def.defaultValue;
    },
  }) as JsonSchema;
  return {
    ...generated,
    $id: 'https://gclip.dev/schema/gclip.schema.json',
    title: 'gclip run configuration',
    description: 'A gclip config file (YAML or JSON). Generated from src/config/schema.ts; do not edit.',
  };
}
