import { fileURLToPath } from 'node:url';
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

const running = await startNodeServer({
  port: portFromEnv(),
  hostname: process.env.HOST ?? '127.0.0.1',
  modelsDir: process.env.MODELS_DIR ?? `${repo}models`,
  siteDir: process.env.SITE_DIR ?? `${repo}site/dist`,
});
const models = await running.registry.list();
console.log(`latentlab on http://${process.env.HOST ?? '127.0.0.1'}:${running.port}  (models: ${models.join(', ') || 'none found'}; docs at /v1/docs)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.close().then(() => process.exit(0));
  });
}
