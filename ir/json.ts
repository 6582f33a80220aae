/**
 * JSON round trip of graphs (`moec compile --emit json`, and reading a graph back). The format is
 * versioned and self-describing. Reading validates everything before building: a malformed file is
 * rejected with a message naming the node (index, id, op) and the field at fault, never a crash or
 * a half-built graph; the result is then checked by the verifier, so recorded types must agree
 * with shape inference.
 */
import { GraphBuilder, type Graph, type InputRole, type ParamInit } from './graph.ts';
import { checkParams, isOpName, type OpName, type OpParams } from './ops.ts';
import { tensorType, type DType, type TensorType } from './types.ts';
import { verifyGraph } from './verify.ts';

/** The format tag written into every file. */
const GRAPH_FORMAT = 'moec-graph';
/** The format version this code writes and reads. */
const GRAPH_FORMAT_VERSION = 1;

interface JsonType {
  dtype: DType;
  shape: number[];
}

/** The on-disk shape of a graph. */
export interface GraphJson {
  format: typeof GRAPH_FORMAT;
  version: number;
  meta: Record<string, unknown>;
  inputs: { name: string; role: InputRole; value: number; type: JsonType; init?: ParamInit }[];
  nodes: { id: number; op: string; params: Record<string, unknown>; inputs: number[]; outputs: { value: number; type: JsonType }[]; layer?: string; instance?: number; phase?: 'backward' | 'update' }[];
  outputs: { name: string; value: number }[];
}

/** Converts a graph to its JSON object form. */
export function graphToJson(g: Graph): GraphJson {
  const ty = (id: number): JsonType => {
    const t = g.values.get(id)!.type;
    return { dtype: t.dtype, shape: [...t.shape] };
  };
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_FORMAT_VERSION,
    meta: { ...g.meta },
    inputs: g.inputs.map((i) => ({ name: i.name, role: i.role, value: i.value, type: ty(i.value), ...(i.init ? { init: i.init } : {}) })),
    nodes: g.nodes.map((n) => ({
      id: n.id,
      op: n.op,
      params: { ...(n.params as object) } as Record<string, unknown>,
      inputs: [...n.inputs],
      outputs: n.outputs.map((o) => ({ value: o, type: ty(o) })),
      ...(n.layer !== undefined ? { layer: n.layer } : {}),
      ...(n.instance !== undefined ? { instance: n.instance } : {}),
      ...(n.phase !== undefined ? { phase: n.phase } : {}),
    })),
    outputs: g.outputs.map((o) => ({ ...o })),
  };
}

/** Serialises a graph to pretty JSON text. */
export function graphToJsonText(g: Graph): string {
  return JSON.stringify(graphToJson(g), null, 2);
}

class JsonGraphError extends Error {}

function fail(where: string, msg: string): never {
  throw new JsonGraphError(`invalid moec graph JSON: ${where}: ${msg}`);
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function readInt(x: unknown, where: string, what: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) fail(where, `${what} must be a non-negative integer, got ${JSON.stringify(x)}`);
  return x;
}

function readType(x: unknown, where: string): TensorType {
  if (!isObj(x)) fail(where, 'type must be an object {dtype, shape}');
  if (x.dtype !== 'f32' && x.dtype !== 'i32') fail(where, `dtype must be "f32" or "i32", got ${JSON.stringify(x.dtype)}`);
  if (!Array.isArray(x.shape)) fail(where, 'shape must be an array');
  return tensorType(x.dtype, x.shape.map((d, i) => readInt(d, where, `shape[${i}]`)));
}

function readInit(x: unknown, where: string): ParamInit {
  if (!isObj(x)) fail(where, 'init must be an object');
  switch (x.kind) {
    case 'zeros':
    case 'ones':
      return { kind: x.kind };
    case 'uniform':
      if (typeof x.scale !== 'number' || !Number.isFinite(x.scale)) fail(where, 'uniform init needs a finite scale');
      return { kind: 'uniform', scale: x.scale };
    case 'normal':
      if (typeof x.std !== 'number' || !Number.isFinite(x.std)) fail(where, 'normal init needs a finite std');
      return { kind: 'normal', std: x.std };
    default:
      return fail(where, `unknown init kind ${JSON.stringify(x.kind)}`);
  }
}

/**
 * Parses and validates a graph from JSON text or an already-parsed object. Value ids are
 * renumbered densely; the structure, names, params and tags are preserved exactly.
 */
export function graphFromJson(input: string | unknown): Graph {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      fail('file', `not JSON (${(e as Error).message})`);
    }
  }
  if (!isObj(doc)) fail('file', 'top level must be an object');
  if (doc.format !== GRAPH_FORMAT) fail('file', `format must be "${GRAPH_FORMAT}", got ${JSON.stringify(doc.format)}`);
  if (doc.version !== GRAPH_FORMAT_VERSION) fail('file', `unsupported version ${JSON.stringify(doc.version)} (this moec reads ${GRAPH_FORMAT_VERSION})`);
  if (!Array.isArray(doc.inputs) || !Array.isArray(doc.nodes) || !Array.isArray(doc.outputs)) fail('file', 'inputs, nodes and outputs must be arrays');
  const b = new GraphBuilder();
  b.meta = isObj(doc.meta) ? { ...doc.meta } : {};
  const remap = new Map<number, number>();
  const bind = (oldId: number, newId: number, where: string): void => {
    if (remap.has(oldId)) fail(where, `value %${oldId} is defined twice`);
    remap.set(oldId, newId);
  };

  doc.inputs.forEach((raw, idx) => {
    const where = `inputs[${idx}]`;
    if (!isObj(raw)) fail(where, 'must be an object');
    if (typeof raw.name !== 'string' || raw.name === '') fail(where, 'name must be a non-empty string');
    if (raw.role !== 'input' && raw.role !== 'param' && raw.role !== 'state') fail(`${where} '${raw.name}'`, `role must be "input", "param" or "state", got ${JSON.stringify(raw.role)}`);
    const type = readType(raw.type, `${where} '${raw.name}'`);
    const init = raw.init !== undefined ? readInit(raw.init, `${where} '${raw.name}'`) : undefined;
    if (raw.role !== 'input' && !init) fail(`${where} '${raw.name}'`, `a ${raw.role} input needs an init`);
    const id = b.addInput(raw.name, type, raw.role, init);
    bind(readInt(raw.value, where, 'value'), id, where);
  });

  doc.nodes.forEach((raw, idx) => {
    const label = isObj(raw) ? `nodes[${idx}] (id ${JSON.stringify(raw.id)}, op ${JSON.stringify(raw.op)})` : `nodes[${idx}]`;
    if (!isObj(raw)) fail(label, 'must be an object');
    if (typeof raw.op !== 'string' || !isOpName(raw.op)) fail(label, `unknown op ${JSON.stringify(raw.op)}`);
    const op: OpName = raw.op;
    if (!isObj(raw.params)) fail(label, 'params must be an object');
    const paramProblems = checkParams(op, raw.params);
    if (paramProblems.length > 0) fail(label, paramProblems.join('; '));
    if (!Array.isArray(raw.inputs)) fail(label, 'inputs must be an array of value ids');
    if (!Array.isArray(raw.outputs)) fail(label, 'outputs must be an array');
    const inputs = raw.inputs.map((v, k) => {
      const old = readInt(v, label, `inputs[${k}]`);
      const id = remap.get(old);
      if (id === undefined) fail(label, `inputs[${k}] reads %${old}, which is not defined by an earlier input or node`);
      return id;
    });
    const tag: { layer?: string; instance?: number; phase?: 'backward' | 'update' } = {};
    if (raw.phase !== undefined) {
      if (raw.phase !== 'backward' && raw.phase !== 'update') fail(label, `phase must be "backward" or "update", got ${JSON.stringify(raw.phase)}`);
      tag.phase = raw.phase;
    }
    if (raw.layer !== undefined) {
      if (typeof raw.layer !== 'string') fail(label, 'layer must be a string');
      tag.layer = raw.layer;
    }
    if (raw.instance !== undefined) tag.instance = readInt(raw.instance, label, 'instance');
    let outs: number[];
    try {
      outs = b.addNode(op, raw.params as unknown as OpParams[OpName], inputs, tag);
    } catch (e) {
      fail(label, (e as Error).message);
    }
    if (outs.length !== raw.outputs.length) fail(label, `lists ${raw.outputs.length} outputs, op ${op} produces ${outs.length}`);
    raw.outputs.forEach((o, k) => {
      if (!isObj(o)) fail(label, `outputs[${k}] must be an object {value, type}`);
      const recorded = readType(o.type, `${label} outputs[${k}]`);
      const inferred = b.typeOf(outs[k]!);
      if (recorded.dtype !== inferred.dtype || recorded.shape.join(',') !== inferred.shape.join(',')) {
        fail(label, `outputs[${k}] is recorded as ${recorded.dtype}[${recorded.shape}] but its inputs give ${inferred.dtype}[${inferred.shape}]`);
      }
      bind(readInt(o.value, label, `outputs[${k}].value`), outs[k]!, label);
    });
  });

  doc.outputs.forEach((raw, idx) => {
    const where = `outputs[${idx}]`;
    if (!isObj(raw) || typeof raw.name !== 'string') fail(where, 'must be an object {name, value}');
    const old = readInt(raw.value, where, 'value');
    const id = remap.get(old);
    if (id === undefined) fail(`${where} '${raw.name}'`, `reads %${old}, which is not defined`);
    b.setOutput(raw.name, id);
  });

  const g = b.finish();
  verifyGraph(g);
  return g;
}
