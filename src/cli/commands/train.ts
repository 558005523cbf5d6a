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
    .option('--model <kind|path>', 'built-in model (mlp | rnn | lstm | gru | cnn) or a tfjs model.json')
    .option('--data <kind|file>', 'synthetic task (regression | classification | adding | images) or a CSV/JSON file')
    .option('--features <cols>', 'feature columns of the data file, comma-separated (default: all but the target)')
    .option('--target <col>', 'target column of the data file')
    .option('--task <task>', 'auto | regression | classification (for data files)')
    .option('--normalize', 'standardise features (and a regression target) with training-split statistics')
    .option('--loss <name>', 'auto | mse | mae | huber | binary-crossentropy | categorical-crossentropy')
    .option('--clip <strategy>', 'none | norm | value | tensor-norm | agc | autoclip | zclip | adagc | update-clip, or a plugin module ./my-clip.js')
    .option('--clip-norm <x>', 'clip by global norm at x (PyTorch clip_grad_norm_ semantics)')
    .option('--clip-value <x>', 'clamp each gradient element to [-x, x]')
    .option('--norm-type <p>', 'norm order: 1 | 2 | inf | any p ≥ 1 (default 2)')
    .option('--norm-semantics <s>', 'norm: torch (1e-6 epsilon, default) | exact (optax) | tf')
    .option('--tensor-norm-max-norm <x>', 'tensor-norm: clip each variable to norm x on its own (Keras clipnorm)')
    .option('--agc-clipping <x>', 'agc: λ, max ratio of unit grad norm to unit weight norm (default 0.01)')
    .option('--agc-eps <x>', 'agc: floor on the weight unit norm (default 1e-3)')
    .option('--agc-layout <l>', 'agc: optax (TF.js kernels, default) | timm')
    .option('--agc-exclude-final', 'agc: leave the final layer unclipped, as the paper does')
    .option('--no-agc-exclude-final', 'agc: clip the final layer too (default)')
    .option('--autoclip-percentile <p>', 'autoclip: percentile of the norm history, 0–100 (default 10)')
    .option('--autoclip-window <n>', 'autoclip: keep only the last n norms (default all)')
    .option('--autoclip-include-current', "autoclip: include this step's norm in the percentile (default, as the paper)")
    .option('--no-autoclip-include-current', 'autoclip: percentile of past norms only (the pip package)')
    .option('--autoclip-history-filter <f>', 'autoclip: finite-positive (default) | all (the paper: NaN poisons it)')
    .option('--zclip-mode <m>', 'zclip: zscore (default) | percentile (clip everything above μ + z·σ)')
    .option('--zclip-alpha <a>', 'zclip: EMA smoothing in (0, 1) (default 0.97)')
    .option('--zclip-z-threshold <z>', 'zclip: z-score that counts as a spike (default 2.5)')
    .option('--zclip-warmup-steps <n>', 'zclip: steps collected before the EMAs start (default 25)')
    .option('--zclip-max-norm <x>', 'zclip: hard cap on the global norm (default none)')
    .option('--zclip-clip-option <o>', 'zclip: adaptive_scaling (default) | mean')
    .option('--zclip-clip-factor <f>', 'zclip: multiplies the adaptive threshold (default 1)')
    .option('--zclip-skip-update-on-spike', 'zclip: keep spikes out of the EMAs')
    .option('--adagc-clip-ratio <r>', 'adagc: clip a tensor above r × its norm EMA (default 1.04)')
    .option('--adagc-beta <b>', 'adagc: EMA coefficient in [0, 1) (default 0.99)')
    .option('--adagc-warmup-steps <n>', 'adagc: steps of global clipping first (default 100)')
    .option('--adagc-max-norm <c>', 'adagc: global norm threshold of the warm-up (default 1)')
    .option('--update-clip-max-rms <r>', "update-clip: scale a tensor's Adam step by 1/max(1, RMS/r) (default 1; needs --optimizer adam)")
    .option('--adagc-history-filter <f>', 'adagc: finite-positive (default) | all (the reference: NaN poisons it)')
    .option('--clip-options <json>', 'plugin: options passed to the module\'s factory, e.g. \'{"maxNorm": 2}\'')
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
