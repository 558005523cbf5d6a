/** Import boundaries of style.md §2: folders import downward only. */
const forbid = (name, from, to, comment) => ({ name, severity: 'error', comment, from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    forbid('core-not-cli', '^src/(?!cli/)', '^src/cli/', 'Only the CLI may import the CLI.'),
    forbid('clip-detect-leaf', '^src/(clip|detect)/', '^src/(train|cli|report|sweep|check)/', 'clip and detect are leaves: no train, cli or report.'),
    forbid('train-not-up', '^src/train/', '^src/(cli|sweep|check)/', 'train is used by sweep and check, not the reverse.'),
    forbid('report-no-train', '^src/report/', '^src/(train|sweep|check|cli)/', 'sinks receive records; they do not drive training.'),
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
