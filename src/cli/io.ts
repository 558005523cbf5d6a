/** The process boundary as data, injected into the program so tests capture everything. */
export interface CliIO {
  /** stdout text (results, `--json`). */
  readonly out: (text: string) => void;
  /** stderr text (progress, warnings, errors). */
  readonly err: (text: string) => void;
  /** stderr as a stream, for live progress bars; absent in tests. */
  readonly errStream?: NodeJS.WriteStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stderr is an interactive terminal (live bar vs. periodic lines). */
  readonly errIsTTY: boolean;
  /** Whether stdout is an interactive terminal (colour on stdout). */
  readonly outIsTTY: boolean;
  /** Aborted on SIGINT/SIGTERM: a run stops after its current step and keeps its files. */
  readonly signal?: AbortSignal;
}
