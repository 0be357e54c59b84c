import { defineConfig } from 'astro/config';

// Static output only: every page must work from any static host, inference runs in the visitor's browser.
export default defineConfig({
  output: 'static',
  srcDir: './src',
  outDir: './dist',
  publicDir: './public',
  trailingSlash: 'ignore',
  build: { format: 'directory', assets: 'assets' },
  devToolbar: { enabled: false },
  vite: {
    // The site imports the platform-neutral core from ../edge/core.
    server: { fs: { allow: ['..'] } },
    build: { target: 'es2022', chunkSizeWarningLimit: 600 },
    // The Train page's worker (src/lib/train/train-worker.ts) is a module worker: it imports onnxruntime-web at run time.
    worker: { format: 'es' },
  },
});
