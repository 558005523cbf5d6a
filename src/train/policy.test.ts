import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../config/schema.js';
import type { RunEvent } from '../record.js';
import { decide, initialPolicyState } from './policy.js';

const nan: RunEvent = { kind: 'nonfinite', step: 3, what: ['loss'], layer: 'dense_1' };
const spike: RunEvent = { kind: 'spike', step: 3, preClipNorm: 90, median: 1, z: 50, layer: null };

function config(detect: object) {
  return runConfigSchema.parse({ detect }).detect;
}

describe('policy', () => {
  it('halts on non-finite by default and says where', () => {
    const { decision } = decide([nan], initialPolicyState, config({}));
    // The sentence names no layer: the blamed layer is the onset's (log/onset).
    expect(decision).toEqual({ action: 'halt', reason: 'non-finite loss at step 3' });
  });

  it('applies the update when events only warn', () => {
    expect(decide([spike], initialPolicyState, config({})).decision.action).toBe('apply');
  });

  it('takes the most severe action among events', () => {
    const c = config({ spike: { action: 'skip' }, nonfinite: { action: 'warn' } });
    expect(decide([nan, spike], initialPolicyState, c).decision.action).toBe('skip');
  });

  it('skips within budget, then halts; a clean step resets the consecutive count', () => {
    const c = config({ nonfinite: { action: 'skip' }, skip: { maxConsecutive: 2, maxTotal: 3 } });
    let s = initialPolicyState;
    const actions: string[] = [];
    for (const events of [[nan], [nan], [], [nan], [nan]]) {
      const r = decide(events, s, c);
      actions.push(r.decision.action);
      s = r.state;
    }
    // skip, skip, apply (reset consecutive), skip (total 3), 4th total > 3 → halt
    expect(actions).toEqual(['skip', 'skip', 'apply', 'skip', 'halt']);
    expect(s).toEqual({ consecutiveSkips: 2, totalSkips: 4 });
  });
});
