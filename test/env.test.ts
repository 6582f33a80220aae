/**
 * The CI switch of test/env.ts: truthy and falsy forms in any case, and a clear error for
 * anything else (so `CI=ture` cannot silently skip the GPU suites).
 */
import { describe, expect, it } from 'vitest';
import { parseRequired } from './env.ts';

describe('CI switch', () => {
  it('accepts the usual truthy and falsy forms', () => {
    for (const v of ['true', 'TRUE', '1', 'yes', 'On', ' true ']) expect(parseRequired(v), v).toBe(true);
    for (const v of [undefined, '', 'false', 'False', '0', 'no', 'off']) expect(parseRequired(v), String(v)).toBe(false);
  });
  it('rejects anything else, naming the variable and the accepted forms', () => {
    expect(() => parseRequired('ture')).toThrow(/CI="ture" is not a recognised value: use one of true\/1\/yes\/on/);
  });
});
