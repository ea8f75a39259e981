// Runs ONNX models with onnxruntime-node (CPU) for crosscheck.py.
//
//   node run_ort.js job.json
//
// job.json: {"cases": [{"model": path, "opt": "disabled"|"all",
//            "inputs": [{"name", "dtype", "dims", "file"}], "out_dir": path}]}
// Each input file holds the raw little-endian tensor bytes. For every output
// the script writes out_dir/<index>.bin (raw float32/int64/... bytes) and
// out_dir/outputs.json ([{"name", "dtype", "dims", "file"}]).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, int64: BigInt64Array, int32: Int32Array,
  int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
};

function readTensor(t) {
  const buf = fs.readFileSync(t.file);
  const A = ARRAYS[t.dtype];
  if (!A) throw new Error(`unsupported input dtype ${t.dtype}`);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return new ort.Tensor(t.dtype, new A(ab), t.dims);
}

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  for (const c of job.cases) {
    const sess = await ort.InferenceSession.create(c.model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: c.opt,
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    const feeds = {};
    for (const t of c.inputs) feeds[t.name] = readTensor(t);
    const res = await sess.run(feeds);
    fs.mkdirSync(c.out_dir, { recursive: true });
    const meta = [];
    sess.outputNames.forEach((name, i) => {
      const t = res[name];
      const file = path.join(c.out_dir, `${i}.bin`);
      const d = t.data;
      fs.writeFileSync(file, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
      meta.push({ name, dtype: t.type, dims: t.dims, file });
    });
    fs.writeFileSync(path.join(c.out_dir, 'outputs.json'), JSON.stringify(meta));
    await sess.release();
  }
  console.log(`onnxruntime ${ort.env.versions.common}: ran ${job.cases.length} cases`);
}

main().catch((e) => { console.error(e); process.exit(1); });
