/**
 * Injected faults as every surface shows them: the spec text of an `injected` event
 * (`nan@20`, `spike@40:100:dense_1`) and the label that marks a step's findings as the
 * consequence of an injection, so report, check, JUnit and annotations never present an
 * injected fault as a real one (docs/fault-injection.md).
 */
import type { RunEvent } from './schema.js';

/** An `injected` event. */
export type InjectedEvent = Extract<RunEvent, { kind: 'injected' }>;

/** A fault by its parts, as `faultText` writes it. */
export interface FaultParts {
  readonly kind: string;
  readonly step: number;
  readonly factor?: number | null;
  readonly layer?: string | null;
}

/** The spec text of a fault: `nan@20`, `spike@40:100`, `spike@40:100:dense_1` (what `--inject` takes back). */
export function faultText(f: FaultParts): string {
  const factor = f.factor === null || f.factor === undefined ? '' : `:${f.factor}`;
  return `${f.kind}@${f.step}${factor}${f.layer ? `:${f.layer}` : ''}`;
}

/** The spec text of an `injected` event. */
export function injectedText(e: InjectedEvent): string {
  return faultText({ kind: e.fault, step: e.step, factor: e.factor, layer: e.layer });
}

/** One injected fault of a log: its step and spec text. */
export interface InjectedFault {
  readonly step: number;
  readonly fault: string;
}

/**
 * How a step is named where a finding is reported: `step 20`, or `step 20 (injected
 * nan@20)` when a fault was injected at that step.
 */
export function stepNamer(faults: readonly InjectedFault[]): (step: number) => string {
  if (faults.length === 0) return (step) => `step ${step}`;
  const at = new Map<number, string[]>();
  for (const f of faults) at.set(f.step, [...(at.get(f.step) ?? []), f.fault]);
  return (step) => {
    const here = at.get(step);
    return here === undefined ? `step ${step}` : `step ${step} (injected ${here.join(', ')})`;
  };
}

/** The moment row of the injected faults (`injected`, `nan@20, spike@40:100`), or none. */
export function injectedRows(faults: readonly InjectedFault[] | undefined): [string, string][] {
  return faults === undefined || faults.length === 0 ? [] : [['injected', faults.map((f) => f.fault).join(', ')]];
}
