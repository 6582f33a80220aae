/**
 * The moec package's public API: the model DSL (defineModel and layers), the compiler pipelines
 * (forward and training), autodiff, optimizers, the WebGPU and CPU executors, training sessions,
 * the IR tools (printer, JSON, verifier), the CPU reference interpreter, the planner, and the
 * gating API for property-testing gating configurations on plain arrays.
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
export { toDot } from './ir/dependency.ts';
export { interpret, initParams, evalNode, type RunContext } from './ir/interpret.ts';
export type { Tensor } from './ir/tensor.ts';
export { evaluateGating, type GatingOptions, type GatingReport } from './ir/reference/gating-api.ts';
export { prepareCpuPlan } from './runtime/cpu-executor.ts';
export { compileTraining, compileTrainingPlan, trainingPipeline, type TrainingOptions } from './compiler/train-pipeline.ts';
export { lowerToWebGpu } from './compiler/lower/index.ts';
export { differentiate } from './passes/autodiff.ts';
export { applyOptimizer, stateReport, type OptimizerConfig } from './passes/optimizer.ts';
export { recompute, type RecomputePolicy } from './passes/recompute.ts';
export { acquireDevice, type DeviceContext } from './runtime/device.ts';
export { selectBackend, type Backend } from './runtime/backend.ts';
export { prepareWebGpuPlan } from './runtime/webgpu-executor.ts';
export { prepareTrainer, type Trainer } from './runtime/trainer.ts';
export { runSession, type SessionOptions } from './app/train-session.ts';
export { saveCheckpoint, loadCheckpoint } from './runtime/checkpoint.ts';
export { renderReport, writeReport } from './runtime/report/index.ts';
export { loadModel, type LanguageModel, type LoadModelOptions, type GenerateOptions } from './app/generate/language-model.ts';
export { sampleToken, samplingDistribution, type SamplingOptions } from './app/generate/sampling.ts';
export { loadCorpus, type Corpus, type CorpusName } from './runtime/data/corpus.ts';
export { loadTextCorpus, parseSplit, textCorpusSpec } from './runtime/data/text-corpus.ts';
export { LAYER_ARGS } from './frontend/layer-args.ts';
