/**
 * The streaming GEMM schedule, written for lavapipe's execution model (a workgroup's invocations
 * run as the 8 SIMD lanes of LLVM-JITed CPU code; a storage load at a non-constant address is a
 * per-lane gather with a bounds check per element, bench/gallivm-asm.ts). No workgroup memory and no
 * barriers: every invocation of a workgroup owns the same `rows` rows of C (a dense row block, or a
 * chunk of a tile-map entry's slots) and its own `quads` column quads, strided by the workgroup
 * width; B is read per lane as vec4s (or four clamped scalars when N % 4 ≠ 0). Three forms:
 * - per lane (`subgroup: false`, `rowLoop: 'named'`): each lane loads each row's A value itself;
 * - subgroup (`subgroup: true`; the WGSL `subgroups` feature): lane l loads row l's next `unroll`
 *   values of A (a vec4 when A is row-major with K % 4 = 0 and no offset) and `subgroupBroadcast`
 *   hands row i's value to every lane, the k loop unrolled by `unroll`; on a subgroup smaller than
 *   the workgroup every k runs in the per-lane loop instead (correct anywhere, only not faster);
 * - dynamic rows (`rowLoop: 'dynamic'`, tile-map batches with K and N multiples of 4): accumulator
 *   arrays over a chunk of up to `rows` rows and a row loop bounded by the chunk's real rows, each
 *   weight vec4 loaded once per `kSteps`·4 k and applied to every row (rows resolved once per chunk).
 * Rows past the end are clamped for loads and skipped by the stores, column quads likewise. Each
 * output is one in-order fma chain over k from 0 (or from C when accumulating), then bias, then relu.
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d } from '../kernel.ts';
import type { GemmParts } from './gemm.ts';
import { aLoad, aRowBase, biasLoad, bLoad, bLoad4, cIndex, cName, tileMapPrologueWgsl, type GemmProblem, type GemmSizes, type GemmVectors } from './problem.ts';

/** The streaming schedule's parameters (tile sizes). */
export interface StreamSchedule {
  readonly kind: 'stream';
  /** Rows of C per workgroup (dense) or per chunk of a tile-map entry. */
  readonly rows: number;
  /** Column quads per invocation. */
  readonly quads: number;
  /** Invocations per workgroup (columns per workgroup: 4 · quads · wg). */
  readonly wg: number;
  /** Share A through `subgroupBroadcast` (rows ≤ wg = 8). */
  readonly subgroup: boolean;
  /** k values per step of the subgroup loop (1, 2, 4 or 8). */
  readonly unroll: number;
  /** 'named': accumulators as named registers; 'dynamic': arrays and a row loop (tile-map batches). */
  readonly rowLoop: 'named' | 'dynamic';
  /** With 'dynamic': vec4s of k per step (used when it divides K/4, else 1). */
  readonly kSteps: number;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Why `s` cannot run `p` at `sizes` (undefined when it can). */
export function streamScheduleError(p: GemmProblem, s: StreamSchedule, sizes: GemmSizes): string | undefined {
  if (![s.rows, s.quads, s.wg, s.unroll, s.kSteps].every((v) => Number.isInteger(v) && v >= 1)) return `stream schedule sizes must be positive integers, got ${JSON.stringify(s)}`;
  if (s.wg > 256) return `${s.wg} invocations per workgroup exceed 256`;
  if (p.batch.kind === 'segments') return 'the stream schedule runs dense and tile-map batches (the segment TN GEMM is tiled)';
  if (s.subgroup && (s.wg !== 8 || s.rows > 8 || ![1, 2, 4, 8].includes(s.unroll))) return `the subgroup form needs 8 invocations, at most 8 rows and unroll 1, 2, 4 or 8 (${JSON.stringify(s)})`;
  if (p.batch.kind === 'tileMap' && (sizes.K % 4 !== 0 || sizes.N % 4 !== 0 || p.b.layout !== 'kn')) return `a tile-map batch on the stream schedule needs untransposed weights and K, N multiples of 4 (K=${sizes.K}, N=${sizes.N})`;
  if (s.rowLoop === 'dynamic' && (p.batch.kind !== 'tileMap' || s.subgroup)) return 'dynamic rows are a tile-map form without subgroups';
  if (s.rowLoop === 'named' && s.rows * s.quads > 64) return `at most 64 vec4 accumulators per invocation, got ${s.rows}×${s.quads}`;
  return undefined;
}

/** The streaming kernel's parts for problem `p` (compiler/wgsl/gemm/gemm.ts assembles them). */
export function streamGemm(p: GemmProblem, s: StreamSchedule, sizes: GemmSizes): GemmParts {
  const bad = streamScheduleError(p, s, sizes);
  if (bad !== undefined) throw new Error(`${p.name} (stream GEMM): ${bad}`);
  const map = p.batch.kind === 'tileMap';
  const R = s.rows;
  const Q = s.quads;
  const WG = s.wg;
  const U = s.subgroup ? s.unroll : 1;
  const v: GemmVectors = {
    // Row-major A read 4 k at a time: the subgroup lanes' loads and every dynamic-rows load.
    a4: p.a.layout === 'mk' && !p.a.offset && sizes.K % 4 === 0 && ((s.subgroup && U % 4 === 0) || s.rowLoop === 'dynamic'),
    b4: sizes.N % 4 === 0,
    c4: map,
  };
  const colBlocks = Math.max(1, ceilDiv(sizes.N, 4 * Q * WG));
  const head = map
    ? `${tileMapPrologueWgsl()}
  let N4 = N / 4u;
  let qb = (g % params.colBlocks) * ${WG * Q}u;
  if (qb >= N4) { return; }
  ${range(Q).map((j) => `let q${j} = qb + lid + ${WG * j}u;`).join('\n  ')}`
    : `  let M = params.M;
  let N = params.N;
  let K = params.K;
  let N4 = (N + 3u) / 4u; // column quads
  let m0 = wid.y * ${R}u;
  ${range(Q).map((j) => `let q${j} = wid.x * ${WG * Q}u + lid + ${WG * j}u;`).join('\n  ')}`;
  const body = s.rowLoop === 'dynamic' ? dynamicRows(p, s, v, sizes) : namedRows(p, s, v, U, sizes.K);
  const loop = map
    ? `  for (var rowStart = u32(entry.y); rowStart < u32(entry.z); rowStart += ${R}u) {
    let nrows = min(${R}u, u32(entry.z) - rowStart);
${body}
  }`
    : body;
  const builtins = `@builtin(workgroup_id) wid: vec3<u32>${map ? ', @builtin(num_workgroups) nwg: vec3<u32>' : ''}, @builtin(local_invocation_index) lid: u32${s.subgroup ? ', @builtin(subgroup_invocation_id) sl: u32, @builtin(subgroup_size) ss: u32' : ''}`;
  const label = `tile=${R}x${4 * Q * WG}x${U} reg=${R}x${4 * Q} stream rows=${R}${s.rowLoop === 'dynamic' ? ' (dynamic)' : ''} quads=${Q} wg=${WG}${s.subgroup ? ` subgroup k${U}` : ''}${v.a4 ? ' A-vec4' : ''}${v.b4 ? '' : ' (N % 4 != 0: scalar B loads)'}`;
  const source = /* wgsl */ `// ${label}
${map ? FLAT_WORKGROUP_WGSL : ''}
@compute @workgroup_size(${WG})
fn main(${builtins}) {
${head}
  // Loads read clamped rows and quads (in bounds); the stores skip what is past the end.
  ${range(Q).map((j) => `let bq${j} = min(q${j}, N4 - 1u);`).join('\n  ')}
${loop}
}
`;
  const grid: [number, number, number] = map ? grid1d(colBlocks * (p.batch.kind === 'tileMap' ? p.batch.maxTiles : 1)) : [colBlocks, ceilDiv(sizes.M, R), 1];
  return { source, vectors: v, workgroupSize: WG, grid, ...(s.subgroup ? { enables: ['subgroups'] } : {}) };
}

/**
 * Named-register rows (R rows × Q quads of vec4 accumulators): the per-lane loop, and with
 * subgroups the broadcast loop over k < kFast before it. Row i is `rowOf(i)` (clamped) and valid
 * when `rowOk(i)`; dense rows start at m0, tile-map rows at rowStart (chunk of nrows).
 */
function namedRows(p: GemmProblem, s: StreamSchedule, v: GemmVectors, U: number, K: number): string {
  const map = p.batch.kind === 'tileMap';
  const R = s.rows;
  const Q = s.quads;
  const rows = range(R);
  const quads = range(Q);
  const rowOf = (i: string): string => (map ? `rowStart + min(${i}, nrows - 1u)` : `min(m0 + ${i}, M - 1u)`);
  const outRow = (i: number): string => (map ? `rowStart + ${i}u` : `m0 + ${i}u`);
  const rowOk = (i: number): string => (map ? `${i}u < nrows` : `m0 + ${i}u < M`);
  // One A element at row base `base` and element k (with a4 the binding holds vec4s: element k of the row is a[base + k/4][k%4]).
  const aElem = (base: string, k: string): string => (v.a4 ? `a[${base} + (${k}) / 4u][(${k}) % 4u]` : aLoad(p, base, k));
  const bQuad = (k: string, j: number): string =>
    v.b4 ? bLoad4(p, k, `bq${j}`) : `vec4<f32>(${range(4).map((e) => bLoad(p, k, `min(4u * bq${j} + ${e}u, N - 1u)`)).join(', ')})`;
  const slow = [
    ...quads.map((j) => `let bv${j} = ${bQuad('k', j)};`),
    ...rows.flatMap((i) => [`let av${i} = vec4<f32>(${aElem(`ar${i}`, 'k')});`, ...quads.map((j) => `acc${i}_${j} = fma(av${i}, bv${j}, acc${i}_${j});`)]),
  ];
  const fast: string[] = [];
  if (s.subgroup) {
    if (v.a4) {
      for (let w = 0; w < U / 4; w++) fast.push(`let al${w} = a[lrow + k / 4u + ${w}u];`);
    } else {
      for (let u = 0; u < U; u++) fast.push(`let al_${u} = ${aElem('lrow', `k + ${u}u`)};`);
    }
    const alOf = (u: number): string => (v.a4 ? `al${Math.floor(u / 4)}[${u % 4}]` : `al_${u}`);
    // k step by k step: B's quads of step u are live only while step u's fmas run (fewer spills).
    for (let u = 0; u < U; u++) {
      fast.push(...quads.map((j) => `let bv${u}_${j} = ${bQuad(`k + ${u}u`, j)};`));
      for (const i of rows) {
        fast.push(`let av${i}_${u} = vec4<f32>(subgroupBroadcast(${alOf(u)}, ${i}u));`);
        fast.push(...quads.map((j) => `acc${i}_${j} = fma(av${i}_${u}, bv${u}_${j}, acc${i}_${j});`));
      }
    }
  }
  const cn = cName(p);
  const init = p.accumulate
    ? rows.flatMap((i) =>
        quads.map(
          (j) => `var acc${i}_${j} = vec4<f32>(0.0);
  if (${rowOk(i)}) {
    for (var e = 0u; e < 4u; e++) {
      let gn = 4u * q${j} + e;
      if (gn < N) { acc${i}_${j}[e] = ${cn}[${cIndex(p, v, outRow(i), 'gn')}]; }
    }
  }`,
        ),
      )
    : rows.flatMap((i) => quads.map((j) => `var acc${i}_${j} = vec4<f32>(0.0);`));
  const stores = v.c4
    ? quads.map(
        (j) => `  if (q${j} < N4) {
${p.bias !== 'none' ? `    let bv = ${biasLoad(p, v, `q${j}`)};\n` : ''}${rows
          .map((i) => {
            const val = p.bias !== 'none' ? `acc${i}_${j} + bv` : `acc${i}_${j}`;
            return `    if (${rowOk(i)}) { ${cn}[${cIndex(p, v, outRow(i), `q${j}`)}] = ${p.relu ? `max(${val}, vec4<f32>(0.0))` : val}; }`;
          })
          .join('\n')}
  }`,
      )
    : rows.flatMap((i) =>
        quads.map(
          (j) => `  if (${rowOk(i)}) {
    for (var e = 0u; e < 4u; e++) {
      let gn = 4u * q${j} + e;
      if (gn < N) {
        var v = acc${i}_${j}[e];
        ${p.bias !== 'none' ? `v = v + ${biasLoad(p, v, 'gn')};` : ''}
        ${p.relu ? 'v = max(v, 0.0);' : ''}
        ${cn}[${cIndex(p, v, outRow(i), 'gn')}] = v;
      }
    }
  }`,
        ),
      );
  // The per-lane loop's row bases are defined after the subgroup loop: not live across it (register pressure).
  const rowBases = rows.map((i) => `let ar${i} = ${aRowBase(p, v, rowOf(`${i}u`))};`).join('\n  ');
  const lines = [...(s.subgroup ? [`// This lane's A row for the subgroup loop: row min(sl, ${R - 1}).`, `let lrow = ${aRowBase(p, v, rowOf(`min(sl, ${R - 1}u)`))};`] : []), ...init];
  const loops = s.subgroup && K % U === 0
    ? `  // K is a multiple of ${U}: every k in subgroup steps, or every k in the per-lane loop when the subgroup is smaller than the workgroup.
  if (ss >= ${s.wg}u) {
    for (var k = 0u; k < K; k += ${U}u) {
      ${fast.join('\n      ')}
    }
  } else {
    ${rowBases.replaceAll('\n  ', '\n    ')}
    for (var k = 0u; k < K; k++) {
      ${slow.join('\n      ')}
    }
  }`
    : s.subgroup
    ? `  // Subgroup steps cover k < kFast (a multiple of ${U}); none when the subgroup is smaller than the workgroup.
  let kFast = select(0u, K - K % ${U}u, ss >= ${s.wg}u);
  var k = 0u;
  for (; k < kFast; k += ${U}u) {
    ${fast.join('\n    ')}
  }
  ${rowBases}
  for (; k < K; k++) {
    ${slow.join('\n    ')}
  }`
    : `  ${rowBases}
  for (var k = 0u; k < K; k++) {
    ${slow.join('\n    ')}
  }`;
  return `  ${lines.join('\n  ')}
${loops}
${stores.join('\n')}`;
}

/**
 * Dynamic rows (tile-map batches): the chunk's source rows resolved once into an array, then per
 * kSteps·4 k the invocation's weight vec4s (loaded once) applied to every row of the chunk in a
 * row loop over accumulator arrays; rows past the chunk are neither computed nor stored.
 */
function dynamicRows(p: GemmProblem, s: StreamSchedule, v: GemmVectors, sizes: GemmSizes): string {
  const TM = s.rows;
  const CV = s.quads;
  const KS = s.kSteps > 1 && (sizes.K / 4) % s.kSteps === 0 ? s.kSteps : 1;
  const cols = range(CV);
  const qs = range(KS);
  const cn = cName(p);
  return `    // Each chunk row's A row base (vec4 index of its first element), resolved once per chunk.
    var src: array<u32, ${TM}>;
    for (var i = 0u; i < ${TM}u; i++) {
      src[i] = ${aRowBase(p, v, 'rowStart + min(i, nrows - 1u)')};
    }
    var acc: array<array<vec4<f32>, ${CV}>, ${TM}>;
    for (var i = 0u; i < ${TM}u; i++) { for (var j = 0u; j < ${CV}u; j++) { acc[i][j] = vec4<f32>(0.0); } }
    for (var k4 = 0u; k4 < K / 4u; k4 += ${KS}u) {
${qs.map((q) => cols.map((j) => range(4).map((c) => `      let w${j}_${q}${c} = ${bLoad4(p, `4u * (k4 + ${q}u) + ${c}u`, `bq${j}`)};`).join('\n')).join('\n')).join('\n')}
      for (var i = 0u; i < nrows; i++) {
${qs.map((q) => `        let av${q} = a[src[i] + k4 + ${q}u];`).join('\n')}
${cols.map((j) => `        var s${j} = acc[i][${j}];\n${qs.map((q) => range(4).map((c) => `        s${j} = fma(vec4<f32>(av${q}.${'xyzw'[c]}), w${j}_${q}${c}, s${j});`).join('\n')).join('\n')}\n        acc[i][${j}] = s${j};`).join('\n')}
      }
    }
${cols
  .map(
    (j) => `    if (q${j} < N4) {
${p.bias !== 'none' ? `      let bv = ${biasLoad(p, v, `q${j}`)};\n` : ''}      for (var i = 0u; i < nrows; i++) {
        var v = acc[i][${j}]${p.bias !== 'none' ? ' + bv' : ''};
        ${p.relu ? 'v = max(v, vec4<f32>(0.0));' : ''}
        ${cn}[${cIndex(p, v, 'rowStart + i', `q${j}`)}] = v;
      }
    }`,
  )
  .join('\n')}`;
}
