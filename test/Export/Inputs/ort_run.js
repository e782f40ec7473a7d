// Runs an ONNX model with ONNX Runtime (Node.js, onnxruntime-node) on the
// samples of a float32 .npy file and writes the outputs as a float32 .npy.
//
//   NODE_PATH=build/npm/node_modules node ort_run.js model.onnx x.npy y.npy
//
// The model's first input has a static batch B; the samples run in chunks of
// B (the last chunk padded with copies of its first sample, and only its real
// rows written). One input, one output.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY')
    throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header))
    throw new Error(`${path}: expected little-endian float32 in C order`);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1]
    .split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const offset = start + headerLen;
  const data = new Float32Array(
    buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + buf.length));
  return { shape, data };
}

function writeNpy(path, shape, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${
    shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(pre, 0);
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([
    pre, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main() {
  const [modelPath, xPath, yPath] = process.argv.slice(2);
  if (!yPath)
    throw new Error('usage: node ort_run.js model.onnx x.npy y.npy');
  const session = await ort.InferenceSession.create(modelPath);
  const x = readNpy(xPath);
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const inputMeta = session.inputMetadata ? session.inputMetadata[0] : null;
  const batch = inputMeta && inputMeta.shape ? Number(inputMeta.shape[0]) : x.shape[0];
  const sampleShape = x.shape.slice(1);
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  const n = x.shape[0];
  let outSampleShape = null;
  let out = null;
  for (let first = 0; first < n; first += batch) {
    const rows = Math.min(batch, n - first);
    const chunk = new Float32Array(batch * sampleSize);
    chunk.set(x.data.subarray(first * sampleSize, (first + rows) * sampleSize));
    for (let r = rows; r < batch; ++r)
      chunk.copyWithin(r * sampleSize, 0, sampleSize);
    const feeds = { [inputName]: new ort.Tensor('float32', chunk, [batch, ...sampleShape]) };
    const result = (await session.run(feeds))[outputName];
    if (!out) {
      outSampleShape = result.dims.slice(1).map(Number);
      out = new Float32Array(n * outSampleShape.reduce((a, b) => a * b, 1));
    }
    const outSize = result.data.length / batch;
    out.set(result.data.subarray(0, rows * outSize), first * outSize);
  }
  writeNpy(yPath, [n, ...outSampleShape], out);
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
