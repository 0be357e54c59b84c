// wrangler's CompiledWasm rule (wrangler.toml) turns a `.wasm` import into a module compiled when the Worker is uploaded.
declare module '*.wasm' {
  const compiled: WebAssembly.Module;
  export default compiled;
}
