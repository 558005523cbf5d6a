/**
 * The training settings of a run (loss, optimizer, learning rate, clipping) and where each
 * came from, as `summary.json` records them and every surface shows them: the terminal
 * summary, `gclip report` (terminal and HTML). One builder (`runSettings`) from a config
 * and its provenance map; one wording (`settingRows`).
 */
import { formatNumber } from '../format.js';

/** Where a setting came from: a flag, the config file, the model.json's training config, or the default. */
export type SettingSource = 'flag' | 'file' | 'model.json' | 'default';

/** One setting: its value as shown, and its source when known (null: the run did not record it). */
export interface RunSetting {
  readonly value: string;
  readonly source: SettingSource | null;
}

/** The settings `summary.json` records. */
export interface RunSettings {
  /** The loss trained with (never `auto`: the one `auto` chose). */
  readonly loss: RunSetting;
  readonly optimizer: RunSetting;
  readonly lr: RunSetting;
  /** `none`, or the clip kind and its options (`norm (maxNorm 1)`). */
  readonly clip: RunSetting;
}

type Json = Record<string, unknown>;
const SOURCES: readonly SettingSource[] = ['default', 'file', 'model.json', 'flag'];

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), doc);
}

/** The source of `path`, or the strongest source among the leaves under it (flag > model.json > file > default). */
function sourceOf(provenance: unknown, path: string): SettingSource | null {
  if (!isRecord(provenance)) return null;
  const found = Object.entries(provenance).filter(([k]) => k === path || k.startsWith(`${path}.`)).map(([, v]) => SOURCES.indexOf(v as SettingSource));
  const best = Math.max(-1, ...found);
  return best < 0 ? null : SOURCES[best]!;
}

/** `norm (maxNorm 1, semantics torch)`; the default norm order 2 is left out. */
function clipText(clip: unknown): string {
  if (!isRecord(clip)) return 'unknown';
  const { kind, ...rest } = clip;
  if (kind === 'none') return 'none';
  const params = Object.entries(rest)
    .filter(([k, v]) => !(k === 'normType' && v === 2))
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return `${String(kind)}${params.length ? ` (${params.join(', ')})` : ''}`;
}

/**
 * The settings of a run config (the resolved config, or a config.json read back) with
 * their sources from `provenance` (dotted path → source; anything else: sources unknown).
 * `lossUsed` is the loss the run trained with when the config says `auto`; its source is
 * then `default` (the task's default loss), or `model.json` when `lossFromModel`.
 * Returns null when `config` is not an object.
 */
export function runSettings(config: unknown, provenance: unknown, used: { lossUsed?: string; lossFromModel?: boolean } = {}): RunSettings | null {
  if (!isRecord(config)) return null;
  const setting = (path: string, value: unknown): RunSetting => ({ value: typeof value === 'number' ? formatNumber(value) : String(value ?? 'unknown'), source: sourceOf(provenance, path) });
  const loss = at(config, 'train.loss');
  const auto = loss === 'auto' && used.lossUsed !== undefined;
  return {
    loss: auto ? { value: used.lossUsed!, source: used.lossFromModel ? 'model.json' : 'default' } : setting('train.loss', loss),
    optimizer: setting('train.optimizer', at(config, 'train.optimizer')),
    lr: setting('train.lr', at(config, 'train.lr')),
    clip: { value: clipText(config.clip), source: sourceOf(provenance, 'clip') },
  };
}

/** The settings of a `summary.json` field, or null when absent or malformed (older runs). */
export function parseRunSettingsField(value: unknown): RunSettings | null {
  if (!isRecord(value)) return null;
  const one = (v: unknown): RunSetting | null => {
    if (!isRecord(v) || typeof v.value !== 'string') return null;
    return { value: v.value, source: SOURCES.includes(v.source as SettingSource) ? (v.source as SettingSource) : null };
  };
  const [loss, optimizer, lr, clip] = [one(value.loss), one(value.optimizer), one(value.lr), one(value.clip)];
  return loss && optimizer && lr && clip ? { loss, optimizer, lr, clip } : null;
}

const SOURCE_TEXT: Readonly<Record<SettingSource, string>> = { flag: 'flag', file: 'config file', 'model.json': 'model.json', default: 'default' };

/** Label/value rows: `['optimizer', 'adam (model.json)']`, the source in brackets when known. */
export function settingRows(s: RunSettings): [string, string][] {
  const text = (v: RunSetting) => (v.source === null ? v.value : `${v.value} (${SOURCE_TEXT[v.source]})`);
  return [
    ['loss', text(s.loss)],
    ['optimizer', text(s.optimizer)],
    ['learning rate', text(s.lr)],
    ['clipping', text(s.clip)],
  ];
}
