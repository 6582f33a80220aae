/**
 * The `moec` command-line program (commander): `moec compile` prints a model's IR (after any
 * pass), JSON or DOT; `moec run` executes one forward pass and reports loss and MoE statistics.
 * Every command has `--help`; unknown flags and bad values are rejected by commander.
 */
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { compileCommand, EMIT_KINDS, type EmitKind } from './commands/compile.ts';
import { OPTIMIZER_NAMES } from '../passes/optimizer.ts';
import { trainCommand, type TrainCommandOptions } from './commands/train.ts';
import { profileCommand, type ProfileCommandOptions } from './commands/profile.ts';
import { tuneCommand, type TuneCommandOptions } from './commands/tune.ts';
import { evalCommand, type EvalCommandOptions } from './commands/eval.ts';
import { writeReport } from '../runtime/report/index.ts';
import { RECOMPUTE_POLICIES, type RecomputePolicy } from '../passes/recompute.ts';
import { runCommand } from './commands/run.ts';
import { generateCommand, type GenerateCommandOptions } from './commands/generate.ts';
import { registerBundleCommand } from './commands/bundle.ts';
import { expertsCommand, type ExpertsCommandOptions } from './commands/experts.ts';
import { reproduceCommand, type ReproduceCommandOptions } from './commands/reproduce.ts';
import { REPRODUCE_TARGETS, type ReproduceTarget } from './reproduce/series.ts';
import { BACKEND_NAMES, type BackendName } from '../runtime/backend.ts';
import { compileDevicesCommand, profileDevicesCommand, runDevicesCommand } from './commands/multi-device.ts';
import { parseByteSize } from '../compiler/multi-device/capacity.ts';
import { moecVersion } from './version.ts';
import { existsSync } from 'node:fs';
import { BUILTIN_CORPORA } from '../runtime/data/corpus.ts';
import { DEFAULT_SPLIT, parseSplit, type SplitFractions } from '../runtime/data/text-corpus.ts';
import { TOKENIZER_KINDS } from '../runtime/data/text-codec.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const parseBytes = (value: string): number => {
  try {
    return parseByteSize(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};
const DEVICES_HELP = 'expert parallelism over N devices (N WebGPU devices, or simulated by the CPU backend): batch split for the ordinary layers and the gating, experts split n/N per device';
const MEMORY_HELP = 'per-device memory budget, e.g. 64MiB: refuse a program whose device plans need more (and suggest --devices)';

/** Largest count accepted (steps, batches, intervals): beyond it a counter would lose exactness. */
const MAX_COUNT = 2 ** 31 - 1;

const parseCount = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT) throw new InvalidArgumentError(`must be a positive integer of at most ${MAX_COUNT}, got ${value}`);
  return n;
};

const parseEpochs = (value: string): number => {
  const n = Number(value);
  if (!(n > 0 && n <= MAX_COUNT)) throw new InvalidArgumentError(`the number of epochs must be a positive number (fractions allowed), got ${value}`);
  return n;
};

const parseRate = (value: string): number => {
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n))) throw new InvalidArgumentError('the learning rate must be a positive number');
  return n;
};

const parseData = (value: string): string => {
  if ((BUILTIN_CORPORA as readonly string[]).includes(value) || existsSync(value)) return value;
  throw new InvalidArgumentError(`not a corpus (${BUILTIN_CORPORA.join(', ')}) and no such file or folder`);
};

const parseSplitArg = (value: string): SplitFractions => {
  try {
    return parseSplit(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

const parseNonNegative = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0 && Number.isFinite(n))) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
};

const parseProbability = (value: string): number => {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('must be in (0, 1]');
  return n;
};

/** The learning rate of `compile --train` and `train` (one default for both). */
const DEFAULT_LR = 0.02;

type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

const parseSeed = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('the seed must be an integer in [0, 2^32)');
  return n;
};

/** Builds the commander program (exported for tests). */
export function buildProgram(write: (s: string) => void = (s) => process.stdout.write(s)): Command {
  const program = new Command();
  program
    .name('moec')
    .description('Compile and run sparsely-gated Mixture-of-Experts models (Shazeer et al., 2017) on WebGPU or the CPU reference.')
    .version(moecVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('compile')
    .description('trace a model file and print its IR after the pass pipeline')
    .argument('<model>', 'model file (TypeScript, default export made with defineModel)')
    .addOption(new Option('--emit <kind>', 'what to print (schedule: the multi-device schedule)').choices([...EMIT_KINDS, 'schedule']).default('ir'))
    .option('--devices <n>', DEVICES_HELP, parseCount)
    .option('--device-memory <size>', MEMORY_HELP, parseBytes)
    .option('--print-after-all', 'print the IR as traced and after every pass that changed it', false)
    .option('--set <key=value>', 'override a model option (repeatable)', collect, [])
    .option('--train', 'compile a whole training step: forward, backward, auxiliary losses and optimizer updates', false)
    .addOption(new Option('--optimizer <name>', 'with --train').choices(OPTIMIZER_NAMES).default('factored-adam'))
    .option('--lr <rate>', 'learning rate, with --train', parseRate, DEFAULT_LR)
    .addOption(new Option('--recompute <policy>', 'with --train: recompute expert activations in the backward pass').choices(RECOMPUTE_POLICIES).default('experts'))
    .action(async (model: string, o: { emit: EmitKind | 'schedule'; printAfterAll: boolean; set: string[]; train: boolean; optimizer: OptimizerName; lr: number; recompute: RecomputePolicy; devices?: number; deviceMemory?: number }) => {
      const train = o.train ? { optimizer: { name: o.optimizer, lr: o.lr }, recompute: o.recompute } : undefined;
      if (o.emit === 'schedule' || o.devices !== undefined || o.deviceMemory !== undefined) {
        const devices = { devices: o.devices ?? 1, ...(o.deviceMemory !== undefined ? { deviceMemory: o.deviceMemory } : {}) };
        await compileDevicesCommand(model, { ...devices, emit: o.emit, set: o.set, ...(train ? { train } : {}) }, write);
        return;
      }
      await compileCommand(model, { emit: o.emit, printAfterAll: o.printAfterAll, set: o.set, ...(train ? { train } : {}) }, write);
    });

  program
    .command('run')
    .description('run one forward pass on a synthetic batch and report loss, importance, load and their CV²')
    .argument('<model>', 'model file (TypeScript, default export made with defineModel)')
    .addOption(new Option('--backend <name>', 'where to execute: webgpu (Dawn), cpu (reference ops), auto (webgpu if an adapter exists)').choices(BACKEND_NAMES).default('auto'))
    .option('--seed <n>', 'seed for parameters, data and gating noise', parseSeed, 0)
    .addOption(new Option('--mode <mode>', 'train: gating noise and dropout on; eval: off').choices(['train', 'eval']).default('train'))
    .option('--json', 'print one JSON object', false)
    .option('--set <key=value>', 'override a model option (repeatable)', collect, [])
    .option('--devices <n>', DEVICES_HELP, parseCount)
    .option('--device-memory <size>', MEMORY_HELP, parseBytes)
    .action(async (model: string, o: { backend: BackendName; seed: number; mode: 'train' | 'eval'; json: boolean; set: string[]; devices?: number; deviceMemory?: number }) => {
      if (o.devices !== undefined || o.deviceMemory !== undefined) {
        await runDevicesCommand(model, { devices: o.devices ?? 1, ...(o.deviceMemory !== undefined ? { deviceMemory: o.deviceMemory } : {}), backend: o.backend, seed: o.seed, mode: o.mode, json: o.json, set: o.set }, write);
        return;
      }
      await runCommand(model, { backend: o.backend, seed: o.seed, mode: o.mode, json: o.json, set: o.set }, write);
    });

  program
    .command('profile')
    .description('time every kernel of a forward pass (or, with --train, a training step) on the WebGPU adapter')
    .argument('<model>', 'model file (TypeScript, default export made with defineModel)')
    .option('--train', 'profile a whole training step instead of the forward pass', false)
    .option('--seed <n>', 'seed for parameters, data and gating noise', parseSeed, 0)
    .option('--json', 'print the per-kernel rows and the per-dispatch timings of every pass as JSON', false)
    .option('--repeat <n>', 'timed passes: per kernel, the median and minimum over them', parseCount, 1)
    .option('--set <key=value>', 'override a model option (repeatable)', collect, [])
    .option('--devices <n>', `${DEVICES_HELP}; prints the time per device and per exchange`, parseCount)
    .option('--device-memory <size>', MEMORY_HELP, parseBytes)
    .addOption(new Option('--backend <name>', 'with --devices: N WebGPU devices or the CPU simulation').choices(BACKEND_NAMES).default('auto'))
    .action(async (model: string, o: ProfileCommandOptions & { devices?: number; deviceMemory?: number; backend: BackendName }) => {
      if (o.devices !== undefined) {
        await profileDevicesCommand(model, { ...o, devices: o.devices }, write);
        return;
      }
      await profileCommand(model, o, write);
    });

  program
    .command('tune')
    .description("measure the fastest GEMM tiling for every GEMM shape of the model on this WebGPU adapter and store it in the adapter's tuning file (later compiles use it; MOEC_NO_TUNING=1 turns it off)")
    .argument('<model>', 'model file (TypeScript, default export made with defineModel)')
    .option('--set <key=value>', 'override a model option (repeatable)', collect, [])
    .option('--runs <n>', 'alternating timed rounds per shape', parseCount, 5)
    .option('--out <file>', "tuning file to write (default: the adapter's file under $XDG_CACHE_HOME or ~/.cache/moec/tuning)")
    .action(async (model: string, o: TuneCommandOptions) => {
      await tuneCommand(model, o, write);
    });

  program
    .command('train')
    .description('train a language model on a corpus: progress, metrics.jsonl, validation, safetensors checkpoints, exact resume')
    .argument('[model]', 'model file (TypeScript, default export made with defineModel; needs options vocab, T and B); with --resume optional (the checkpoint holds the model), and when given it must be the checkpoint\'s model')
    .option('--data <corpus>', 'sotu, moby-dick (from installed npm packages) or your own text: a text file (documents: its paragraphs), a folder of .txt files, or a .jsonl file with a "text" field', parseData, 'sotu')
    .option('--split <fractions>', 'with --data <path>: train,validation,test fractions, split by document', parseSplitArg, DEFAULT_SPLIT)
    .addOption(new Option('--tokenizer <kind>', 'word (lowercased words and punctuation; the default) or bpe (byte-level BPE learnt from the train split: vocab = 258 + merges); a resumed run keeps its own').choices(TOKENIZER_KINDS))
    .option('--steps <n>', 'train until this many steps are done (a resumed run continues to it)', parseCount)
    .option('--epochs <e>', 'train for this many epochs of the training split instead', parseEpochs)
    .option('--out <dir>', 'run directory (default runs/<model>-<corpus>)')
    .option('--set <key=value>', 'override a model option (repeatable)', collect, [])
    .addOption(new Option('--backend <name>', 'where to execute').choices(BACKEND_NAMES).default('auto'))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZER_NAMES).default('factored-adam'))
    .option('--lr <rate>', 'learning rate', parseRate, DEFAULT_LR)
    .addOption(new Option('--recompute <policy>', 'recompute expert activations in the backward pass').choices(RECOMPUTE_POLICIES).default('experts'))
    .option('--seed <n>', 'seed for parameters, gating noise and dropout', parseSeed, 0)
    .option('--resume', 'continue from the run directory\'s checkpoint (bit-exact)', false)
    .option('--force', 'start over in a run directory that holds a run: the old run is moved aside to <dir>.old-<time>, never deleted', false)
    .option('--keep <n>', 'checkpoints kept: the newest and the ones before it', parseCount, 2)
    .option('--valid-every <n>', 'validation perplexity every n steps', parseCount, 100)
    .option('--valid-batches <n>', 'batches of the validation split per evaluation', parseCount, 20)
    .option('--checkpoint-every <n>', 'checkpoint every n steps (and at the end)', parseCount, 100)
    .option('--log-every <n>', 'without a terminal: print a line every n steps', parseCount, 10)
    .option('--devices <n>', DEVICES_HELP, parseCount)
    .option('--device-memory <size>', MEMORY_HELP, parseBytes)
    .action(async function (this: Command, model: string | undefined, o: TrainCommandOptions) {
      const explicit = ['optimizer', 'lr', 'recompute', 'seed', 'data', 'split'].filter((k) => this.getOptionValueSource(k) === 'cli');
      await trainCommand(model, { ...o, explicit }, write);
    });

  program
    .command('eval')
    .description('evaluate a checkpoint: perplexity, unigram baseline and per-expert load on a split')
    .argument('<checkpoint>', 'a checkpoint.safetensors written by moec train')
    .option('--data <corpus>', 'corpus: sotu, moby-dick or a path (default: the one it was trained on, with its split)', parseData)
    .addOption(new Option('--split <split>', 'which split').choices(['train', 'validation', 'test']).default('test'))
    .addOption(new Option('--backend <name>', 'where to execute').choices(BACKEND_NAMES).default('auto'))
    .option('--max-batches <n>', 'evaluate at most n batches', parseCount)
    .option('--json', 'print one JSON object', false)
    .option('--model <path>', 'import this model file and check it is the checkpoint\'s model (never needed: the checkpoint holds the model as data)')
    .action(async (checkpoint: string, o: EvalCommandOptions) => {
      await evalCommand(checkpoint, o, write);
    });

  program
    .command('generate')
    .description('continue a prompt with a trained checkpoint: sampled tokens streamed to stdout (deterministic for a seed)')
    .argument('<checkpoint>', 'a checkpoint.safetensors written by moec train')
    .option('--model <file>', 're-trace this model file at one token per step instead of using the one-token IR the checkpoint stores (its IR must match the checkpoint\'s)')
    .option('--prompt <text>', 'text to continue', '')
    .option('--tokens <n>', 'tokens to generate', parseCount, 50)
    .option('--temperature <t>', 'softmax temperature (0 = greedy)', parseNonNegative, 1)
    .option('--top-k <k>', 'sample among the k most probable tokens', parseCount)
    .option('--top-p <p>', 'sample among the most probable tokens whose probability reaches p (nucleus)', parseProbability)
    .option('--seed <n>', 'seed of the sampler', parseSeed, 0)
    .addOption(new Option('--backend <name>', 'where to execute').choices(BACKEND_NAMES).default('auto'))
    .action(async (checkpoint: string, o: GenerateCommandOptions) => {
      await generateCommand(checkpoint, o, write);
    });

  program
    .command('experts')
    .description('for each expert of a checkpoint\'s MoE layer, the tokens (in context) routed to it with the largest gates (the paper\'s Table 9 analog)')
    .argument('<checkpoint>', 'a checkpoint.safetensors written by moec train')
    .option('--top <n>', 'tokens listed per expert', parseCount, 10)
    .addOption(new Option('--split <split>', 'which split').choices(['train', 'validation', 'test']).default('test'))
    .addOption(new Option('--backend <name>', 'where to execute').choices(BACKEND_NAMES).default('auto'))
    .option('--max-batches <n>', 'read at most n batches of the split', parseCount)
    .option('--json', 'print one JSON object', false)
    .action(async (checkpoint: string, o: ExpertsCommandOptions) => {
      await expertsCommand(checkpoint, o, write);
    });

  program
    .command('reproduce')
    .description('train the paper\'s Table 7 (matched compute, 1 to 1024 experts) and Table 6 (balancing losses) series on SOTU, resumably, and write results.json and an HTML page beside the paper\'s numbers')
    .addArgument(new Argument('<table>', 'what to reproduce').choices(REPRODUCE_TARGETS))
    .option('--epochs <e>', 'train every run for this many epochs of the training split (default 1)', parseEpochs)
    .option('--tokens <n>', 'train every run for this many tokens instead (rounded up to whole steps)', parseCount)
    .option('--out <dir>', 'folder of the run directories and the results', 'runs/reproduce')
    .addOption(new Option('--backend <name>', 'where to execute').choices(BACKEND_NAMES).default('auto'))
    .option('--tiny', 'test-size models (width 16, vocabulary 200, B 64, expert hidden ÷ 8; expert counts kept)', false)
    .option('--batch <B>', 'batch size B of every model', parseCount)
    .option('--lr <rate>', 'learning rate', parseRate, DEFAULT_LR)
    .option('--seed <n>', 'seed of every run', parseSeed, 0)
    .option('--valid-every <n>', 'validation perplexity every n steps', parseCount, 200)
    .option('--valid-batches <n>', 'batches of the validation split per evaluation', parseCount, 20)
    .option('--checkpoint-every <n>', 'checkpoint every n steps (an interrupted run resumes from the last)', parseCount, 200)
    .option('--eval-batches <n>', 'evaluate at most n batches of the test split (default: all)', parseCount)
    .option('--top <n>', 'tokens listed per expert in the Table 9 analog', parseCount, 10)
    .option('--report-only', 'train nothing: rebuild results.json, the page and the figure from the run directories', false)
    .option('--readme <file>', 'also write the results section into this README, between its moec reproduce markers')
    .action(async (table: ReproduceTarget, o: ReproduceCommandOptions) => {
      await reproduceCommand(table, o, write);
    });

  program
    .command('report')
    .description('write a self-contained HTML report (curves, expert-load heatmap) of a run directory')
    .argument('<run-dir>', 'a run directory written by moec train')
    .option('--out <file>', 'output file (default <run-dir>/report.html)')
    .addOption(new Option('--x-axis <unit>', 'x axis of the curves').choices(['steps', 'tokens']).default('steps'))
    .action(async (runDir: string, o: { out?: string; xAxis: 'steps' | 'tokens' }) => {
      write(`wrote ${writeReport(runDir, o.out, { xAxis: o.xAxis })}\n`);
    });

  registerBundleCommand(program, write);

  return program;
}
