/**
 * The kernel-definition API (in the spirit of tfjs-webgpu's program classes): a kernel template
 * declares its storage bindings once — name, access and element type — and its uniforms as typed
 * fields; `defineProgram` generates the WGSL declarations (bindings in declaration order, then the
 * `params` uniform struct and binding) in front of the template's source, derives the cache key
 * from the generated module itself, and returns a `Program`: the static part, built once per
 * template variant. Per-run values never rebuild WGSL: `program.uniformData(values)` packs a
 * uniform block, `program.kernel(grid, values)` makes the `Kernel` the plan dispatches. Templates
 * written before this API return `Kernel`s directly; both kinds run through the same executors.
 */
import { fnv1a } from '../../ir/rng.ts';
import { packUniforms, paramsStruct, type Kernel, type KernelBinding } from './kernel.ts';

/** Element type of a storage binding (the WGSL array element). */
export type ElementType = 'f32' | 'i32' | 'u32' | 'vec4<f32>' | 'vec4<i32>' | 'vec4<u32>' | 'atomic<u32>' | 'atomic<i32>';

/** One storage binding of a program. */
export interface BindingDecl {
  readonly access: 'read' | 'read_write';
  readonly type: ElementType;
}

/** A uniform field's WGSL scalar type. */
export type UniformType = 'u32' | 'i32' | 'f32';

/** Values of a program's uniform fields, by name. */
export type UniformValues<U extends Readonly<Record<string, UniformType>>> = { readonly [K in keyof U]: number };

/** What a template declares. */
export interface ProgramSpec<B extends Readonly<Record<string, BindingDecl>>, U extends Readonly<Record<string, UniformType>>> {
  /** Human-readable name (error messages, plan printing, profiles). */
  readonly name: string;
  /** Storage bindings in binding-index order (object key order). */
  readonly bindings: B;
  /** Uniform fields in struct order; read in WGSL as `params.<name>`. */
  readonly uniforms?: U;
  readonly workgroupSize: number | readonly [number, number, number];
  /** The module after the declarations: constants, workgroup variables, helpers and `fn main`. */
  readonly source: string;
}

/** A compiled-once kernel template variant; per-run values only pack uniforms. */
export interface Program<U extends Readonly<Record<string, UniformType>>> {
  readonly name: string;
  readonly wgsl: string;
  readonly bindings: readonly KernelBinding[];
  readonly workgroupSize: readonly [number, number, number];
  /** `name#<hash of the WGSL>`: equal keys mean equal modules. */
  readonly cacheKey: string;
  /** The uniform block for these values (16-byte padded), or undefined without uniforms. */
  uniformData(values: UniformValues<U>): Uint32Array | undefined;
  /**
   * A dispatchable kernel with this grid and uniform values. `as` changes only what the plan sees,
   * never the WGSL (so every such kernel shares this program's pipeline): `name` labels the
   * dispatch (e.g. `lstm.step3`), `bind` renames storage bindings (WGSL name → binding name the
   * lowering binds buffers to), so one module serves stages whose inputs are bound under
   * different names (reduce.ts: `src`/`dst` bound as x/partials/out).
   */
  kernel(dispatch: readonly [number, number, number], values?: UniformValues<U>, as?: KernelAs): Kernel;
}

/** Plan-side relabelling of one `Program.kernel` (see there); the WGSL is unchanged. */
export interface KernelAs {
  /** Dispatch name (default: the program's name). */
  readonly name?: string;
  /** Binding name for some WGSL binding names; the others keep theirs. */
  readonly bind?: Readonly<Record<string, string>>;
}

/** `bindings` with storage bindings renamed by `bind` (WGSL name → binding name), checked. */
function rebind(program: string, bindings: readonly KernelBinding[], bind: Readonly<Record<string, string>>): KernelBinding[] {
  for (const from of Object.keys(bind)) {
    if (from === 'params' || !bindings.some((b) => b.name === from)) {
      throw new Error(`${program}: cannot rename '${from}': storage bindings are ${bindings.filter((b) => b.name !== 'params').map((b) => b.name).join(', ')}`);
    }
  }
  const out = bindings.map((b) => (Object.hasOwn(bind, b.name) ? { ...b, name: bind[b.name]! } : b));
  const seen = new Set<string>();
  for (const b of out) {
    if (seen.has(b.name)) throw new Error(`${program}: renaming gives two bindings named '${b.name}'; each binding needs its own name`);
    seen.add(b.name);
  }
  return out;
}

/**
 * The uniform block (16-byte padded words) of `values` in the field order of `spec` — what
 * `Program.uniformData` packs — without a program: for per-run values of a program built once.
 * Integer fields need integers in range of their type; f32 fields take any number but NaN
 * (±∞ is a value: factored Adam's log2 β2 at β2 = 0). Errors name `what` and the field.
 */
export function packUniformValues<U extends Readonly<Record<string, UniformType>>>(spec: U, values: UniformValues<U>, what = 'uniforms'): Uint32Array {
  return packUniforms(
    (Object.entries(spec) as [string, UniformType][]).map(([n, t]) => {
      const v = (values as Record<string, number>)[n];
      if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${what}: uniform '${n}' needs a number, got ${String(v)}`);
      if (t === 'f32') return { f32: v };
      if (!Number.isInteger(v)) throw new Error(`${what}: uniform '${n}' is ${t}, got ${v}`);
      return v;
    }),
  );
}

/** Builds a program: generated declarations + the template's source. */
export function defineProgram<B extends Readonly<Record<string, BindingDecl>>, U extends Readonly<Record<string, UniformType>> = Record<never, UniformType>>(
  spec: ProgramSpec<B, U>,
): Program<U> {
  const names = Object.keys(spec.bindings);
  if (names.includes('params')) throw new Error(`${spec.name}: 'params' is the uniform binding's name; rename the storage binding`);
  const fields = Object.entries(spec.uniforms ?? {}) as [string, UniformType][];
  const bindings: KernelBinding[] = [
    ...names.map((name) => ({ name, access: spec.bindings[name]!.access, type: spec.bindings[name]!.type })),
    ...(fields.length > 0 ? [{ name: 'params', access: 'uniform' as const }] : []),
  ];
  const decls = names.map((name, i) => `@group(0) @binding(${i}) var<storage, ${spec.bindings[name]!.access}> ${name}: array<${spec.bindings[name]!.type}>;`);
  const header = fields.length > 0 ? [paramsStruct(fields), ...decls, `@group(0) @binding(${names.length}) var<uniform> params: Params;`] : decls;
  const wgsl = `// ${spec.name}\n${header.join('\n')}\n${spec.source}`;
  const ws = typeof spec.workgroupSize === 'number' ? ([spec.workgroupSize, 1, 1] as const) : spec.workgroupSize;
  const cacheKey = `${spec.name}#${fnv1a(wgsl).toString(16).padStart(8, '0')}`;
  const uniformData = (values: UniformValues<U>): Uint32Array | undefined => (fields.length === 0 ? undefined : packUniformValues(spec.uniforms!, values, spec.name));
  return {
    name: spec.name,
    wgsl,
    bindings,
    workgroupSize: ws,
    cacheKey,
    uniformData,
    kernel(dispatch, values, as) {
      if (fields.length > 0 && values === undefined) throw new Error(`${spec.name}: uniform values required (${fields.map(([n]) => n).join(', ')})`);
      const data = values === undefined ? undefined : uniformData(values);
      const bound = as?.bind === undefined ? bindings : rebind(spec.name, bindings, as.bind);
      return { name: as?.name ?? spec.name, wgsl, bindings: bound, workgroupSize: ws, dispatch, cacheKey, ...(data ? { uniformData: data } : {}) };
    },
  };
}
