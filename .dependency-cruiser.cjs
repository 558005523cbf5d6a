/** Import boundaries of style.md §2: folders import downward only. */
const forbid = (name, from, to, comment) => ({ name, severity: 'error', comment, from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    forbid('core-not-cli', '^src/(?!cli/)', '^src/cli/', 'Only the CLI may import the CLI.'),
    forbid('clip-detect-leaf', '^src/(clip|detect)/', '^src/(train|cli|report|sweep|check)/', 'clip and detect are leaves: no train, cli or report.'),
    forbid('train-not-up', '^src/train/', '^src/(cli|sweep|check)/', 'train is used by sweep and check, not the reverse.'),
    forbid('report-no-train', '^src/report/', '^src/(train|sweep|check|cli)/', 'sinks receive records; they do not drive training.'),
    forbid('log-leaf', '^src/log/', '^src/(check|report|train|cli|sweep|clip|detect|runtime|models|data|config|bench|golden)/', 'log owns the run log; it imports only top-level modules (errors, stats).'),
    forbid('check-not-report', '^src/check/', '^src/report/', 'check and report both read through log; neither reaches into the other.'),
    forbid('report-not-check', '^src/report/', '^src/check/', 'check and report both read through log; neither reaches into the other.'),
    // runtime is the floor that clip and train stand on (tfjs, backend, rng and every host
    // kernel, gclip's fused ones included), so a kernel takes plain numbers and tensors and
    // the strategy or loop that uses it stays above; only config types and errors are below.
    forbid('runtime-floor', '^src/runtime/', '^src/(clip|train|detect|report|sweep|check|cli|models|data)/', 'runtime is below clip and train: kernels take numbers, not strategies.'),
    forbid('config-leaf', '^src/config/', '^src/(train|clip|detect|report|sweep|check|cli|models|data)/', 'config is data only.'),
    { name: 'no-circular', severity: 'error', comment: 'No cycle, type-only imports included: a shared type lives below both modules.', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
