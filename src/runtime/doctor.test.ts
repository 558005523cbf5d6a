import { accessSync, constants } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TFJS_NODE_FIXES, TFJS_NODE_SCRIPT } from './doctor.js';

describe('gclip doctor remedies for tfjs-node', () => {
  it('names the wheel script first, at a path where the script exists and is executable', () => {
    expect(TFJS_NODE_FIXES[0]).toContain(`bash ${TFJS_NODE_SCRIPT}`);
    expect(TFJS_NODE_SCRIPT).toMatch(/scripts\/tfjs-node-from-wheel\.sh$/);
    expect(() => accessSync(TFJS_NODE_SCRIPT, constants.X_OK)).not.toThrow();
  });
});
