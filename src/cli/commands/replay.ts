/** `gclip replay RUN_DIR --step K`: recompute a logged step (from the nearest checkpoint) and compare it with the log. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { numberFlag } from '../../config/bounds.js';
import type { BackendName } from '../../config/schema.js';
import { EXIT, inputError } from '../../errors.js';
import { RUN_FILES } from '../../log/types.js';
import { colorsOf, type CommandContext } from '../context.js';
import { REPLAY } from '../flags/own-flags.js';
import { registerFlags } from '../flags/register.js';
import { loadRunConfig } from '../load-run-config.js';

interface ReplayFlags {
  step?: string;
  backend?: BackendName;
  tolerance?: string;
  json?: boolean;
}

/** The run's config.json, or `no_run_config` (exit 2) when the directory has none. */
function configFile(runDir: string, cwd: string): string {
  if (!existsSync(resolve(cwd, runDir))) {
    throw inputError('not_a_run_dir', { path: '', message: `run directory not found: ${runDir}`, hint: 'Pass the directory gclip train wrote (its --out, or runs/<timestamp>-<name>).', source: runDir });
  }
  const file = join(runDir, RUN_FILES.config);
  if (existsSync(resolve(cwd, file))) return file;
  throw inputError('no_run_config', { path: '', message: `${runDir} has no ${RUN_FILES.config}: the config the run trained is unknown`, hint: 'Replay needs the run directory gclip train wrote, config.json included.', source: runDir });
}

/** Registers `replay` on the program. */
export function registerReplay(program: Command, ctx: CommandContext): void {
  registerFlags(program.command('replay'), 'replay')
    .description("recompute a logged step from the nearest checkpoint (or the start) and compare loss and gradient norms with the log: bit-equal on the run's backend; on another, the first quantity beyond the tolerance is named (exit 4)")
    .argument('<runDir>', 'run directory written by gclip train')
    .action(async (runDir: string, flags: ReplayFlags) => {
      if (flags.step === undefined) throw inputError('invalid_flag', { path: '', message: 'gclip replay needs --step K: the logged step to recompute', hint: 'e.g. gclip replay runs/my-run --step 20', source: REPLAY.step.name });
      const step = numberFlag(REPLAY.step.name, flags.step, REPLAY.step.bounds);
      const rtol = flags.tolerance === undefined ? undefined : numberFlag(REPLAY.tolerance.name, flags.tolerance, REPLAY.tolerance.bounds);
      const { config } = await loadRunConfig(configFile(runDir, ctx.io.cwd), {}, ctx.io);
      const [{ initBackend }, { replayStep, summaryBackend }, { renderReplay, renderReplayJson }] = await Promise.all([
        import('../../runtime/backend.js'),
        import('../../train/replay.js'),
        import('../render/replay.js'),
      ]);
      const dir = resolve(ctx.io.cwd, runDir);
      const backend = (await initBackend(flags.backend ?? activatable(await summaryBackend(dir)) ?? config.backend)).name;
      const result = await replayStep(config, { runDir: dir, step, backend, rtol, cwd: ctx.io.cwd });
      ctx.io.out(flags.json ? renderReplayJson(result) : renderReplay(result, (await colorsOf(program, ctx)).out));
      ctx.setExit(result.agreed ? EXIT.ok : EXIT.replayDiffers);
    });
}

/** A backend name gclip can activate, or null (a test backend, or none recorded). */
function activatable(name: string | null): BackendName | null {
  return name === 'node' || name === 'wasm' || name === 'cpu' ? name : null;
}
