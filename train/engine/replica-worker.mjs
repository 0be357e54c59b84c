// One data-parallel replica of a training graph (see replicas.ts). Plain JavaScript on purpose: a worker
// thread does not inherit the tsx loader (under vitest neither `--import tsx` nor the test transform
// reaches it), and this file needs nothing but onnxruntime-node.
//
// onnxruntime-node refuses tensors over SharedArrayBuffers, so each step copies its inputs from the
// shared buffers into its own tensors and its outputs back (memcpy speed, small beside a step).
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const init = workerData;
const bind = (slices) =>
  slices.map(({ name, shape, slice }) => {
    const local = new Float32Array(slice.length);
    return { name, shared: new Float32Array(slice.buffer, slice.offset * 4, slice.length), local, tensor: new ort.Tensor('float32', local, shape) };
  });
const feeds = bind(init.feeds);
const fetches = bind(init.fetches);
const feedMap = Object.fromEntries(feeds.map((f) => [f.name, f.tensor]));
const fetchMap = Object.fromEntries(fetches.map((f) => [f.name, f.tensor]));
try {
  const session = await ort.InferenceSession.create(init.bytes, init.sessionOptions);
  parentPort.on('message', async () => {
    try {
      for (const f of feeds) f.local.set(f.shared);
      await session.run(feedMap, fetchMap);
      for (const f of fetches) f.shared.set(f.local);
      parentPort.postMessage({ done: true });
    } catch (error) {
      parentPort.postMessage({ error: error.message });
    }
  });
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ error: error.message });
}
