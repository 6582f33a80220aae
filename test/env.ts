/**
 * The one switch that decides whether the test suites may skip what this machine lacks: the
 * environment variable `CI`. Truthy forms (`true`, `1`, `yes`, `on`, any case) mean "required":
 * a missing WebGPU adapter (test/backend/gpu.ts) or a missing Chromium (the report's browser
 * test) fails the suite instead of skipping it. Unset, empty, `false`, `0`, `no` and `off` mean
 * "skip what is missing". Any other value is an error naming the variable and the accepted forms,
 * so a typo cannot silently turn the GPU suites off.
 */

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['', 'false', '0', 'no', 'off'];

/** Parses a value of `CI` (see the file comment); throws on an unrecognised value. */
export function parseRequired(value: string | undefined): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new Error(`CI=${JSON.stringify(value)} is not a recognised value: use one of ${TRUE.join('/')} (missing GPU or Chromium fails the suites) or ${FALSE.filter(Boolean).join('/')} or unset (they are skipped)`);
}

/** True when the WebGPU adapter and Chromium are required (CI truthy). */
export function hardwareRequired(): boolean {
  return parseRequired(process.env.CI);
}
