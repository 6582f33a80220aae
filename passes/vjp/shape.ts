/**
 * Vjp rules of the shape ops: reshape (reshape back), select0 (scatter0 into the selected slice),
 * stack0 (select0 of each slice), sliceLast (padLast back to full width) and zeros (a constant:
 * no inputs, nothing to return). Gradients only flow to f32 inputs; the walk ignores the rest.
 */
import type { VjpRule } from './types.ts';

type ShapeOp = 'reshape' | 'select0' | 'stack0' | 'sliceLast' | 'zeros' | 'fill' | 'broadcast';

/** The shape ops' vjp rules. */
export const SHAPE_VJP: { readonly [O in ShapeOp]: VjpRule<O> } = {
  reshape: ({ inputs: [x], dys: [dy], b }) => [b.op1('reshape', { shape: b.shapeOf(x!) }, [dy!])],
  select0: ({ node, inputs: [x], dys: [dy], b }) => [b.op1('scatter0', { index: node.params.index, size: b.shapeOf(x!)[0]! }, [dy!])],
  stack0: ({ inputs, dys: [dy], wants, b }) => inputs.map((_, i) => (wants[i] ? b.op1('select0', { index: i }, [dy!]) : undefined)),
  sliceLast: ({ node, inputs: [x], dys: [dy], b }) => {
    const s = b.shapeOf(x!);
    return [b.op1('padLast', { start: node.params.start, end: node.params.end, n: s[s.length - 1]! }, [dy!])];
  },
  zeros: () => [],
  fill: () => [],
  broadcast: ({ dys: [dy], b }) => [dy === undefined ? undefined : b.op1('sum', {}, [dy])],
};
