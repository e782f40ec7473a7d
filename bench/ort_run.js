// Runs an ONNX model with ONNX Runtime (npm onnxruntime-node, CPU) on .npy
// inputs and writes its outputs as .npy: the reference for
// bench/torchvision_models.py.
//
//   node bench/ort_run.js model.onnx out_prefix in0.npy [in1.npy ...]
//
// Writes <out_prefix><i>.npy for output i. Only float32 little-endian
// C-order arrays are read and written.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY')
    throw new Error(path + ': not a .npy file');
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12);
  const header = buf.toString('latin1', start, start + headerLen);
  if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True"))
    throw new Error(path + ': expected a C-order float32 array, header ' + header);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1]
      .split(',').map(s => s.trim()).filter(s => s.length).map(Number);
  const offset = start + headerLen;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + offset,
                                                 buf.byteOffset + buf.length));
  return new ort.Tensor('float32', data, shape);
}

function writeNpy(path, tensor) {
  if (tensor.type !== 'float32')
    throw new Error('output of type ' + tensor.type + ' is not supported');
  const shape = tensor.dims.length === 1 ? '(' + tensor.dims[0] + ',)'
                                         : '(' + tensor.dims.join(', ') + ')';
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ', }';
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.from(tensor.data.buffer, tensor.data.byteOffset,
                           tensor.data.byteLength);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), data]));
}

async function main() {
  const [model, prefix, ...inputs] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'all'});
  const feeds = {};
  session.inputNames.forEach((name, i) => { feeds[name] = readNpy(inputs[i]); });
  const results = await session.run(feeds);
  session.outputNames.forEach((name, i) => writeNpy(prefix + i + '.npy', results[name]));
}

main().catch(e => { console.error('ort_run.js: ' + e.message); process.exit(1); });
