/**
 * Vjp rules of the dense ops: matmul (dA = dC·Bᵀ, dB = Aᵀ·dC), the elementwise ops (add, mul,
 * addN, biasAdd with sumRows for the bias, scale, relu/sigmoid/tanh through their *Grad ops on the
 * forward output, softplus as sigmoid(x)·dy), softmax (softmaxGrad on the output) and sum (the
 * scalar upstream gradient broadcast to the input's shape). Also transpose (transpose back): it is
 * a gradient op in ops.ts but a plain linear map, so a forward graph may use it too.
 */
import type { VjpRule } from './types.ts';

type DenseOp = 'matmul' | 'add' | 'mul' | 'addN' | 'biasAdd' | 'scale' | 'relu' | 'sigmoid' | 'tanh' | 'softplus' | 'softmax' | 'sum' | 'transpose';

/** The dense ops' vjp rules. */
export const DENSE_VJP: { readonly [O in DenseOp]: VjpRule<O> } = {
  matmul: ({ inputs: [a, bm], dys: [dy], wants, b }) => [
    wants[0] ? b.op1('matmul', {}, [dy!, b.op1('transpose', {}, [bm!])]) : undefined,
    wants[1] ? b.op1('matmul', {}, [b.op1('transpose', {}, [a!]), dy!]) : undefined,
  ],
  add: ({ dys: [dy] }) => [dy, dy],
  mul: ({ inputs: [x, y], dys: [dy], wants, b }) => [
    wants[0] ? b.op1('mul', {}, [dy!, y!]) : undefined,
    wants[1] ? b.op1('mul', {}, [dy!, x!]) : undefined,
  ],
  addN: ({ inputs, dys: [dy] }) => inputs.map(() => dy),
  biasAdd: ({ dys: [dy], wants, b }) => [dy, wants[1] ? b.op1('sumRows', {}, [dy!]) : undefined],
  scale: ({ node, dys: [dy], b }) => [b.op1('scale', { value: node.params.value }, [dy!])],
  relu: ({ outputs: [y], dys: [dy], b }) => [b.op1('reluGrad', {}, [y!, dy!])],
  sigmoid: ({ outputs: [y], dys: [dy], b }) => [b.op1('sigmoidGrad', {}, [y!, dy!])],
  tanh: ({ outputs: [y], dys: [dy], b }) => [b.op1('tanhGrad', {}, [y!, dy!])],
  softplus: ({ inputs: [x], dys: [dy], b }) => [b.op1('mul', {}, [b.op1('sigmoid', {}, [x!]), dy!])],
  softmax: ({ outputs: [y], dys: [dy], b }) => [b.op1('softmaxGrad', {}, [y!, dy!])],
  sum: ({ inputs: [x], dys: [dy], b }) => [b.op1('broadcast', { shape: [...b.shapeOf(x!)] }, [dy!])],
  transpose: ({ dys: [dy], b }) => [b.op1('transpose', {}, [dy!])],
};
