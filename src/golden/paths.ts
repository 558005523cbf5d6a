/**
 * Where the golden file is: `$GCLIP_GOLDEN`, default `../shared/golden/clip-public.json`,
 * resolved against the project root (the current directory).
 */
import { resolve } from 'node:path';

/** The golden file path from the environment, resolved against `cwd`. */
export function goldenPath(env: NodeJS.ProcessEnv, cwd: string): string {
  return resolve(cwd, env.GCLIP_GOLDEN ?? '../shared/golden/clip-public.json');
}
