import { ConfigError, FLAG_ALIASES, parseFlagValue } from './config.ts';

export interface CliArgs {
  config: string;
  /** Dotted config paths -> values, from every other --flag. */
  overrides: Record<string, unknown>;
  /** Ignore any checkpoint and train from the start. */
  fresh: boolean;
  /** Train at most this many steps in this session, then checkpoint and stop (time-sliced or preemptible runs). */
  stopAfterSteps?: number;
  help: boolean;
}

export const USAGE = `usage: npm run train -- --config train/configs/NAME.json [--FIELD VALUE ...]

Any config field can be overridden by its dotted path (--training.batchSize 32, --data.source.limit 500)
or by a short flag: ${Object.entries(FLAG_ALIASES)
  .map(([flag, path]) => `--${flag} (${path})`)
  .join(', ')}.
Values are read as JSON when they parse (numbers, true/false, arrays), else as text; null removes a
field (--judge null skips the judge).

  --fresh            ignore the checkpoint in the run folder and start over
  --stop-after N     train at most N steps now, save a checkpoint and stop; run again to continue
  --help             this text

A run resumes from its last checkpoint (.cache/runs/<id>-<hash>/) when started again; Ctrl-C saves one and exits with code 130.`;

/** Parses `--name value`, `--name=value` and bare boolean switches. */
export function parseArgs(argv: string[]): CliArgs {
  const overrides: Record<string, unknown> = {};
  let config: string | undefined;
  let fresh = false;
  let help = false;
  let stopAfterSteps: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') throw new ConfigError(`unexpected argument "${arg}"; flags look like --name value\n\n${USAGE}`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new ConfigError(`--${name} needs a value`);
      i++;
      return next;
    };
    if (name === 'help' || name === 'h') help = true;
    else if (name === 'fresh') fresh = true;
    else if (name === 'config') config = takeValue();
    else if (name === 'stop-after') {
      const value = Number(takeValue());
      if (!Number.isInteger(value) || value < 1) throw new ConfigError(`--stop-after needs a positive whole number of steps`);
      stopAfterSteps = value;
    } else if (name === 'float16' && inline === undefined && (argv[i + 1] === undefined || argv[i + 1].startsWith('--'))) {
      overrides.float16 = true;
    } else {
      const path = FLAG_ALIASES[name] ?? name;
      overrides[path] = parseFlagValue(takeValue());
    }
  }
  if (!config && !help) throw new ConfigError(`--config is required\n\n${USAGE}`);
  return { config: config ?? '', overrides, fresh, stopAfterSteps, help };
}
