/**
 * Shared WGSL snippet of the fixed-order workgroup tree reductions used by the row, statistics,
 * gradient and optimizer kernels. The tree is always the same: invocation t stores its value in
 * `red[t]`, then for s = size/2, size/4, …, 1 the invocations t < s combine red[t] with red[t + s]
 * (as `red[t] + red[t + s]` or `max(red[t], red[t + s])`), so every result has one fixed order of
 * operations and is bit-identical from run to run. Also the in-place inclusive workgroup scan the
 * dispatch kernels use over their per-invocation counts.
 */

/** The tree functions `workgroupReduce` can emit: `tree_sum` (+) and `tree_max` (max). */
export type WorkgroupReduceOp = 'sum' | 'max';

const COMBINE: Record<WorkgroupReduceOp, string> = {
  sum: 'red[t] + red[t + s]',
  max: 'max(red[t], red[t + s])',
};

/**
 * WGSL: `var<workgroup> red: array<f32, size>` plus, per op, `fn tree_<op>(v: f32, t: u32) -> f32`
 * (t = local_invocation_index) that reduces one value per invocation over the workgroup and
 * returns the result to every invocation. Must be called in uniform control flow by the whole
 * workgroup (of exactly `size` invocations, a power of two); ends with a barrier so it can be
 * called again straight away.
 */
export function workgroupReduce(size: number, ops: readonly WorkgroupReduceOp[] = ['sum']): string {
  if (!(Number.isInteger(size) && size >= 2 && (size & (size - 1)) === 0)) {
    throw new Error(`workgroupReduce: size must be a power of two, got ${size}`);
  }
  const fns = ops.map(
    (op) => /* wgsl */ `fn tree_${op}(v: f32, t: u32) -> f32 {
  red[t] = v;
  workgroupBarrier();
  for (var s = ${size / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { red[t] = ${COMBINE[op]}; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
`,
  );
  return `
var<workgroup> red: array<f32, ${size}>;
${fns.join('')}`;
}

/**
 * WGSL statements: the in-place inclusive (Hillis–Steele) scan of `arr[0 .. width)` over the
 * workgroup (invocation index `t`, one element each, any type with `+`), every invocation having
 * stored its own `arr[t]` before; ends with a barrier, so `arr` holds the prefix sums afterwards.
 */
export function workgroupInclusiveScanWgsl(arr: string, width: number, indent = '  '): string {
  return [
    `for (var d = 1u; d < ${width}u; d = d * 2u) {`,
    '  workgroupBarrier();',
    `  var v = ${arr}[t];`,
    `  if (t >= d) { v = v + ${arr}[t - d]; }`,
    '  workgroupBarrier();',
    `  ${arr}[t] = v;`,
    '}',
    'workgroupBarrier();',
  ]
    .map((l) => indent + l)
    .join('\n');
}

/**
 * WGSL statements: the fixed pairwise tree over a private array `arr[0 .. count)` in place
 * (adjacent pairs level by level, an odd last element carried up — the tree of
 * `pairwiseTree` in ir/reference/exchange.ts), leaving the sum in `arr[0]`; `count` is a WGSL
 * u32 expression ≥ 1. Declares `len` in the caller's scope.
 */
export function privatePairwiseTreeWgsl(arr: string, count: string, indent = '  '): string {
  return [
    `var len = ${count};`,
    'while (len > 1u) {',
    '  let half = len / 2u;',
    `  for (var i = 0u; i < half; i++) { ${arr}[i] = ${arr}[2u * i] + ${arr}[2u * i + 1u]; }`,
    `  if (len % 2u == 1u) { ${arr}[half] = ${arr}[len - 1u]; }`,
    '  len = half + len % 2u;',
    '}',
  ]
    .map((l) => indent + l)
    .join('\n');
}
