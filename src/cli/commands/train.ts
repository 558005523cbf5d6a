/** `gclip train`: flags → resolved config → training session → summary → exit code. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { RUN_FILES } from '../../log/types.js';
import { colorsOf, type CommandContext } from '../context.js';
import { appliedConfigFlags, registerFlags } from '../flags/register.js';
import { loadRunConfig } from '../load-run-config.js';
import type { TrainFlags } from '../run-train.js';

/** Registers `train` on the program. */
export function registerTrain(program: Command, ctx: CommandContext): void {
  registerFlags(program.command('train'), 'train')
    .description('train a model with a clip strategy, logging per-step gradient norms and catching NaN/Inf and explosions')
    .action(async (flags: TrainFlags & { config?: string }, cmd: Command) => {
      // A resumed run trains its own config unless another is named.
      const file = flags.config ?? (flags.resume !== undefined ? join(flags.resume, RUN_FILES.config) : undefined);
      const { config, provenance } = await loadRunConfig(file, appliedConfigFlags(cmd, 'train'), ctx.io);
      const { runTrainCommand } = await import('../run-train.js');
      const color = await colorsOf(program, ctx);
      ctx.setExit(await runTrainCommand({ config, provenance }, flags, { io: ctx.io, errColor: color.err, outColor: color.out }));
    });
}
