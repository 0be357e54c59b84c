import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs as parseNodeArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, FLAG_ALIASES, loadConfig, parseFlagValue } from './config.ts';

export interface CliArgs {
  config: string;
  /** Dotted config paths -> values, from every other --flag. */
  overrides: Record<string, unknown>;
  /** Ignore any checkpoint and train from the start. */
  fresh: boolean;
  /** Allow --out to name a shipped model folder (one whose manifest.json is committed). */
  force: boolean;
  /** Train at most this many steps in this session, then checkpoint and stop (time-sliced or preemptible runs). */
  stopAfterSteps?: number;
  help: boolean;
}

const CONFIG_DIR = resolve(import.meta.dirname, '..', 'configs');

/** One line per config of train/configs: its file and its title. */
export function listConfigs(dir = CONFIG_DIR): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const width = Math.max(0, ...files.map((f) => f.length));
  return files
    .map((f) => {
      const title = (() => {
        try {
          return String((JSON.parse(readFileSync(join(dir, f), 'utf8')) as { title?: unknown }).title ?? '');
        } catch {
          return '(not valid JSON)';
        }
      })();
      return `  ${f.padEnd(width)}  ${title}`;
    })
    .join('\n');
}

export const usage = (): string => `usage: npm run train -- --config train/configs/NAME.json [--FIELD VALUE ...]

Configs (train/configs/):
${listConfigs()}

The model folder is new by default: models/<id>-<n>, the first such folder that does not exist yet, with the
model id <id>-<n>. --out DIR (with --id NAME to match it) writes elsewhere; a shipped model (a folder whose
manifest.json is committed, such as models/digits) is written over only with --force.

Any config field can be overridden by its dotted path (--training.batchSize 32, --data.source.limit 500)
or by a short flag: ${Object.entries(FLAG_ALIASES)
  .map(([flag, path]) => `--${flag} (${path})`)
  .join(', ')}.
Values are read as JSON when they parse (numbers, true/false, arrays), else as text; null removes a
field (--judge null skips the judge). A value that starts with a dash goes after "=" (--lr=-1).

  --fresh            ignore the checkpoint in the run folder and start over
  --force            allow --out to replace a shipped model folder
  --stop-after N     train at most N steps now, save a checkpoint and stop; run again to continue
  --help             this text

A run resumes from its last checkpoint (.cache/runs/<id>-<hash>/) when started again; Ctrl-C saves one and exits with code 130.`;

const SWITCHES = ['help', 'fresh', 'force'];

/**
 * Any config field is a flag, so the option table is built from the flags present: node's parseArgs then reads
 * `--name value` and `--name=value` alike and rejects a missing value.
 */
function optionTable(argv: string[]): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' }, fresh: { type: 'boolean' }, force: { type: 'boolean' } };
  for (const arg of argv) {
    if (!arg.startsWith('--') || arg === '--') continue;
    const name = arg.slice(2).split('=')[0];
    if (!SWITCHES.includes(name) && !options[name]) options[name] = { type: 'string' };
  }
  return options;
}

/** node's parseArgs messages, in the trainer's words (they name the flag and say what to write instead). */
function describeParseError(error: NodeJS.ErrnoException): string {
  const flag = /'(--?[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument "${/'([^']*)'/.exec(error.message)?.[1]}"; flags look like --name value`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && error.message.includes('ambiguous')) return `${flag} needs a value; one that starts with a dash goes after "=" (${flag}=-1)`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `${flag} needs a value`;
  return error.message.split('\n')[0];
}

export function parseArgs(argv: string[]): CliArgs {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseNodeArgs({ args: argv, options: optionTable(argv), strict: true, allowPositionals: false }));
  } catch (error) {
    throw new ConfigError(`${describeParseError(error as NodeJS.ErrnoException)}\n\n${usage()}`);
  }
  const overrides: Record<string, unknown> = {};
  let stopAfterSteps: number | undefined;
  for (const [name, value] of Object.entries(values)) {
    if (SWITCHES.includes(name) || name === 'config') continue;
    if (name === 'stop-after') {
      stopAfterSteps = Number(value);
      if (!Number.isInteger(stopAfterSteps) || stopAfterSteps < 1) throw new ConfigError('--stop-after needs a positive whole number of steps');
    } else {
      overrides[FLAG_ALIASES[name] ?? name] = typeof value === 'string' ? parseFlagValue(value) : value;
    }
  }
  const help = values.help === true;
  const config = typeof values.config === 'string' ? values.config : undefined;
  if (!config && !help) throw new ConfigError(`--config is required\n\n${usage()}`);
  return { config: config ?? '', overrides, fresh: values.fresh === true, force: values.force === true, stopAfterSteps, help };
}

/** A folder is a shipped model when git tracks its manifest; without git, any existing manifest counts as shipped. */
export function isShippedModel(dir: string): boolean {
  const manifest = join(resolve(dir), 'manifest.json');
  if (!existsSync(manifest)) return false;
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', basename(manifest)], { cwd: dirname(manifest), stdio: 'ignore' });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }
}

/**
 * Where the run writes: --out when given (refused for a shipped model unless --force), else a new folder
 * models/<id>-<n> beside the config's `output`, whose model id matches its name as the server requires.
 */
export function chooseOutput(args: CliArgs): CliArgs {
  const config = loadConfig(args.config, args.overrides);
  if ('output' in args.overrides) {
    if (isShippedModel(config.output) && !args.force) {
      throw new ConfigError(`--out ${config.output} is a shipped model (its manifest.json is committed); add --force to replace it, or leave --out out to write a new folder`);
    }
    return args;
  }
  const parent = dirname(config.output);
  let n = 1;
  while (existsSync(join(parent, `${config.id}-${n}`))) n++;
  const id = `${config.id}-${n}`;
  return { ...args, overrides: { ...args.overrides, id, output: relative(process.cwd(), resolve(parent, id)) || '.' } };
}
