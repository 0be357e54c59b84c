import { relative } from 'node:path';
import { chooseOutput, parseArgs, usage } from './cli/args.ts';
import { ConfigError } from './cli/config.ts';
import { DataError } from './cli/data.ts';
import { runTraining } from './cli/run.ts';
import { Interrupted } from './cli/train-loop.ts';

/** Exit codes: 0 done, 1 failure, 2 bad config or data, 130 interrupted (checkpoint saved). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** How to serve a new model: `npm start` watches its models folder (edge/README.md, "New models without a restart"). */
const readyMessage = (id: string, folder: string): string =>
  `model "${id}" is ready in ${folder}. A running \`npm start\` serves it within a second when the folder is in its MODELS_DIR (it watches that folder); otherwise start it with MODELS_DIR=<the folder above>.`;

export async function main(argv: string[]): Promise<number> {
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) process.stderr.write('\nCtrl-C: saving a checkpoint after this step (press again to quit at once)\n');
    else process.exit(EXIT.interrupted);
  };
  process.on('SIGINT', onSigint);
  try {
    const parsed = parseArgs(argv);
    if (parsed.help) {
      process.stdout.write(`${usage()}\n`);
      return EXIT.ok;
    }
    const args = chooseOutput(parsed);
    const result = await runTraining(args, {
      log: (line) => process.stderr.write(`${line}\n`),
      interrupted: () => interrupts > 0,
      progress: true,
    });
    if (!result.manifest) process.stderr.write('training paused; run the same command again to continue\n');
    else process.stderr.write(`${readyMessage(result.manifest.id, relative(process.cwd(), result.outDir))}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof Interrupted) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.interrupted;
    }
    if (error instanceof ConfigError || error instanceof DataError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    // The stack helps only whoever debugs the trainer; DEBUG=1 shows it.
    const detail = process.env.DEBUG ? ((error as Error).stack ?? String(error)) : ((error as Error).message ?? String(error));
    process.stderr.write(`error: ${detail}\n`);
    return EXIT.failure;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
