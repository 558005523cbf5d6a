/**
 * What a config file's block keeps when a flag changes its kind, and where a file's
 * relative plugin paths point. Both edit the loaded file data before flags are applied.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { getAt, isRecord } from './field-path.js';
import type { Override } from './flag-overrides.js';
import { allowedKeys, schemaAt, variantOf, type JsonSchema } from './schema-nodes.js';

/** For each flag that changes a block's kind, drop the file fields the new kind does not carry over. */
export function withKindsFrom(schema: JsonSchema, data: unknown, overrides: readonly Override[]): unknown {
  for (const o of overrides.filter((x) => x.path.at(-1) === 'kind')) {
    const blockPath = o.path.slice(0, -1);
    const block = getAt(data, blockPath);
    const node = schemaAt(schema, blockPath, data);
    if (!isRecord(block) || block.kind === o.value || node?.oneOf === undefined) continue;
    // An unknown kind (`--clip nrom`) drops nothing: zod reports the kind instead.
    const target = variantOf(node, { kind: o.value });
    if (target === undefined) continue;
    const source = variantOf(node, block);
    const kept = new Set(allowedKeys(target, { kind: o.value }).filter((key) => carriesOver(key, source, target)));
    for (const key of allowedKeys(node, block)) if (key !== 'kind' && !kept.has(key)) delete block[key];
  }
  return data;
}

/**
 * Whether a file field accepted by both kinds survives a flag that switches its block from
 * `source` to `target`: not when the old kind requires it and the new kind merely allows it
 * (no default): that is an optional switch of the new kind, and it stays opt-in, so
 * `--clip zclip` over `clip: {kind: norm, maxNorm: 1}` does not turn on ZClip's hard cap.
 */
function carriesOver(key: string, source: JsonSchema | undefined, target: JsonSchema): boolean {
  const requiredBefore = (source?.required ?? []).includes(key);
  const optionalAfter = !(target.required ?? []).includes(key) && target.properties?.[key]?.default === undefined;
  // Same name, different meaning: regression's `features: 8` (a count) is not a file's column list.
  const typeOf = (s: JsonSchema | undefined) => JSON.stringify(s?.properties?.[key]?.type ?? null);
  return !(requiredBefore && optionalAfter) && typeOf(source) === typeOf(target);
}

/** Makes the file's relative `clip.module` paths relative to the working directory (`file` is). */
export function rebaseModules(data: unknown, file: string): void {
  const clip = getAt(data, ['clip']);
  const blocks = isRecord(clip) && Array.isArray(clip.strategies) ? clip.strategies : [clip];
  for (const block of blocks) {
    if (!isRecord(block) || block.kind !== 'module' || typeof block.module !== 'string') continue;
    if (isAbsolute(block.module) || block.module.startsWith('file:')) continue;
    block.module = join(dirname(file), block.module);
  }
}
