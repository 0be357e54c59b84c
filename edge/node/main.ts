import { fileURLToPath } from 'node:url';
import { watchModelFolders } from './model-reload.ts';
import { startNodeServer } from './server.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function portFromEnv(): number {
  const text = process.env.PORT ?? '8787';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT=${text} is not a port number (0-65535)`);
    process.exit(2);
  }
  return port;
}

const modelsDir = process.env.MODELS_DIR ?? `${repo}models`;
const running = await startNodeServer({
  port: portFromEnv(),
  hostname: process.env.HOST ?? '127.0.0.1',
  modelsDir,
  siteDir: process.env.SITE_DIR ?? `${repo}site/dist`,
});
// New, replaced and removed model folders are served without a restart; MODELS_WATCH=0 turns that off.
const watcher = process.env.MODELS_WATCH === '0' ? undefined : watchModelFolders(modelsDir, running);
const models = await running.registry.list();
console.log(`latentlab on http://${process.env.HOST ?? '127.0.0.1'}:${running.port}  (models: ${models.join(', ') || 'none found'}; docs at /v1/docs)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    watcher?.close();
    running.close().then(() => process.exit(0));
  });
}
