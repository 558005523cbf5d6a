/** `gclip train`: flags → resolved config → training session → summary → exit code. */
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { createColor } from '../render/color.js';
import { loadRunConfig } from '../load-run-config.js';

export interface TrainFlags extends Record<string, unknown> {
  json?: boolean;
  quiet?: boolean;
  overwrite?: boolean;
  config?: string;
}

/** Flags shared by every command that trains (train, sweep, check --config). */
export function addTrainingFlags(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'run config (YAML or JSON); default: the built-in demo')
    .option('--model <kind>', 'built-in model: mlp | rnn')
    .option('--data <kind>', 'synthetic task: regression | classification | adding')
    .option('--clip <strategy>', 'clip strategy: none | norm | value')
    .option('--clip-norm <x>', 'clip by global norm at x (PyTorch clip_grad_norm_ semantics)')
    .option('--clip-value <x>', 'clamp each gradient element to [-x, x]')
    .option('--norm-type <p>', 'norm order: 1 | 2 | inf | any p ≥ 1 (default 2)')
    .option('--steps <n>', 'optimizer steps')
    .option('--epochs <n>', 'passes over the training split (overrides --steps)')
    .option('--lr <x>', 'learning rate')
    .option('--optimizer <name>', 'sgd | momentum | adam | rmsprop')
    .option('--batch-size <n>', 'batch size')
    .option('--seed <n>', 'random seed (data, weights, batch order)')
    .option('--backend <name>', 'auto | node | wasm | cpu (auto: tfjs-node, then wasm, then cpu)')
    .option('--on-nonfinite <action>', 'halt | skip | warn when loss, gradient norm or weights are NaN/Inf')
    .option('--name <name>', 'run name (used in the default run directory)');
}

/** Registers `train` on the program. */
export function registerTrain(program: Command, ctx: CommandContext): void {
  addTrainingFlags(program.command('train'))
    .description('train a model with a clip strategy, logging per-step gradient norms and catching NaN/Inf and explosions')
    .option('-o, --out <dir>', 'run directory (default runs/<timestamp>-<name>)')
    .option('--overwrite', 'replace an earlier run in --out')
    .option('--tensorboard <dir>', 'also write TensorBoard event files (scalars, per-layer norms, gradient histograms) into dir')
    .option('--json', 'print the summary as one JSON object on stdout, nothing else')
    .option('-q, --quiet', 'no progress output (events and the summary still print)')
    .action(async (flags: TrainFlags) => {
      const global = program.opts<{ color?: boolean }>();
      const { config } = await loadRunConfig(flags, ctx.io);
      const { runTrainCommand } = await import('../run-train.js');
      const errColor = createColor({ env: ctx.io.env, isTTY: ctx.io.errIsTTY, flag: global.color });
      const outColor = createColor({ env: ctx.io.env, isTTY: ctx.io.outIsTTY, flag: global.color });
      ctx.setExit(await runTrainCommand(config, flags, { io: ctx.io, errColor, outColor }));
    });
}
