/**
 * The moec package's browser entry (the `browser` export condition): the same DSL, compiler,
 * WebGPU executor, trainer and generation as the Node entry (index.ts), minus everything that needs
 * Node — no Dawn (take a device from `navigator.gpu` with `acquireBrowserDevice`), no file system
 * (checkpoints are decoded from bytes with `decodeSafetensors` + `checkpointFromContent`), no model
 * files loaded through tsx, no corpora read from disk, no run directories. test/browser checks that
 * a browser bundle of this file pulls in no Node builtin.
 */
export { defineModel, traceModel, resolveOptions, type Model, type ModelOptions } from './frontend/model.ts';
export { embedding, lstm, dense, moe, dropout, residual, softmaxCrossEntropy } from './frontend/layers.ts';
export type { Tensor as SymbolicTensor } from './frontend/builder.ts';
export { compileGraph, PIPELINE } from './compiler/pipeline.ts';
export { buildPlan, finishPlan, type Plan } from './compiler/plan.ts';
export { GraphBuilder, type Graph, type Node } from './ir/graph.ts';
export { printGraph } from './ir/print.ts';
export { graphFromJson, graphToJson, graphToJsonText } from './ir/json.ts';
export { verifyGraph } from './ir/verify.ts';
export { interpret, initParams, evalNode, type RunContext } from './ir/interpret.ts';
export type { Tensor } from './ir/tensor.ts';
export { evaluateGating, type GatingOptions, type GatingReport } from './ir/reference/gating-api.ts';
export { prepareCpuPlan } from './runtime/cpu-executor.ts';
export { compileTraining, compileTrainingPlan, trainingPipeline, type TrainingOptions } from './compiler/train-pipeline.ts';
export { lowerToWebGpu } from './compiler/lower/index.ts';
export { differentiate } from './passes/autodiff.ts';
export { applyOptimizer, stateReport, type OptimizerConfig } from './passes/optimizer.ts';
export { recompute, type RecomputePolicy } from './passes/recompute.ts';
export { acquireBrowserDevice } from './runtime/browser-device.ts';
export { releaseDevice, type DeviceContext } from './runtime/device-context.ts';
export { prepareWebGpuPlan } from './runtime/webgpu-executor.ts';
export { prepareTrainer, type Trainer } from './runtime/trainer.ts';
export { runLoop, type TrainRecord } from './runtime/train-loop.ts';
export { decodeSafetensors, encodeSafetensors, checkpointFromContent, type Checkpoint } from './runtime/checkpoint-codec.ts';
export { languageModelFromCheckpoint, type LanguageModel, type GenerateOptions } from './app/generate/model-from-checkpoint.ts';
export { sampleToken, samplingDistribution, type SamplingOptions } from './app/generate/sampling.ts';
export { buildVocabulary, encodeDocuments, tokenize, vocabularyFromJson, vocabularyToJson } from './runtime/data/tokenizer.ts';
export { batchAt, batchFeeds, batchLayout } from './runtime/data/batches.ts';
export { renderLineChart } from './runtime/report/line-chart.ts';
export { renderHeatmap } from './runtime/report/heatmap.ts';
export { LAYER_ARGS } from './frontend/layer-args.ts';
